"""What reps did in a period, read from the records of the other apps.

One query builder per kind of activity, each for a list of reps and a range of days (local
time, both ends included). Work reports list their rows for one rep; targets count the same
rows for many reps at once, so a report and the attainment bar never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kehu.contact.models import Interaction
from kehu.core.models import AuditEntry
from kehu.customers.models import Customer, FollowUp
from kehu.fieldwork.models import Visit, VisitStatus
from kehu.sales.models import Lead, LeadStatus, StageChange
from kehu.service.models import Ticket

LIST_CAP = 200  # rows listed per kind; the counts are always complete


def time_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the organisation's time zone."""
    zone = timezone.get_default_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    return begin, dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def new_customers(rep_ids: list[int], start: dt.date, end: dt.date) -> QuerySet[Customer]:
    """Customers created in the period by one of the reps or now owned by one."""
    begin, stop = time_range(start, end)
    return (Customer.objects.alive().filter(created_at__gte=begin, created_at__lt=stop)
            .filter(Q(created_by_id__in=rep_ids) | Q(owner_id__in=rep_ids)).order_by("created_at", "id"))


def followups(rep_ids: list[int], start: dt.date, end: dt.date) -> QuerySet[FollowUp]:
    begin, stop = time_range(start, end)
    return (FollowUp.objects.filter(by_id__in=rep_ids, at__gte=begin, at__lt=stop)
            .select_related("customer").order_by("at", "id"))


def recorded_visits(rep_ids: list[int], start: dt.date, end: dt.date) -> QuerySet[Visit]:
    begin, stop = time_range(start, end)
    return (Visit.objects.filter(rep_id__in=rep_ids, status=VisitStatus.RECORDED,
                                 recorded_at__gte=begin, recorded_at__lt=stop)
            .select_related("customer").order_by("recorded_at", "id"))


def stage_moves(rep_ids: list[int], start: dt.date, end: dt.date) -> QuerySet[StageChange]:
    """Moves from one stage to another (the creation of an opportunity is not a move)."""
    begin, stop = time_range(start, end)
    return (StageChange.objects.filter(by_id__in=rep_ids, at__gte=begin, at__lt=stop, from_stage__isnull=False)
            .select_related("opportunity__customer", "from_stage", "to_stage").order_by("at", "id"))


def wins(rep_ids: list[int], start: dt.date, end: dt.date) -> QuerySet[StageChange]:
    """Moves into a won stage from a stage that was not won (交车 after 成交 is not a second win)."""
    return (stage_moves(rep_ids, start, end).filter(to_stage__is_won=True)
            .exclude(from_stage__is_won=True))


def leads_converted(rep_ids: list[int], start: dt.date, end: dt.date) -> QuerySet[Lead]:
    begin, stop = time_range(start, end)
    return (Lead.objects.filter(status=LeadStatus.CONVERTED, converted_at__gte=begin, converted_at__lt=stop)
            .filter(Q(owner_id__in=rep_ids) | Q(opportunity__owner_id__in=rep_ids))
            .select_related("customer").order_by("converted_at", "id"))


def tickets_handled(rep_ids: list[int], start: dt.date, end: dt.date) -> QuerySet[Ticket]:
    """Tickets assigned to the rep that were opened or resolved in the period, and tickets
    the rep resolved in the period (by the audit trail) while someone else held them."""
    begin, stop = time_range(start, end)
    resolved_by = (AuditEntry.objects.filter(at__gte=begin, at__lt=stop, action="ticket.resolved",
                                             object_type="ticket", actor_id__in=rep_ids)
                   .values("object_id"))
    in_period = Q(created_at__gte=begin, created_at__lt=stop) | Q(resolved_at__gte=begin, resolved_at__lt=stop)
    return (Ticket.objects.filter((Q(assignee_id__in=rep_ids) & in_period) | Q(pk__in=resolved_by))
            .order_by("created_at", "id"))


def calls(rep_ids: list[int], start: dt.date, end: dt.date) -> QuerySet[Interaction]:
    begin, stop = time_range(start, end)
    return (Interaction.objects.filter(agent_id__in=rep_ids, offered_at__gte=begin, offered_at__lt=stop)
            .select_related("customer").order_by("offered_at", "id"))


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _won_amount(changes: QuerySet[StageChange]) -> tuple[int, Decimal]:
    seen: dict[int, Decimal] = {}
    for opportunity_id, amount in changes.values_list("opportunity_id", "opportunity__amount"):
        seen[opportunity_id] = amount or Decimal(0)
    return len(seen), sum(seen.values(), Decimal(0))


def draft_figures(*, rep_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The activity of one rep in the period: the listed rows of each kind and their counts."""
    ids = [rep_id]
    rows: dict[str, list[dict[str, Any]]] = {
        "new_customers": [{"id": c.pk, "name": c.name, "at": _local(c.created_at)}
                          for c in new_customers(ids, start, end)[:LIST_CAP]],
        "leads_converted": [{"id": lead.pk, "company": lead.company, "customer_id": lead.customer_id,
                             "customer": lead.customer.name if lead.customer else "",
                             "opportunity_id": lead.opportunity_id, "at": _local(lead.converted_at)}
                            for lead in leads_converted(ids, start, end)[:LIST_CAP]],
        "followups": [{"id": f.pk, "customer_id": f.customer_id, "customer": f.customer.name,
                       "channel": str(f.get_channel_display()), "outcome": f.outcome,
                       "content": f.content[:120], "at": _local(f.at)}
                      for f in followups(ids, start, end)[:LIST_CAP]],
        "visits": [{"id": v.pk, "customer_id": v.customer_id, "customer": v.customer.name,
                    "purpose": v.purpose, "outcome": v.outcome[:200], "at": _local(v.recorded_at),
                    "next_visit_date": v.next_visit_date.isoformat() if v.next_visit_date else ""}
                   for v in recorded_visits(ids, start, end)[:LIST_CAP]],
        "stage_moves": [{"id": c.pk, "opportunity_id": c.opportunity_id, "title": c.opportunity.title,
                         "customer": c.opportunity.customer.name, "from": c.from_stage.name if c.from_stage else "",
                         "to": c.to_stage.name, "won": c.to_stage.is_won, "lost": c.to_stage.is_lost,
                         "amount": str(c.opportunity.amount), "at": _local(c.at)}
                        for c in stage_moves(ids, start, end)[:LIST_CAP]],
        "tickets": [{"id": t.pk, "number": t.number, "title": t.title, "status": str(t.get_status_display()),
                     "resolved": bool(t.resolved_at and time_range(start, end)[0] <= t.resolved_at
                                      < time_range(start, end)[1])}
                    for t in tickets_handled(ids, start, end)[:LIST_CAP]],
        "calls": [{"id": i.pk, "direction": str(i.get_direction_display()), "caller": i.caller,
                   "customer": i.customer.name if i.customer else "", "talk_s": round(i.talk_s),
                   "at": _local(i.offered_at)}
                  for i in calls(ids, start, end)[:LIST_CAP]],
    }
    won_count, won_amount = _won_amount(wins(ids, start, end))
    counts = {
        "new_customers": new_customers(ids, start, end).count(),
        "leads_converted": leads_converted(ids, start, end).count(),
        "followups": followups(ids, start, end).count(),
        "visits": recorded_visits(ids, start, end).count(),
        "stage_moves": stage_moves(ids, start, end).count(),
        "won": won_count,
        "won_amount": str(won_amount),
        "tickets": tickets_handled(ids, start, end).count(),
        "tickets_resolved": sum(1 for t in rows["tickets"] if t["resolved"]),
        "calls": calls(ids, start, end).count(),
    }
    return {"start": start.isoformat(), "end": end.isoformat(), "counts": counts, **rows}


def attainment(rep_ids: list[int], start: dt.date, end: dt.date) -> dict[int, dict[str, Any]]:
    """New customers, recorded visits and won amount of each rep in the period (three queries)."""
    result: dict[int, dict[str, Any]] = {
        pk: {"new_customers": 0, "visits": 0, "won_amount": Decimal(0)} for pk in rep_ids}
    wanted = set(rep_ids)
    for owner_id, creator_id in new_customers(rep_ids, start, end).values_list("owner_id", "created_by_id"):
        for pk in {owner_id, creator_id} & wanted:
            result[pk]["new_customers"] += 1
    for row in recorded_visits(rep_ids, start, end).order_by().values("rep_id").annotate(n=Count("id")):
        result[row["rep_id"]]["visits"] = row["n"]
    won: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for by_id, opportunity_id, amount in wins(rep_ids, start, end).values_list(
            "by_id", "opportunity_id", "opportunity__amount"):
        won[by_id][opportunity_id] = amount or Decimal(0)
    for pk, amounts in won.items():
        result[pk]["won_amount"] = sum(amounts.values(), Decimal(0))
    return result
