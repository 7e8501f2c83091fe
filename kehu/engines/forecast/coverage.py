"""Scheduled productive agents per interval: shifts minus their breaks and meetings.

Times are minutes from the midnight that starts the day being counted; a night shift of
the day before starts below 0, one running past midnight ends above 1440. An agent who is
productive for part of an interval counts for that part (a 15-minute break in a 30-minute
interval leaves half an agent), so the counts are agent-equivalents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from kehu.engines.forecast.errors import ForecastError

DAY_MIN = 1440


@dataclass(frozen=True)
class Slot:
    """Non-productive time (break, meal, meeting): [start_min, end_min)."""

    start_min: int
    end_min: int


@dataclass(frozen=True)
class Stint:
    """One agent's shift as worked on the day: [start_min, end_min) minus ``off``."""

    start_min: int
    end_min: int
    off: tuple[Slot, ...] = field(default=())


def productive_counts(stints: Iterable[Stint], interval_min: int) -> np.ndarray:
    """Agent-equivalents on the phones in each interval of the day (length 1440 ÷ interval)."""
    if interval_min <= 0 or DAY_MIN % interval_min:
        raise ForecastError("The interval must divide a day.", code="interval")
    diff = np.zeros(DAY_MIN + 1)

    def add(start: int, end: int, value: float) -> None:
        lo, hi = max(start, 0), min(end, DAY_MIN)
        if hi > lo:
            diff[lo] += value
            diff[hi] -= value

    for s in stints:
        add(s.start_min, s.end_min, 1.0)
        for slot in s.off:
            # Only the part of a break inside the shift takes someone off the phones.
            add(max(slot.start_min, s.start_min), min(slot.end_min, s.end_min), -1.0)
    per_minute = np.cumsum(diff[:-1])
    return per_minute.reshape(-1, interval_min).mean(axis=1)
