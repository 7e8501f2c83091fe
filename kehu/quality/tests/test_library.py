"""The coaching library: evaluators add exemplary calls, everyone listens."""

from __future__ import annotations

import pytest

from kehu.quality.models import LibraryEntry
from kehu.quality.services import evaluation_create, evaluation_score
from kehu.quality.tests.conftest import full_marks, make_call


@pytest.fixture
def best(form, amy, carol):
    evaluation = evaluation_create(by=carol, interaction=make_call(amy, problem="停电抢修咨询"))
    return evaluation_score(evaluation=evaluation, by=carol, items=full_marks(form), submit=True)


def test_an_evaluator_adds_a_call_and_a_new_agent_listens(best, carol, alice, english_web) -> None:
    response = english_web(carol).post(f"/quality/evaluations/{best.pk}/library/", {
        "title": "雷雨天停电的安抚", "note": "先安抚情绪，再报抢修时限，结束前复述工单号", "tags": "投诉，安抚, 抢修"})
    assert response.status_code == 302
    entry = LibraryEntry.objects.get()
    assert entry.tags == ["投诉", "安抚", "抢修"]
    page = english_web(alice).get("/quality/library/").content.decode()
    assert "雷雨天停电的安抚" in page and 'src="https://pbx.example.cn/rec/1.wav"' in page and "<audio" in page
    assert "雷雨天" in english_web(alice).get("/quality/library/", {"tag": "安抚"}).content.decode()
    assert "雷雨天" not in english_web(alice).get("/quality/library/", {"tag": "催缴"}).content.decode()
    assert "雷雨天" in english_web(alice).get("/quality/library/", {"q": "复述"}).content.decode()


def test_agents_cannot_add_and_a_call_is_added_once(best, amy, carol, english_web) -> None:
    response = english_web(amy).post(f"/quality/evaluations/{best.pk}/library/", {"note": "我自己的好电话"},
                                     follow=True)
    assert "Only supervisors and managers add to the coaching library." in response.content.decode()
    web = english_web(carol)
    web.post(f"/quality/evaluations/{best.pk}/library/", {"note": "好"})
    response = web.post(f"/quality/evaluations/{best.pk}/library/", {"note": "再加一次"}, follow=True)
    assert "already in the coaching library" in response.content.decode()
    assert LibraryEntry.objects.count() == 1


def test_a_note_and_a_recording_are_needed(form, amy, carol, english_web) -> None:
    evaluation = evaluation_create(by=carol, interaction=make_call(amy, recording_url=""))
    evaluation = evaluation_score(evaluation=evaluation, by=carol, items=full_marks(form), submit=True)
    response = english_web(carol).post(f"/quality/evaluations/{evaluation.pk}/library/", {"note": ""}, follow=True)
    html = response.content.decode()
    assert "Say what makes this call worth hearing." in html and "This interaction has no recording." in html
