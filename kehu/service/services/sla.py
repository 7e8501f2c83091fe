"""The SLA sweep: warn, mark breaches, escalate. Idempotent and bulk, so it scales to a million
open tickets: each step reads only rows whose flag is still unset (partial indexes) and sets it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from kehu.accounts.models import Department, Role, User
from kehu.service.choices import SlaTarget, WorkOrderStatus
from kehu.service.models import Escalation, FirstEscalation, SlaPolicy, Ticket, WorkOrder

CHUNK = 5000
DEFAULT_ESCALATE_AGAIN_MINUTES = 240
# A catch-up: hundreds of thousands of breaches at once (PARALLEL_FROM or more), measured
# at a million open tickets with 750,000 breaches. PostgreSQL is CPU-bound there, every
# flagged ticket getting a new row version and index entries: split by id, each span in its
# own transaction on its own connection, it uses every core (41 s -> 27 s on two). SQLite
# has one writer at a time, so it sweeps in one go, but with a bigger page cache: with the
# usual 64 MB it spilled dirty pages and read them back (27 s -> 18 s with 512 MB).
PARALLEL_FROM = 20_000
SWEEP_CONNECTIONS = 2
SPANS_PER_WORKER = 2
BACKLOG_CACHE_KIB = 512 * 1024


@dataclass
class SweepResult:
    warned: int = 0
    first_response_breached: int = 0
    resolution_breached: int = 0
    escalated_to_manager: int = 0
    work_orders_overdue: int = 0

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


def sla_sweep(*, now: dt.datetime | None = None, parallel_from: int = PARALLEL_FROM) -> SweepResult:
    """A backlog of at least `parallel_from` breaches is swept, on PostgreSQL, by
    SWEEP_CONNECTIONS connections at once (outside a transaction only: they could not see its rows); on
    SQLite with a bigger page cache."""
    now = now or timezone.now()
    result = SweepResult()
    escalator = Escalator()
    result.first_response_breached, result.resolution_breached, result.escalated_to_manager = \
        _sweep_tickets(escalator, now, parallel_from=parallel_from)
    # After the breaches, which set `warned` too: a backlog is then written once, not twice.
    warn = Ticket.objects.open().filter(warned=False, resolved_at__isnull=True, resolution_warn_at__lte=now)
    with transaction.atomic():
        _prefer_pending_indexes()
        result.warned = warn.update(warned=True)
    result.work_orders_overdue = _overdue_work_orders(escalator, now)
    return result


# The sweep is set-based: INSERT … SELECT of the escalations, then a few UPDATEs of the
# flags, in one transaction. Row by row (chunks of 5,000 through the ORM) a sweep that found
# half a million breaches at once took over two minutes. The escalations are chosen from
# the flags as they stand, then the flags are set; a ticket that breaches its resolution
# target has its first-response and manager flags folded into the same UPDATE, so a backlog
# row is written once, not three times. Who hears of it is computed in SQL from a CASE built
# from the (small) department tree, inside a CASE on the ticket's SLA policy when policies
# choose other recipients (the manager, a named user); "nobody" is a NOT IN on the policy.
#
# `still_open IS TRUE`, not "= true": an equality on still_open would lure SQLite's planner
# onto the (still_open, due) index, a million rows, instead of the small "pending" indexes.
OPEN = 't."still_open" IS TRUE'
FIRST_RESPONSE_DUE = 'NOT t."first_response_breached" AND t."first_responded_at" IS NULL AND t."first_response_due" <= %s'
RESOLUTION_DUE = 'NOT t."resolution_breached" AND t."resolved_at" IS NULL AND t."resolution_due" <= %s'
MANAGER_DUE = 't."escalation_level" = 1 AND t."resolution_breached" AND t."resolution_due" <= {cutoff}'


def _manager_case(escalator: Escalator, column: str) -> tuple[str, list[Any]]:
    """SQL for "the manager above this team" as a CASE over the department ids."""
    whens, params = [], []
    for team_id in escalator.teams:
        whens.append("WHEN %s THEN %s")
        params += [team_id, escalator.manager(team_id)]
    params.append(escalator.any_manager)
    sql = f"CASE {column} {' '.join(whens)} ELSE %s END" if whens else "%s"
    return sql, params


def _supervisor_case(escalator: Escalator) -> tuple[str, list[Any]]:
    """Level 1: the team's leader (unless that is the assignee), else the assignee's superior,
    else the manager above the team — the same rule as Escalator.supervisor."""
    manager_sql, manager_params = _manager_case(escalator, 't."team_id"')
    sql = ('CASE WHEN d."leader_id" IS NOT NULL AND (t."assignee_id" IS NULL OR d."leader_id" <> t."assignee_id") '
           'THEN d."leader_id" WHEN u."superior_id" IS NOT NULL THEN u."superior_id" '
           f"ELSE {manager_sql} END")
    return sql, manager_params


@dataclass(frozen=True)
class Policy:
    """What the sweep needs of one SLA policy; a named user who is gone or inactive counts as
    unset, so that level falls back to its default."""

    pk: int
    escalate_again_minutes: int
    first_to: str
    first_user: int | None
    again_to: str
    again_user: int | None


def _sweep_policies() -> list[Policy]:
    users = set(User.objects.filter(is_active=True).filter(
        Q(pk__in=SlaPolicy.objects.values("escalate_first_user")) |
        Q(pk__in=SlaPolicy.objects.values("escalate_again_user"))).values_list("pk", flat=True))
    rows = SlaPolicy.objects.values_list("pk", "escalate_again_minutes", "escalate_first_to", "escalate_first_user",
                                         "escalate_again_to", "escalate_again_user")
    return [Policy(pk, minutes, first_to, first_user if first_user in users else None,
                   again_to, again_user if again_user in users else None)
            for pk, minutes, first_to, first_user, again_to, again_user in rows]


@dataclass(frozen=True)
class Recipient:
    """Whom one escalation level reaches, in SQL: `sql` picks the user for a ticket row `t`;
    the tickets of the `skip` policies ("nobody") get no escalation row at that level."""

    sql: str
    params: list[Any]
    skip: tuple[int, ...] = ()


def _recipient(policies: list[tuple[int, str, int | None]], *, default: tuple[str, list[Any]],
               manager: tuple[str, list[Any]]) -> Recipient:
    """One level's recipient per policy (pk, choice, named user): a CASE on the ticket's policy
    over the manager CASE and constant user ids, the default for the rest and for no policy."""
    to_manager = [pk for pk, choice, _user in policies if choice == FirstEscalation.MANAGER]
    named = [(pk, user) for pk, choice, user in policies if choice == FirstEscalation.USER and user]
    skip = tuple(pk for pk, choice, _user in policies if choice == FirstEscalation.NOBODY)
    whens, params = [], []
    if to_manager and manager is not default:
        whens.append(f'WHEN t."sla_policy_id" IN ({", ".join(["%s"] * len(to_manager))}) THEN {manager[0]}')
        params += [*to_manager, *manager[1]]
    for pk, user in named:
        whens.append('WHEN t."sla_policy_id" = %s THEN %s')
        params += [pk, user]
    if not whens:
        return Recipient(default[0], default[1], skip)
    return Recipient(f"CASE {' '.join(whens)} ELSE {default[0]} END", [*params, *default[1]], skip)


def _cutoff_case(policies: list[Policy], now: dt.datetime) -> tuple[str, list[Any]]:
    """The moment before which a breached ticket goes to the manager, per SLA policy."""
    adapt = connection.ops.adapt_datetimefield_value
    whens, params = [], []
    for policy in policies:
        whens.append("WHEN %s THEN %s")
        params += [policy.pk, adapt(now - dt.timedelta(minutes=policy.escalate_again_minutes))]
    params.append(adapt(now - dt.timedelta(minutes=DEFAULT_ESCALATE_AGAIN_MINUTES)))
    return (f'CASE t."sla_policy_id" {" ".join(whens)} ELSE %s END' if whens else "%s"), params


def _untagged(sql: str) -> str:
    """The same condition for an UPDATE, which has no table alias."""
    return sql.replace('t."', '"')


def _escalate(cursor: Any, *, target: str, level: int, who: Recipient, where: str,
              params: list[Any], at: Any, count_skipped: bool = False) -> int:
    """Insert the escalations of the tickets matching `where`; the number inserted, plus with
    `count_skipped` the matching tickets whose policy escalates to nobody at this level."""
    t = {"ticket": Ticket._meta.db_table, "escalation": Escalation._meta.db_table,
         "department": Department._meta.db_table, "user": User._meta.db_table}
    skipped = 0
    if who.skip:
        in_skip = f'(t."sla_policy_id" IN ({", ".join(["%s"] * len(who.skip))}))'
        if count_skipped:
            cursor.execute(f'SELECT COUNT(*) FROM "{t["ticket"]}" t WHERE {OPEN} AND {where} AND {in_skip}',
                           [*params, *who.skip])
            skipped = cursor.fetchone()[0]
        where = f'{where} AND (t."sla_policy_id" IS NULL OR NOT {in_skip})'
        params = [*params, *who.skip]
    cursor.execute(
        f'INSERT INTO "{t["escalation"]}" ("ticket_id", "work_order_id", "target", "level", "to_user_id", '
        f'"created_at", "acknowledged_at") '
        f'SELECT t."id", NULL, %s, %s, {who.sql}, %s, NULL FROM "{t["ticket"]}" t '
        f'LEFT JOIN "{t["department"]}" d ON d."id" = t."team_id" '
        f'LEFT JOIN "{t["user"]}" u ON u."id" = t."assignee_id" '
        f"WHERE {OPEN} AND {where} ON CONFLICT DO NOTHING",
        [target, level, *who.params, at, *params],
    )
    return cursor.rowcount + skipped


@dataclass(frozen=True)
class TicketSweep:
    """The ticket steps of one sweep, built once (policies, recipients, cut-offs) and run on
    one span of ticket ids at a time: all of them, or a share on each of several connections."""

    at: Any
    supervisor: Recipient
    manager_or_chosen: Recipient
    cutoff_sql: str
    cutoff: list[Any]

    @classmethod
    def build(cls, escalator: Escalator, now: dt.datetime) -> TicketSweep:
        """Each policy chooses who hears of a breach (level 1) and of a lasting resolution breach
        (level 2); "nobody" writes no escalation row, but the flags and levels are set all the same."""
        policies = _sweep_policies()
        manager = _manager_case(escalator, 't."team_id"')
        cutoff_sql, cutoff = _cutoff_case(policies, now)
        return cls(
            at=connection.ops.adapt_datetimefield_value(now),
            supervisor=_recipient([(p.pk, p.first_to, p.first_user) for p in policies],
                                  default=_supervisor_case(escalator), manager=manager),
            manager_or_chosen=_recipient([(p.pk, p.again_to, p.again_user) for p in policies],
                                         default=manager, manager=manager),
            cutoff_sql=cutoff_sql, cutoff=cutoff)

    def run(self, span: tuple[int, int] | None) -> tuple[int, int, int]:
        """(first responses breached, resolutions breached, escalated to a manager) among the
        tickets with lo <= id < hi, or all of them; one transaction."""
        span_sql, span_params = ('t."id" >= %s AND t."id" < %s', list(span)) if span else ("TRUE", [])
        at, cutoff, table = self.at, self.cutoff, f'"{Ticket._meta.db_table}"'
        manager_due = MANAGER_DUE.format(cutoff=self.cutoff_sql)
        with transaction.atomic(), connection.cursor() as cursor:
            _prefer_pending_indexes()
            first = _escalate(cursor, target=SlaTarget.FIRST_RESPONSE, level=1, who=self.supervisor,
                              where=f"{FIRST_RESPONSE_DUE} AND {span_sql}", params=[at, *span_params],
                              at=at, count_skipped=True)
            resolution = _escalate(cursor, target=SlaTarget.RESOLUTION, level=1, who=self.supervisor,
                                   where=f"{RESOLUTION_DUE} AND {span_sql}", params=[at, *span_params],
                                   at=at, count_skipped=True)
            managers = _escalate(cursor, target=SlaTarget.RESOLUTION, level=2, who=self.manager_or_chosen,
                                 where=f'{RESOLUTION_DUE} AND t."resolution_due" <= {self.cutoff_sql} AND {span_sql}',
                                 params=[at, *cutoff, *span_params], at=at)
            managers += _escalate(cursor, target=SlaTarget.RESOLUTION, level=2, who=self.manager_or_chosen,
                                  where=f"{manager_due} AND {span_sql}", params=[*cutoff, *span_params], at=at)
            span_sql = _untagged(span_sql)
            cursor.execute(
                f'UPDATE {table} SET "resolution_breached" = %s, "warned" = %s, "updated_at" = %s, '
                f'"first_response_breached" = CASE WHEN {_untagged(FIRST_RESPONSE_DUE)} THEN %s '
                f'ELSE "first_response_breached" END, '
                f'"escalation_level" = CASE WHEN "resolution_due" <= {_untagged(self.cutoff_sql)} THEN 2 '
                f'WHEN "escalation_level" < 1 THEN 1 ELSE "escalation_level" END '
                f"WHERE {_untagged(OPEN)} AND {_untagged(RESOLUTION_DUE)} AND {span_sql}",
                [True, True, at, at, True, *cutoff, at, *span_params],
            )
            cursor.execute(
                f'UPDATE {table} SET "first_response_breached" = %s, "updated_at" = %s, '
                f'"escalation_level" = CASE WHEN "escalation_level" < 1 THEN 1 ELSE "escalation_level" END '
                f"WHERE {_untagged(OPEN)} AND {_untagged(FIRST_RESPONSE_DUE)} AND {span_sql}",
                [True, at, at, *span_params],
            )
            cursor.execute(
                f'UPDATE {table} SET "escalation_level" = 2, "updated_at" = %s '
                f"WHERE {_untagged(OPEN)} AND {_untagged(manager_due)} AND {span_sql}",
                [at, *cutoff, *span_params],
            )
        return first, resolution, managers


def _prefer_pending_indexes() -> None:
    """PostgreSQL, for the rest of this transaction: read through the partial "pending" indexes.
    It multiplies "not yet flagged" by "past due" as if unrelated, expects a quarter of all open
    tickets where there are a handful (every past-due ticket is flagged), and scans the whole
    table: 300 ms a statement, four statements a minute, at a million open tickets."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")


def _pending_at_least(sweep: TicketSweep, enough: int) -> bool:
    """Whether `enough` tickets wait for a breach flag. SQLite stops counting there (a full
    count of a catch-up's 750,000 took 2.3 s). PostgreSQL, given that LIMIT, would walk the
    (open, due) index through every flagged ticket instead (0.7 s at a million), so it counts
    them all through the pending indexes: 12 ms when a handful wait."""
    table = f'"{Ticket._meta.db_table}"'
    cap, capped = (" LIMIT %s", [enough]) if connection.vendor != "postgresql" else ("", [])
    with transaction.atomic(), connection.cursor() as cursor:
        _prefer_pending_indexes()
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM {table} t WHERE {OPEN} AND {RESOLUTION_DUE}{cap}) r) + "
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} t WHERE {OPEN} AND {FIRST_RESPONSE_DUE}{cap}) f)",
            [sweep.at, *capped, sweep.at, *capped])
        return cursor.fetchone()[0] >= enough


def _id_spans(workers: int) -> list[tuple[int, int]]:
    """Equal id ranges covering every ticket, a few per worker so that a slow one is shared."""
    low, high = Ticket.objects.aggregate(low=Min("pk"), high=Max("pk")).values()
    if low is None:
        return []
    count = workers * SPANS_PER_WORKER
    step = (high - low) // count + 1
    return [(low + i * step, low + (i + 1) * step) for i in range(count)]


def _on_own_connection(sweep: TicketSweep, span: tuple[int, int]) -> tuple[int, int, int]:
    try:
        return sweep.run(span)
    finally:
        connection.close()  # this thread's connection; the caller's stays open


@contextmanager
def _page_cache(kib: int) -> Iterator[None]:
    """SQLite: a page cache of `kib` KiB on this connection for a while, then the usual one."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        usual = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {usual}")


def _sweep_tickets(escalator: Escalator, now: dt.datetime, *,
                   parallel_from: int = PARALLEL_FROM) -> tuple[int, int, int]:
    """(first responses breached, resolutions breached, escalated to a manager)."""
    sweep = TicketSweep.build(escalator, now)
    if not _pending_at_least(sweep, parallel_from):
        return sweep.run(None)
    if connection.vendor != "postgresql":
        with _page_cache(BACKLOG_CACHE_KIB):
            return sweep.run(None)
    if connection.in_atomic_block:
        return sweep.run(None)
    with ThreadPoolExecutor(SWEEP_CONNECTIONS) as pool:
        counts = list(pool.map(partial(_on_own_connection, sweep), _id_spans(SWEEP_CONNECTIONS)))
    return tuple(sum(column) for column in zip(*counts, strict=True)) if counts else (0, 0, 0)


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



