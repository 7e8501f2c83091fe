"""JSON API of the quality app. Handlers parse, call one service, respond."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from kehu.accounts.models import User
from kehu.contact.models import Interaction
from kehu.core.errors import InvalidInput
from kehu.core.schemas import ERRORS, MAX_ID
from kehu.quality import services
from kehu.quality.models import Evaluation, ScoringForm
from kehu.quality.schemas import (
    AppealIn,
    DecisionIn,
    EvaluationIn,
    EvaluationOut,
    ItemScoreIn,
    ScoreIn,
)
from kehu.service.models import Ticket

router = Router(tags=["Quality monitoring"])



class EvaluationFilters(Schema):
    status: str = ""
    week: str = ""
    agent: str = ""
    limit: int = 50
    offset: int = 0


def _pk(value: int | None) -> int:
    return value if value is not None and 0 < value <= MAX_ID else 0


def user_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "username": user.username, "name": str(user)}


def evaluation_out(e: Evaluation) -> dict[str, Any]:
    data = {f: getattr(e, f) for f in ("id", "status", "week", "form_id", "interaction_id", "ticket_id", "score",
                                       "fatal_failed", "comments", "appeal_reason", "decision_note", "created_at",
                                       "submitted_at", "acknowledged_at", "appealed_at", "decided_at")}
    data.update(
        agent=user_ref(e.agent), evaluator=user_ref(e.evaluator),
        items=[{"item": s.item_id, "section": s.item.section, "name": s.item.name, "max_points": s.max_points,
                "weight": s.weight, "fatal": s.fatal, "points": s.points, "passed": s.passed, "comment": s.comment}
               for s in e.item_scores.select_related("item")],
        remarks=[{"at": r.mmss, "at_s": r.at_s, "text": r.text} for r in e.remarks.all()],
        revisions=[{"old_score": r.old_score, "new_score": r.new_score, "reason": r.reason, "at": r.at}
                   for r in e.revisions.all()],
    )
    return data


def _items(items: list[ItemScoreIn]) -> list[dict[str, Any]]:
    return [i.dict() for i in items]


def _evaluation(request: HttpRequest, evaluation_id: int) -> Evaluation:
    qs = Evaluation.objects.visible_to(request.user).select_related("agent", "evaluator")
    return get_object_or_404(qs, pk=_pk(evaluation_id) or -1)


@router.get("/quality/evaluations", response=list[EvaluationOut])
def list_evaluations(request: HttpRequest, filters: Query[EvaluationFilters]) -> list[dict[str, Any]]:
    """Evaluations the caller may see: agents their own, supervisors their team's, managers all."""
    limit, offset = min(max(filters.limit, 1), 500), max(filters.offset, 0)
    qs = (Evaluation.objects.visible_to(request.user).filtered(filters.dict())
          .select_related("agent", "evaluator").prefetch_related("remarks", "revisions").order_by("-id"))
    return [evaluation_out(e) for e in qs[offset:offset + limit]]


@router.post("/quality/evaluations", response={201: EvaluationOut, **ERRORS})
def create_evaluation(request: HttpRequest, payload: EvaluationIn) -> Status:
    """Score a call (`interaction`) or a ticket (`ticket`) in one step; `submit: false` keeps a draft."""
    interaction = ticket = form = None
    if payload.interaction is not None:
        interaction = Interaction.objects.select_related("agent").filter(pk=_pk(payload.interaction)).first()
        if interaction is None:
            raise InvalidInput(_("Some fields are not valid."), errors={"interaction": _("No such call.")})
    if payload.ticket is not None:
        ticket = Ticket.objects.select_related("assignee").filter(pk=_pk(payload.ticket)).first()
        if ticket is None:
            raise InvalidInput(_("Some fields are not valid."), errors={"ticket": _("No such ticket.")})
    if payload.form is not None:
        form = ScoringForm.objects.filter(pk=_pk(payload.form)).first()
        if form is None:
            raise InvalidInput(_("Some fields are not valid."), errors={"form": _("No such scoring form.")})
    evaluation = services.evaluation_record(
        by=request.user, interaction=interaction, ticket=ticket, form=form, items=_items(payload.items),
        comments=payload.comments, remarks=[r.dict() for r in payload.remarks], submit=payload.submit)
    return Status(201, evaluation_out(evaluation))


@router.get("/quality/evaluations/{evaluation_id}", response={200: EvaluationOut, **ERRORS})
def get_evaluation(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    return evaluation_out(_evaluation(request, evaluation_id))


@router.post("/quality/evaluations/{evaluation_id}/score", response={200: EvaluationOut, **ERRORS})
def score_evaluation(request: HttpRequest, evaluation_id: int, payload: ScoreIn) -> dict[str, Any]:
    """Score a draft, e.g. one the weekly sampling created; `submit: false` saves without submitting."""
    evaluation = _evaluation(request, evaluation_id)
    return evaluation_out(services.evaluation_score(evaluation=evaluation, by=request.user, items=_items(payload.items),
                                                    comments=payload.comments, submit=payload.submit))


@router.post("/quality/evaluations/{evaluation_id}/acknowledge", response={200: EvaluationOut, **ERRORS})
def acknowledge_evaluation(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    evaluation = _evaluation(request, evaluation_id)
    return evaluation_out(services.evaluation_acknowledge(evaluation=evaluation, by=request.user))


@router.post("/quality/evaluations/{evaluation_id}/appeal", response={200: EvaluationOut, **ERRORS})
def appeal_evaluation(request: HttpRequest, evaluation_id: int, payload: AppealIn) -> dict[str, Any]:
    evaluation = _evaluation(request, evaluation_id)
    return evaluation_out(services.evaluation_appeal(evaluation=evaluation, by=request.user, reason=payload.reason))


@router.post("/quality/evaluations/{evaluation_id}/appeal-decision", response={200: EvaluationOut, **ERRORS})
def decide_appeal(request: HttpRequest, evaluation_id: int, payload: DecisionIn) -> dict[str, Any]:
    """`upheld` with the corrected `items` (the old scores stay in `revisions`), or `rejected`."""
    if payload.decision not in ("upheld", "rejected"):
        raise InvalidInput(_("Some fields are not valid."), errors={"decision": _("Say upheld or rejected.")})
    evaluation = _evaluation(request, evaluation_id)
    decided = services.evaluation_decide(evaluation=evaluation, by=request.user, upheld=payload.decision == "upheld",
                                         note=payload.note, items=_items(payload.items))
    return evaluation_out(decided)

