"""Typed shapes of the insights API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from kehu.core.schemas import MAX_ID


class Reason(Schema):
    code: str = Field(description="overdue_vs_rhythm, recent_complaints or falling_spend")
    text: str = Field(description="The reason in words, in the caller's language.")
    data: dict[str, Any] = Field(description="The numbers behind it, e.g. days and usual_gap.")


class InsightOut(Schema):
    customer_id: int
    name: str
    r: int
    f: int
    m: int
    segment: str
    tier: str
    lifecycle: str
    purchases: int
    monetary: float
    last_purchase: dt.date | None
    usual_gap: float | None
    churn_risk: float
    churn_level: str
    reasons: list[Reason]
    computed_at: dt.datetime


class WinBackFilters(Schema):
    team: int | None = Field(None, ge=1, le=MAX_ID)
    owner: int | None = Field(None, ge=1, le=MAX_ID)
    tier: str = Field("", description="key, quality, general or marginal")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class WinBackOut(Schema):
    count: int
    items: list[InsightOut]
