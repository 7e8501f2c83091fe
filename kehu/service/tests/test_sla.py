"""Service levels on the working-hours calendar, with the clock frozen across National Day 2026."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kehu.service.models import Escalation, SlaPolicy, Ticket
from kehu.service.services import sla_sweep, ticket_accept, ticket_create, ticket_resolve

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def inquiry_policy(db):
    """Inquiries: first response within 60 working minutes, resolution within 8 working hours."""
    SlaPolicy.objects.filter(kind="inquiry").update(first_response_minutes=60, resolution_minutes=480)


def web_request(by, **data):
    # A web request is not answered on contact, so its first-response clock runs.
    body = {"kind": "inquiry", "channel": "web", "title": "网上咨询", "description": "怎么办理过户"}
    body.update(data)
    return ticket_create(by=by, data=body)[0]


def test_due_times_skip_the_golden_week(alice, inquiry_policy):
    # Wednesday 30 September 2026, 16:00. Working hours 09:00–12:00, 13:00–18:00.
    with time_machine.travel(at(2026, 9, 30, 16, 0), tick=False):
        ticket = web_request(alice)
    assert ticket.first_response_due == at(2026, 9, 30, 17, 0)
    # 2 h left on the 30th; 1–7 October are off; 6 h more from 09:00 on Thursday 8 October.
    assert ticket.resolution_due == at(2026, 10, 8, 16, 0)


def test_a_makeup_saturday_counts(alice, inquiry_policy):
    # Friday 9 October 17:30: 30 minutes that day, then Saturday 10 October is a working day.
    with time_machine.travel(at(2026, 10, 9, 17, 30), tick=False):
        ticket = web_request(alice)
    assert ticket.first_response_due == at(2026, 10, 10, 9, 30)


def test_emergency_repairs_run_round_the_clock(alice):
    with time_machine.travel(at(2026, 10, 1, 22, 0), tick=False):
        ticket = ticket_create(by=alice, data={"kind": "emergency_repair", "channel": "phone", "title": "整栋楼停电"})[0]
    assert ticket.resolution_due == at(2026, 10, 2, 2, 0)  # 240 minutes, holiday or not


def test_breach_escalates_to_the_supervisor_then_the_manager(org, bob, carol, frank, inquiry_policy):
    with time_machine.travel(at(2026, 9, 30, 16, 0), tick=False):
        ticket = web_request(bob)  # bob is in the east team, led by carol
    assert sla_sweep(now=at(2026, 9, 30, 16, 30)).first_response_breached == 0
    first = sla_sweep(now=at(2026, 9, 30, 17, 1))
    assert first.first_response_breached == 1
    escalation = Escalation.objects.get(ticket=ticket, level=1)
    assert escalation.to_user == carol and escalation.target == "first_response"
    # The warning comes at 75 % of the resolution target, 6 working hours in: 2 h on the
    # 30th, then 09:00–12:00 and 13:00–14:00 on 8 October.
    assert sla_sweep(now=at(2026, 10, 8, 13, 59)).warned == 0
    assert sla_sweep(now=at(2026, 10, 8, 14, 0)).warned == 1
    # Resolution breached at 16:00 on 8 October; the default policy escalates again 240 minutes later.
    assert sla_sweep(now=at(2026, 10, 8, 16, 0)).resolution_breached == 1
    assert sla_sweep(now=at(2026, 10, 8, 19, 59)).escalated_to_manager == 0
    assert sla_sweep(now=at(2026, 10, 8, 20, 0)).escalated_to_manager == 1
    assert Escalation.objects.get(ticket=ticket, level=2).to_user == frank
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 2


def test_the_sweep_is_idempotent(bob, inquiry_policy):
    with time_machine.travel(at(2026, 9, 30, 16, 0), tick=False):
        ticket = web_request(bob)
    later = at(2026, 10, 9, 12, 0)
    first = sla_sweep(now=later)
    again = sla_sweep(now=later)
    assert first.resolution_breached == 1 and first.first_response_breached == 1
    assert first.escalated_to_manager == 1  # a day past the breach: the manager hears of it too
    assert (again.resolution_breached, again.first_response_breached, again.warned, again.escalated_to_manager) \
        == (0, 0, 0, 0)
    assert Escalation.objects.count() == 3
    # All three reached in one sweep: the flags say so too.
    ticket.refresh_from_db()
    assert (ticket.first_response_breached, ticket.resolution_breached, ticket.warned, ticket.escalation_level) \
        == (True, True, True, 2)


def test_an_answered_or_resolved_ticket_does_not_breach(bob, inquiry_policy):
    with time_machine.travel(at(2026, 9, 30, 16, 0), tick=False):
        ticket = web_request(bob)
        ticket_accept(ticket=ticket, by=bob)
        ticket_resolve(ticket=ticket, by=bob, solution="已答复")
    result = sla_sweep(now=at(2026, 10, 20, 12, 0))
    assert (result.first_response_breached, result.resolution_breached) == (0, 0)


def test_an_overdue_work_order_escalates_to_the_units_leader(alice, org):
    from kehu.service.services import ticket_dispatch

    org["north"].leader = org["dave"]
    org["north"].save()
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False):
        ticket = ticket_create(by=alice, data={"kind": "repair", "channel": "phone", "title": "电表不走"})[0]
        ticket_dispatch(ticket=ticket, by=alice, units=[org["north"]], due_at=at(2026, 11, 2, 14, 0))
    assert sla_sweep(now=at(2026, 11, 2, 13, 0)).work_orders_overdue == 0
    assert sla_sweep(now=at(2026, 11, 2, 14, 1)).work_orders_overdue == 1
    assert sla_sweep(now=at(2026, 11, 2, 15, 0)).work_orders_overdue == 0
    assert Escalation.objects.get(work_order__isnull=False).to_user == org["dave"]


def test_list_api_filters_breached(api_as, bob, inquiry_policy):
    with time_machine.travel(at(2026, 9, 30, 16, 0), tick=False):
        late = web_request(bob)
    sla_sweep(now=at(2026, 10, 9, 12, 0))
    web_request(bob)
    items = api_as(bob).get("/api/tickets", breached="true").json()["items"]
    assert [t["id"] for t in items] == [late.pk]
