"""Whatever an integration sends to the ticket API, it answers JSON with a message, never a 500."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kehu.customers.tests.test_api_fuzz import FUZZ, assert_sane, json_values, payloads, texts
from kehu.service.choices import TicketChannel, TicketKind

TICKET_FIELDS = [
    "kind", "channel", "title", "description", "customer_id", "contact_id", "phone", "caller_name", "caller_email",
    "anonymous", "priority", "grade", "category_id", "fault_location", "safety_note", "assignee_id", "team_id",
    "master_id",
]
ACTIONS = {
    "accept": [], "start": [], "resolve": ["solution"], "close": ["customer_agreed", "reason"],
    "reopen": ["reason"], "dispatch": ["unit_ids", "due_at", "due_hours", "instructions"],
    "return-visit": ["reached", "satisfaction", "comment"], "complaint-steps": ["step", "note"],
    "merge": ["ticket_id"], "link": ["ticket_id"], "attach": ["ticket_id"], "replies": ["body", "internal"],
}


@FUZZ
@given(body=payloads(TICKET_FIELDS, kind=st.sampled_from(TicketKind.values) | texts,
                     channel=st.sampled_from(TicketChannel.values) | texts),
       key=st.one_of(st.just(""), texts))
def test_creating_with_any_fields(api_as, alice, body, key):
    client = api_as(alice).client
    response = client.post("/api/tickets", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key.replace("\n", ""))
    assert_sane(response)


@FUZZ
@given(action=st.sampled_from(sorted(ACTIONS)), data=st.data())
def test_every_action_with_any_body(api_as, alice, action, data):
    client = api_as(alice)
    ticket = client.post("/api/tickets", {"kind": "complaint", "channel": "phone", "title": "模糊测试"}).json()
    body = data.draw(payloads(ACTIONS[action]))
    assert_sane(client.post(f"/api/tickets/{ticket['id']}/{action}", body))


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["q", "status", "kind", "channel", "grade", "assignee", "team",
                                                "customer_id", "breached", "open", "sort", "page", "page_size"]),
                              json_values.map(str), max_size=5))
def test_listing_with_any_filters(api_as, alice, params):
    assert_sane(api_as(alice).get("/api/tickets", **params))


def test_unknown_ticket_is_json_404(api_as, alice):
    for path in ("/api/tickets/0", "/api/tickets/99999999999999999999", "/api/tickets/12/close"):
        response = api_as(alice).client.get(path) if "close" not in path else api_as(alice).post(path, {})
        assert response.status_code in (404, 405, 422) and response.json()["message"]
