"""Agents see their own evaluations and the library; supervisors score their team; managers all."""

from __future__ import annotations

import pytest

from kehu.quality.models import Evaluation
from kehu.quality.services import evaluation_create, evaluation_score
from kehu.quality.tests.conftest import full_marks, make_call


@pytest.fixture
def scored(form, amy, ben, alice, carol, frank) -> dict[str, Evaluation]:
    """A submitted evaluation of amy and of ben (by carol), of alice (by frank), and a draft of amy."""
    out = {}
    for name, agent, by in (("amy", amy, carol), ("ben", ben, carol), ("alice", alice, frank)):
        evaluation = evaluation_create(by=by, interaction=make_call(agent))
        out[name] = evaluation_score(evaluation=evaluation, by=by, items=full_marks(form), submit=True)
    out["amy_draft"] = evaluation_create(by=carol, interaction=make_call(amy))
    return out


def _ids(response) -> set[int]:
    assert response.status_code == 200
    return {e["id"] for e in response.json()}


def test_an_agent_sees_only_her_own_submitted_evaluations(scored, amy, english_api, english_web) -> None:
    assert _ids(english_api(amy).get("/api/quality/evaluations")) == {scored["amy"].pk}
    web = english_web(amy)
    assert web.get(f"/quality/evaluations/{scored['ben'].pk}/").status_code == 404
    assert web.get(f"/quality/evaluations/{scored['amy_draft'].pk}/").status_code == 404
    assert english_api(amy).get(f"/api/quality/evaluations/{scored['ben'].pk}").status_code == 404
    mine = web.get("/quality/mine/").content.decode()
    assert f"#{scored['amy'].pk}" in mine and f"#{scored['ben'].pk}" not in mine
    # The queue is for evaluators: an agent lands on her own list.
    assert web.get("/quality/").url == "/quality/mine/"


def test_a_supervisor_sees_and_scores_her_team_only(scored, carol, alice, english_api, english_web) -> None:
    assert _ids(english_api(carol).get("/api/quality/evaluations")) == {
        scored["amy"].pk, scored["ben"].pk, scored["amy_draft"].pk}
    assert english_web(carol).get(f"/quality/evaluations/{scored['alice'].pk}/").status_code == 404
    response = english_api(carol).post("/api/quality/evaluations", {"interaction": make_call(alice).pk, "items": []})
    assert response.status_code == 403 and "You may not score Alice" in response.json()["message"]


def test_a_manager_sees_all_and_scores_anyone(scored, frank, amy, form, english_api) -> None:
    assert _ids(english_api(frank).get("/api/quality/evaluations")) == {e.pk for e in scored.values()}
    response = english_api(frank).post("/api/quality/evaluations",
                                       {"interaction": make_call(amy).pk, "items": full_marks(form)})
    assert response.status_code == 201


def test_agents_cannot_score_decide_or_answer_for_others(scored, amy, ben, form, english_api) -> None:
    api = english_api(amy)
    response = api.post("/api/quality/evaluations", {"interaction": make_call(ben).pk, "items": full_marks(form)})
    assert response.status_code == 403
    assert english_api(ben).post(f"/api/quality/evaluations/{scored['amy'].pk}/acknowledge").status_code == 404
    api.post(f"/api/quality/evaluations/{scored['amy'].pk}/appeal", {"reason": "不同意"})
    response = api.post(f"/api/quality/evaluations/{scored['amy'].pk}/appeal-decision",
                        {"decision": "upheld", "note": "我说了算", "items": full_marks(form)})
    assert response.status_code == 403
    assert Evaluation.objects.get(pk=scored["amy"].pk).status == "appealed"


def test_the_supervisor_may_not_acknowledge_for_the_agent(scored, carol, english_api) -> None:
    response = english_api(carol).post(f"/api/quality/evaluations/{scored['amy'].pk}/acknowledge")
    assert response.status_code == 403
    assert response.json()["message"] == "Only the agent who was scored can do this."


def test_nobody_scores_themselves(form, carol, frank, english_api) -> None:
    response = english_api(frank).post("/api/quality/evaluations", {"interaction": make_call(frank).pk, "items": []})
    assert response.status_code == 403


def test_reports_are_scoped(scored, amy, carol, frank, english_web) -> None:
    week = scored["amy"].week
    assert "Alice" not in english_web(carol).get("/quality/reports/", {"start": week, "end": week}).content.decode()
    assert "Alice" in english_web(frank).get("/quality/reports/", {"start": week, "end": week}).content.decode()
    page = english_web(amy).get("/quality/reports/", {"start": week, "end": week}).content.decode()
    assert "Amy" in page and "Ben" not in page
