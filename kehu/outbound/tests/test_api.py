"""The outbound API: campaigns, call lists, next contact, attempts, funnel and the do-not-call list."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kehu.outbound.models import Campaign, CampaignEntry, DoNotCall
from kehu.outbound.tests.conftest import load, make_campaign, phones

pytestmark = pytest.mark.usefixtures("english")


def new_campaign(api, agents, **extra):
    data = {"name": "欠费提醒", "kind": "payment", "assignment": "queue", "call_from": "08:00",
            "call_until": "21:00", "weekdays": "1234567", "agents": [a.pk for a in agents], **extra}
    return api.post("/api/outbound/campaigns", data)


def test_a_supervisor_creates_a_campaign_and_an_agent_may_not(api_as, carol, alice) -> None:
    response = new_campaign(api_as(carol), [alice], status="active")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["agents"] == [alice.pk] and body["call_from"] == "08:00"
    refused = new_campaign(api_as(alice), [alice])
    assert refused.status_code == 403
    assert refused.json()["message"] == "Only supervisors and managers create campaigns."


def test_bad_campaign_fields_are_named(api_as, carol) -> None:
    response = api_as(carol).post("/api/outbound/campaigns", {
        "name": "", "kind": "spam", "call_from": "20:00", "call_until": "09:00", "weekdays": "9"})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Some fields are not valid."
    assert set(body["errors"]) == {"name", "kind", "call_until", "weekdays"}


def test_rows_are_loaded_and_bad_phones_are_reported_row_by_row(api_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    response = api_as(carol).post(f"/api/outbound/campaigns/{campaign.pk}/entries", {
        "rows": [{"name": "王芳", "phone": "13800138000"}, {"name": "李强", "phone": "call me"},
                 {"name": "王芳", "phone": "13800138000"}]})
    assert response.status_code == 201
    body = response.json()
    assert body["added"] == 1 and body["bad_phones"] == 1 and body["duplicates"] == 1
    assert body["problems"] == [{"row": 2, "value": "call me", "reason": "Not a phone number."},
                                {"row": 3, "value": "13800138000", "reason": "Same number as row 1."}]


def test_a_file_is_uploaded_as_multipart(api_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    upload = SimpleUploadedFile("list.csv", "name,phone\n王芳,13800138000\n李强,123\n".encode(), "text/csv")
    response = api_as(carol).client.post(f"/api/outbound/campaigns/{campaign.pk}/entries", {"file": upload})
    assert response.status_code == 201, response.content
    assert response.json()["added"] == 1 and response.json()["problems"][0]["row"] == 3


def test_an_empty_body_is_a_clear_422(api_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    response = api_as(carol).post(f"/api/outbound/campaigns/{campaign.pk}/entries", {})
    assert response.status_code == 422 and response.json()["field"] == "body"


def test_next_then_attempt_then_204_when_nothing_is_due(api_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    load(campaign, carol, phones(1))
    api = api_as(alice)
    taken = api.post(f"/api/outbound/campaigns/{campaign.pk}/next")
    assert taken.status_code == 200
    entry = taken.json()
    assert entry["phone"] == phones(1)[0] and entry["status"] == "in_progress" and entry["locked_by_id"] == alice.pk
    recorded = api.post(f"/api/outbound/entries/{entry['id']}/attempts", {"outcome": "no_answer", "note": "无人接"})
    assert recorded.status_code == 201
    after = recorded.json()
    assert after["status"] == "pending" and after["attempts"] == 1
    assert [h["outcome"] for h in after["history"]] == ["no_answer"]
    assert api.post(f"/api/outbound/campaigns/{campaign.pk}/next").status_code == 204


def test_recording_a_contact_one_does_not_hold_is_a_409(api_as, carol, alice, amy) -> None:
    campaign = make_campaign(carol, [alice, amy])
    load(campaign, carol, phones(1))
    entry = api_as(alice).post(f"/api/outbound/campaigns/{campaign.pk}/next").json()
    response = api_as(amy).post(f"/api/outbound/entries/{entry['id']}/attempts", {"outcome": "sale"})
    assert response.status_code == 409 and response.json()["field"] == "entry"


def test_an_attempt_with_a_missing_callback_time_is_a_422_naming_the_field(api_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    load(campaign, carol, phones(1))
    entry = api_as(alice).post(f"/api/outbound/campaigns/{campaign.pk}/next").json()
    response = api_as(alice).post(f"/api/outbound/entries/{entry['id']}/attempts", {"outcome": "callback"})
    assert response.status_code == 422 and response.json()["errors"] == {"callback_at": "Give the time to call back."}


def test_agents_see_only_the_campaigns_they_are_in(api_as, carol, alice, amy, dave) -> None:
    mine = make_campaign(carol, [alice])
    other = make_campaign(carol, [amy], name="别人的活动")
    listed = [c["id"] for c in api_as(alice).get("/api/outbound/campaigns").json()]
    assert listed == [mine.pk]
    assert api_as(alice).get(f"/api/outbound/campaigns/{other.pk}").status_code == 404
    assert api_as(alice).post(f"/api/outbound/campaigns/{other.pk}/next").status_code == 404
    assert api_as(dave).get(f"/api/outbound/campaigns/{mine.pk}/funnel").status_code == 404
    assert api_as(alice).post(f"/api/outbound/campaigns/{mine.pk}/entries", {"rows": []}).status_code == 403


def test_the_funnel_endpoint(api_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    load(campaign, carol, phones(4))
    api = api_as(alice)
    for outcome in ("sale", "no_answer"):
        entry = api.post(f"/api/outbound/campaigns/{campaign.pk}/next").json()
        api.post(f"/api/outbound/entries/{entry['id']}/attempts", {"outcome": outcome})
    body = api_as(carol).get(f"/api/outbound/campaigns/{campaign.pk}/funnel").json()
    assert {k: body["campaign"][k] for k in ("entries", "attempted", "connected", "success")} == {
        "entries": 4, "attempted": 2, "connected": 1, "success": 1}
    assert body["campaign"]["rates"]["conversion"] == 0.25
    assert body["statuses"]["pending"] == 3 and body["statuses"]["done"] == 1
    assert [a["agent"] for a in body["agents"]] == ["Alice"]


def test_pausing_through_the_api_stops_the_next_contact(api_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    load(campaign, carol, phones(1))
    assert api_as(carol).patch(f"/api/outbound/campaigns/{campaign.pk}", {"status": "paused"}).status_code == 200
    response = api_as(alice).post(f"/api/outbound/campaigns/{campaign.pk}/next")
    assert response.status_code == 409 and response.json()["message"] == "This campaign is not active."
    assert Campaign.objects.get(pk=campaign.pk).status == "paused"


def test_the_do_not_call_endpoints(api_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    load(campaign, carol, ["13800138000"])
    added = api_as(alice).post("/api/outbound/dnc", {"phone": "138-0013-8000", "reason": "投诉"})
    assert added.status_code == 201 and added.json()["phone"] == "138****8000"  # masked for an agent
    assert api_as(alice).post("/api/outbound/dnc", {"phone": "13800138000"}).status_code == 200
    assert CampaignEntry.objects.get(campaign=campaign).status == "dnc"
    assert api_as(carol).get("/api/outbound/dnc").json()[0]["phone"] == "13800138000"
    bad = api_as(alice).post("/api/outbound/dnc", {"phone": "hello"})
    assert bad.status_code == 422 and bad.json()["field"] == "phone"
    assert api_as(alice).delete("/api/outbound/dnc/13800138000").status_code == 403
    assert api_as(carol).delete("/api/outbound/dnc/13800138000").status_code == 204
    assert not DoNotCall.objects.exists()
    assert api_as(carol).delete("/api/outbound/dnc/13800138000").status_code == 422


def test_an_attempt_links_the_call_record_of_the_telephone_system(api_as, carol, alice) -> None:
    from django.utils import timezone

    from kehu.contact.models import Interaction
    from kehu.outbound.models import Attempt

    call = Interaction.objects.create(direction="out", caller="13800138000", agent=alice, offered_at=timezone.now(),
                                      external_id="pbx-1001")
    campaign = make_campaign(carol, [alice])
    load(campaign, carol, ["13800138000"])
    entry = api_as(alice).post(f"/api/outbound/campaigns/{campaign.pk}/next").json()
    unknown = api_as(alice).post(f"/api/outbound/entries/{entry['id']}/attempts",
                                 {"outcome": "connected", "interaction": 999999})
    assert unknown.status_code == 422 and unknown.json()["field"] == "interaction"
    response = api_as(alice).post(f"/api/outbound/entries/{entry['id']}/attempts",
                                  {"outcome": "connected", "interaction": call.pk})
    assert response.status_code == 201
    assert response.json()["history"][0]["interaction_id"] == call.pk
    assert Attempt.objects.get().interaction_id == call.pk
