"""Typed shapes of the ticket API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from kehu.core.schemas import MAX_ID


class Ref(Schema):
    id: int
    name: str


class TicketIn(Schema):
    kind: str = Field(description="inquiry, repair, emergency_repair, complaint, report, suggestion, other")
    channel: str = Field("api", description="phone, web, email, wechat, weibo, walk_in, api")
    title: str = ""
    description: str = ""
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    contact_id: int | None = Field(None, ge=1, le=MAX_ID)
    phone: str = Field("", description="The caller's phone; finds the customer when customer_id is absent.")
    caller_name: str = ""
    caller_email: str = ""
    anonymous: bool = False
    priority: str = "normal"
    grade: str = Field("", description="Complaint grade code: general, serious, major, critical.")
    category_id: int | None = Field(None, ge=1, le=MAX_ID)
    fault_location: str = ""
    safety_note: str = ""
    assignee_id: int | None = Field(None, ge=1, le=MAX_ID)
    team_id: int | None = Field(None, ge=1, le=MAX_ID)
    master_id: int | None = Field(None, ge=1, le=MAX_ID, description="Attach to this master incident.")


class TicketPatch(Schema):
    title: str | None = None
    description: str | None = None
    priority: str | None = None
    grade: str | None = None
    fault_location: str | None = None
    safety_note: str | None = None
    assignee_id: int | None = Field(None, ge=0, le=MAX_ID)
    team_id: int | None = Field(None, ge=0, le=MAX_ID)
    category_id: int | None = Field(None, ge=0, le=MAX_ID)
    version: int | None = Field(None, description="The version you edited; a stale one answers 409.")


class TicketOut(Schema):
    id: int
    number: str
    kind: str
    channel: str
    status: str
    priority: str
    grade: str | None
    category: str | None
    title: str
    description: str
    customer: Ref | None
    contact_id: int | None
    caller_name: str
    caller_phone: str
    caller_email: str
    anonymous: bool
    fault_location: str
    safety_note: str
    assignee: Ref | None
    team: Ref | None
    created_at: dt.datetime
    updated_at: dt.datetime
    first_responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    first_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    sla_state: str
    first_response_breached: bool
    resolution_breached: bool
    escalation_level: int
    solution: str
    customer_agreed: bool | None
    close_reason: str
    is_master: bool
    master_id: int | None
    merged_into_id: int | None
    tracking_code: str
    version: int


class TicketPage(Schema):
    count: int
    page: int
    page_size: int
    has_next: bool
    items: list[TicketOut]


class ReplyIn(Schema):
    body: str
    internal: bool = False


class ReplyOut(Schema):
    id: int
    author: str
    body: str
    internal: bool
    via: str
    created_at: dt.datetime


class DispatchIn(Schema):
    unit_ids: list[int] = Field(min_length=1)
    due_at: dt.datetime | None = None
    due_hours: float | None = Field(None, gt=0, le=24 * 365)
    instructions: str = ""


class ResolveIn(Schema):
    solution: str = ""


class CloseIn(Schema):
    customer_agreed: bool | None = None
    reason: str = ""


class ReasonIn(Schema):
    reason: str = ""


class ReturnVisitIn(Schema):
    reached: bool
    satisfaction: int | None = Field(None, ge=1, le=5)
    comment: str = ""


class ReturnVisitOut(Schema):
    id: int
    ticket_id: int
    status: str
    due_at: dt.datetime
    reached: bool | None
    satisfaction: int | None
    comment: str
    flagged: bool
    attempts: int


class StepIn(Schema):
    step: str = Field(description="calm, listen, apologise, solution, follow_up")
    note: str = ""


class StepOut(Schema):
    step: str
    label: str
    done_at: dt.datetime
    note: str


class OtherTicketIn(Schema):
    ticket_id: int = Field(ge=1, le=MAX_ID)


class WorkOrderOut(Schema):
    id: int
    ticket_id: int
    ticket_number: str
    ticket_title: str
    unit: Ref
    instructions: str
    due_at: dt.datetime
    status: str
    overdue: bool
    answer: str
    answered_at: dt.datetime | None


class AnswerIn(Schema):
    answer: str
