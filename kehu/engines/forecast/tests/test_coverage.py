"""Productive agents per interval, counted by hand."""

from __future__ import annotations

import numpy as np
import pytest

from kehu.engines.forecast import ForecastError, Slot, Stint, productive_counts


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def day_shift() -> Stint:
    # 09:00–18:00, lunch 12:00–13:00, a pre-shift meeting 08:45–09:00.
    return Stint(hm("09:00"), hm("18:00"),
                 (Slot(hm("08:45"), hm("09:00")), Slot(hm("12:00"), hm("13:00"))))


def test_three_agents_on_a_day_shift_with_lunch_and_meeting():
    counts = productive_counts([day_shift()] * 3, 30)
    assert len(counts) == 48
    by_start = {f"{i * 30 // 60:02d}:{i * 30 % 60:02d}": c for i, c in enumerate(counts)}
    assert by_start["08:30"] == 0  # the meeting is not time on the phones
    assert by_start["09:00"] == 3
    assert by_start["11:30"] == 3
    assert by_start["12:00"] == 0 and by_start["12:30"] == 0
    assert by_start["13:00"] == 3
    assert by_start["17:30"] == 3
    assert by_start["18:00"] == 0
    assert counts.sum() == 3 * 16  # 8 productive hours = 16 half hours each


def test_a_short_break_counts_as_part_of_an_agent():
    stint = Stint(hm("09:00"), hm("12:00"), (Slot(hm("10:00"), hm("10:15")),))
    counts = productive_counts([stint], 30)
    assert counts[hm("10:00") // 30] == pytest.approx(0.5)
    assert counts[hm("10:30") // 30] == 1.0


def test_night_shifts_count_on_both_days():
    # 22:00–06:00 seen from the first day and, shifted by a day, from the next.
    today = productive_counts([Stint(hm("22:00"), hm("06:00") + 1440)], 60)
    tomorrow = productive_counts([Stint(hm("22:00") - 1440, hm("06:00"))], 60)
    assert today[22] == 1 and today[23] == 1 and today[:22].sum() == 0
    assert tomorrow[:6].sum() == 6 and tomorrow[6:].sum() == 0


def test_the_interval_must_divide_the_day():
    with pytest.raises(ForecastError):
        productive_counts([], 7)
    assert np.all(productive_counts([], 15) == 0)
