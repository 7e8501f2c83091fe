"""Typed input and output of the fieldwork API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema


class PersonOut(Schema):
    id: int
    username: str
    name: str


class VisitIn(Schema):
    customer: int
    rep: int | None = None
    contact: int | None = None
    opportunity: int | None = None
    purpose: str = ""
    planned_date: str = ""
    appointment: str = "not_called"


class CheckInIn(Schema):
    location: str = ""


class RecordIn(Schema):
    met_whom: str = ""
    needs: str = ""
    objections: str = ""
    outcome: str = ""
    next_visit_date: str | None = None
    next_visit_content: str = ""


class VisitOut(Schema):
    id: int
    customer_id: int
    customer_name: str
    contact_id: int | None
    opportunity_id: int | None
    rep: PersonOut
    purpose: str
    planned_date: dt.date
    route_order: int
    appointment: str
    status: str
    checked_in_at: dt.datetime | None
    location: str
    met_whom: str
    needs: str
    objections: str
    outcome: str
    next_visit_date: dt.date | None
    next_visit_content: str
    next_visit_id: int | None
    recorded_at: dt.datetime | None


class ReportIn(Schema):
    kind: str = "daily"
    date: str = ""
    body: str | None = None


class CommentIn(Schema):
    body: str = ""


class CommentOut(Schema):
    by: str
    body: str
    at: dt.datetime


class ReportOut(Schema):
    id: int
    author: PersonOut
    kind: str
    period_start: dt.date
    period_end: dt.date
    body: str
    figures: dict[str, Any]
    status: str
    reviewer: PersonOut | None
    submitted_at: dt.datetime | None
    comments: list[CommentOut]


class TargetIn(Schema):
    rep: int
    period: str = "month"
    date: str = ""
    new_customers: int | str = 0
    visits: int | str = 0
    won_amount: Decimal | str = Decimal(0)


class MeasureOut(Schema):
    target: Decimal
    attained: Decimal
    percent: int | None


class TargetOut(Schema):
    id: int
    rep: PersonOut
    period: str
    period_start: dt.date
    period_end: dt.date
    new_customers: MeasureOut
    visits: MeasureOut
    won_amount: MeasureOut
