"""Scoring: start an evaluation of a call or ticket, give item scores, remarks, submit."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.contact.models import Interaction
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.quality.models import (
    Evaluation,
    EvaluationStatus,
    ItemScore,
    Remark,
    ScoringForm,
    week_of,
)
from kehu.quality.querysets import may_score_agent
from kehu.service.models import Ticket

TENTH = Decimal("0.1")
MAX_REMARK_S = 24 * 3600
TRUE = {"true", "1", "pass", "passed", "yes", "on"}
FALSE = {"false", "0", "fail", "failed", "no", "off"}


def default_form() -> ScoringForm | None:
    return ScoringForm.objects.filter(active=True).order_by("-created_at", "-id").first()


def _invalid(errors: dict[str, str]) -> InvalidInput:
    return InvalidInput(_("Some fields are not valid."), errors=errors)


def new_evaluation(*, agent: User, form: ScoringForm, week: str, evaluator: User | None,
                   interaction: Interaction | None = None, ticket: Ticket | None = None,
                   rule: Any = None) -> Evaluation:
    """The evaluation row and one empty score per item of its form (the items as they are now)."""
    evaluation = Evaluation.objects.create(
        form=form, agent=agent, team_id=agent.department_id, evaluator=evaluator, week=week,
        interaction=interaction, ticket=ticket, rule=rule,
    )
    ItemScore.objects.bulk_create(
        ItemScore(evaluation=evaluation, item=item, max_points=item.max_points, weight=item.weight,
                  fatal=item.fatal)
        for item in form.items.all()
    )
    return evaluation


def evaluation_create(*, by: User, interaction: Interaction | None = None, ticket: Ticket | None = None,
                      form: ScoringForm | None = None) -> Evaluation:
    """Start scoring a call or a ticket by hand (sampling starts most of them)."""
    if (interaction is None) == (ticket is None):
        raise _invalid({"interaction": _("Choose one call or one ticket to score.")})
    agent = interaction.agent if interaction is not None else ticket.assignee  # type: ignore[union-attr]
    field = "interaction" if interaction is not None else "ticket"
    if agent is None:
        raise _invalid({field: _("Nobody handled it, so there is nobody to score.")})
    if not may_score_agent(by, agent):
        raise NotAllowed(_("You may not score %(agent)s.") % {"agent": agent}, field=field)
    form = form or default_form()
    if form is None:
        raise _invalid({"form": _("There is no active scoring form.")})
    existing = Evaluation.objects.filter(interaction=interaction) if interaction else Evaluation.objects.filter(
        ticket=ticket)
    if (found := existing.first()) is not None:
        raise Conflict(_("It is already being scored (evaluation #%(id)s).") % {"id": found.pk},
                       field=field, existing_id=found.pk)
    moment = interaction.offered_at if interaction is not None else ticket.created_at  # type: ignore[union-attr]
    try:
        with transaction.atomic():
            evaluation = new_evaluation(agent=agent, form=form, week=week_of(moment), evaluator=by,
                                        interaction=interaction, ticket=ticket)
            log_action("quality.evaluation.created", actor=by, obj=evaluation,
                       changes={"agent": [None, str(agent)], "form": [None, str(form)]})
    except IntegrityError:
        found = existing.first()
        raise Conflict(_("It is already being scored (evaluation #%(id)s).") % {"id": found.pk if found else ""},
                       field=field, existing_id=found.pk if found else None) from None
    return evaluation


def _points(raw: Any, max_points: int) -> tuple[Decimal | None, str]:
    if raw is None or str(raw).strip() == "":
        return None, ""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None, _("Enter a number of points.")
    if not value.is_finite():
        return None, _("Enter a number of points.")
    if value < 0 or value > max_points:
        return None, _("Give between 0 and %(max)s points.") % {"max": max_points}
    return value.quantize(TENTH, rounding=ROUND_HALF_UP), ""


def _passed(raw: Any) -> tuple[bool | None, str]:
    if raw is None or isinstance(raw, bool):
        return raw, ""
    text = str(raw).strip().lower()
    if text == "":
        return None, ""
    if text in TRUE or text in FALSE:
        return text in TRUE, ""
    return None, _("Choose pass or fail.")


def apply_scores(evaluation: Evaluation, items: list[dict[str, Any]], *, require_all: bool) -> None:
    """Validate every item given, then save them; nothing is saved if one is wrong."""
    scores = {s.item_id: s for s in evaluation.item_scores.select_related("item")}
    errors: dict[str, str] = {}
    changed: list[ItemScore] = []
    for raw in items:
        item_id = str(raw.get("item", "")).strip()
        score = scores.get(int(item_id)) if item_id.isdigit() and len(item_id) < 18 else None
        if score is None:
            errors[f"item-{item_id}"] = _("This item is not on the evaluation's form.")
            continue
        if score.fatal:
            value, error = _passed(raw.get("passed"))
            score.passed = value
        else:
            value, error = _points(raw.get("points"), score.max_points)
            score.points = value
        if error:
            errors[f"item-{item_id}"] = error
        score.comment = str(raw.get("comment") or "").strip()[:500]
        changed.append(score)
    if require_all:
        for score in scores.values():
            missing = score.passed is None if score.fatal else score.points is None
            if missing and f"item-{score.item_id}" not in errors:
                errors[f"item-{score.item_id}"] = (_("Choose pass or fail.") if score.fatal
                                                   else _("Score this item."))
    if errors:
        raise _invalid(errors)
    for score in changed:
        score.save(update_fields=["points", "passed", "comment"])


def snapshot_items(evaluation: Evaluation) -> list[dict[str, Any]]:
    return [{"item": s.item_id, "name": s.item.name, "points": str(s.points) if s.points is not None else None,
             "passed": s.passed, "comment": s.comment}
            for s in evaluation.item_scores.select_related("item")]


def locked(evaluation_id: int) -> Evaluation:
    return Evaluation.objects.select_for_update().get(pk=evaluation_id)


def refuse_unless_scorable(evaluation: Evaluation, by: User) -> None:
    if not Evaluation.objects.scorable_by(by).filter(pk=evaluation.pk).exists():
        raise NotAllowed(_("You may not score this evaluation."))


def when_text(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else ""


@transaction.atomic
def evaluation_score(*, evaluation: Evaluation, by: User, items: list[dict[str, Any]],
                     comments: str | None = None, submit: bool = False) -> Evaluation:
    """Save item scores and comments of a draft; with `submit`, every item must be scored."""
    current = locked(evaluation.pk)
    refuse_unless_scorable(current, by)
    if current.status != EvaluationStatus.DRAFT:
        raise Conflict(_("This evaluation was submitted on %(when)s; it cannot be scored again.")
                       % {"when": when_text(current.submitted_at)}, field="status")
    apply_scores(current, items, require_all=submit)
    fields = ["score", "fatal_failed"]
    if comments is not None:
        current.comments = str(comments).strip()[:5000]
        fields.append("comments")
    current.recompute()
    if current.evaluator_id is None:
        current.evaluator = by
        fields.append("evaluator")
    if submit:
        current.status, current.submitted_at = EvaluationStatus.SUBMITTED, timezone.now()
        fields += ["status", "submitted_at"]
    current.save(update_fields=fields)
    log_action("quality.evaluation.submitted" if submit else "quality.evaluation.scored", actor=by, obj=current,
               changes={"score": [None, current.score], "fatal_failed": [None, current.fatal_failed],
                        **({"status": [EvaluationStatus.DRAFT, current.status]} if submit else {})})
    return current


MMSS = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)$")


def parse_moment(raw: Any) -> int:
    """“mm:ss”, “h:mm:ss” or plain seconds as whole seconds."""
    text = str(raw if raw is not None else "").strip()
    if text.isdigit() and len(text) < 7:
        seconds = int(text)
    elif m := MMSS.match(text):
        seconds = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
    else:
        raise _invalid({"at": _("Give the moment as mm:ss, e.g. 01:25.")})
    if seconds > MAX_REMARK_S:
        raise _invalid({"at": _("Give the moment as mm:ss, e.g. 01:25.")})
    return seconds


@transaction.atomic
def remark_add(*, evaluation: Evaluation, by: User, at: Any, text: str) -> Remark:
    """A remark at a moment of the recording, while the evaluation is scored or its appeal decided."""
    current = locked(evaluation.pk)
    refuse_unless_scorable(current, by)
    if current.status not in (EvaluationStatus.DRAFT, EvaluationStatus.APPEALED):
        raise Conflict(_("Remarks are added while scoring or deciding an appeal."), field="status")
    seconds = parse_moment(at)
    text = str(text or "").strip()
    if not text:
        raise _invalid({"text": _("Write the remark.")})
    remark = Remark.objects.create(evaluation=current, at_s=seconds, text=text[:500], by=by)
    log_action("quality.remark.added", actor=by, obj=current, changes={"remark": [None, str(remark)]})
    return remark


@transaction.atomic
def evaluation_record(*, by: User, interaction: Interaction | None = None, ticket: Ticket | None = None,
                      form: ScoringForm | None = None, items: list[dict[str, Any]], comments: str = "",
                      remarks: list[dict[str, Any]] | None = None, submit: bool = True) -> Evaluation:
    """Create, score and (by default) submit in one step, as an integration does; all or nothing."""
    evaluation = evaluation_create(by=by, interaction=interaction, ticket=ticket, form=form)
    for remark in remarks or []:
        remark_add(evaluation=evaluation, by=by, at=remark.get("at"), text=remark.get("text", ""))
    return evaluation_score(evaluation=evaluation, by=by, items=items, comments=comments, submit=submit)
