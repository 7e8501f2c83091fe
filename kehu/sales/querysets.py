"""Permission scoping of leads and opportunities: the customers' role policy, one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from kehu.accounts.models import DataScope

if TYPE_CHECKING:
    from kehu.accounts.models import User


def scope_q(user: User) -> Q | None:
    """The records (by owner and team) the user's data scope covers; None for all, as for customers."""
    if user.is_superuser:
        return None
    scope = user.policy().data_scope
    if scope == DataScope.ALL:
        return None
    if scope == DataScope.SELF or user.department_id is None:
        return Q(owner_id=user.pk)
    if scope == DataScope.SUBORDINATES:
        return Q(owner_id__in=user.subordinate_ids())
    teams = [user.department_id] if scope == DataScope.DEPARTMENT else user.department.tree_ids()
    return Q(team_id__in=teams) | Q(owner__department_id__in=teams) | Q(owner_id=user.pk)


def _scoped(qs: models.QuerySet, user: User, *, pool: bool) -> Any:
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    q = scope_q(user)
    if q is None:
        return qs
    return qs.filter(q | Q(owner__isnull=True)) if pool else qs.filter(q)


class LeadQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> LeadQuerySet:
        """Leads in the user's scope; the lead pool is open to everyone, like the customer pool."""
        return _scoped(self, user, pool=True)

    def in_pool(self) -> LeadQuerySet:
        return self.filter(owner__isnull=True)

    def filtered(self, params: dict[str, Any]) -> LeadQuerySet:
        qs = self
        for field in ("status", "source"):
            if params.get(field):
                qs = qs.filter(**{field: params[field]})
        owner = params.get("owner")
        if owner == "pool":
            qs = qs.in_pool()
        elif str(owner or "").isdigit():
            qs = qs.filter(owner_id=int(owner))
        if str(params.get("team") or "").isdigit():
            qs = qs.filter(team_id=int(params["team"]))
        if params.get("q"):
            qs = qs.filter(Q(company__icontains=params["q"]) | Q(contact_name__icontains=params["q"]))
        return qs.order_by("-id")


class OpportunityQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> OpportunityQuerySet:
        """Reps see their own, supervisors their team, managers all (the role's data scope)."""
        return _scoped(self, user, pool=False)

    def open(self) -> OpportunityQuerySet:
        return self.filter(is_closed=False)

    def filtered(self, params: dict[str, Any]) -> OpportunityQuerySet:
        qs = self
        for field in ("pipeline", "stage", "owner", "team", "customer"):
            value = str(params.get(field) or "")
            if value.isdigit() and len(value) < 18:
                qs = qs.filter(**{f"{field}_id": int(value)})
        state = params.get("state")
        if state == "open":
            qs = qs.open()
        elif state in ("won", "lost"):
            qs = qs.filter(**{f"stage__is_{state}": True})
        return qs
