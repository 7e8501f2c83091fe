"""CSAT and NPS of a survey: overall, by month, by the ticket's agent, team and kind."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from kehu.surveys import logic
from kehu.surveys.models import Answer, Response, Survey


@dataclass
class Score:
    n: int = 0
    csat: float | None = None
    nps: float | None = None


@dataclass
class SurveyMetrics:
    statuses: dict[str, int]
    csat_question: str | None
    nps_question: str | None
    overall: Score
    by_month: list[tuple[str, Score]]
    by: dict[str, list[tuple[str, Score]]] = field(default_factory=dict)  # agent / team / ticket kind
    comments: list[dict[str, Any]] = field(default_factory=list)


def key_questions(survey: Survey) -> tuple[dict | None, dict | None]:
    """The CSAT question (flagged `csat`, else the first rating) and the first NPS question,
    over every version (codes are kept across versions)."""
    csat_q = nps_q = first_rating = None
    for version in survey.versions.order_by("-number"):
        for q in logic.questions(version.definition):
            if q["type"] == "rating" and q.get("csat") and csat_q is None:
                csat_q = q
            if q["type"] == "rating" and first_rating is None:
                first_rating = q
            if q["type"] == "nps" and nps_q is None:
                nps_q = q
    return csat_q or first_rating, nps_q


def survey_metrics(survey: Survey, *, since: dt.date | None = None, until: dt.date | None = None,
                   comment_query: str = "") -> SurveyMetrics:
    responses = Response.objects.filter(survey=survey)
    statuses = dict(responses.values_list("status").annotate(n=Count("pk")).order_by())
    csat_q, nps_q = key_questions(survey)
    answers = Answer.objects.filter(response__survey=survey, response__status="completed")
    if since:
        answers = answers.filter(response__finished_at__date__gte=since)
    if until:
        answers = answers.filter(response__finished_at__date__lte=until)
    codes = [q["code"] for q in (csat_q, nps_q) if q]
    rows = answers.filter(question__in=codes, number__isnull=False).values_list(
        "response_id", "question", "number", "response__finished_at",
        "response__ticket__assignee__display_name", "response__ticket__team__name", "response__ticket__kind",
    )
    per_response: dict[int, dict[str, Any]] = {}
    for rid, code, number, finished, agent, team, kind in rows:
        entry = per_response.setdefault(rid, {"month": timezone.localtime(finished).strftime("%Y-%m"),
                                              "agent": agent, "team": team, "kind": kind})
        entry[code] = int(number)
    groups: dict[str, dict[str, list[dict]]] = {"month": defaultdict(list), "agent": defaultdict(list),
                                                "team": defaultdict(list), "kind": defaultdict(list)}
    for entry in per_response.values():
        for dim in groups:
            if entry[dim]:
                groups[dim][entry[dim]].append(entry)

    def score(entries: list[dict]) -> Score:
        out = Score(n=len(entries))
        if csat_q:
            out.csat = logic.csat([e[csat_q["code"]] for e in entries if csat_q["code"] in e],
                                  csat_q["min"], csat_q["max"])
        if nps_q:
            out.nps = logic.nps([e[nps_q["code"]] for e in entries if nps_q["code"] in e])
        return out

    return SurveyMetrics(
        statuses=statuses,
        csat_question=csat_q["code"] if csat_q else None,
        nps_question=nps_q["code"] if nps_q else None,
        overall=score(list(per_response.values())),
        by_month=sorted((m, score(e)) for m, e in groups["month"].items()),
        by={dim: sorted(((k, score(e)) for k, e in groups[dim].items()), key=lambda x: -x[1].n)
            for dim in ("agent", "team", "kind")},
        comments=_comments(survey, answers, comment_query),
    )


def _comments(survey: Survey, answers: Any, query: str, limit: int = 100) -> list[dict[str, Any]]:
    text_codes = {q["code"] for v in survey.versions.all() for q in logic.questions(v.definition)
                  if q["type"] == "text"}
    qs = answers.filter(question__in=text_codes).order_by("-response__finished_at")
    out = []
    for question, value, finished, rid in qs.values_list("question", "value", "response__finished_at",
                                                          "response_id")[:2000]:
        if query and query not in str(value):
            continue
        out.append({"question": question, "text": value, "at": finished, "response": rid})
        if len(out) >= limit:
            break
    return out
