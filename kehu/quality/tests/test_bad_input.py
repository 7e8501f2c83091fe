"""Bad input gets a clear message and the right status, never a 500."""

from __future__ import annotations

import pytest

from kehu.quality.models import Evaluation, Remark
from kehu.quality.services import evaluation_create
from kehu.quality.tests.conftest import full_marks, make_call


@pytest.fixture
def draft(form, amy, carol) -> Evaluation:
    return evaluation_create(by=carol, interaction=make_call(amy))


def _item(form, name: str) -> int:
    return form.items.get(name=name).pk


def test_a_score_above_the_maximum_is_refused_and_nothing_is_kept(form, amy, carol, english_api) -> None:
    call = make_call(amy)
    response = english_api(carol).post("/api/quality/evaluations", {
        "interaction": call.pk, "items": full_marks(form, 倾听=16)})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == f"item-{_item(form, '倾听')}" and body["errors"][body["field"]] == \
        "Give between 0 and 15 points."
    assert not Evaluation.objects.exists()  # all or nothing


@pytest.mark.parametrize("points, message", [(-1, "Give between 0 and 15 points."),
                                             ("abc", "Input should be a valid decimal"),
                                             ("NaN", "finite number")])
def test_other_bad_points(form, amy, carol, english_api, points, message) -> None:
    response = english_api(carol).post("/api/quality/evaluations", {
        "interaction": make_call(amy).pk, "items": full_marks(form, 倾听=points)})
    assert response.status_code == 422 and message in str(response.json())


def test_submitting_with_an_item_left_out_names_it(form, amy, carol, english_api) -> None:
    items = [i for i in full_marks(form) if i["item"] != _item(form, "结束语")]
    response = english_api(carol).post("/api/quality/evaluations", {"interaction": make_call(amy).pk, "items": items})
    assert response.status_code == 422
    assert response.json()["errors"] == {f"item-{_item(form, '结束语')}": "Score this item."}


def test_an_item_of_another_form_is_refused(draft, carol, english_api, form) -> None:
    response = english_api(carol).post("/api/quality/evaluations", {
        "interaction": make_call(draft.agent).pk, "items": [{"item": 999999, "points": 1}], "submit": False})
    assert response.status_code == 422
    assert response.json()["errors"] == {"item-999999": "This item is not on the evaluation's form."}


def test_scoring_twice_is_refused(draft, form, carol, english_web, english_api) -> None:
    web = english_web(carol)
    data = {f"item-{i['item']}": "pass" if "passed" in i else i["points"] for i in full_marks(form)}
    assert web.post(f"/quality/evaluations/{draft.pk}/score/", {**data, "submit": "1"}).status_code == 302
    response = web.post(f"/quality/evaluations/{draft.pk}/score/", {**data, "submit": "1"}, follow=True)
    assert response.status_code == 200
    assert "This evaluation was submitted on" in response.content.decode()
    again = english_api(carol).post("/api/quality/evaluations", {"interaction": draft.interaction_id,
                                                                 "items": full_marks(form)})
    assert again.status_code == 409 and again.json()["existing_id"] == draft.pk


def test_a_page_with_a_bad_score_comes_back_with_the_typed_values(draft, form, carol, english_web) -> None:
    data = {f"item-{i['item']}": "pass" if "passed" in i else i["points"] for i in full_marks(form)}
    data[f"item-{_item(form, '倾听')}"] = "99"
    data[f"item-{_item(form, '提问')}"] = "7.5"
    response = english_web(carol).post(f"/quality/evaluations/{draft.pk}/score/", {**data, "submit": "1"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give between 0 and 15 points." in page and 'value="7.5"' in page and 'value="99"' in page
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_appeal_after_acknowledgement_is_refused(draft, form, amy, carol, english_api) -> None:
    english_api(carol).post("/api/quality/evaluations", {"interaction": make_call(amy).pk, "items": []})
    from kehu.quality.services import evaluation_score

    evaluation_score(evaluation=draft, by=carol, items=full_marks(form), submit=True)
    api = english_api(amy)
    assert api.post(f"/api/quality/evaluations/{draft.pk}/acknowledge").status_code == 200
    response = api.post(f"/api/quality/evaluations/{draft.pk}/appeal", {"reason": "其实不同意"})
    assert response.status_code == 409
    assert "it can no longer be appealed" in response.json()["message"]
    response = api.post(f"/api/quality/evaluations/{draft.pk}/acknowledge")
    assert response.status_code == 409 and "You already acknowledged" in response.json()["message"]


def test_appeal_needs_a_reason_and_decisions_need_a_valid_decision(draft, form, amy, carol, english_api) -> None:
    from kehu.quality.services import evaluation_score

    evaluation_score(evaluation=draft, by=carol, items=full_marks(form), submit=True)
    response = english_api(amy).post(f"/api/quality/evaluations/{draft.pk}/appeal", {"reason": "  "})
    assert response.status_code == 422 and response.json()["field"] == "reason"
    english_api(amy).post(f"/api/quality/evaluations/{draft.pk}/appeal", {"reason": "不同意"})
    api = english_api(carol)
    assert api.post(f"/api/quality/evaluations/{draft.pk}/appeal-decision",
                    {"decision": "maybe", "note": "x"}).status_code == 422
    response = api.post(f"/api/quality/evaluations/{draft.pk}/appeal-decision", {"decision": "upheld", "note": "对"})
    assert response.status_code == 422 and response.json()["field"] == "items"
    response = api.post(f"/api/quality/evaluations/{draft.pk}/appeal-decision",
                        {"decision": "rejected", "note": ""})
    assert response.status_code == 422 and response.json()["field"] == "note"


def test_deciding_what_was_not_appealed_is_refused(draft, carol, english_api) -> None:
    response = english_api(carol).post(f"/api/quality/evaluations/{draft.pk}/appeal-decision",
                                       {"decision": "rejected", "note": "无"})
    assert response.status_code == 409 and response.json()["message"] == "Only an appealed evaluation can be decided."


@pytest.mark.parametrize("at", ["1:2", "abc", "99:99", "", "25:00:00"])
def test_a_remark_needs_a_moment_as_mm_ss(draft, carol, english_web, at) -> None:
    response = english_web(carol).post(f"/quality/evaluations/{draft.pk}/remarks/", {"at": at, "text": "好"},
                                       follow=True)
    assert response.status_code == 200 and "Give the moment as mm:ss" in response.content.decode()
    assert not Remark.objects.exists()


def test_remarks_accept_h_mm_ss_and_seconds(draft, carol, english_api, form) -> None:
    response = english_api(carol).post("/api/quality/evaluations", {
        "interaction": make_call(draft.agent).pk, "items": full_marks(form),
        "remarks": [{"at": "1:02:03", "text": "长通话"}, {"at": 95, "text": "安抚到位"}]})
    assert response.status_code == 201
    assert [(r["at"], r["at_s"]) for r in response.json()["remarks"]] == [("01:35", 95), ("62:03", 3723)]


@pytest.mark.parametrize("body", [{"interaction": 2**70}, {"interaction": 0}, {"ticket": -1}, {},
                                  {"interaction": 1, "ticket": 1}, {"form": 2**63}, "not json"])
def test_odd_api_bodies(draft, carol, english_api, body) -> None:
    api = english_api(carol)
    response = api.client.post("/api/quality/evaluations", body, content_type="application/json") \
        if isinstance(body, str) else api.post("/api/quality/evaluations", body)
    assert response.status_code in (400, 404, 409, 422)
    assert response.json()["message"]


@pytest.mark.parametrize("path", ["/api/quality/evaluations/99999999999999999999999",
                                  "/api/quality/evaluations/0/acknowledge"])
def test_odd_ids(carol, english_api, path) -> None:
    api = english_api(carol)
    response = api.post(path) if path.endswith("acknowledge") else api.get(path)
    assert response.status_code in (404, 422)


def test_a_call_nobody_answered_cannot_be_scored(form, carol, english_api) -> None:
    response = english_api(carol).post("/api/quality/evaluations", {"interaction": make_call(None).pk, "items": []})
    assert response.status_code == 422 and response.json()["errors"]["interaction"] == \
        "Nobody handled it, so there is nobody to score."


def test_bad_start_and_sample_forms_on_pages(form, carol, frank, english_web) -> None:
    response = english_web(carol).post("/quality/start/", {"interaction": "abc"}, follow=True)
    assert "No call or ticket with that number." in response.content.decode()
    response = english_web(frank).post("/quality/sample/", {"week": "soon"}, follow=True)
    assert "Give the week as YYYY-Www" in response.content.decode()
    assert english_web(carol).post("/quality/sample/", {"week": "2026-W47"}).status_code == 404
