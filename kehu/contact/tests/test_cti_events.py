"""POST /api/cti/events: a realistic stream with duplicates and reordering, checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from kehu.contact.models import AgentExtension, AgentState, CtiEvent, Interaction
from kehu.customers import services as customer_services

URL = "/api/cti/events"
TZ = dt.timezone(dt.timedelta(hours=8))


def at(hms: str) -> str:
    h, m, s = (int(x) for x in hms.split(":"))
    return dt.datetime(2026, 11, 20, h, m, s, tzinfo=TZ).isoformat()


def ev(eid: str, kind: str, hms: str, **extra: str) -> dict:
    return {"id": eid, "type": kind, "at": at(hms), **extra}


# Call A: rings for alice at 09:00:00, answered 09:00:12, on hold 09:01:00-09:01:30, hangs up
# 09:03:12, wrap-up until 09:03:42. Call B: nobody answers, the caller gives up after 45 s.
# Call C: erin (extension 8002) answers after 5 s and transfers it to billing; ends 09:07:05.
A = dict(call_id="A", queue="sales")
STREAM = [
    [ev("a5", "hangup", "09:03:12", **A), ev("a1", "ringing", "09:00:00", agent="alice",
                                              caller="138 1234 5678", **A),
     ev("b1", "ringing", "09:02:00", call_id="B", queue="sales", caller="13900000000"),
     ev("c2", "answered", "09:05:05", call_id="C", agent="8002")],
    [ev("a3", "held", "09:01:00", **A), ev("a4", "unheld", "09:01:30", **A),
     ev("b2", "hangup", "09:02:45", call_id="B"),
     ev("c1", "ringing", "09:05:00", call_id="C", queue="billing", agent="8002", caller="010-62345678"),
     ev("c3", "transferred", "09:06:00", call_id="C", target="billing-2"),
     ev("a1", "ringing", "09:00:00", agent="alice", **A)],
    [ev("c4", "hangup", "09:07:05", call_id="C"), ev("a2", "answered", "09:00:12", agent="alice", **A),
     ev("a6", "wrap_up", "09:03:12", agent="alice", call_id="A"),
     ev("a7", "ready", "09:03:42", agent="alice", call_id="A"),
     ev("b2", "hangup", "09:02:45", call_id="B")],
]


@pytest.fixture
def pbx(api_as, root):
    return api_as(root)


@pytest.fixture
def customer(bob):
    return customer_services.customer_create(by=bob, data={"name": "海纳电子", "phone": "13812345678"})


def test_a_reordered_stream_with_duplicates_builds_the_calls_as_computed_by_hand(pbx, customer, alice, erin):
    AgentExtension.objects.create(user=erin, number="8002")
    first = pbx.post(URL, STREAM[0])
    assert first.status_code == 200
    assert first.json() == {"accepted": 4, "duplicates": 0, "problems": []}
    # Only ringing and hangup of A so far: it looks abandoned until the late "answered" arrives.
    early = Interaction.objects.get(external_id="A")
    assert early.abandoned and early.wait_s == 192
    assert pbx.post(URL, STREAM[1]).json()["duplicates"] == 1
    assert pbx.post(URL, STREAM[2]).json() == {"accepted": 4, "duplicates": 1, "problems": []}

    a, b, c = (Interaction.objects.get(external_id=x) for x in "ABC")
    assert (a.wait_s, a.talk_s, a.hold_s, a.wrap_s) == (12, 150, 30, 30)
    assert not a.abandoned and a.outcome == "answered" and a.agent == alice
    assert a.customer_id == customer.pk and a.queue.code == "sales"
    assert (b.abandoned, b.abandoned_after_s, b.wait_s, b.agent, b.outcome) == (True, 45, 45, None, "abandoned")
    assert (c.wait_s, c.talk_s, c.agent, c.transferred_to, c.outcome) == (5, 120, erin, "billing-2", "transferred")
    assert c.queue.code == "billing" and c.customer is None
    assert Interaction.objects.count() == 3 and CtiEvent.objects.count() == 13
    states = list(AgentState.objects.filter(agent=alice).order_by("at").values_list("state", flat=True))
    assert states == ["on_call", "wrap_up", "ready"]


def test_posting_the_same_batch_again_changes_nothing(pbx, alice):
    batch = STREAM[0] + STREAM[1] + STREAM[2]
    pbx.post(URL, batch)
    before = list(Interaction.objects.order_by("id").values())
    again = pbx.post(URL, batch)
    assert again.status_code == 200
    assert again.json() == {"accepted": 0, "duplicates": len(batch), "problems": []}
    assert list(Interaction.objects.order_by("id").values()) == before


def test_one_event_object_is_accepted_like_a_batch_of_one(pbx, alice):
    answer = pbx.post(URL, ev("x1", "ringing", "10:00:00", call_id="X", agent="alice"))
    assert answer.json() == {"accepted": 1, "duplicates": 0, "problems": []}
    assert Interaction.objects.get(external_id="X").agent == alice


def test_an_unknown_agent_is_reported_and_the_call_kept_without_an_agent(pbx, org):
    answer = pbx.post(URL, [ev("u1", "ringing", "10:00:00", call_id="U", agent="9999"),
                            ev("u2", "login", "10:00:00", agent="ghost")]).json()
    assert answer["accepted"] == 2
    assert [p["id"] for p in answer["problems"]] == ["u1", "u2"]
    assert "Unknown agent '9999'" in answer["problems"][0]["message"]
    assert Interaction.objects.get(external_id="U").agent is None
    assert CtiEvent.objects.get(event_id="u2").error  # stored with the reason, nothing lost
    assert not AgentState.objects.exists()


def test_a_hangup_before_the_ring_is_reported_and_no_duration_goes_negative(pbx, org):
    answer = pbx.post(URL, [ev("n1", "ringing", "10:00:30", call_id="N"),
                            ev("n2", "hangup", "10:00:00", call_id="N")]).json()
    assert answer["problems"] == [{"id": "n2", "message": answer["problems"][0]["message"]}]
    assert "ended before it was offered" in answer["problems"][0]["message"]
    call = Interaction.objects.get(external_id="N")
    assert call.wait_s == 0 and call.problem


def test_a_call_longer_than_a_day_is_capped_and_flagged(pbx, org):
    pbx.post(URL, [ev("l1", "ringing", "10:00:00", call_id="L"),
                   ev("l2", "answered", "10:00:10", call_id="L"),
                   {"id": "l3", "type": "hangup", "call_id": "L", "at": "2026-11-22T10:00:00+08:00"}])
    call = Interaction.objects.get(external_id="L")
    assert call.talk_s == 24 * 3600 and "longer than 24 h" in call.problem


def test_events_without_id_or_with_an_unknown_type_are_reported_not_refused(pbx, org):
    answer = pbx.post(URL, [{"type": "ringing"}, "text", ev("t1", "dance", "10:00:00"),
                            ev("t2", "answered", "10:00:00"), ev("t3", "ringing", "10:00:00", call_id="T")])
    body = answer.json()
    assert answer.status_code == 200 and body["accepted"] == 3
    messages = [p["message"] for p in body["problems"]]
    assert "needs an id" in messages[0] and "JSON object" in messages[1]
    assert "Unknown event type 'dance'" in messages[2] and "needs a call_id" in messages[3]
    assert Interaction.objects.filter(external_id="T").exists()


def test_a_body_that_is_neither_an_event_nor_a_list_is_refused_clearly(pbx, org):
    answer = pbx.post(URL, 42)
    assert answer.status_code == 422 and "list of events" in answer.json()["message"]


def test_an_agent_token_may_not_post_events_and_no_token_is_401(api_as, alice, client):
    assert api_as(alice).post(URL, [ev("z1", "ringing", "10:00:00", call_id="Z")]).status_code == 403
    assert client.post(URL, [], content_type="application/json").status_code == 401
    assert not CtiEvent.objects.exists()
