"""The knowledge base pages, for each role."""

from __future__ import annotations

import pytest

from kehu.knowledge import services
from kehu.knowledge.models import Article, Status


def faq_billing() -> Article:
    return Article.objects.get(kind="faq", question="这个月的电费为什么比上个月高很多？")


def test_an_agent_sees_published_articles_and_own_drafts_but_not_others_drafts(web_as, alice, bob, alice_draft):
    bobs = services.article_create(by=bob, kind="faq", title="鲍勃的草稿", body="答案", question="鲍勃的问题")
    page = web_as(alice).get("/knowledge/?kind=faq")
    assert page.status_code == 200
    assert "这个月的电费为什么比上个月高很多？" in page.content.decode()
    assert "鲍勃的草稿" not in web_as(alice).get("/knowledge/?q=草稿").content.decode()
    assert "阿丽丝的草稿" in web_as(alice).get("/knowledge/?q=草稿").content.decode()
    assert web_as(alice).get(f"/knowledge/{bobs.pk}/").status_code == 404
    assert web_as(alice).get(f"/knowledge/{bobs.pk}/edit/").status_code == 404
    assert web_as(alice).get(f"/knowledge/{alice_draft.pk}/").status_code == 200


def test_an_approver_sees_every_draft_and_the_review_queue(web_as, alice, carol, alice_draft):
    services.article_submit(article=alice_draft, by=alice)
    page = web_as(carol).get("/knowledge/?status=review").content.decode()
    assert "阿丽丝的草稿" in page and "投诉处理五步法" not in page
    assert "批准并发布" in web_as(carol).get(f"/knowledge/{alice_draft.pk}/").content.decode()


def test_filters_narrow_the_list(web_as, alice):
    page = web_as(alice).get("/knowledge/?kind=strategy&customer_type=irritable").content.decode()
    assert "应对易怒型客户" in page and "应对随和型客户" not in page
    page = web_as(alice).get("/knowledge/?request_kind=emergency_repair&kind=script").content.decode()
    assert "抢修来电与安全提示" in page and "投诉处理五步法" not in page
    assert "通话第三步：了解需求" in web_as(alice).get("/knowledge/?stage=needs").content.decode()
    assert "投诉处理五步法" in web_as(alice).get("/knowledge/?tag=投诉").content.decode()


def test_a_query_in_traditional_characters_finds_simplified_articles(web_as, alice):
    traditional = web_as(alice).get("/knowledge/?q=查詢帳單").content.decode()
    simplified = web_as(alice).get("/knowledge/?q=查询账单").content.decode()
    assert "怎样查询账单和欠费？" in simplified
    assert traditional.split("<tbody>")[1] == simplified.split("<tbody>")[1]
    assert "这个月的电费为什么比上个月高很多？" in web_as(alice).get("/knowledge/?q=電費").content.decode()


@pytest.mark.parametrize("query", ["?page=abc", "?page=99999999999", "?category=99999999999999999999",
                                   "?status=nonsense&kind=<script>", "?q=" + "电" * 500, "?q=%00", "?tag=%00&stage=%00"])
def test_bad_list_parameters_give_a_page_not_an_error(web_as, alice, query):
    assert web_as(alice).get("/knowledge/" + query).status_code == 200


def test_the_article_page_shows_text_variants_and_versions(web_as, alice):
    page = web_as(alice).get(faq_billing().get_absolute_url()).content.decode()
    assert "电费突然变高了怎么回事" in page and "v1" in page and "阶梯电价" in page


def test_an_agent_writes_a_draft_and_submits_it_a_supervisor_publishes_it(web_as, alice, carol):
    response = web_as(alice).post("/knowledge/new/", {
        "kind": "script", "title": "催缴电话开场", "body": "「您好，提醒您本月电费还未缴纳。」", "channel": "phone",
        "stage": "opening", "tags": "催缴，外呼",
    })
    article = Article.objects.get(title="催缴电话开场")
    assert response.status_code == 302 and article.status == Status.DRAFT
    assert sorted(article.tags.values_list("name", flat=True)) == sorted(["外呼", "催缴"])
    web_as(alice).post(f"/knowledge/{article.pk}/submit/")
    assert web_as(alice).post(f"/knowledge/{article.pk}/approve/").status_code == 302
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW  # an agent's approval is refused
    web_as(carol).post(f"/knowledge/{article.pk}/approve/")
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


def test_a_form_with_errors_is_shown_again_with_the_message(web_as, alice):
    response = web_as(alice).post("/knowledge/new/", {"kind": "script", "title": "", "body": "x",
                                                      "channel": "phone", "stage": "lunch"})
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    assert not Article.objects.filter(body="x").exists()


def test_editing_a_published_article_on_the_page_keeps_the_live_text(web_as, carol, alice):
    article = Article.objects.get(title="投诉处理五步法")
    original = article.body
    web_as(carol).post(f"/knowledge/{article.pk}/edit/", {
        "kind": "script", "title": article.title, "body": "新的五步法", "channel": "any",
        "request_kind": "complaint", "note": "精简",
    })
    assert "新的五步法" not in web_as(alice).get(article.get_absolute_url()).content.decode()
    assert Article.objects.get(pk=article.pk).body == original
    page = web_as(carol).get(f"/knowledge/{article.pk}/versions/2/")
    assert page.status_code == 200 and "新的五步法" in page.content.decode()
    assert web_as(alice).get(f"/knowledge/{article.pk}/versions/2/").status_code == 404
    web_as(carol).post(f"/knowledge/{article.pk}/submit/")
    web_as(carol).post(f"/knowledge/{article.pk}/approve/")
    assert "新的五步法" in web_as(alice).get(article.get_absolute_url()).content.decode()
    assert original.splitlines()[0] in web_as(alice).get(f"/knowledge/{article.pk}/versions/1/").content.decode()


def test_reject_needs_a_reason(web_as, alice, carol, alice_draft):
    services.article_submit(article=alice_draft, by=alice)
    web_as(carol).post(f"/knowledge/{alice_draft.pk}/reject/", {"note": ""})
    assert Article.objects.get(pk=alice_draft.pk).status == Status.REVIEW
    web_as(carol).post(f"/knowledge/{alice_draft.pk}/reject/", {"note": "请补充参考话术"})
    assert Article.objects.get(pk=alice_draft.pk).status == Status.DRAFT


def test_rating_and_copying_on_the_page(web_as, alice):
    article = faq_billing()
    web_as(alice).post(f"/knowledge/{article.pk}/rate/", {"helped": "yes"})
    web_as(alice).post(f"/knowledge/{article.pk}/rate/", {"helped": "no"})
    response = web_as(alice).post(f"/knowledge/{article.pk}/use/")
    article.refresh_from_db()
    assert (article.helped_count, article.not_helped_count) == (0, 1)
    assert response.json() == {"usage_count": 1} and article.usage_count == 1
    assert web_as(alice).get(f"/knowledge/{article.pk}/use/").status_code == 405


def test_template_preview_fills_a_sample_and_escapes_html(web_as, alice, bob, template, ticket):
    page = web_as(alice).get(f"/knowledge/{template.pk}/preview/").content.decode()
    assert "T20240001" in page and "138****5678" in page
    page = web_as(alice).get(f"/knowledge/{template.pk}/preview/?ticket={ticket.pk}").content.decode()
    assert "张&lt;b&gt;伟&lt;/b&gt;" in page and "张<b>伟" not in page
    assert "138****5678" in page and "{customer.__class__}" in page
    assert "13812345678" in web_as(bob).get(f"/knowledge/{template.pk}/preview/?ticket={ticket.pk}").content.decode()


def test_preview_of_a_ticket_outside_the_viewers_scope_is_404(web_as, dave, template, ticket):
    assert web_as(dave).get(f"/knowledge/{template.pk}/preview/?ticket={ticket.pk}").status_code == 404


def test_pages_need_a_login(client):
    response = client.get("/knowledge/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_list_page_costs_the_same_queries_for_ten_rows_or_fifty(web_as, alice, django_assert_max_num_queries):
    client = web_as(alice)
    client.get("/knowledge/?kind=template")  # warm the session and the role policy
    with django_assert_max_num_queries(8):
        assert client.get("/knowledge/?kind=template").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/knowledge/").status_code == 200


def test_an_archived_article_disappears_for_agents(web_as, alice, carol):
    article = faq_billing()
    web_as(alice).post(f"/knowledge/{article.pk}/archive/")
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    web_as(carol).post(f"/knowledge/{article.pk}/archive/")
    assert web_as(alice).get(article.get_absolute_url()).status_code == 404
    web_as(carol).post(f"/knowledge/{article.pk}/archive/", {"restore": "yes"})
    assert web_as(alice).get(article.get_absolute_url()).status_code == 200
