"""recommend(): the assist app's way into the knowledge base (starter set from the migration)."""

from __future__ import annotations

import pytest

from kehu.knowledge import services
from kehu.knowledge.recommend import DEFAULT_FIRST_REPLY
from kehu.knowledge.services import recommend

pytestmark = pytest.mark.django_db


def test_an_irritable_complainer_gets_the_irritable_card_and_complaint_scripts():
    rec = recommend(type_code="irritable", kind_code="complaint", emotion="angry",
                    text="你们到底管不管！电费又多扣了，再不处理我就打12315投诉！")
    assert rec.strategy is not None and rec.strategy.title == "应对易怒型客户"
    assert rec.scripts[0].title == "投诉处理五步法"
    assert any("投诉" in s.title or s.scenario in ("abusive_language", "media_threat") for s in rec.scripts[1:])
    assert len(rec.scripts) <= 3
    assert rec.first_reply and rec.first_reply != DEFAULT_FIRST_REPLY


def test_a_billing_question_finds_the_billing_faq():
    rec = recommend(type_code="easygoing", kind_code="inquiry", text="我想问一下这个月电费为什么这么高？")
    assert rec.faqs and rec.faqs[0].question == "这个月的电费为什么比上个月高很多？"
    assert rec.strategy.title == "应对随和型客户"


def test_a_question_in_traditional_characters_finds_the_same_faq():
    simplified = recommend(type_code="unknown", kind_code="inquiry", text="停电什么时候能恢复")
    traditional = recommend(type_code="unknown", kind_code="inquiry", text="停電什麼時候能恢復")
    assert traditional.faqs and [a.pk for a in traditional.faqs] == [a.pk for a in simplified.faqs]


def test_unknown_type_has_no_card_but_still_gets_scripts_and_a_first_reply():
    rec = recommend(type_code="unknown", kind_code="emergency_repair", text="路边电线掉下来了还冒火花")
    assert rec.strategy is None
    assert rec.scripts[0].request_kind == "emergency_repair"
    assert "电线" in rec.first_reply
    assert rec.faqs[0].title == "看到电线掉在地上怎么办？" and len(rec.faqs) == 1


def test_every_type_and_kind_gets_an_answer():
    from kehu.engines.assist import labels

    for type_code in [*labels.TYPES, *labels.MORE_TYPES]:
        for kind_code in labels.KINDS:
            rec = recommend(type_code=type_code, kind_code=kind_code)
            assert rec.scripts and rec.first_reply
            assert (rec.strategy is None) == (type_code == "unknown")


def test_nonsense_input_is_answered_without_matches():
    rec = recommend(type_code="no-such-type", kind_code="no-such-kind", text="🙂🙂!!! <script>" * 5000, limit=999)
    assert rec.strategy is None and rec.faqs == []
    assert rec.scripts and all(s.stage == "opening" for s in rec.scripts)


def test_only_published_scripts_are_recommended(alice):
    services.article_create(by=alice, kind="script", title="草稿：投诉新话术", body="「草稿」", request_kind="complaint")
    rec = recommend(type_code="irritable", kind_code="complaint", limit=20)
    assert all(s.status == "published" for s in rec.scripts)
    assert "草稿：投诉新话术" not in [s.title for s in rec.scripts]


def test_the_domineering_type_brings_the_superior_scenario_forward():
    rec = recommend(type_code="domineering", kind_code="complaint", text="叫你们领导来")
    assert "demands_superior" in [s.scenario for s in rec.scripts]
