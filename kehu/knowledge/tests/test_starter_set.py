"""The starter set is in every fresh database (loaded by a migration)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kehu.engines.assist import labels
from kehu.knowledge.models import Article, Kind, Stage

pytestmark = pytest.mark.django_db


def published(**f: object):
    return Article.objects.published().filter(**f)


def test_the_five_stages_of_a_phone_call_each_have_a_script():
    stages = set(published(kind=Kind.SCRIPT).exclude(stage="").filter(scenario="")
                 .values_list("stage", flat=True))
    assert stages == set(Stage.values)


def test_at_least_eight_difficult_scenarios_have_a_script():
    scenarios = set(published(kind=Kind.SCRIPT).exclude(scenario="").values_list("scenario", flat=True))
    assert len(scenarios) >= 8
    assert {"demands_superior", "media_threat", "abusive_language", "outage_no_eta"} <= scenarios


def test_every_customer_type_has_a_strategy_card_with_the_title_assist_looks_for():
    codes = [c for c in labels.TYPES if c != "unknown"] + list(labels.MORE_TYPES)
    titles = set(published(kind=Kind.STRATEGY).values_list("title", flat=True))
    assert len(codes) == 12
    assert {labels.strategy_title(c) for c in codes} <= titles
    card = published(title="应对易怒型客户").get()
    for section in ("【识别特征】", "【应对要点】", "【切忌】", "【参考话术】"):
        assert section in card.body


def test_thirty_faq_entries_each_with_two_to_four_variants():
    faqs = list(published(kind=Kind.FAQ))
    assert len(faqs) >= 30
    assert all(2 <= len(f.variant_list()) <= 4 and f.question and f.body for f in faqs)


def test_every_request_kind_has_a_script():
    kinds = set(published(kind=Kind.SCRIPT).values_list("request_kind", flat=True))
    assert set(labels.KINDS) <= kinds
    assert published(kind=Kind.SCRIPT, request_kind="complaint", title__contains="投诉").exists()
    assert "远离" in published(kind=Kind.SCRIPT, request_kind="emergency_repair").get().body


def test_templates_for_replies_and_e_mails_use_variables():
    templates = list(published(kind=Kind.TEMPLATE))
    assert {t.template_kind for t in templates} == {"reply", "email"}
    assert all("{customer.name}" in t.body for t in templates)


def test_each_starter_article_has_its_first_version_in_the_history():
    article = published(title="投诉处理五步法").get()
    assert list(article.versions.values_list("number", "state")) == [(1, "published")]
    assert article.version == 1


def test_loading_the_starter_set_again_adds_nothing(capsys):
    before = Article.objects.count()
    call_command("knowledge", "load-starter")
    assert Article.objects.count() == before
    assert "0 starter articles added" in capsys.readouterr().out
