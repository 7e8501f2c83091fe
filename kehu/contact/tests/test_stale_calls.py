"""A call whose hangup never arrives is closed by the sweep; a hangup arriving later wins."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kehu.contact.cti import close_stale_calls
from kehu.contact.models import Interaction

URL = "/api/cti/events"


def test_a_call_left_open_is_closed_at_its_last_event_and_a_late_hangup_still_counts(api_as, root, alice):
    pbx = api_as(root)
    now = timezone.now()
    rang, answered = now - dt.timedelta(hours=5), now - dt.timedelta(hours=5) + dt.timedelta(seconds=8)
    pbx.post(URL, [{"id": "s1", "type": "ringing", "call_id": "S", "agent": "alice", "at": rang.isoformat()},
                   {"id": "s2", "type": "answered", "call_id": "S", "agent": "alice",
                    "at": answered.isoformat()},
                   {"id": "f1", "type": "ringing", "call_id": "F", "at": now.isoformat()}])

    assert close_stale_calls(now=now) == 1
    assert close_stale_calls(now=now) == 0  # idempotent: nothing left to close
    call = Interaction.objects.get(external_id="S")
    assert call.ended_at == answered and call.outcome == "timeout"
    assert "closed by timeout" in call.problem and call.wait_s == 8
    assert Interaction.objects.get(external_id="F").ended_at is None  # fresh call untouched

    hangup = answered + dt.timedelta(seconds=100)
    pbx.post(URL, [{"id": "s3", "type": "hangup", "call_id": "S", "at": hangup.isoformat()}])
    call.refresh_from_db()
    assert (call.ended_at, call.talk_s, call.outcome, call.problem) == (hangup, 100, "answered", "")
