"""Who may plan: supervisors (班长), managers and administrators build forecasts and edit
rosters; everyone else reads only their own schedule."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kehu.core.errors import NotAllowed

PLANNER_ROLES = ("supervisor", "manager", "admin")


def can_plan(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or getattr(user, "role", "") in PLANNER_ROLES)
    )


def require_planner(user: Any) -> None:
    if not can_plan(user):
        raise NotAllowed(_("Only supervisors, managers and administrators may plan staff."))
