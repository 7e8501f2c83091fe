"""JSON API of the contact center app. Handlers parse, call one function, respond."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from kehu.contact import cti, reports, staffing, wallboard
from kehu.contact.models import Queue
from kehu.contact.schemas import (
    CtiReport,
    DayIn,
    DayOut,
    ReportOut,
    StaffingIn,
    StaffingOut,
    WallboardOut,
)
from kehu.core.errors import InvalidInput, NotAllowed
from kehu.core.schemas import Message

router = Router(tags=["Contact center"])


@router.post("/staffing", response={200: StaffingOut, 422: Message})
def staffing_interval(request: HttpRequest, body: StaffingIn) -> dict[str, Any]:
    """Agents for one interval by Erlang C (Erlang A when `patience_s` is given)."""
    return staffing.staffing_one(calls=body.calls, aht_s=body.aht_s, params=body.params())


@router.post("/staffing/day", response={200: DayOut, 422: Message})
def staffing_day(request: HttpRequest, body: DayIn) -> dict[str, Any]:
    """Agents for each interval of a day's forecast; shared targets in the body."""
    intervals = staffing.intervals_from(
        [(i.start, i.calls, i.aht_s) for i in body.intervals], body.aht_s
    )
    return staffing.staffing_day(intervals=intervals, params=body.params())


@router.post("/cti/events", response={200: CtiReport, 403: Message, 422: Message})
def cti_events(request: HttpRequest, payload: Body[Any]) -> Any:
    """Telephone events from a PBX adapter: one event object or a list (see docs/cti.md).

    Idempotent by event id; problems (unknown agents, impossible times) are reported per
    event, never refused as a whole.
    """
    if not cti.can_post_cti(request.user):
        return Status(403, {"message": "Only an administrator, manager or supervisor token may post "
                                       "telephone events.", "field": ""})
    if not isinstance(payload, (dict, list)):
        return Status(422, {"message": "Send one event object or a list of events.", "field": "body"})
    return cti.events_ingest(payload)


@router.get("/wallboard", response={200: WallboardOut, 403: Message, 422: Message})
def wallboard_now(request: HttpRequest, queue: str = "") -> Any:
    """Today's figures (local midnight to now) for the floor, or one queue with `?queue=CODE`.

    Rates are fractions (0.8 = 80 %), times in seconds, `null` when there is nothing to
    divide by. Supervisors, managers and administrators only (docs/wallboard.md).
    """
    if not wallboard.can_watch(request.user):
        raise NotAllowed(_("The wallboard is for supervisors, managers and administrators."))
    chosen = None
    if queue.strip():
        chosen = Queue.objects.filter(code=queue.strip()).first()
        if chosen is None:
            raise InvalidInput(_("No queue with the code %(code)s.") % {"code": queue.strip()[:40]},
                               field="queue")
    return wallboard.board_json(wallboard.wallboard(queue=chosen))


@router.get("/contact/reports", response={200: ReportOut, 403: Message, 422: Message})
def contact_reports(request: HttpRequest, start: str = "", end: str = "", interval: str = "30",
                    by: str = "queue") -> Any:
    """Interval (15, 30, 60) or daily (`interval=day`) figures per queue or agent (`by`)."""
    if not wallboard.can_watch(request.user):
        raise NotAllowed(_("The contact reports are for supervisors, managers and administrators."))
    form = reports.report_form({"start": start, "end": end, "interval": interval, "by": by})
    if not form.is_valid():
        field, message = form.first_error()
        raise InvalidInput(message, field=field)
    data = form.cleaned_data
    return reports.report_json(reports.build_report(start=data["start"], end=data["end"],
                                                    interval=reports.INTERVALS[data["interval"]], by=data["by"]))
