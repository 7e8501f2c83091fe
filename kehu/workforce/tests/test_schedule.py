"""The roster: one entry per agent and day, night shifts that must not collide."""

from __future__ import annotations

import datetime as dt

import pytest

from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.core.models import AuditEntry
from kehu.workforce.models import ScheduleEntry
from kehu.workforce.services.rosters import schedule_clear, schedule_set
from kehu.workforce.tests.conftest import MONDAY

pytestmark = pytest.mark.usefixtures("english")


def test_a_supervisor_puts_an_agent_on_a_shift(carol, alice, day_shift):
    entry = schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=carol)
    assert entry.shift == day_shift and not entry.day_off
    assert AuditEntry.objects.filter(action="workforce.schedule.set", actor=carol).exists()


def test_a_second_shift_on_the_same_day_is_refused(carol, alice, day_shift, night_shift):
    schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=carol)
    with pytest.raises(Conflict) as exc:
        schedule_set(agent=alice, day=MONDAY, shift=night_shift, by=carol)
    assert exc.value.message == (
        "Alice already has D 白班 on 2026-03-02: one shift a day. Change that entry instead."
    )
    assert ScheduleEntry.objects.get(agent=alice, date=MONDAY).shift == day_shift


def test_changing_the_entry_replaces_the_shift(carol, alice, day_shift, night_shift):
    schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=carol)
    schedule_set(agent=alice, day=MONDAY, shift=night_shift, by=carol, replace=True)
    assert ScheduleEntry.objects.get(agent=alice, date=MONDAY).shift == night_shift


def test_a_day_off_is_an_entry_too(carol, alice, day_shift):
    schedule_set(agent=alice, day=MONDAY, shift=None, by=carol)
    with pytest.raises(Conflict):
        schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=carol)
    assert ScheduleEntry.objects.get(agent=alice, date=MONDAY).day_off


def test_setting_the_same_shift_again_changes_nothing(carol, alice, day_shift):
    first = schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=carol)
    again = schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=carol)
    assert first.pk == again.pk


def test_a_night_shift_may_not_run_into_the_next_morning_shift(carol, alice, day_shift,
                                                               night_shift):
    early = day_shift
    early.start = dt.time(5)
    early.save(update_fields=["start"])
    schedule_set(agent=alice, day=MONDAY, shift=night_shift, by=carol)
    with pytest.raises(InvalidInput) as exc:
        schedule_set(agent=alice, day=MONDAY + dt.timedelta(days=1), shift=early, by=carol)
    assert "overlaps the shift N 夜班 of 2026-03-02" in exc.value.message


def test_clearing_an_entry(carol, alice, day_shift):
    schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=carol)
    assert schedule_clear(agent=alice, day=MONDAY, by=carol)
    assert not schedule_clear(agent=alice, day=MONDAY, by=carol)


def test_agents_cannot_edit_the_roster(alice, bob, day_shift):
    with pytest.raises(NotAllowed):
        schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=alice)
    with pytest.raises(NotAllowed):
        schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=bob)
