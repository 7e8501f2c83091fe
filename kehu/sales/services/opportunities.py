"""Opportunities: create, move between stages (the kanban), reopen, and the forecast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput
from kehu.customers.validation import clean_date
from kehu.sales.models import Opportunity, Pipeline, Stage, StageChange
from kehu.sales.querysets import OpportunityQuerySet

MAX_AMOUNT = Decimal("999999999999.99")


def clean_amount(raw: Any) -> Decimal:
    try:
        amount = Decimal(str(raw if raw not in (None, "") else 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Some fields are not valid."), errors={"amount": _("Enter an amount in yuan.")}) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise InvalidInput(_("Some fields are not valid."),
                           errors={"amount": _("The amount must be between 0 and 999,999,999,999.99.")})
    return amount


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {"amount": clean_amount(data.get("amount"))}
    day, error = clean_date(data.get("expected_close"))
    if error:
        raise InvalidInput(_("Some fields are not valid."), errors={"expected_close": error})
    cleaned["expected_close"] = day
    products = data.get("products") or []
    if isinstance(products, str):
        products = products.splitlines()
    cleaned["products"] = [str(p).strip()[:200] for p in products if str(p).strip()][:50]
    cleaned["competitors"] = str(data.get("competitors") or "").strip()[:255]
    return cleaned


@transaction.atomic
def opportunity_create(*, by: User, data: dict[str, Any]) -> Opportunity:
    """A new opportunity at its pipeline's first stage. `data` holds loaded customer/pipeline/owner."""
    pipeline: Pipeline = data["pipeline"]
    title = str(data.get("title") or "").strip()[:200]
    if not title:
        raise InvalidInput(_("Some fields are not valid."), errors={"title": _("Name the opportunity.")})
    stage = data.get("stage") or pipeline.first_stage()
    if stage is None or stage.pipeline_id != pipeline.pk or stage.is_closed:
        raise InvalidInput(_("Some fields are not valid."),
                           errors={"stage": _("Choose an open stage of the pipeline.")})
    owner = data.get("owner") or by
    now = timezone.now()
    opportunity = Opportunity.objects.create(
        **_clean(data), title=title, customer=data["customer"], pipeline=pipeline, stage=stage,
        owner=owner, team=owner.department, lead=data.get("lead"), created_at=now, updated_at=now,
    )
    StageChange.objects.create(opportunity=opportunity, to_stage=stage, by=by, at=now)
    log_action("opportunity.created", actor=by, obj=opportunity, customer_id=opportunity.customer_id,
               changes={"title": [None, title], "stage": [None, stage.name], "amount": [None, opportunity.amount]})
    return opportunity


def _refuse_closed(current: Opportunity, target: Stage) -> None:
    """A closed opportunity stays put; only a won one may go on to later after-sale stages (交车, 跟踪)."""
    if not current.is_closed:
        return
    if current.stage.is_won and target.is_won and target.order > current.stage.order:
        return
    raise Conflict(
        _("“%(title)s” is closed (%(stage)s). Reopen it before moving it.")
        % {"title": current.title, "stage": current.stage.name}, field="stage")


@transaction.atomic
def opportunity_move(*, opportunity: Opportunity, stage: Stage, by: User, loss_reason: str = "") -> Opportunity:
    """Move to another stage of the same pipeline, recording who moved it from where."""
    current = Opportunity.objects.select_for_update().select_related("stage").get(pk=opportunity.pk)
    if stage.pipeline_id != current.pipeline_id:
        raise InvalidInput(_("Some fields are not valid."),
                           errors={"stage": _("This stage belongs to another pipeline.")})
    if stage.pk == current.stage_id:
        return current
    _refuse_closed(current, stage)
    loss_reason = str(loss_reason or "").strip()[:255]
    if stage.is_lost and not loss_reason:
        raise InvalidInput(_("Some fields are not valid."),
                           errors={"loss_reason": _("Say why the opportunity was lost.")})
    return _set_stage(current, stage, by=by, loss_reason=loss_reason, action="opportunity.moved")


def _set_stage(current: Opportunity, stage: Stage, *, by: User, loss_reason: str, action: str,
               note: str = "") -> Opportunity:
    now = timezone.now()
    old = current.stage
    current.stage, current.updated_at = stage, now
    current.is_closed = stage.is_closed
    current.closed_at = now if stage.is_closed else None
    fields = ["stage", "is_closed", "closed_at", "updated_at"]
    if loss_reason:
        current.loss_reason = loss_reason
        fields.append("loss_reason")
    current.save(update_fields=fields)
    StageChange.objects.create(opportunity=current, from_stage=old, to_stage=stage, by=by, at=now,
                               note=note or loss_reason)
    log_action(action, actor=by, obj=current, customer_id=current.customer_id,
               changes={"stage": [old.name, stage.name], **({"loss_reason": [None, loss_reason]} if loss_reason else {})},
               note=note)
    return current


@transaction.atomic
def opportunity_reopen(*, opportunity: Opportunity, by: User, stage: Stage | None = None) -> Opportunity:
    """Bring a won or lost opportunity back into play (an explicit, recorded decision)."""
    current = Opportunity.objects.select_for_update().select_related("stage", "pipeline").get(pk=opportunity.pk)
    if not current.is_closed:
        raise Conflict(_("This opportunity is open; there is nothing to reopen."), field="stage")
    target = stage or _last_open_stage(current) or current.pipeline.first_stage()
    if target.pipeline_id != current.pipeline_id or target.is_closed:
        raise InvalidInput(_("Some fields are not valid."),
                           errors={"stage": _("Choose an open stage of the pipeline.")})
    return _set_stage(current, target, by=by, loss_reason="", action="opportunity.reopened",
                      note=str(_("Reopened")))


def _last_open_stage(opportunity: Opportunity) -> Stage | None:
    last = (StageChange.objects.filter(opportunity=opportunity, to_stage__is_won=False, to_stage__is_lost=False)
            .select_related("to_stage").order_by("-at", "-id").first())
    return last.to_stage if last else None


@dataclass
class ForecastRow:
    stage: Stage
    cells: dict[dt.date | None, tuple[Decimal, Decimal]] = field(default_factory=dict)  # month → (amount, weighted)
    count: int = 0
    amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)


@dataclass
class Forecast:
    months: list[dt.date | None]
    rows: list[ForecastRow]
    month_weighted: dict[dt.date | None, Decimal]
    amount: Decimal
    weighted: Decimal


def forecast(*, opportunities: OpportunityQuerySet, pipeline: Pipeline) -> Forecast:
    """Open opportunities by stage and expected-close month: amount, and amount × win probability.

    One grouped query; the weighting is exact because every row of a group has its stage's probability.
    """
    stages = list(pipeline.stages.filter(is_won=False, is_lost=False).order_by("order", "id"))
    rows = {s.pk: ForecastRow(stage=s) for s in stages}
    groups = (opportunities.open().filter(pipeline=pipeline).order_by()
              .values("stage_id", month=TruncMonth("expected_close"))
              .annotate(total=Sum("amount"), n=Count("id")))
    months: set[dt.date | None] = set()
    month_weighted: dict[dt.date | None, Decimal] = {}
    for g in groups:
        row = rows.get(g["stage_id"])
        if row is None:
            continue
        month = g["month"].date() if isinstance(g["month"], dt.datetime) else g["month"]
        amount = g["total"] or Decimal(0)
        weighted = (amount * row.stage.probability / 100).quantize(Decimal("0.01"))
        row.cells[month] = (amount, weighted)
        row.count += g["n"]
        row.amount += amount
        row.weighted += weighted
        months.add(month)
        month_weighted[month] = month_weighted.get(month, Decimal(0)) + weighted
    ordered = sorted(months, key=lambda m: (m is None, m or dt.date.min))
    return Forecast(months=ordered, rows=list(rows.values()), month_weighted=month_weighted,
                    amount=sum((r.amount for r in rows.values()), Decimal(0)),
                    weighted=sum((r.weighted for r in rows.values()), Decimal(0)))
