"""The JSON API: leads, conversion, pipelines, opportunities and moves, per role."""

from __future__ import annotations

import pytest

from kehu.sales.models import Lead, Opportunity
from kehu.sales.tests.conftest import make_lead, make_opportunity, qualified_lead, stage

pytestmark = pytest.mark.django_db


def test_a_rep_records_a_lead_and_sees_its_duplicates(api_as, bob) -> None:
    api = api_as(bob)
    first = api.post("/api/leads", {"company": "苏州工业园区精密模具厂", "phone": "13912345678", "source": "fair"})
    assert first.status_code == 201, first.json()
    assert first.json()["owner"]["username"] == "bob" and first.json()["duplicates"] == []
    second = api.post("/api/leads", {"company": "另一个", "phone": "+86 139 1234 5678"})
    assert [(d["kind"], d["id"], d["field"]) for d in second.json()["duplicates"]] == [
        ("lead", first.json()["id"], "phone")]


def test_a_bad_lead_gets_422_naming_the_field(api_as, bob) -> None:
    answer = api_as(bob).post("/api/leads", {"company": "某公司", "email": "not-an-address"})
    assert answer.status_code == 422 and answer.json()["field"] == "email"


def test_convert_answers_the_opportunity_and_a_second_try_409(api_as, bob, pipelines) -> None:
    lead = qualified_lead(bob, contact_name="李经理", phone="13700001234")
    api = api_as(bob)
    car = pipelines["car-sales"]
    answer = api.post(f"/api/leads/{lead.pk}/convert", {"pipeline": car.pk, "amount": "186000.00",
                                                        "expected_close": "2027-03-31"})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["stage"]["name"], body["amount"], body["lead_id"]) == ("客户开发", "186000.00", lead.pk)
    again = api.post(f"/api/leads/{lead.pk}/convert", {})
    assert again.status_code == 409 and "already" in again.json()["message"]


def test_converting_an_unqualified_lead_answers_409(api_as, bob, pipelines) -> None:
    lead = make_lead(bob)
    api = api_as(bob)
    assert api.patch(f"/api/leads/{lead.pk}", {"status": "unqualified"}).status_code == 200
    answer = api.post(f"/api/leads/{lead.pk}/convert")
    assert answer.status_code == 409 and "unqualified" in answer.json()["message"]


def test_claiming_a_pool_lead_and_then_claiming_it_again_by_another(api_as, bob, erin) -> None:
    lead = make_lead(bob, owner=None)
    assert api_as(erin).post(f"/api/leads/{lead.pk}/claim").json()["owner"]["username"] == "erin"
    assert api_as(bob).post(f"/api/leads/{lead.pk}/claim").status_code == 404  # erin's now, out of bob's scope


def test_pipelines_list_their_stages(api_as, bob, pipelines) -> None:
    body = api_as(bob).get("/api/pipelines").json()
    tele = next(p for p in body if p["code"] == "telemarketing")
    assert [s["name"] for s in tele["stages"]][:3] == ["开场", "了解需求", "提议"]
    assert [s["probability"] for s in tele["stages"]][:3] == [10, 25, 50]


def test_move_and_refusal_over_the_api(api_as, bob, pipelines) -> None:
    tele = pipelines["telemarketing"]
    opp = make_opportunity(bob, tele)
    api = api_as(bob)
    moved = api.post(f"/api/opportunities/{opp.pk}/move", {"stage": stage(tele, "成交").pk})
    assert moved.status_code == 200 and moved.json()["is_closed"]
    assert [h["to_stage"] for h in moved.json()["history"]] == ["开场", "成交"]
    refused = api.post(f"/api/opportunities/{opp.pk}/move", {"stage": stage(tele, "提议").pk})
    assert refused.status_code == 409 and refused.json()["message"]
    no_reason = api.post(f"/api/opportunities/{opp.pk}/reopen")
    assert no_reason.status_code == 200 and not no_reason.json()["is_closed"]
    lost = api.post(f"/api/opportunities/{opp.pk}/move", {"stage": stage(tele, "未成交").pk})
    assert lost.status_code == 422 and lost.json()["field"] == "loss_reason"
    other = api.post(f"/api/opportunities/{opp.pk}/move", {"stage": stage(pipelines["car-sales"], "接待").pk})
    assert other.status_code == 422 and other.json()["field"] == "stage"
    assert api.post(f"/api/opportunities/{opp.pk}/move", {"stage": 2**70}).status_code == 422


def test_create_an_opportunity_for_a_visible_customer(api_as, bob, dave, pipelines) -> None:
    customer = make_opportunity(bob, pipelines["telemarketing"]).customer
    answer = api_as(bob).post("/api/opportunities", {"customer": customer.pk, "pipeline": pipelines["car-sales"].pk,
                                                     "title": "换购 SUV", "amount": "220000",
                                                     "products": ["途观 L 两驱"], "competitors": "本田 CR-V"})
    assert answer.status_code == 201, answer.json()
    assert answer.json()["products"] == ["途观 L 两驱"] and answer.json()["stage"]["name"] == "客户开发"
    foreign = api_as(dave).post("/api/opportunities", {"customer": customer.pk, "pipeline": pipelines["car-sales"].pk,
                                                       "title": "x"})
    assert foreign.status_code == 422 and foreign.json()["field"] == "customer"


def test_reps_see_their_own_supervisors_their_team_managers_all(api_as, bob, erin, dave, carol, frank,
                                                               pipelines) -> None:
    tele = pipelines["telemarketing"]
    mine, teammate, other_team = (make_opportunity(u, tele) for u in (bob, erin, dave))

    def ids(user) -> set[int]:
        return {o["id"] for o in api_as(user).get("/api/opportunities").json()}

    assert ids(bob) == {mine.pk}
    assert ids(carol) == {mine.pk, teammate.pk}
    assert ids(frank) == {mine.pk, teammate.pk, other_team.pk}
    # Outside the scope an opportunity does not exist: 404 to read and to move.
    assert api_as(dave).get(f"/api/opportunities/{mine.pk}").status_code == 404
    moved = api_as(dave).post(f"/api/opportunities/{mine.pk}/move", {"stage": stage(tele, "提议").pk})
    assert moved.status_code == 404
    assert Opportunity.objects.get(pk=mine.pk).stage.name == "开场"


def test_a_rep_cannot_convert_another_teams_lead(api_as, bob, dave, pipelines) -> None:
    lead = qualified_lead(bob)
    assert api_as(dave).post(f"/api/leads/{lead.pk}/convert").status_code == 404
    assert Lead.objects.get(pk=lead.pk).status == "qualified"
    assert lead.pk not in {x["id"] for x in api_as(dave).get("/api/leads").json()}


def test_the_lead_list_filters_the_pool(api_as, bob, erin) -> None:
    pooled = make_lead(bob, owner=None, company="公海线索")
    make_lead(erin, company="erin 的线索")
    body = api_as(bob).get("/api/leads", owner="pool").json()
    assert [x["id"] for x in body] == [pooled.pk]


def test_convert_and_reopen_accept_a_bare_post_without_a_body(api_as, bob, pipelines) -> None:
    lead = qualified_lead(bob)
    api = api_as(bob)
    converted = api.client.post(f"/api/leads/{lead.pk}/convert")
    assert converted.status_code == 200, converted.content
    opp_id = converted.json()["id"]
    lost = api.post(f"/api/opportunities/{opp_id}/move", {"stage": stage(pipelines["telemarketing"], "未成交").pk,
                                                         "loss_reason": "选了竞品"})
    assert lost.status_code == 200 and lost.json()["loss_reason"] == "选了竞品"
    reopened = api.client.post(f"/api/opportunities/{opp_id}/reopen")
    assert reopened.status_code == 200 and reopened.json()["stage"]["name"] == "开场"
    garbage = api.client.post(f"/api/opportunities/{opp_id}/reopen", "{", content_type="application/json")
    assert garbage.status_code == 422
    wrong = api.post(f"/api/leads/{make_lead(bob).pk}/convert", {"amount": "lots"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "amount"
