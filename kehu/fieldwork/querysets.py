"""Who sees which visits, reports and targets: a rep their own, a supervisor the team's,
managers and administrators everyone's. One place, used by every page and API handler."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from kehu.accounts.models import Role

if TYPE_CHECKING:
    from kehu.accounts.models import User

SEE_ALL = (Role.MANAGER, Role.ADMIN)


def team_ids(user: User) -> list[int] | None:
    """Ids of the people whose fieldwork `user` may see; None for everyone.

    A supervisor's team is everyone in their department tree and everyone who reports to
    them (directly or below); anyone else sees only their own.
    """
    if user.is_superuser or user.role in SEE_ALL:
        return None
    if user.role != Role.SUPERVISOR:
        return [user.pk]
    from kehu.accounts.models import User as UserModel

    ids = set(user.subordinate_ids())
    if user.department_id is not None:
        ids.update(UserModel.objects.filter(department_id__in=user.department.tree_ids())
                   .values_list("pk", flat=True))
    return sorted(ids)


def can_lead(user: User) -> bool:
    """Supervisors, managers and administrators plan for others, set targets and comment."""
    return user.is_superuser or user.role in (Role.SUPERVISOR, *SEE_ALL)


class _Scoped(models.QuerySet):
    person_field = "rep"

    def visible_to(self, user: User) -> models.QuerySet:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        ids = team_ids(user)
        if ids is None:
            return self
        return self.filter(**{f"{self.person_field}_id__in": ids})


class VisitQuerySet(_Scoped):
    def open(self) -> VisitQuerySet:
        return self.filter(status__in=("planned", "checked_in"))


class WorkReportQuerySet(_Scoped):
    person_field = "author"

    def awaiting_comment(self) -> WorkReportQuerySet:
        return self.filter(status="submitted")


class TargetQuerySet(_Scoped):
    pass
