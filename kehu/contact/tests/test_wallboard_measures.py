"""Each wallboard measure on small hand-made days: rates, times, the abandon rules, no division by zero."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kehu.contact.models import AbandonRule, AgentState, Direction, Interaction, Queue
from kehu.contact.wallboard import wallboard

NOW = timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0, 0))


def ago(seconds: float) -> dt.datetime:
    return NOW - dt.timedelta(seconds=seconds)


def call(queue: Queue | None, offered_ago: float, *, wait: float, talk: float = 0, hold: float = 0,
         wrap: float = 0, answered: bool = True, ended: bool = True, agent=None,
         direction: str = Direction.IN) -> Interaction:
    offered = ago(offered_ago)
    answered_at = offered + dt.timedelta(seconds=wait) if answered else None
    ended_at = offered + dt.timedelta(seconds=wait + talk + hold) if ended else None
    abandoned = ended and not answered
    return Interaction.objects.create(
        queue=queue, agent=agent, offered_at=offered, answered_at=answered_at, ended_at=ended_at,
        wait_s=wait, talk_s=talk, hold_s=hold, wrap_s=wrap, abandoned=abandoned,
        abandoned_after_s=wait if abandoned else None, direction=direction,
        external_id=f"x{Interaction.objects.count()}")


@pytest.fixture
def hotline(db):
    return Queue.objects.create(code="hotline", name="热线", service_level_s=20)


def test_a_day_without_calls_divides_by_nothing_and_shows_dashes(web_as, carol, english):
    board = wallboard(now=NOW)
    m = board.total.measures
    assert (m.offered, m.service_level, m.answer_rate, m.abandon_rate, m.asa_s, m.aht_s) == (0, None, None, None,
                                                                                                None, None)
    assert board.occupancy is None and board.total.longest_wait_s is None
    html = web_as(carol).get("/contact/wallboard/").content.decode()
    assert 'id="tile-service_level"' in html and "—" in html.split('id="tile-service_level"', 1)[1][:400]


def test_each_measure_over_a_small_queue_day(hotline, alice):
    # Four answered calls: waits 10, 15, 30, 20 s (three within T = 20 s), handle 100+10+20,
    # 200, 300, 50+0+10 s. Two abandoned: after 3 s (short) and after 40 s. One waiting 50 s.
    call(hotline, 3600, wait=10, talk=100, hold=10, wrap=20, agent=alice)
    call(hotline, 3000, wait=15, talk=200, agent=alice)
    call(hotline, 2400, wait=30, talk=300, agent=alice)
    call(hotline, 1800, wait=20, talk=50, wrap=10, agent=alice)
    call(hotline, 1200, wait=3, answered=False)
    call(hotline, 600, wait=40, answered=False)
    call(hotline, 50, wait=0, answered=False, ended=False)
    line = wallboard(now=NOW).total
    m = line.measures
    assert (m.offered, m.answered, m.abandoned, m.short_abandoned) == (7, 4, 2, 1)
    # Rule "all": 3 within T ÷ (4 answered + 2 abandoned) = 50 %.
    assert m.service_level == pytest.approx(3 / 6)
    assert m.answer_rate == pytest.approx(4 / 7) and m.abandon_rate == pytest.approx(2 / 7)
    assert m.asa_s == pytest.approx((10 + 15 + 30 + 20) / 4)  # 18.75 s
    assert m.aht_s == pytest.approx((130 + 200 + 300 + 60) / 4)  # 172.5 s
    assert (line.waiting, line.longest_wait_s) == (1, 50)


@pytest.mark.parametrize(("rule", "expected"), [
    (AbandonRule.ALL, 3 / 6),     # both abandons count against the service level
    (AbandonRule.SHORT, 3 / 5),   # the 3-second abandon (< 5 s) is left out
    (AbandonRule.NONE, 3 / 4),    # only answered calls
])
def test_the_abandon_rule_of_the_queue_decides_the_service_level(hotline, rule, expected):
    hotline.abandon_rule = rule
    hotline.save(update_fields=["abandon_rule"])
    for wait in (10, 15, 30, 20):
        call(hotline, 3600 - wait * 10, wait=wait, talk=60)
    call(hotline, 1200, wait=3, answered=False)
    call(hotline, 600, wait=40, answered=False)
    assert wallboard(now=NOW).total.measures.service_level == pytest.approx(expected)


def test_the_short_abandon_time_is_per_queue_and_an_abandon_at_exactly_n_seconds_counts(hotline):
    hotline.abandon_rule, hotline.short_abandon_s = AbandonRule.SHORT, 10
    hotline.save(update_fields=["abandon_rule", "short_abandon_s"])
    call(hotline, 900, wait=5, talk=60)
    call(hotline, 800, wait=9, answered=False)   # short: left out
    call(hotline, 700, wait=10, answered=False)  # exactly N: counts
    assert wallboard(now=NOW).total.measures.service_level == pytest.approx(1 / 2)


def test_each_queue_uses_its_own_answer_time_and_the_floor_adds_them_up(hotline):
    slow = Queue.objects.create(code="vip", name="VIP", service_level_s=60)
    call(hotline, 900, wait=30, talk=60)  # late for hotline (T = 20)
    call(slow, 800, wait=30, talk=60)     # in time for vip (T = 60)
    board = wallboard(now=NOW)
    by_code = {line.queue.code: line.measures.service_level for line in board.queues}
    assert by_code == {"hotline": 0.0, "vip": 1.0}
    assert board.total.measures.service_level == pytest.approx(0.5)


def test_yesterday_and_outbound_calls_are_not_offered_today(hotline, alice):
    call(hotline, 11 * 3600, wait=5, talk=60)  # 23:00 yesterday, local time
    call(hotline, 600, wait=0, talk=60, direction=Direction.OUT, agent=alice)
    m = wallboard(now=NOW).total.measures
    assert m.offered == 0 and m.service_level is None


def test_occupancy_is_handle_time_over_logged_in_time(hotline, alice, erin):
    # alice logs in at 09:00 and is still in; erin logs in 09:00, out 09:30 (1,800 s).
    # Logged-in time: 3,600 + 1,800 = 5,400 s. Work: 300 + 240 + 60 (outbound) = 600 s.
    for user, state, at in [(alice, "login", ago(3600)), (alice, "ready", ago(3500)),
                            (erin, "login", ago(3600)), (erin, "logout", ago(1800))]:
        AgentState.objects.create(agent=user, state=state, at=at)
    call(hotline, 3000, wait=5, talk=250, wrap=50, agent=alice)
    call(hotline, 2500, wait=5, talk=200, hold=40, agent=erin)
    call(None, 2000, wait=0, talk=60, direction=Direction.OUT, agent=alice)
    board = wallboard(now=NOW)
    assert board.logged_in_s == 5400
    assert board.occupancy == pytest.approx(600 / 5400)


def test_an_agent_without_a_login_counts_from_the_first_state_of_the_day(alice):
    AgentState.objects.create(agent=alice, state="ready", at=ago(1000))
    assert wallboard(now=NOW).logged_in_s == 1000


def test_agents_by_state_with_the_reasons_of_not_ready(alice, bob, erin, dave, hotline):
    AgentState.objects.create(agent=alice, state="ready", at=ago(100))
    AgentState.objects.create(agent=bob, state="not_ready", reason="午餐", at=ago(90))
    AgentState.objects.create(agent=erin, state="not_ready", reason="午餐", at=ago(80))
    AgentState.objects.create(agent=dave, state="on_call", at=ago(70))
    AgentState.objects.create(agent=dave, state="ready", at=ago(75))  # older though posted later
    counts = wallboard(now=NOW).agents_by_state()
    assert counts == {"ready": 1, "not_ready": 2, "on_call": 1, "wrap_up": 0, "logged_out": 0,
                      "not_ready_reasons": {"午餐": 2}}


def test_a_state_older_than_twelve_hours_reads_as_logged_out(alice):
    AgentState.objects.create(agent=alice, state="ready", at=ago(13 * 3600))
    assert wallboard(now=NOW).agents_by_state()["logged_out"] == 1


def test_thresholds_colour_the_tiles(hotline):
    hotline.sl_target_pct, hotline.sl_alarm_pct = 80, 60
    hotline.save(update_fields=["sl_target_pct", "sl_alarm_pct"])
    call(hotline, 900, wait=5, talk=60)
    call(hotline, 800, wait=5, talk=60)
    call(hotline, 700, wait=50, talk=60)  # SL 2/3 = 66.7 %: between alarm and target
    call(hotline, 45, wait=0, answered=False, ended=False)  # waiting 45 s: warn at 30, alarm at 60
    line = wallboard(queue=hotline, now=NOW).total
    assert line.tiles == {"service_level": "warn", "abandon_rate": "ok", "longest_wait": "warn", "waiting": "ok"}
    call(hotline, 61, wait=0, answered=False, ended=False)
    assert wallboard(queue=hotline, now=NOW).total.tiles["longest_wait"] == "alarm"
