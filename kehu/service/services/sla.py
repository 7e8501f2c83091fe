"""The SLA sweep: warn, mark breaches, escalate. Idempotent and bulk, so it scales to a million
open tickets: each step reads only rows whose flag is still unset (partial indexes) and sets it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kehu.accounts.models import Department, Role, User
from kehu.service.choices import SlaTarget, WorkOrderStatus
from kehu.service.models import Escalation, SlaPolicy, Ticket, WorkOrder

CHUNK = 5000
DEFAULT_ESCALATE_AGAIN_MINUTES = 240


@dataclass
class SweepResult:
    warned: int = 0
    first_response_breached: int = 0
    resolution_breached: int = 0
    escalated_to_manager: int = 0
    work_orders_overdue: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return (f"warned {self.warned}; first response breached {self.first_response_breached}; "
                f"resolution breached {self.resolution_breached}; escalated to manager "
                f"{self.escalated_to_manager}; overdue work orders {self.work_orders_overdue}")


class Escalator:
    """Who hears of a breach: level 1 the team's supervisor, level 2 a manager above."""

    def __init__(self) -> None:
        self.teams = {d.pk: d for d in Department.objects.all()}
        self.superiors = dict(User.objects.filter(superior__isnull=False).values_list("pk", "superior_id"))
        managers = User.objects.filter(role__in=(Role.MANAGER,), is_active=True).order_by("pk")
        self.manager_by_dept = {}
        for m in managers:
            self.manager_by_dept.setdefault(m.department_id, m.pk)
        self.any_manager = next(iter(self.manager_by_dept.values()), None)

    def supervisor(self, team_id: int | None, assignee_id: int | None) -> int | None:
        """The team's leader, else the assignee's superior, else a manager: a breach always reaches someone."""
        team = self.teams.get(team_id) if team_id else None
        if team is not None and team.leader_id and team.leader_id != assignee_id:
            return team.leader_id
        superior = self.superiors.get(assignee_id) if assignee_id else None
        return superior or self.manager(team_id)

    def manager(self, team_id: int | None) -> int | None:
        """The first manager found walking up from the team; any manager otherwise."""
        team = self.teams.get(team_id) if team_id else None
        while team is not None:
            if team.pk in self.manager_by_dept:
                return self.manager_by_dept[team.pk]
            team = self.teams.get(team.parent_id) if team.parent_id else None
        return self.any_manager


def _chunks(qs: Any) -> Any:
    """Rows of qs in chunks; each chunk's flag is set before the next is read, so reading
    from the start again always finds the rows not yet handled."""
    while True:
        rows = list(qs[:CHUNK])
        if not rows:
            return
        yield rows


def sla_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    escalator = Escalator()
    open_tickets = Ticket.objects.open()

    warn = open_tickets.filter(warned=False, resolved_at__isnull=True, resolution_warn_at__lte=now)
    result.warned = warn.update(warned=True)

    response = (open_tickets.filter(first_response_breached=False, first_responded_at__isnull=True,
                                    first_response_due__lte=now)
                .values_list("pk", "team_id", "assignee_id"))
    for rows in _chunks(response):
        result.first_response_breached += _breach(rows, SlaTarget.FIRST_RESPONSE, escalator, now,
                                                  {"first_response_breached": True})
    resolution = (open_tickets.filter(resolution_breached=False, resolved_at__isnull=True,
                                      resolution_due__lte=now)
                  .values_list("pk", "team_id", "assignee_id"))
    for rows in _chunks(resolution):
        result.resolution_breached += _breach(rows, SlaTarget.RESOLUTION, escalator, now,
                                              {"resolution_breached": True, "warned": True})
    result.escalated_to_manager = _escalate_to_managers(open_tickets, escalator, now)
    result.work_orders_overdue = _overdue_work_orders(escalator, now)
    return result


@transaction.atomic
def _breach(rows: list[tuple[int, int | None, int | None]], target: str, escalator: Escalator,
            now: dt.datetime, flags: dict[str, Any]) -> int:
    ids = [pk for pk, _team, _assignee in rows]
    Ticket.objects.filter(pk__in=ids).update(**flags, escalation_level=1, updated_at=now)
    Escalation.objects.bulk_create(
        [Escalation(ticket_id=pk, target=target, level=1, created_at=now,
                    to_user_id=escalator.supervisor(team, assignee)) for pk, team, assignee in rows],
        ignore_conflicts=True,
    )
    return len(rows)


def _escalate_to_managers(open_tickets: Any, escalator: Escalator, now: dt.datetime) -> int:
    """Level 2: still unresolved a policy's `escalate_again_minutes` after the resolution breach."""
    count = 0
    waits = dict(SlaPolicy.objects.values_list("pk", "escalate_again_minutes"))
    groups = [(Q(sla_policy_id=pk), minutes) for pk, minutes in waits.items()]
    groups.append((Q(sla_policy__isnull=True), DEFAULT_ESCALATE_AGAIN_MINUTES))
    for where, minutes in groups:
        late = (open_tickets.filter(where, escalation_level=1, resolution_breached=True,
                                    resolution_due__lte=now - dt.timedelta(minutes=minutes))
                .values_list("pk", "team_id"))
        for rows in _chunks(late):
            with transaction.atomic():
                Ticket.objects.filter(pk__in=[pk for pk, _t in rows]).update(escalation_level=2, updated_at=now)
                Escalation.objects.bulk_create(
                    [Escalation(ticket_id=pk, target=SlaTarget.RESOLUTION, level=2, created_at=now,
                                to_user_id=escalator.manager(team)) for pk, team in rows],
                    ignore_conflicts=True,
                )
            count += len(rows)
    return count


def _overdue_work_orders(escalator: Escalator, now: dt.datetime) -> int:
    late = (WorkOrder.objects.filter(status=WorkOrderStatus.OPEN, escalated_at__isnull=True, due_at__lte=now)
            .values_list("pk", "ticket_id", "unit_id"))
    count = 0
    for rows in _chunks(late):
        with transaction.atomic():
            WorkOrder.objects.filter(pk__in=[pk for pk, _t, _u in rows]).update(escalated_at=now)
            Escalation.objects.bulk_create(
                [Escalation(ticket_id=ticket, work_order_id=pk, target=SlaTarget.WORK_ORDER, level=1,
                            created_at=now, to_user_id=escalator.supervisor(unit, None)) for pk, ticket, unit in rows],
                ignore_conflicts=True,
            )
        count += len(rows)
    return count


def escalations_for(user: User) -> Any:
    return Escalation.objects.filter(to_user=user, acknowledged_at__isnull=True).select_related("ticket")


def escalation_acknowledge(*, escalation: Escalation, by: User) -> None:
    Escalation.objects.filter(pk=escalation.pk, to_user=by, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now())



