"""A realistic morning of telephone events, posted out of order and with repeats through
POST /api/cti/events, then the calls and the wallboard checked against figures worked out
by hand below."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from kehu.contact.models import AbandonRule, AgentExtension, Interaction, Queue

URL = "/api/cti/events"
TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 20, 9, 10, 0, tzinfo=TZ)


def ev(eid: str, kind: str, hms: str, **extra: str) -> dict:
    h, m, s = (int(x) for x in hms.split(":"))
    return {"id": eid, "type": kind, "at": dt.datetime(2026, 11, 20, h, m, s, tzinfo=TZ).isoformat(), **extra}


# 08:55:00 alice logs in, ready at 08:55:30. 09:00:00 erin (extension 8002) logs in, ready 09:00:05.
# A  sales    rings for alice 09:00:00, answered 09:00:12 (wait 12 s, within T = 20 s),
#             held 09:01:00-09:01:30, hangup 09:03:12, wrap-up to 09:03:42:
#             hold 30, talk 192 - 12 - 30 = 150, wrap 30, handling 210 s.
# B  sales    rings 09:02:00, caller hangs up 09:02:45: abandoned after 45 s.
# C  billing  rings for erin 09:05:00, answered 09:05:25 (wait 25 s: late), hangup 09:07:05:
#             talk 100 s; erin then not ready (小休) at 09:07:10.
# D  sales    rings 09:06:00, hangs up 09:06:03: abandoned after 3 s, a short abandon (< 5 s).
# E  sales    rings 09:08:30 and is still waiting at 09:10:00 (90 s).
# F  billing  rings for alice 09:09:00, answered 09:09:08 (wait 8 s): alice is on this call now.
AGENTS = [ev("al1", "login", "08:55:00", agent="alice"), ev("al2", "ready", "08:55:30", agent="alice"),
          ev("er1", "login", "09:00:00", agent="8002"), ev("er2", "ready", "09:00:05", agent="8002"),
          ev("er3", "not_ready", "09:07:10", agent="8002", reason="小休")]
A = [ev("a1", "ringing", "09:00:00", call_id="A", queue="sales", agent="alice", caller="13812345678"),
     ev("a2", "answered", "09:00:12", call_id="A", agent="alice"),
     ev("a3", "held", "09:01:00", call_id="A"), ev("a4", "unheld", "09:01:30", call_id="A"),
     ev("a5", "hangup", "09:03:12", call_id="A"),
     ev("a6", "wrap_up", "09:03:12", call_id="A", agent="alice"),
     ev("a7", "ready", "09:03:42", call_id="A", agent="alice")]
B = [ev("b1", "ringing", "09:02:00", call_id="B", queue="sales", caller="13900000000"),
     ev("b2", "hangup", "09:02:45", call_id="B")]
C = [ev("c1", "ringing", "09:05:00", call_id="C", queue="billing", agent="8002"),
     ev("c2", "answered", "09:05:25", call_id="C", agent="8002"), ev("c3", "hangup", "09:07:05", call_id="C")]
D = [ev("d1", "ringing", "09:06:00", call_id="D", queue="sales"), ev("d2", "hangup", "09:06:03", call_id="D")]
E = [ev("e1", "ringing", "09:08:30", call_id="E", queue="sales")]
F = [ev("f1", "ringing", "09:09:00", call_id="F", queue="billing", agent="alice"),
     ev("f2", "answered", "09:09:08", call_id="F", agent="alice")]

# Three deliveries: hangups before their rings, answers after hangups, and resent events.
BATCHES = [
    [A[4], C[2], B[1], AGENTS[4], A[0], D[1], F[1]],
    [C[1], A[2], A[3], B[0], AGENTS[0], AGENTS[2], A[0], D[0], E[0], F[0], B[1]],
    [A[1], A[5], A[6], AGENTS[1], AGENTS[3], C[0], C[2], F[1], D[1]],
]


@pytest.fixture
def morning(api_as, root, alice, erin):
    AgentExtension.objects.create(user=erin, number="8002")
    pbx = api_as(root)
    with time_machine.travel(NOW, tick=False):
        answers = [pbx.post(URL, batch).json() for batch in BATCHES]
    return answers


def test_the_stream_builds_the_calls_as_computed_by_hand(morning, alice, erin):
    assert [a["duplicates"] for a in morning] == [0, 2, 3]  # A1, B2 resent; then F2, D2, C3
    assert sum(a["accepted"] for a in morning) == 5 + 7 + 2 + 3 + 2 + 1 + 2
    assert all(a["problems"] == [] for a in morning)
    calls = {i.external_id: i for i in Interaction.objects.select_related("queue")}
    a, b, c, d, e, f = (calls[x] for x in "ABCDEF")
    assert (a.wait_s, a.talk_s, a.hold_s, a.wrap_s, a.agent, a.abandoned) == (12, 150, 30, 30, alice, False)
    assert (b.abandoned, b.abandoned_after_s, b.agent) == (True, 45, None)
    assert (c.wait_s, c.talk_s, c.agent, c.queue.code) == (25, 100, erin, "billing")
    assert (d.abandoned, d.abandoned_after_s) == (True, 3)
    assert (e.answered_at, e.ended_at, e.abandoned) == (None, None, False)
    assert (f.wait_s, f.agent, f.ended_at) == (8, alice, None)


def test_the_wallboard_shows_the_figures_computed_by_hand(morning, api_as, carol):
    with time_machine.travel(NOW, tick=False):
        board = api_as(carol).get("/api/wallboard").json()
    # Offered A B C D E F = 6; answered A C F = 3; abandoned B D = 2 (D short).
    assert (board["offered"], board["answered"], board["abandoned"], board["short_abandoned"]) == (6, 3, 2, 1)
    # Within 20 s: A (12 s) and F (8 s); C waited 25 s. Rule "all": 2 ÷ (3 answered + 2 abandoned).
    assert board["service_level"] == 0.4
    assert board["answer_rate"] == 0.5 and board["abandon_rate"] == round(2 / 6, 4)
    assert board["asa_s"] == 15.0  # (12 + 25 + 8) ÷ 3
    assert board["aht_s"] == 155.0  # (210 + 100) ÷ 2 ended calls; F is still in talk
    assert (board["waiting"], board["longest_wait_s"]) == (1, 90.0)  # E since 09:08:30
    # Logged in: alice 08:55:00-09:10:00 = 900 s, erin 09:00:00-09:10:00 = 600 s; work 210 + 100.
    assert board["logged_in_s"] == 1500.0
    assert board["occupancy"] == round(310 / 1500, 4)
    assert board["agents_by_state"] == {"ready": 0, "not_ready": 1, "on_call": 1, "wrap_up": 0,
                                        "logged_out": 0, "not_ready_reasons": {"小休": 1}}
    queues = {q["code"]: q for q in board["queues"]}
    # sales: A B D E offered, A answered in time, B and D abandoned: 1 ÷ 3.
    assert (queues["sales"]["offered"], queues["sales"]["service_level"]) == (4, 0.3333)
    assert (queues["sales"]["waiting"], queues["sales"]["longest_wait_s"]) == (1, 90.0)
    # billing: C (late) and F (in time): 1 ÷ 2; ASA (25 + 8) ÷ 2; AHT of C alone.
    assert (queues["billing"]["service_level"], queues["billing"]["asa_s"], queues["billing"]["aht_s"]) == (
        0.5, 16.5, 100.0)


def test_leaving_out_short_abandons_changes_the_service_level_as_computed(morning, api_as, carol):
    Queue.objects.filter(code="sales").update(abandon_rule=AbandonRule.SHORT)
    with time_machine.travel(NOW, tick=False):
        board = api_as(carol).get("/api/wallboard").json()
        sales = api_as(carol).get("/api/wallboard", queue="sales").json()
    # D (3 s) leaves the denominator: floor 2 ÷ (3 + 1) = 0.5, sales 1 ÷ (1 + 1) = 0.5.
    assert board["service_level"] == 0.5
    assert sales["queue"] == "sales" and sales["service_level"] == 0.5 and sales["offered"] == 4
