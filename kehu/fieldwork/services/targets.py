"""Targets per rep and month or week, and their attainment read from the activity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import InvalidInput, NotAllowed
from kehu.customers.validation import clean_date
from kehu.fieldwork.activity import attainment
from kehu.fieldwork.models import PeriodKind, Target, period_bounds
from kehu.fieldwork.querysets import can_lead, team_ids

MAX_COUNT = 1_000_000
MAX_AMOUNT = Decimal("999999999999.99")
MEASURES = ("new_customers", "visits", "won_amount")


def _count(raw: Any, field: str, errors: dict[str, str]) -> int:
    text = str(raw if raw is not None else "0").strip() or "0"
    try:
        value = int(text)
    except ValueError:
        errors[field] = _("Enter a whole number.")
        return 0
    if value < 0:
        errors[field] = _("A target cannot be negative.")
    elif value > MAX_COUNT:
        errors[field] = _("At most 1,000,000.")
    return value


def _amount(raw: Any, errors: dict[str, str]) -> Decimal:
    try:
        value = Decimal(str(raw if raw not in (None, "") else 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["won_amount"] = _("Enter an amount in yuan.")
        return Decimal(0)
    if not value.is_finite():
        errors["won_amount"] = _("Enter an amount in yuan.")
    elif value < 0:
        errors["won_amount"] = _("A target cannot be negative.")
    elif value > MAX_AMOUNT:
        errors["won_amount"] = _("The amount must be between 0 and 999,999,999,999.99.")
    return value


@transaction.atomic
def target_set(*, by: User, rep: User, data: dict[str, Any]) -> Target:
    """Set (or change) a rep's target for the month or week holding `data["date"]`.

    Supervisors set targets for their team, managers and administrators for anyone.
    """
    ids = team_ids(by)
    if not can_lead(by) or (ids is not None and rep.pk not in ids):
        raise NotAllowed(_("Only the rep's supervisor or a manager can set targets."), field="rep")
    errors: dict[str, str] = {}
    period = str(data.get("period") or PeriodKind.MONTH)
    if period not in PeriodKind.values:
        errors["period"] = _("Choose month or week.")
    day, error = clean_date(data.get("date"))
    if error:
        errors["date"] = error
    new_customers = _count(data.get("new_customers"), "new_customers", errors)
    visits = _count(data.get("visits"), "visits", errors)
    won_amount = _amount(data.get("won_amount"), errors)
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    start, _end = period_bounds(period, day or timezone.localdate())
    values = {"new_customers": new_customers, "visits": visits, "won_amount": won_amount,
              "set_by": by, "updated_at": timezone.now()}
    target, created = Target.objects.select_for_update().get_or_create(
        rep=rep, period=period, period_start=start, defaults=values)
    if not created:
        changes = {m: [getattr(target, m), values[m]] for m in MEASURES if getattr(target, m) != values[m]}
        for name, value in values.items():
            setattr(target, name, value)
        target.save(update_fields=list(values))
    else:
        changes = {m: [None, values[m]] for m in MEASURES}
    log_action("target.set", actor=by, obj=target, changes=changes)
    return target


@dataclass
class Measure:
    name: str
    target: Decimal
    attained: Decimal

    @property
    def percent(self) -> int | None:
        """Attained as a share of the target, rounded down; None when there is no target."""
        if self.target <= 0:
            return None
        return int(self.attained * 100 // self.target)

    @property
    def bar(self) -> int:
        return min(self.percent or 0, 100)


@dataclass
class TargetRow:
    target: Target
    start: dt.date
    end: dt.date
    measures: list[Measure]


def targets_with_attainment(targets: QuerySet[Target]) -> list[TargetRow]:
    """Each target with what its rep attained in its period (three queries per distinct period)."""
    items = list(targets.select_related("rep"))
    periods: dict[tuple[str, dt.date], list[int]] = {}
    for t in items:
        periods.setdefault((t.period, t.period_start), []).append(t.rep_id)
    done: dict[tuple[str, dt.date], dict[int, dict[str, Any]]] = {}
    for (period, start), rep_ids in periods.items():
        done[(period, start)] = attainment(rep_ids, *period_bounds(period, start))
    rows = []
    for t in items:
        got = done[(t.period, t.period_start)][t.rep_id]
        rows.append(TargetRow(target=t, start=t.period_start, end=t.period_end, measures=[
            Measure(m, Decimal(getattr(t, m)), Decimal(got[m])) for m in MEASURES]))
    return rows
