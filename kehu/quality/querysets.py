"""Who sees and scores which evaluations: one place, used by every page, the API and reports.

* agents (and anyone without a team to supervise) see their own evaluations;
* supervisors see and score those of their team (department tree) and subordinates;
* managers and administrators see and score all.
The coaching library is open to every signed-in user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from kehu.accounts.models import Role

if TYPE_CHECKING:
    from kehu.accounts.models import User


def sees_all(user: User) -> bool:
    return user.is_superuser or user.role in (Role.MANAGER, Role.ADMIN)


def is_evaluator(user: User) -> bool:
    """Whether the user scores others at all (supervisors, managers, administrators)."""
    return user.is_authenticated and user.is_active and (sees_all(user) or user.role == Role.SUPERVISOR)


def _team_ids(user: User) -> tuple[list[int], list[int]]:
    """The supervisor's department tree and subordinates, read once per request's user object."""
    cached = getattr(user, "_quality_team", None)
    if cached is None:
        cached = (user.department.tree_ids() if user.department_id else [], user.subordinate_ids())
        user._quality_team = cached  # type: ignore[union-attr]
    return cached


def team_q(user: User, prefix: str = "") -> Q:
    """The agents a supervisor looks after: the department tree and subordinates, not themselves."""
    teams, subordinates = _team_ids(user)
    q = Q(**{f"{prefix}department_id__in": teams}) | Q(**{f"{prefix}id__in": subordinates})
    return q & ~Q(**{f"{prefix}id": user.pk})


def may_score_agent(user: User, agent: User) -> bool:
    if not is_evaluator(user) or agent.pk == user.pk:
        return False
    if sees_all(user):
        return True
    from kehu.accounts.models import User as UserModel

    return UserModel.objects.filter(team_q(user), pk=agent.pk).exists()


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> EvaluationQuerySet:
        from kehu.quality.models import EvaluationStatus

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_all(user):
            return self
        # An agent meets an evaluation once it is submitted, not while it is being scored.
        own = Q(agent_id=user.pk) & ~Q(status=EvaluationStatus.DRAFT)
        if user.role == Role.SUPERVISOR:
            return self.filter(self._team(user) | Q(evaluator_id=user.pk) | own)
        return self.filter(own)

    def scorable_by(self, user: User) -> EvaluationQuerySet:
        """Evaluations the user may score, re-score or decide an appeal on: never their own."""
        if not is_evaluator(user):
            return self.none()
        if sees_all(user):
            return self.exclude(agent_id=user.pk)
        return self.filter(self._team(user) | Q(evaluator_id=user.pk)).exclude(agent_id=user.pk)

    def to_do_for(self, user: User) -> EvaluationQuerySet:
        from kehu.quality.models import EvaluationStatus

        return (self.scorable_by(user).filter(status=EvaluationStatus.DRAFT)
                .filter(Q(evaluator_id=user.pk) | Q(evaluator__isnull=True)))

    def appeals_for(self, user: User) -> EvaluationQuerySet:
        from kehu.quality.models import EvaluationStatus

        return self.scorable_by(user).filter(status=EvaluationStatus.APPEALED)

    def filtered(self, params: dict[str, Any]) -> EvaluationQuerySet:
        qs = self
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("week"):
            qs = qs.filter(week=params["week"])
        for field in ("agent", "evaluator", "team"):
            value = str(params.get(field) or "")
            if value.isdigit() and len(value) < 18:
                qs = qs.filter(**{f"{field}_id": int(value)})
        return qs

    @staticmethod
    def _team(user: User) -> Q:
        teams, _subordinates = _team_ids(user)
        return (Q(team_id__in=teams) | team_q(user, "agent__")) & ~Q(agent_id=user.pk)


class LibraryEntryQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> LibraryEntryQuerySet:
        """Everyone signed in studies the library, new agents first of all."""
        return self if user.is_authenticated and user.is_active else self.none()

    def tagged(self, tag: str) -> LibraryEntryQuerySet:
        tag = tag.strip().replace(",", "")
        return self.filter(tags_text__contains=f",{tag},") if tag else self
