"""Writing, reviewing and publishing articles (services)."""

from __future__ import annotations

import pytest

from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.core.models import AuditEntry
from kehu.knowledge import services
from kehu.knowledge.models import Article, Status


def draft(by, **extra) -> Article:
    fields = {"kind": "script", "title": "报修回访开场", "body": "「您好，我是客服中心的小王。」", "stage": "opening",
              **extra}
    return services.article_create(by=by, tags=["回访"], **fields)


def published(alice, carol, **extra) -> Article:
    article = draft(alice, **extra)
    services.article_submit(article=article, by=alice)
    return services.article_approve(article=article, by=carol)


def test_a_new_article_is_a_draft_of_its_author(alice):
    article = draft(alice)
    assert (article.status, article.version, article.created_by) == (Status.DRAFT, 0, alice)
    assert list(article.tags.values_list("name", flat=True)) == ["回访"]
    assert AuditEntry.objects.filter(action="knowledge.article.created", object_id=article.pk).exists()


def test_draft_goes_to_review_then_a_supervisor_publishes_it_as_version_one(alice, carol):
    article = draft(alice)
    services.article_submit(article=article, by=alice)
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW
    services.article_approve(article=article, by=carol, note="写得清楚")
    article.refresh_from_db()
    assert (article.status, article.version) == (Status.PUBLISHED, 1)
    assert list(article.versions.values_list("number", "state", "note")) == [(1, "published", "写得清楚")]
    assert AuditEntry.objects.filter(action="knowledge.article.approved", actor=carol).exists()


@pytest.mark.parametrize("approver", ["carol", "frank", "root"])
def test_supervisors_managers_and_admins_may_approve(org, alice, approver):
    article = draft(alice)
    services.article_submit(article=article, by=alice)
    services.article_approve(article=article, by=org[approver])
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_agents_and_account_managers_cannot_approve(org, alice, who):
    article = draft(alice)
    services.article_submit(article=article, by=alice)
    with pytest.raises(NotAllowed):
        services.article_approve(article=article, by=org[who])
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW


def test_approving_a_draft_that_was_never_submitted_is_refused(alice, carol):
    with pytest.raises(Conflict):
        services.article_approve(article=draft(alice), by=carol)


def test_a_rejected_article_returns_to_draft_with_the_reason(alice, carol):
    article = draft(alice)
    services.article_submit(article=article, by=alice)
    with pytest.raises(InvalidInput):
        services.article_reject(article=article, by=carol, note="  ")
    services.article_reject(article=article, by=carol, note="开场太长")
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert AuditEntry.objects.get(action="knowledge.article.rejected").note == "开场太长"


def test_another_agent_cannot_edit_or_submit_someone_elses_draft(alice, bob):
    article = draft(alice)
    with pytest.raises(NotAllowed):
        services.article_update(article=article, by=bob, title="改标题")
    with pytest.raises(NotAllowed):
        services.article_submit(article=article, by=bob)


def test_editing_a_published_article_keeps_the_published_text_live_until_approved(alice, carol):
    article = published(alice, carol)
    services.article_update(article=article, by=alice, body="「您好，这里是客服热线。」", note="更口语")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.body == "「您好，我是客服中心的小王。」"
    pending = article.pending_version()
    assert (pending.number, pending.state, pending.body) == (2, Status.DRAFT, "「您好，这里是客服热线。」")

    services.article_submit(article=article, by=alice)
    assert Article.objects.get(pk=article.pk).body == "「您好，我是客服中心的小王。」"
    services.article_approve(article=article, by=carol)
    article.refresh_from_db()
    assert (article.body, article.version, article.status) == ("「您好，这里是客服热线。」", 2, Status.PUBLISHED)
    assert list(article.versions.values_list("number", "state")) == [(2, "published"), (1, "published")]
    assert article.versions.get(number=1).body == "「您好，我是客服中心的小王。」"
    assert article.pending_version() is None


def test_a_second_edit_before_approval_updates_the_same_pending_version(alice, carol):
    article = published(alice, carol)
    services.article_update(article=article, by=alice, title="回访开场（一）")
    services.article_update(article=article, by=alice, title="回访开场（二）", tags=["回访", "开场"])
    assert article.versions.count() == 2
    services.article_submit(article=article, by=alice)
    services.article_approve(article=article, by=carol)
    article.refresh_from_db()
    assert article.title == "回访开场（二）"
    assert sorted(article.tags.values_list("name", flat=True)) == ["回访", "开场"]


def test_a_rejected_edit_goes_back_to_draft_and_the_live_text_is_unchanged(alice, carol):
    article = published(alice, carol)
    services.article_update(article=article, by=alice, body="改过的文字")
    services.article_submit(article=article, by=alice)
    services.article_reject(article=article, by=carol, note="不够礼貌")
    article.refresh_from_db()
    assert article.pending_version().state == Status.DRAFT
    assert article.body == "「您好，我是客服中心的小王。」"


def test_invalid_fields_are_reported_by_name(alice, carol):
    with pytest.raises(InvalidInput) as exc:
        services.article_create(by=alice, kind="script", title="", body="x", stage="lunch")
    assert {"title", "stage"} <= set(exc.value.errors)
    article = published(alice, carol)
    with pytest.raises(InvalidInput) as exc:
        services.article_update(article=article, by=alice, customer_type="grumpy")
    assert "customer_type" in exc.value.errors
    with pytest.raises(InvalidInput):
        services.article_update(article=article, by=alice, kind="faq")


def test_editing_a_draft_in_review_takes_it_back_to_draft(alice):
    article = draft(alice)
    services.article_submit(article=article, by=alice)
    services.article_update(article=article, by=alice, title="新标题")
    article.refresh_from_db()
    assert (article.title, article.status) == ("新标题", Status.DRAFT)


def test_each_use_counts_once(alice, carol):
    article = published(alice, carol)
    assert services.article_use(article=article, by=alice) == 1
    assert services.article_use(article=article, by=carol) == 2
    assert AuditEntry.objects.filter(action="knowledge.article.used").count() == 2


def test_a_second_rating_by_the_same_agent_replaces_the_first(alice, bob, carol):
    article = published(alice, carol)
    services.article_rate(article=article, by=alice, helped=True)
    services.article_rate(article=article, by=bob, helped=True)
    services.article_rate(article=article, by=alice, helped=False, comment="客户不买账")
    article.refresh_from_db()
    assert (article.helped_count, article.not_helped_count) == (1, 1)
    assert article.ratings.get(user=alice).comment == "客户不买账"


def test_an_archived_article_is_hidden_from_agents_and_can_be_restored(alice, carol):
    article = published(alice, carol)
    with pytest.raises(NotAllowed):
        services.article_archive(article=article, by=alice)
    services.article_archive(article=article, by=carol)
    assert not Article.objects.visible_to(carol).published().filter(pk=article.pk).exists()
    assert Article.objects.visible_to(alice).filter(pk=article.pk).exists()  # still the author's
    with pytest.raises(Conflict):
        services.article_archive(article=article, by=carol)
    services.article_archive(article=article, by=carol, archived=False)
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
