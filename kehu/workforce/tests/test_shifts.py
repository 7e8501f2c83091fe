"""Shift templates: breaks and meetings must fit the shift and each other."""

from __future__ import annotations

import datetime as dt

import pytest

from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.workforce.models import Shift, SlotKind
from kehu.workforce.services.rosters import SlotIn, shift_save

pytestmark = pytest.mark.usefixtures("english")

T = dt.time


NINE, SIX_PM = T(9), T(18)


def save(by, start=NINE, end=SIX_PM, slots=(), code="D"):
    return shift_save(code=code, name="白班", start=start, end=end, slots=list(slots), by=by)


def test_a_day_shift_with_lunch_and_meetings_is_saved(carol):
    shift = save(carol, slots=[SlotIn(SlotKind.MEETING_BEFORE, T(8, 45), 15),
                               SlotIn(SlotKind.MEAL, T(12), 60),
                               SlotIn(SlotKind.MEETING_AFTER, T(18), 15)])
    assert shift.span() == (540, 1080)
    assert shift.slots.count() == 3


def test_a_night_shift_crosses_midnight_with_its_break_after_midnight(carol):
    shift = save(carol, start=T(22), end=T(6), slots=[SlotIn(SlotKind.BREAK, T(2), 30)])
    assert shift.crosses_midnight()
    assert shift.span() == (1320, 1800)


def test_overlapping_breaks_are_refused(carol):
    with pytest.raises(InvalidInput) as exc:
        save(carol, slots=[SlotIn(SlotKind.MEAL, T(12), 60), SlotIn(SlotKind.BREAK, T(12, 30), 15)])
    assert exc.value.message == "The break at 12:30 overlaps the meal at 12:00."
    assert exc.value.field == "slots.1.start"
    assert not Shift.objects.exists()


def test_a_break_outside_the_shift_is_refused(carol):
    with pytest.raises(InvalidInput) as exc:
        save(carol, slots=[SlotIn(SlotKind.BREAK, T(17, 50), 15)])
    assert exc.value.message == "The break at 17:50 lies outside the shift 09:00–18:00."


def test_a_zero_length_shift_is_refused(carol):
    with pytest.raises(InvalidInput) as exc:
        save(carol, start=T(9), end=T(9))
    assert exc.value.field == "end"
    assert "cannot end when it starts" in exc.value.message


def test_a_zero_minute_break_is_refused(carol):
    with pytest.raises(InvalidInput) as exc:
        save(carol, slots=[SlotIn(SlotKind.BREAK, T(10), 0)])
    assert exc.value.field == "slots.0.duration_min"


def test_a_second_shift_with_the_same_code_is_refused(carol):
    save(carol)
    with pytest.raises(Conflict):
        save(carol)


def test_agents_cannot_define_shifts(alice):
    with pytest.raises(NotAllowed):
        save(alice)
