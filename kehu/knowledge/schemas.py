"""Typed shapes of the knowledge base API."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from kehu.core.schemas import MAX_ID


class ArticleOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    status: str
    version: int
    url: str
    category: str | None = None
    tags: list[str] = []
    stage: str = ""
    scenario: str = ""
    customer_type: str = ""
    channel: str = "any"
    request_kind: str = ""
    question: str = ""
    variants: list[str] = []
    template_kind: str = ""
    subject: str = ""
    usage_count: int = 0
    helped_count: int = 0
    not_helped_count: int = 0


class ArticlePage(Schema):
    count: int
    results: list[ArticleOut]


class RatingIn(Schema):
    helped: bool
    comment: str = Field("", max_length=500)


class RatingOut(Schema):
    id: int
    helped: bool
    helped_count: int
    not_helped_count: int


class RenderIn(Schema):
    template_id: int = Field(..., ge=1, le=MAX_ID)
    ticket_id: int | None = Field(None, ge=1, le=MAX_ID)
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)


class RenderOut(Schema):
    text: str
    subject: str = ""
    unknown: list[str] = Field(default_factory=list, description="Placeholders that are no variable, left as written.")
    missing: list[str] = Field(default_factory=list, description="Variables with no ticket or customer to fill them.")
