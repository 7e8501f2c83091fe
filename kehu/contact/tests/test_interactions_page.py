"""The interactions list: an agent sees their own calls, a supervisor the floor's."""

from __future__ import annotations

import pytest

from kehu.contact.models import Interaction


@pytest.fixture
def calls(api_as, root, alice, bob):
    api_as(root).post("/api/cti/events", [
        {"id": "p1", "type": "ringing", "call_id": "CALL-ALICE", "agent": "alice", "at": "2026-11-20T09:00:00+08:00"},
        {"id": "p2", "type": "ringing", "call_id": "CALL-BOB", "agent": "bob", "at": "2026-11-20T09:01:00+08:00"},
    ])
    return Interaction.objects.all()


def test_an_agent_sees_only_their_own_calls(web_as, alice, calls):
    html = web_as(alice).get("/contact/interactions/").content.decode()
    assert "Alice" in html and "Bob" not in html.split('id="interactions"', 1)[1]


def test_a_supervisor_sees_every_call(web_as, carol, calls):
    html = web_as(carol).get("/contact/interactions/").content.decode().split('id="interactions"', 1)[1]
    assert "Alice" in html and "Bob" in html


def test_the_pages_need_a_login(client, org):
    for url in ("/contact/interactions/", "/contact/cdr/"):
        assert client.get(url).status_code == 302
