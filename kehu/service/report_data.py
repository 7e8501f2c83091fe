"""The arithmetic of the service desk report, on plain values (no database, no Django).

Kept apart from the queries so each figure can be checked by hand in a unit test, and so
SQLite and PostgreSQL give the same numbers: the databases only count and list, the
divisions happen here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# A return visit scored 1 or 2 out of 5 is "unsatisfied": the same line at which
# services.visits.return_visit_record flags the visit and reopens the ticket.
UNSATISFIED_AT_MOST = 2


def hours(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 3600


def mean(values: Sequence[float]) -> float | None:
    """The average, or None for no values (shown as “—”, never as 0)."""
    return sum(values) / len(values) if values else None


def median(values: Sequence[float]) -> float | None:
    """The middle value; for an even count, the mean of the two middle ones."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def attainment(met: int, missed: int) -> float | None:
    """Share (%) of the tickets whose target is decided that met it.

    Tickets not yet due and not yet done are undecided and are not passed in at all.
    """
    return percent(met, met + missed)


def rate_per_thousand(count: int, population: int) -> float | None:
    """E.g. complaints per 1,000 customers; None when there is nobody to divide by."""
    return 1000 * count / population if population else None


def elapsed_hours(pairs: Iterable[tuple[dt.datetime, dt.datetime | None]]) -> list[float]:
    """Wall-clock hours from start to end for the pairs that have an end."""
    return [hours(end - start) for start, end in pairs if end is not None]


@dataclass(frozen=True)
class DurationSummary:
    count: int
    mean: float | None
    median: float | None


def summarise(values: Sequence[float]) -> DurationSummary:
    return DurationSummary(count=len(values), mean=mean(values), median=median(values))


@dataclass(frozen=True)
class Satisfaction:
    scored: int
    mean: float | None
    unsatisfied: int
    unsatisfied_percent: float | None


def satisfaction(*, scored: int, total_score: int, unsatisfied: int) -> Satisfaction:
    """From the database's counts: visits with a score, the sum of scores, scores ≤ 2."""
    return Satisfaction(scored=scored, mean=total_score / scored if scored else None,
                        unsatisfied=unsatisfied, unsatisfied_percent=percent(unsatisfied, scored))


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from start to end, both included, so days without tickets show as 0."""
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def daily_matrix(days: Sequence[dt.date], keys: Sequence[str],
                 counts: Mapping[tuple[dt.date, str], int]) -> list[list[int]]:
    """One row per day, one column per key (e.g. ticket kind), zeros where nothing was counted."""
    return [[counts.get((day, key), 0) for key in keys] for day in days]
