"""Filters and permission scoping of tickets: every view and API call goes through here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

from kehu.accounts.models import DataScope
from kehu.core.phones import PHONE_ENDING_DIGITS, try_normalize_phone
from kehu.customers.models import Customer
from kehu.search.query import newest_matching_ids

if TYPE_CHECKING:
    from kehu.accounts.models import User

CALLER_TICKETS = 5000  # a phone search lists at most this many of the callers' newest tickets
SORTABLE = {"resolution_due", "-resolution_due", "created_at", "-created_at", "id", "-id", "priority"}


class TicketQuerySet(models.QuerySet):
    def open(self) -> TicketQuerySet:
        # `__in=[True]` renders "still_open IN (1)", an equality SQLite's planner can use on
        # the (still_open, resolution_due) indexes; `=True` renders a bare "still_open",
        # which it cannot, and sorts a million rows instead.
        return self.filter(still_open__in=[True])

    @staticmethod
    def sees_all(user: User) -> bool:
        return user.is_authenticated and user.is_active and (
            user.is_superuser or user.policy().data_scope == DataScope.ALL)

    def visible_to(self, user: User) -> TicketQuerySet:
        """Tickets within the user's data scope (the same role policy as customers).

        Everyone also sees what they took or were given, and a responsible unit's people
        see the tickets dispatched to their unit.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if self.sees_all(user):
            return self
        return self.filter(self._scope(user) | self._dispatched_to(user))

    def _scope(self, user: User) -> Q:
        scope = user.policy().data_scope
        if scope == DataScope.SUBORDINATES:
            people = user.subordinate_ids()
            return Q(assignee_id__in=people) | Q(created_by_id__in=people) | Q(customer__owner_id__in=people)
        mine = Q(assignee_id=user.pk) | Q(created_by_id=user.pk) | Q(customer__owner_id=user.pk)
        if scope == DataScope.SELF or user.department_id is None:
            return mine
        teams = [user.department_id] if scope == DataScope.DEPARTMENT else user.department.tree_ids()
        return mine | Q(team_id__in=teams) | Q(assignee__department_id__in=teams)

    def _dispatched_to(self, user: User) -> Q:
        from kehu.service.models import WorkOrder

        if user.department_id is None:
            return Q(pk__in=[])
        return Q(Exists(WorkOrder.objects.filter(ticket_id=OuterRef("pk"), unit_id=user.department_id)))

    def filtered(self, *, status: str = "", kind: str = "", channel: str = "", grade: str = "",
                 assignee: int | None = None, team: int | None = None, customer: int | None = None,
                 breached: bool | None = None, open_only: bool = False) -> TicketQuerySet:
        qs = self
        if open_only:
            qs = qs.open()
        for name, value in (("status", status), ("kind", kind), ("channel", channel), ("grade__code", grade)):
            if value:
                qs = qs.filter(**{name: value})
        for name, ident in (("assignee_id", assignee), ("team_id", team), ("customer_id", customer)):
            if ident is not None:
                qs = qs.filter(**{name: ident})
        if breached is not None:
            either = Q(resolution_breached=True) | Q(first_response_breached=True)
            qs = qs.filter(either if breached else ~either)
        return qs

    def matching(self, q: str) -> TicketQuerySet:
        """A ticket number (T2026…), the customer's phone — whole, or its last four or more
        digits (尾号), their own or a contact's — or words of the ticket (title, description,
        replies; the newest 500 that hold them all)."""
        q = q.strip()
        if not q:
            return self
        if q.upper().startswith("T") and q[1:].isdigit():
            return self.filter(number=q.upper())
        phone = try_normalize_phone(q)
        if phone:
            return self._of_customers(Customer.objects.phone_matches(phone))
        if q.isdigit() and len(q) >= PHONE_ENDING_DIGITS:
            return self._of_customers(Customer.objects.phone_fragment_matches(q))
        return self._with_words(q)

    def _with_words(self, q: str) -> TicketQuerySet:
        """The newest tickets whose title, description or replies hold every word of `q`,
        through the full-text index (kehu.search): a substring scan of the titles read the
        whole open queue for a word no ticket has (2.5 s at a million tickets). Punctuation
        alone holds no word and finds nothing, as in the search page."""
        ids = newest_matching_ids("ticket", self, q)
        return self.none() if ids is None else self.filter(pk__in=ids)

    def _of_customers(self, customer_ids: list[int]) -> TicketQuerySet:
        """Tickets of these customers, the newest CALLER_TICKETS of them.

        Passed on as ticket ids: given the customers alone, SQLite walked the whole open
        queue in due order looking for them (2.9 s at a million tickets); given the ids,
        it looks each one up (15 ms for 5,000)."""
        tickets = self.model.objects.filter(customer_id__in=customer_ids).order_by().values_list("pk", flat=True)
        return self.filter(pk__in=sorted(tickets, reverse=True)[:CALLER_TICKETS])

    def ordered(self, sort: str) -> TicketQuerySet:
        if sort == "priority":
            # urgent first, then by due time
            order = models.Case(
                *(models.When(priority=p, then=models.Value(i)) for i, p in
                  enumerate(("urgent", "high", "normal", "low"))),
                output_field=models.IntegerField(),
            )
            return self.order_by(order, "resolution_due", "id")
        if sort not in SORTABLE:
            sort = "-id"
        if sort.lstrip("-") == "resolution_due":
            # Plain index order (every SLA policy gives a due time; the rare ticket without
            # one sorts first): NULLS LAST would make SQLite sort the whole queue instead.
            return self.order_by(sort, "id" if sort[0] != "-" else "-id")
        return self.order_by(sort)
