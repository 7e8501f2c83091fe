"""`insights_refresh`: RFM, pyramid tier, lifecycle and churn risk for every live customer.

The database does the heavy lifting: one GROUP BY over the payments, one over follow-ups,
one over recent complaints. The engine (kehu.engines.rfm) scores the aggregates as numpy
arrays, and the results go back through a temporary staging table with three set-based
statements (UPDATE … FROM, DELETE, INSERT … SELECT) — never one query per customer.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kehu.core.audit import log_action
from kehu.customers.choices import LedgerKind
from kehu.customers.models import Customer, FollowUp, LedgerEntry
from kehu.engines.rfm import Config, CustomerArrays, PyramidCutoffs, Result, analyse
from kehu.insights.models import CustomerInsight
from kehu.service.choices import TicketKind
from kehu.service.models import Ticket

EPOCH = dt.date(1970, 1, 1)
STAGE = "insights_stage"
WORK_MEM = "256MB"
STAGE_COLUMNS = [
    "customer_id", "r", "f", "m", "segment", "purchases", "monetary", "last_day", "usual_gap",
    "churn_risk", "churn_level", "reasons", "tier", "state",
]


@dataclass
class RefreshSummary:
    customers: int = 0
    paying: int = 0
    changed: int = 0
    seconds: float = 0.0
    tiers: dict[str, int] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        phases = ", ".join(f"{k} {v:.1f}" for k, v in self.phases.items())
        return (f"{self.customers} customers ({self.paying} paying), {self.changed} tiers/states changed, "
                f"tiers {self.tiers}, states {self.states}, churn {self.levels}, {self.seconds:.1f} s ({phases})")


@contextmanager
def _timed(phases: dict[str, float], name: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    phases[name] = time.monotonic() - started


def engine_config() -> Config:
    """The engine's settings from KEHU_PYRAMID_CUTOFFS and KEHU_LIFECYCLE_DAYS (read per call)."""
    past, lost = getattr(settings, "KEHU_LIFECYCLE_DAYS", (365, 730))
    return Config(
        pyramid=PyramidCutoffs.from_mapping(getattr(settings, "KEHU_PYRAMID_CUTOFFS", None)),
        past_days=int(past), lost_days=int(lost),
    )


def insights_refresh(*, today: dt.date | None = None, by: Any = None) -> RefreshSummary:
    started = time.monotonic()
    today = today or timezone.localdate()
    cfg = engine_config()
    phases: dict[str, float] = {}
    with _work_mem():
        with _timed(phases, "read"):
            data = _gather(today, cfg)
        with _timed(phases, "score"):
            result = analyse(data, cfg)
        with transaction.atomic():
            changed = _write(result, data, today, phases)
    summary = _summarise(result, data, changed, time.monotonic() - started)
    summary.phases = phases
    log_action("insights.refreshed", actor=by, changes={
        "customers": summary.customers, "changed": summary.changed, "tiers": summary.tiers})
    return summary


def insights_nightly(now: dt.datetime | None = None) -> RefreshSummary | None:
    """For the sweep: refresh once a day, from KEHU_INSIGHTS_HOUR (local time) on."""
    now = timezone.localtime(now)
    if now.hour < getattr(settings, "KEHU_INSIGHTS_HOUR", 2):
        return None
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if CustomerInsight.objects.filter(computed_at__gte=midnight).exists():
        return None
    return insights_refresh(today=now.date())


@contextmanager
def _work_mem() -> Iterator[None]:
    """On PostgreSQL, room to hash a million groups in memory: with the default 4 MB the
    payments GROUP BY and the UPDATE's join spill to disk in batches."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET work_mem = '{WORK_MEM}'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET work_mem")


# --- reading: aggregates in SQL, arrays in numpy ---------------------------------------

def _day(expr: str) -> str:
    """SQL for the day number (days since 1970-01-01) of a date or timestamp expression."""
    if connection.vendor == "postgresql":
        return f"(CAST({expr} AS DATE) - DATE '1970-01-01')"
    return f"CAST(julianday({expr}) - 2440587.5 AS INTEGER)"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _gather(today: dt.date, cfg: Config) -> CustomerArrays:
    customer, ledger = Customer._meta.db_table, LedgerEntry._meta.db_table
    ids = np.array([r[0] for r in _rows(f"SELECT id FROM {customer} WHERE deleted_at IS NULL ORDER BY id", [])],
                   dtype=np.int64)
    n, today_day = len(ids), (today - EPOCH).days
    recent = today - dt.timedelta(days=cfg.period_days)
    before = recent - dt.timedelta(days=cfg.period_days)
    # Summed as floats: PostgreSQL's numeric additions cost several seconds over 10M rows.
    money = "SUM({})".format
    amount = "CAST(amount AS DOUBLE PRECISION)"
    pay = _rows(
        f"SELECT customer_id, COUNT(*), {money(amount)}, {_day('MAX(date)')}, {_day('MIN(date)')}, "
        f"{money(f'CASE WHEN date > %s THEN {amount} ELSE 0 END')}, "
        f"{money(f'CASE WHEN date > %s AND date <= %s THEN {amount} ELSE 0 END')} "
        f"FROM {ledger} WHERE kind = %s AND amount > 0 AND date <= %s GROUP BY customer_id",
        [recent, before, recent, LedgerKind.RECEIPT, today],
    )
    cols = _scatter(ids, pay, 6)
    count, total, last, first, spend_recent, spend_before = cols
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.where(count >= 2, (last - first) / (count - 1), np.nan)
    contact = _scatter(ids, _rows(
        f"SELECT customer_id, {_day('MAX(at)')} FROM {FollowUp._meta.db_table} WHERE at < %s GROUP BY customer_id",
        [_day_start(today + dt.timedelta(days=1))]), 1)[0]
    complaints = _scatter(ids, _rows(
        f"SELECT customer_id, COUNT(*) FROM {Ticket._meta.db_table} WHERE kind = %s AND customer_id IS NOT NULL "
        "AND merged_into_id IS NULL AND created_at >= %s GROUP BY customer_id",
        [TicketKind.COMPLAINT, _day_start(today - dt.timedelta(days=cfg.complaint_days))]), 1)[0]
    return CustomerArrays(
        ids=ids, purchases=np.nan_to_num(count), monetary=np.nan_to_num(total),
        days_since_purchase=today_day - last, days_since_contact=today_day - contact, usual_gap=gap,
        complaints=np.nan_to_num(complaints), spend_recent=np.nan_to_num(spend_recent),
        spend_before=np.nan_to_num(spend_before),
    ) if n else CustomerArrays.build([])


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _scatter(ids: np.ndarray, rows: list[tuple[Any, ...]], width: int) -> list[np.ndarray]:
    """Spread (customer_id, v1..vk) rows onto the positions of `ids`; NaN where no row."""
    out = [np.full(len(ids), np.nan) for _ in range(width)]
    if not rows or not len(ids):
        return out
    table = np.array(rows, dtype=float)
    pos = np.searchsorted(ids, table[:, 0].astype(np.int64))
    pos = np.minimum(pos, len(ids) - 1)
    live = ids[pos] == table[:, 0].astype(np.int64)  # rows of deleted customers drop out
    for k in range(width):
        out[k][pos[live]] = table[live, k + 1]
    return out


# --- writing: one staging table, three set-based statements ----------------------------

def _write(result: Result, data: CustomerArrays, today: dt.date, phases: dict[str, float]) -> int:
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor, _timed(phases, "stage"):
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (customer_id bigint PRIMARY KEY, r smallint, f smallint, m smallint, "
            "segment varchar(12), purchases integer, monetary double precision, last_day integer, "
            "usual_gap double precision, churn_risk double precision, churn_level varchar(6), reasons text, "
            "tier varchar(12), state varchar(12))")
        rows = _stage_rows(result, data, today)
        if pg:
            with cursor.copy(f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
            cursor.executemany(f"INSERT INTO {STAGE} VALUES ({marks})", rows)
    with connection.cursor() as cursor:
        changed = _apply(cursor, pg, phases)
        cursor.execute(f"DROP TABLE {STAGE}")
    return changed


def _stage_rows(result: Result, data: CustomerArrays, today: dt.date) -> list[tuple[Any, ...]]:
    today_day = (today - EPOCH).days
    last = np.where(np.isnan(data.days_since_purchase), -1, today_day - np.nan_to_num(data.days_since_purchase))
    gap = np.round(data.usual_gap, 1)
    reasons = [json.dumps(r) if r else "[]" for r in result.reasons]
    return list(zip(
        result.ids.tolist(), result.r.tolist(), result.f.tolist(), result.m.tolist(), result.segment.tolist(),
        data.purchases.astype(np.int64).tolist(), np.round(data.monetary, 2).tolist(),
        [None if d < 0 else d for d in last.astype(np.int64).tolist()],
        [None if g != g else g for g in gap.tolist()],
        result.churn_risk.tolist(), result.churn_level.tolist(), reasons,
        result.tier.tolist(), result.state.tolist(), strict=True,
    ))


def _apply(cursor: Any, pg: bool, phases: dict[str, float]) -> int:
    customer, insight = Customer._meta.db_table, CustomerInsight._meta.db_table
    # Only rows whose tier or state moved are written: a second run changes nothing.
    with _timed(phases, "customers"):
        cursor.execute(
            f"UPDATE {customer} SET value_tier = s.tier, time_state = s.state FROM {STAGE} AS s "
            f"WHERE s.customer_id = {customer}.id "
            f"AND ({customer}.value_tier <> s.tier OR {customer}.time_state <> s.state)")
    changed = cursor.rowcount
    last_purchase = "DATE '1970-01-01' + last_day" if pg else "date(last_day * 86400, 'unixepoch')"
    reasons = "CAST(reasons AS jsonb)" if pg else "reasons"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with _timed(phases, "insights"):
        # Not TRUNCATE: PostgreSQL refuses it while the transaction has deferred FK checks pending.
        cursor.execute(f"DELETE FROM {insight}")
        cursor.execute(
            f"INSERT INTO {insight} (customer_id, r, f, m, segment, purchases, monetary, last_purchase, usual_gap, "
            f"churn_risk, churn_level, reasons, computed_at) SELECT customer_id, r, f, m, segment, purchases, "
            f"monetary, {last_purchase}, usual_gap, churn_risk, churn_level, {reasons}, %s FROM {STAGE}", [now])
    return changed


def _summarise(result: Result, data: CustomerArrays, changed: int, seconds: float) -> RefreshSummary:
    def counts(values: np.ndarray) -> dict[str, int]:
        keys, n = np.unique(values, return_counts=True)
        return dict(zip(keys.tolist(), n.tolist(), strict=True))

    return RefreshSummary(
        customers=len(result.ids), paying=int((data.purchases > 0).sum()), changed=changed, seconds=seconds,
        tiers=counts(result.tier), states=counts(result.state), levels=counts(result.churn_level),
    )
