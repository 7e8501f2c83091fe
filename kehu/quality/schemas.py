"""Typed input and output of the quality monitoring API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class UserRef(Schema):
    id: int
    username: str
    name: str


class ItemScoreIn(Schema):
    item: int
    points: Decimal | None = None
    passed: bool | None = None
    comment: str = Field(default="", max_length=500)


class RemarkIn(Schema):
    at: str | int = Field(description="mm:ss (or seconds) into the recording")
    text: str = Field(max_length=500)


class EvaluationIn(Schema):
    interaction: int | None = None
    ticket: int | None = None
    form: int | None = None
    items: list[ItemScoreIn] = []
    comments: str = ""
    remarks: list[RemarkIn] = []
    submit: bool = True


class ScoreIn(Schema):
    items: list[ItemScoreIn] = []
    comments: str | None = None
    submit: bool = True


class AppealIn(Schema):
    reason: str = ""


class DecisionIn(Schema):
    decision: str = Field(description="upheld or rejected")
    note: str = ""
    items: list[ItemScoreIn] = []


class ItemScoreOut(Schema):
    item: int
    section: str
    name: str
    max_points: int
    weight: Decimal
    fatal: bool
    points: Decimal | None
    passed: bool | None
    comment: str


class RemarkOut(Schema):
    at: str
    at_s: int
    text: str


class RevisionOut(Schema):
    old_score: Decimal | None
    new_score: Decimal | None
    reason: str
    at: dt.datetime


class EvaluationOut(Schema):
    id: int
    status: str
    week: str
    form_id: int
    interaction_id: int | None
    ticket_id: int | None
    agent: UserRef
    evaluator: UserRef | None
    score: Decimal | None
    fatal_failed: bool
    comments: str
    items: list[ItemScoreOut]
    remarks: list[RemarkOut]
    revisions: list[RevisionOut]
    appeal_reason: str
    decision_note: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    appealed_at: dt.datetime | None
    decided_at: dt.datetime | None
