"""A catch-up sweep: a backlog of breaches at once. On PostgreSQL a big backlog is split by
ticket id over several connections, each span in its own transaction; the flags and
escalations must come out as one connection's would, every ticket flagged exactly once.

Bob (east team, led by carol) takes web inquiries on Wednesday 30 September 2026 at 16:00;
by noon on 9 October each has breached both targets and waited past the manager's 240 minutes.
"""

import datetime as dt
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from kehu.service.models import Escalation, SlaPolicy, Ticket
from kehu.service.services import sla_sweep, ticket_accept, ticket_create, ticket_resolve
from kehu.service.services.sla import _id_spans

SHANGHAI = ZoneInfo("Asia/Shanghai")
TAKEN = dt.datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
MUCH_LATER = dt.datetime(2026, 10, 9, 12, 0, tzinfo=SHANGHAI)


def backlog(bob, count: int) -> list[Ticket]:
    # update_or_create: after an earlier committed test the flush took the policies the
    # migrations made (and the holiday calendar: the targets then fall on 1 October).
    SlaPolicy.objects.update_or_create(kind="inquiry", grade=None, tier="",
                                       defaults={"first_response_minutes": 60, "resolution_minutes": 480})
    body = {"kind": "inquiry", "channel": "web", "title": "网上咨询", "description": "怎么办理过户"}
    with time_machine.travel(TAKEN, tick=False):
        tickets = [ticket_create(by=bob, data=body)[0] for _ in range(count)]
        # One answered in time (only its resolution breaches), one resolved: never flagged.
        ticket_accept(ticket=tickets[1], by=bob)
        ticket_resolve(ticket=tickets[2], by=bob, solution="已答复")
    return tickets


def assert_swept_once(tickets: list[Ticket], carol, frank) -> None:
    flags = dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list(
        "pk", "escalation_level"))
    resolved = tickets[2].pk
    assert flags.pop(resolved) == 0
    assert set(flags.values()) == {2}
    rows = list(Escalation.objects.values_list("ticket_id", "target", "level", "to_user"))
    assert len(rows) == len(set((t, target, level) for t, target, level, _ in rows))
    assert not [row for row in rows if row[0] == resolved]
    by_level = {(target, level, to) for _t, target, level, to in rows}
    assert by_level == {("first_response", 1, carol.pk), ("resolution", 1, carol.pk), ("resolution", 2, frank.pk)}


# Committed, so that the other connections see the tickets.
@pytest.mark.django_db(transaction=True)
def test_a_backlog_split_over_connections_is_flagged_once(bob, carol, frank):
    tickets = backlog(bob, 12)
    result = sla_sweep(now=MUCH_LATER, parallel_from=1)
    # 12 tickets: one resolved; one answered in time, so 10 first-response breaches.
    assert (result.first_response_breached, result.resolution_breached, result.escalated_to_manager) == (10, 11, 11)
    assert_swept_once(tickets, carol, frank)
    if connection.vendor == "postgresql":
        # Each span committed on its own: the escalations carry several transaction ids.
        # (SQLite has one writer and sweeps in one transaction.)
        assert writing_transactions() > 1
    again = sla_sweep(now=MUCH_LATER, parallel_from=1)
    assert (again.first_response_breached, again.resolution_breached, again.escalated_to_manager) == (0, 0, 0)
    assert Escalation.objects.count() == 10 + 11 + 11


def writing_transactions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(DISTINCT xmin::text) FROM {Escalation._meta.db_table}")
        return cursor.fetchone()[0]


def page_cache() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


def test_inside_a_transaction_the_sweep_stays_on_its_own_connection(bob, carol, frank):
    # Other connections could not see this test's uncommitted tickets: the sweep must not split.
    tickets = backlog(bob, 5)
    usual = page_cache() if connection.vendor == "sqlite" else None
    result = sla_sweep(now=MUCH_LATER, parallel_from=1)
    assert (result.first_response_breached, result.resolution_breached, result.escalated_to_manager) == (3, 4, 4)
    assert_swept_once(tickets, carol, frank)
    if usual is not None:  # SQLite swept the backlog with a bigger page cache, then gave it back
        assert page_cache() == usual


def test_the_spans_cover_every_ticket_without_overlap(bob):
    tickets = backlog(bob, 7)
    spans = _id_spans(workers=2)
    assert len(spans) == 4
    assert spans[0][0] == tickets[0].pk and spans[-1][1] > tickets[-1].pk
    assert all(left[1] == right[0] for left, right in pairwise(spans))
