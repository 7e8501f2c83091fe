"""Visits: plan (phone appointment first), route order, check in on site, record, cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.core.schemas import MAX_ID
from kehu.customers.models import Contact, Customer
from kehu.customers.validation import clean_date
from kehu.fieldwork.models import Appointment, Visit, VisitStatus
from kehu.fieldwork.querysets import can_lead, team_ids
from kehu.sales.models import Opportunity


def _invalid(errors: dict[str, str]) -> InvalidInput:
    return InvalidInput(_("Some fields are not valid."), errors=errors)


def _id(raw: Any) -> int | None:
    text = str(raw if raw is not None else "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else None


def _check_rep(rep: User, by: User) -> None:
    if rep.pk == by.pk:
        return
    ids = team_ids(by)
    if not can_lead(by) or (ids is not None and rep.pk not in ids):
        raise NotAllowed(_("You can plan visits only for yourself or for people of your team."), field="rep")


def _today() -> dt.date:
    return timezone.localdate()


def _next_order(rep: User, day: dt.date) -> int:
    top = Visit.objects.filter(rep=rep, planned_date=day).aggregate(m=Max("route_order"))["m"]
    return (top or 0) + 1


@transaction.atomic
def visit_plan(*, by: User, customer: Customer, data: dict[str, Any]) -> Visit:
    """Plan a visit for `data["rep"]` (default: the planner). Contact and opportunity, given by id,
    must belong to the customer; the date may not be in the past."""
    rep: User = data.get("rep") or by
    _check_rep(rep, by)
    errors: dict[str, str] = {}
    purpose = str(data.get("purpose") or "").strip()
    if not purpose:
        errors["purpose"] = _("Say what the visit is for.")
    day, error = clean_date(data.get("planned_date"))
    if error:
        errors["planned_date"] = error
    elif day is None:
        errors["planned_date"] = _("Choose the day of the visit.")
    elif day < _today():
        errors["planned_date"] = _("A visit cannot be planned for a day that has passed.")
    appointment = str(data.get("appointment") or Appointment.NOT_CALLED)
    if appointment not in Appointment.values:
        errors["appointment"] = _("Unknown appointment status.")
    contact = opportunity = None
    if data.get("contact") not in (None, ""):
        contact_id = _id(data.get("contact"))
        contact = Contact.objects.filter(pk=contact_id, customer=customer).first() if contact_id else None
        if contact is None:
            errors["contact"] = _("This contact does not belong to the customer.")
    if data.get("opportunity") not in (None, ""):
        opportunity_id = _id(data.get("opportunity"))
        opportunity = (Opportunity.objects.filter(pk=opportunity_id, customer=customer).first()
                       if opportunity_id else None)
        if opportunity is None:
            errors["opportunity"] = _("This opportunity does not belong to the customer.")
    if errors:
        raise _invalid(errors)
    assert day is not None
    now = timezone.now()
    visit = Visit.objects.create(
        customer=customer, contact=contact, opportunity=opportunity, rep=rep, team=rep.department,
        purpose=purpose[:255], planned_date=day, route_order=_next_order(rep, day), appointment=appointment,
        created_by=by, created_at=now, updated_at=now,
    )
    log_action("visit.planned", actor=by, obj=visit, customer_id=customer.pk,
               changes={"planned_date": [None, day], "rep": [None, str(rep)], "purpose": [None, visit.purpose]})
    return visit


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().select_related("customer").get(pk=visit.pk)


def _refuse_closed(visit: Visit) -> None:
    if visit.status == VisitStatus.CANCELLED:
        raise Conflict(_("This visit was cancelled."), field="status")
    if visit.status == VisitStatus.RECORDED:
        raise Conflict(_("This visit has already been recorded."), field="status")


def _refuse_others(visit: Visit, by: User, message: str) -> None:
    if visit.rep_id != by.pk:
        raise NotAllowed(message)


@transaction.atomic
def visit_set_appointment(*, visit: Visit, by: User, appointment: str,
                          planned_date: Any = None) -> Visit:
    """The result of the phone call before the visit; a new day moves the visit there."""
    current = _locked(visit)
    _refuse_closed(current)
    if appointment not in Appointment.values:
        raise _invalid({"appointment": _("Unknown appointment status.")})
    day, error = clean_date(planned_date)
    if error:
        raise _invalid({"planned_date": error})
    if day is not None and day < _today():
        raise _invalid({"planned_date": _("A visit cannot be planned for a day that has passed.")})
    changes: dict[str, list[Any]] = {"appointment": [current.appointment, appointment]}
    fields = ["appointment", "updated_at"]
    current.appointment, current.updated_at = appointment, timezone.now()
    if day is not None and day != current.planned_date:
        changes["planned_date"] = [current.planned_date, day]
        current.planned_date, current.route_order = day, _next_order(current.rep, day)
        fields += ["planned_date", "route_order"]
    current.save(update_fields=fields)
    log_action("visit.appointment", actor=by, obj=current, customer_id=current.customer_id, changes=changes)
    return current


@transaction.atomic
def visit_check_in(*, visit: Visit, by: User, location: str = "") -> Visit:
    """On site: the time is the server's, the location an optional text (address, landmark)."""
    current = _locked(visit)
    _refuse_others(current, by, _("Only the rep who makes the visit can check in."))
    if current.status == VisitStatus.CHECKED_IN:
        raise Conflict(_("Already checked in at %(time)s.")
                       % {"time": timezone.localtime(current.checked_in_at).strftime("%H:%M")}, field="status")
    _refuse_closed(current)
    current.status, current.checked_in_at = VisitStatus.CHECKED_IN, timezone.now()
    current.location, current.updated_at = str(location or "").strip()[:255], current.checked_in_at
    current.save(update_fields=["status", "checked_in_at", "location", "updated_at"])
    log_action("visit.checked_in", actor=by, obj=current, customer_id=current.customer_id,
               changes={"status": [VisitStatus.PLANNED, VisitStatus.CHECKED_IN], "location": [None, current.location]})
    return current


RECORD_FIELDS = {"met_whom": 200, "needs": 5000, "objections": 5000, "outcome": 5000, "next_visit_content": 255}


@transaction.atomic
def visit_record(*, visit: Visit, by: User, data: dict[str, Any]) -> Visit:
    """Write down the visit. A next visit date plans that visit (same customer, same rep)."""
    current = _locked(visit)
    _refuse_others(current, by, _("Only the rep who made the visit can record it."))
    _refuse_closed(current)
    if current.status != VisitStatus.CHECKED_IN:
        raise Conflict(_("Check in at the customer before recording the visit."), field="status")
    cleaned = {name: str(data.get(name) or "").strip()[:size] for name, size in RECORD_FIELDS.items()}
    errors: dict[str, str] = {}
    if not cleaned["outcome"]:
        errors["outcome"] = _("Write the outcome of the visit.")
    day, error = clean_date(data.get("next_visit_date"))
    if error:
        errors["next_visit_date"] = error
    elif day is not None and day < _today():
        errors["next_visit_date"] = _("The next visit cannot be on a day that has passed.")
    if errors:
        raise _invalid(errors)
    now = timezone.now()
    for name, value in cleaned.items():
        setattr(current, name, value)
    current.next_visit_date, current.status, current.recorded_at, current.updated_at = (
        day, VisitStatus.RECORDED, now, now)
    fields = [*RECORD_FIELDS, "next_visit_date", "status", "recorded_at", "updated_at"]
    if day is not None:
        current.next_visit = visit_plan(by=by, customer=current.customer, data={
            "rep": current.rep, "purpose": cleaned["next_visit_content"] or current.purpose, "planned_date": day,
            "contact": current.contact_id, "opportunity": current.opportunity_id,
        })
        fields.append("next_visit")
    current.save(update_fields=fields)
    log_action("visit.recorded", actor=by, obj=current, customer_id=current.customer_id,
               changes={"status": [VisitStatus.CHECKED_IN, VisitStatus.RECORDED], "outcome": [None, current.outcome],
                        "next_visit_date": [None, day]})
    return current


@transaction.atomic
def visit_cancel(*, visit: Visit, by: User, reason: str = "") -> Visit:
    current = _locked(visit)
    _refuse_closed(current)
    old = current.status
    current.status, current.cancel_reason, current.updated_at = (
        VisitStatus.CANCELLED, str(reason or "").strip()[:255], timezone.now())
    current.save(update_fields=["status", "cancel_reason", "updated_at"])
    log_action("visit.cancelled", actor=by, obj=current, customer_id=current.customer_id,
               changes={"status": [old, VisitStatus.CANCELLED]}, note=current.cancel_reason)
    return current


@transaction.atomic
def visit_move(*, visit: Visit, by: User, direction: str) -> list[Visit]:
    """Move a visit one place up or down the route of its day; returns the day in route order."""
    if direction not in ("up", "down"):
        raise _invalid({"direction": _("Move up or down.")})
    day = list(Visit.objects.select_for_update().filter(rep_id=visit.rep_id, planned_date=visit.planned_date)
               .order_by("route_order", "id"))
    index = next((i for i, v in enumerate(day) if v.pk == visit.pk), None)
    if index is None:
        raise Conflict(_("This visit is no longer planned for that day."), field="planned_date")
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(day):
        day[index], day[other] = day[other], day[index]
    for order, item in enumerate(day, start=1):
        if item.route_order != order:
            item.route_order = order
            item.save(update_fields=["route_order"])
    log_action("visit.reordered", actor=by, obj=visit, customer_id=visit.customer_id,
               changes={"route_order": [index + 1, (other if 0 <= other < len(day) else index) + 1]})
    return day
