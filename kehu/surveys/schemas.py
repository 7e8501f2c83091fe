"""API shapes of the satisfaction measurement app."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

MAX_API_RESAMPLES = 10_000


class CsiScale(Schema):
    min: float
    max: float


class CsiModel(Schema):
    """MODEL.json: items per construct, arrows, the target and the answer scale."""

    constructs: dict[str, list[str]]
    paths: list[list[str]]
    target: str
    scale: CsiScale | None = None
    modes: dict[str, str] | None = None
    cuts: dict[str, float] | None = Field(
        None, description="Quadrant cut points {importance, performance}; default: the means."
    )


class CsiIn(Schema):
    data: list[dict[str, Any]] | None = Field(
        None, description="One object per respondent, item → answer (null = no answer)."
    )
    csv: str | None = Field(None, description="Or the answers as CSV text with a header row.")
    model: CsiModel
    scheme: Literal["path", "centroid", "factorial"] = "path"
    scaled: bool = True
    bootstrap: int = Field(0, ge=0, le=MAX_API_RESAMPLES)
    seed: int = Field(0, ge=0)
    missing: Literal["listwise", "mean"] = "listwise"


class CsiPath(Schema):
    model_config = ConfigDict(extra="allow")

    coef: float | None
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


class CsiOuter(Schema):
    """One item: also `construct` (a pydantic method name, so not declared as a field)."""

    model_config = ConfigDict(extra="allow")

    item: str
    weight: float | None
    loading: float | None


class CsiReliability(Schema):
    model_config = ConfigDict(extra="allow")

    alpha: float | None
    rho_c: float | None
    ave: float | None


class CsiRanked(Schema):
    model_config = ConfigDict(extra="allow")

    item: str
    score: float | None
    impact: float | None
    rank: int


class CsiOut(Schema):
    """The keys of issue 5 item 8, plus everything else the engine reports."""

    model_config = ConfigDict(extra="allow")

    paths: list[CsiPath]
    r2: dict[str, float | None]
    outer: list[CsiOuter]
    reliability: dict[str, CsiReliability]
    gof: float | None
    total_effects: dict[str, float | None]
    importance: dict[str, float | None]
    performance: dict[str, float | None]
    index: float | None
    quadrants: dict[str, str]
    ranking: list[CsiRanked]
    converged: bool
    iterations: int


class SurveyOut(Schema):
    id: int
    name: str
    status: str
    version: int | None
    definition: dict | None
    public_url: str


class ResponseIn(Schema):
    answers: dict[str, Any]
    invitation_token: str = ""
    channel: Literal["api", "web", "cati"] = "api"
    language: Literal["zh", "en"] = "zh"
    complete: bool = True


class ResponseOut(Schema):
    id: int
    status: str
    version: int
    errors: dict[str, str]
    message: str = ""


class ScoreRow(Schema):
    key: str
    n: int
    csat: float | None
    nps: float | None


class MetricsOut(Schema):
    csat_question: str | None
    nps_question: str | None
    statuses: dict[str, int]
    n: int
    csat: float | None
    nps: float | None
    by_month: list[ScoreRow]
    by_agent: list[ScoreRow]
    by_team: list[ScoreRow]
    by_kind: list[ScoreRow]
