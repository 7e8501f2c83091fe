"""The screen pop poll: the ringing call's card for its agent only, 204 while nothing changed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kehu.core.phones import mask_phone
from kehu.customers import services as customer_services

POP = "/contact/pop/"


@pytest.fixture
def ringing(api_as, root, bob, alice):
    customer = customer_services.customer_create(by=bob, data={"name": "海纳电子", "phone": "13812345678"})
    api_as(root).post("/api/cti/events", [{"id": "r1", "type": "ringing", "call_id": "R", "agent": "alice",
                                           "caller": "13812345678", "queue": "sales",
                                           "at": timezone.now().isoformat()}])
    return customer


def test_the_ringing_agent_gets_the_callers_summary_and_a_new_ticket_link(web_as, alice, ringing):
    client = web_as(alice)
    answer = client.get(POP, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200
    body = answer.json()
    html = body["html"]
    assert "海纳电子" in html and "Incoming call" in html
    assert f'/service/tickets/new/?phone=13812345678&amp;interaction={body["v"]}' in html
    shown = mask_phone("13812345678") if ringing.masks_for(alice) else "13812345678"
    assert f'id="pop-caller">{shown}<' in html
    # Same version again: nothing to send.
    assert client.get(POP, {"v": body["v"]}).status_code == 204


def test_the_owner_sees_the_number_unmasked(api_as, root, web_as, bob, ringing):
    api_as(root).post("/api/cti/events", [{"id": "r2", "type": "ringing", "call_id": "R2", "agent": "bob",
                                           "caller": "13812345678", "at": timezone.now().isoformat()}])
    assert 'id="pop-caller">13812345678<' in web_as(bob).get(POP).json()["html"]


def test_nobody_else_is_popped_and_the_pop_ends_with_the_call(api_as, root, web_as, alice, dave, ringing):
    assert web_as(dave).get(POP).status_code == 204
    agent = web_as(alice)
    version = agent.get(POP).json()["v"]
    api_as(root).post("/api/cti/events", [{"id": "r9", "type": "hangup", "call_id": "R",
                                           "at": timezone.now().isoformat()}])
    assert agent.get(POP, {"v": version}).json() == {"v": "", "html": ""}


def test_a_logged_out_browser_hears_nothing(client, ringing):
    assert client.get(POP).status_code == 204
