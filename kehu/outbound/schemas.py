"""Typed input and output of the outbound API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class CampaignIn(Schema):
    name: str
    kind: str = "telemarketing"
    description: str = ""
    script: int | None = None
    survey: int | None = None
    max_attempts: int = 3
    retry_minutes: int = 120
    call_from: str = "09:00"
    call_until: str = "20:00"
    weekdays: str = "12345"
    assignment: str = "even"
    agents: list[int] = []
    status: str = "draft"


class CampaignPatch(Schema):
    name: str | None = None
    description: str | None = None
    script: int | None = None
    survey: int | None = None
    max_attempts: int | None = None
    retry_minutes: int | None = None
    call_from: str | None = None
    call_until: str | None = None
    weekdays: str | None = None
    assignment: str | None = None
    agents: list[int] | None = None
    status: str | None = None


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    description: str
    script_id: int | None
    survey_id: int | None
    max_attempts: int
    retry_minutes: int
    call_from: str
    call_until: str
    weekdays: str
    assignment: str
    agents: list[int]
    created_at: dt.datetime


class TargetRow(Schema):
    name: str = ""
    phone: str = ""
    code: str = ""
    note: str = ""


class EntriesIn(Schema):
    """Either a customer-list filter (its query string, e.g. "value_tier=vip&owner=me", or an
    object of the same keys) or rows."""

    filter: str | dict[str, str] | None = None
    rows: list[TargetRow] | None = None


class ProblemOut(Schema):
    row: int
    value: str
    reason: str


class LoadReportOut(Schema):
    added: int
    bad_phones: int
    duplicates: int
    do_not_call: int
    unknown_customers: int
    problems: list[ProblemOut]


class AttemptOut(Schema):
    id: int
    agent_id: int | None
    at: dt.datetime
    outcome: str
    note: str
    callback_at: dt.datetime | None
    promised_pay_on: dt.date | None
    amount: Decimal | None
    interaction_id: int | None


class EntryOut(Schema):
    id: int
    campaign_id: int
    customer_id: int | None
    name: str
    phone: str
    note: str
    agent_id: int | None
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_outcome: str
    locked_by_id: int | None
    locked_at: dt.datetime | None
    history: list[AttemptOut] = []


class AttemptIn(Schema):
    outcome: str
    note: str = ""
    callback_at: dt.datetime | None = None
    promised_pay_on: dt.date | None = None
    amount: Decimal | None = None
    interaction: int | None = None
    do_not_call: bool = False


class RatesOut(Schema):
    attempted: float | None
    connected: float | None
    success: float | None
    conversion: float | None


class FunnelRow(Schema):
    entries: int
    attempted: int
    connected: int
    success: int
    calls: int
    rates: RatesOut


class AgentFunnelRow(FunnelRow):
    agent_id: int | None
    agent: str


class FunnelOut(Schema):
    campaign: FunnelRow
    agents: list[AgentFunnelRow]
    statuses: dict[str, int]


class DncIn(Schema):
    phone: str
    reason: str = ""


class DncOut(Schema):
    id: int
    phone: str
    reason: str
    added_by_id: int | None
    added_at: dt.datetime
