"""Typed shapes of the assist API."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field

from kehu.core.schemas import MAX_ID

# Longer bodies are refused (422) rather than cut silently; up to this size the text is
# analysed from its start (services.MAX_TEXT characters) and the answer says so.
MAX_INPUT = 200_000


class AssistIn(Schema):
    text: str = Field("", max_length=MAX_INPUT,
                      description="The customer's words; empty with a ticket_id analyses the ticket.")
    ticket_id: int | None = Field(None, ge=1, le=MAX_ID)
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)


class AssistOut(Schema):
    # The engine may add keys (kind_scores, urgency_score, …); they pass through.
    model_config = ConfigDict(extra="allow")

    emotion: str
    emotion_label: str
    emotion_score: float
    type: str
    type_label: str
    type_scores: dict[str, float]
    kind: str
    kind_label: str
    urgency: str
    urgency_label: str
    reasons: dict[str, list[str]]
    strategy: str | None
    scripts: list[str]
    faqs: list[str]
    first_reply: str
    model_version: str
    truncated: bool = Field(False, description="The text was longer than the analysed part.")
    ticket_id: int | None = None
    customer_id: int | None = None


class FeedbackIn(Schema):
    field: str = Field(description="type, kind, emotion or urgency")
    correct: str = Field(max_length=40, description="The right code for the field.")
    predicted: str = Field("", max_length=40, description="The code the engine gave.")
    text: str = Field("", max_length=MAX_INPUT)
    ticket_id: int | None = Field(None, ge=1, le=MAX_ID)
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    model_version: str = Field("", max_length=80)


class FeedbackOut(Schema):
    id: int
    field: str
    predicted: str
    correct: str
    model_version: str
    ticket_id: int | None
    customer_id: int | None
    created_by: str
    created_at: str
    customer_type: str | None = Field(None, description="The customer's behavioural type after this.")
