"""JSON API of the contact center app. Handlers parse, call one function, respond."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Status

from kehu.contact import cti, staffing
from kehu.contact.schemas import CtiReport, DayIn, DayOut, StaffingIn, StaffingOut
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
