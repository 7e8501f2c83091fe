"""Typed input and output of the customer development API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class UserRef(Schema):
    id: int
    username: str
    name: str


class DuplicateOut(Schema):
    kind: str
    id: int
    name: str
    field: str
    url: str


class LeadIn(Schema):
    company: str = Field(max_length=200)
    source: str = "other"
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""
    status: str = ""
    money: str = ""
    money_note: str = ""
    authority: str = ""
    authority_note: str = ""
    need: str = ""
    need_note: str = ""
    to_pool: bool = False


class LeadPatch(LeadIn):
    """Only the fields sent are changed."""

    company: str = Field(default="", max_length=200)


class LeadOut(Schema):
    id: int
    source: str
    company: str
    contact_name: str
    phone: str
    email: str
    status: str
    money: str
    money_note: str
    authority: str
    authority_note: str
    need: str
    need_note: str
    notes: str
    owner: UserRef | None
    in_pool: bool
    created_at: dt.datetime
    converted_at: dt.datetime | None
    customer_id: int | None
    contact_id: int | None
    opportunity_id: int | None
    duplicates: list[DuplicateOut] = []


class ConvertIn(Schema):
    pipeline: int | None = None
    title: str = ""
    amount: Decimal | None = None
    expected_close: dt.date | None = None


class StageOut(Schema):
    id: int
    name: str
    order: int
    probability: int
    is_won: bool
    is_lost: bool
    is_side: bool


class PipelineOut(Schema):
    id: int
    name: str
    code: str
    stages: list[StageOut]


class OpportunityIn(Schema):
    customer: int
    pipeline: int
    title: str = Field(max_length=200)
    amount: Decimal = Decimal(0)
    expected_close: dt.date | None = None
    products: list[str] = []
    competitors: str = ""
    stage: int | None = None


class StageChangeOut(Schema):
    from_stage: str | None
    to_stage: str
    by: str | None
    at: dt.datetime
    note: str


class OpportunityOut(Schema):
    id: int
    title: str
    customer_id: int
    customer_name: str
    pipeline_id: int
    stage: StageOut
    amount: Decimal
    weighted_amount: Decimal
    expected_close: dt.date | None
    products: list[str]
    competitors: str
    loss_reason: str
    owner: UserRef | None
    lead_id: int | None
    is_closed: bool
    closed_at: dt.datetime | None
    created_at: dt.datetime
    history: list[StageChangeOut] = []


class MoveIn(Schema):
    stage: int
    loss_reason: str = ""


class ReopenIn(Schema):
    stage: int | None = None
