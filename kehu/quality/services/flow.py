"""After scoring: the agent acknowledges or appeals; a supervisor or manager decides the appeal.

    draft ─submit─► submitted ─acknowledge─► acknowledged
                        └──appeal──► appealed ─decide─► upheld (re-scored, old score kept)
                                                   └──► rejected
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.quality.models import Evaluation, EvaluationStatus, ScoreRevision
from kehu.quality.services.scoring import (
    apply_scores,
    locked,
    refuse_unless_scorable,
    snapshot_items,
    when_text,
)

S = EvaluationStatus


def _refuse_unless_agent(evaluation: Evaluation, by: User) -> None:
    if evaluation.agent_id != by.pk:
        raise NotAllowed(_("Only the agent who was scored can do this."))


def _refuse_unless_submitted(evaluation: Evaluation, *, appeal: bool) -> None:
    """A clear reason when the agent's step no longer applies (or does not yet)."""
    if evaluation.status == S.SUBMITTED:
        return
    when = {"when": when_text(evaluation.acknowledged_at)}
    reasons = {
        S.DRAFT: _("This evaluation has not been submitted yet."),
        S.ACKNOWLEDGED: (_("You acknowledged this evaluation on %(when)s; it can no longer be appealed.") if appeal
                         else _("You already acknowledged this evaluation on %(when)s.")) % when,
        S.APPEALED: _("This evaluation is already under appeal."),
    }
    raise Conflict(reasons.get(evaluation.status, _("The appeal on this evaluation has been decided.")),
                   field="status")


@transaction.atomic
def evaluation_acknowledge(*, evaluation: Evaluation, by: User) -> Evaluation:
    current = locked(evaluation.pk)
    _refuse_unless_agent(current, by)
    _refuse_unless_submitted(current, appeal=False)
    current.status, current.acknowledged_at = S.ACKNOWLEDGED, timezone.now()
    current.save(update_fields=["status", "acknowledged_at"])
    log_action("quality.evaluation.acknowledged", actor=by, obj=current,
               changes={"status": [S.SUBMITTED, S.ACKNOWLEDGED]})
    return current


@transaction.atomic
def evaluation_appeal(*, evaluation: Evaluation, by: User, reason: str) -> Evaluation:
    current = locked(evaluation.pk)
    _refuse_unless_agent(current, by)
    _refuse_unless_submitted(current, appeal=True)
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidInput(_("Some fields are not valid."), errors={"reason": _("Say why you disagree.")})
    current.status, current.appeal_reason, current.appealed_at = S.APPEALED, reason[:5000], timezone.now()
    current.save(update_fields=["status", "appeal_reason", "appealed_at"])
    log_action("quality.evaluation.appealed", actor=by, obj=current,
               changes={"status": [S.SUBMITTED, S.APPEALED]}, note=reason)
    return current


@transaction.atomic
def evaluation_decide(*, evaluation: Evaluation, by: User, upheld: bool, note: str,
                      items: list[dict[str, Any]] | None = None) -> Evaluation:
    """Decide an appeal. Upheld: the new item scores replace the old, which stay in the history."""
    current = locked(evaluation.pk)
    refuse_unless_scorable(current, by)
    if current.status != S.APPEALED:
        raise Conflict(_("Only an appealed evaluation can be decided."), field="status")
    note = str(note or "").strip()
    if not note:
        raise InvalidInput(_("Some fields are not valid."), errors={"note": _("Explain the decision.")})
    old_score, new_status = current.score, S.UPHELD if upheld else S.REJECTED
    fields = ["status", "decided_by", "decided_at", "decision_note"]
    if upheld:
        if not items:
            raise InvalidInput(_("Some fields are not valid."),
                               errors={"items": _("Give the corrected scores of the upheld appeal.")})
        old_items = snapshot_items(current)
        apply_scores(current, items, require_all=True)
        current.recompute()
        fields += ["score", "fatal_failed"]
        ScoreRevision.objects.create(evaluation=current, old_score=old_score, new_score=current.score,
                                     old_items=old_items, reason=note[:5000], by=by)
    current.status, current.decided_by, current.decided_at = new_status, by, timezone.now()
    current.decision_note = note[:5000]
    current.save(update_fields=fields)
    log_action(f"quality.evaluation.appeal_{new_status}", actor=by, obj=current, note=note,
               changes={"status": [S.APPEALED, new_status], "score": [old_score, current.score]})
    return current
