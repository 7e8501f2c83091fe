"""Typed shapes of the customer API (django-ninja / pydantic)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class CustomerIn(Schema):
    name: str = Field(max_length=200)
    kind: str = "company"
    phone: str = ""
    credit_code: str = ""
    email: str = ""
    industry: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    address: str = ""
    source: str = ""
    value_tier: str = ""
    time_state: str = ""
    relation: str = ""
    need_type: str = ""
    behaviour_type: str = ""
    notes: str = ""
    tags: list[str] = []
    owner_id: int | None = Field(None, description="Owner; omit for the default (reps own what they create).")
    to_pool: bool = Field(False, description="Create the customer in the pool, without an owner.")
    merge_into: int | None = Field(None, description="Confirm that this duplicate is merged into that customer.")


class CustomerPatch(Schema):
    name: str | None = None
    kind: str | None = None
    phone: str | None = None
    credit_code: str | None = None
    email: str | None = None
    industry: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    address: str | None = None
    source: str | None = None
    value_tier: str | None = None
    time_state: str | None = None
    relation: str | None = None
    need_type: str | None = None
    behaviour_type: str | None = None
    notes: str | None = None
    tags: list[str] | None = None
    owner_id: int | None = None
    version: int | None = Field(None, description="The version you read; a stale one answers 409.")


class UserRef(Schema):
    id: int
    username: str
    name: str


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    title: str
    mobile: str
    phone: str
    email: str
    wechat: str
    birthday: dt.date | None
    is_decision_maker: bool
    notes: str


class CustomerOut(Schema):
    id: int
    kind: str
    name: str
    credit_code: str
    phone: str
    email: str
    masked: bool
    industry: str
    province: str
    city: str
    district: str
    address: str
    source: str
    value_tier: str
    time_state: str
    relation: str
    need_type: str
    behaviour_type: str
    notes: str
    tags: list[str]
    owner: UserRef | None
    team_id: int | None
    in_pool: bool
    last_followup_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class CustomerPage(Schema):
    count: int
    count_is_exact: bool
    page: int
    page_size: int
    has_next: bool
    items: list[CustomerOut]


class ContactIn(Schema):
    customer_id: int
    name: str
    title: str = ""
    mobile: str = ""
    phone: str = ""
    email: str = ""
    wechat: str = ""
    birthday: str = ""
    is_decision_maker: bool = False
    notes: str = ""
    confirm_duplicate: bool = False


class FollowUpIn(Schema):
    customer_id: int
    channel: str
    content: str
    outcome: str = ""
    next_date: str = ""
    contact_id: int | None = None


class FollowUpOut(Schema):
    id: int
    customer_id: int
    contact_id: int | None
    channel: str
    content: str
    outcome: str
    next_date: dt.date | None
    by: UserRef | None
    at: dt.datetime


class HistoryOut(Schema):
    id: int
    at: dt.datetime
    actor: UserRef | None
    action: str
    object_type: str
    object_id: int | None
    changes: dict
    note: str


class LedgerOut(Schema):
    invoiced: Decimal
    received: Decimal
    outstanding: Decimal
    overdue: Decimal


class MergeIn(Schema):
    merge_id: int
