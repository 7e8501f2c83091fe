"""Working a campaign: hand an agent the next due contact, record the call's outcome.

entry_next is the hot path (fifty agents pulling from a million entries): one UPDATE whose
subquery picks the first due open entry through the partial index entry_due. On
PostgreSQL the subquery locks that row FOR UPDATE SKIP LOCKED, so a concurrent caller
passes over it to the next one instead of waiting; on SQLite the statement runs inside a
BEGIN IMMEDIATE transaction (one writer at a time, queued by kehu.core.sqlite), so the row
it picks cannot be taken by anyone else between the SELECT and the UPDATE. In both the
UPDATE repeats the conditions, so an entry is handed out only while it is still due.

Handing out is a lease, not an audit-worthy change: the entry turns "in progress", locked
by the agent, and its next_attempt_at becomes the end of the lease. An agent who walks
away leaves an entry whose next_attempt_at passes: it is then simply due again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.outbound.models import (
    OPEN_STATUSES,
    Attempt,
    Campaign,
    CampaignEntry,
    CampaignStatus,
    EntryStatus,
    Outcome,
)
from kehu.outbound.services.dnc import dnc_add

LEASE = dt.timedelta(minutes=10)


class OutsideCallingHours(Conflict):
    pass


def _columns() -> list[str]:
    return [f.column for f in CampaignEntry._meta.concrete_fields]


def _claim_sql(*, assigned: bool) -> str:
    table = CampaignEntry._meta.db_table
    statuses = ", ".join(f"'{s}'" for s in OPEN_STATUSES)  # constants: the partial index's predicate
    agent = "agent_id = %s" if assigned else "agent_id IS NULL"
    skip = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    return (
        f"UPDATE {table} SET status = 'in_progress', locked_by_id = %s, locked_at = %s, next_attempt_at = %s "
        f"WHERE id = (SELECT id FROM {table} WHERE campaign_id = %s AND {agent} AND status IN ({statuses}) "
        f"AND next_attempt_at <= %s ORDER BY next_attempt_at, id LIMIT 1{skip}) "
        f"AND status IN ({statuses}) AND next_attempt_at <= %s RETURNING {', '.join(_columns())}"
    )


def _held_sql() -> str:
    return (f"SELECT {', '.join(_columns())} FROM {CampaignEntry._meta.db_table} "
            "WHERE locked_by_id = %s AND campaign_id = %s AND status = 'in_progress' LIMIT 1")


def _start_sql() -> str:
    """The campaign's status if the agent is one of its agents, and the entry they hold, in one query."""
    table, through = Campaign._meta.db_table, Campaign.agents.through._meta.db_table
    entry = CampaignEntry._meta.db_table
    return (f"SELECT c.status, {', '.join('e.' + c for c in _columns())} FROM {table} c "
            f"JOIN {through} a ON a.campaign_id = c.id AND a.user_id = %s "
            f"LEFT JOIN {entry} e ON e.locked_by_id = %s AND e.campaign_id = c.id AND e.status = 'in_progress' "
            "WHERE c.id = %s LIMIT 1")


def _entry(row: tuple[Any, ...] | None) -> CampaignEntry | None:
    if row is None or row[0] is None:
        return None
    return CampaignEntry.from_db(connection.alias, [f.attname for f in CampaignEntry._meta.concrete_fields],
                                 row)


def entry_held(*, campaign: Campaign, agent: User) -> CampaignEntry | None:
    """The entry the agent took and has not recorded yet (shown again rather than a new one)."""
    with connection.cursor() as cursor:
        cursor.execute(_held_sql(), [agent.pk, campaign.pk])
        return _entry(cursor.fetchone())


def _check_status(status: str | None) -> None:
    if status is None:
        raise NotAllowed(_("You are not an agent of this campaign."))
    if status != CampaignStatus.ACTIVE:
        raise Conflict(_("This campaign is not active."), field="status")


def check_can_work(*, campaign: Campaign, agent: User) -> CampaignEntry | None:
    """Refuse unless the agent is one of the campaign's and the campaign is active (read afresh);
    returns the entry the agent holds in it, if any."""
    with connection.cursor() as cursor:
        cursor.execute(_start_sql(), [agent.pk, agent.pk, campaign.pk])
        row = cursor.fetchone()
    _check_status(row[0] if row else None)
    return _entry(row[1:])


def _claim(campaign: Campaign, agent: User, now: dt.datetime) -> CampaignEntry | None:
    adapt = connection.ops.adapt_datetimefield_value
    at, until = adapt(now), adapt(now + LEASE)
    with connection.cursor() as cursor:
        for assigned in (True, False):
            params = [agent.pk, at, until, campaign.pk, *([agent.pk] if assigned else []), at, at]
            cursor.execute(_claim_sql(assigned=assigned), params)
            entry = _entry(cursor.fetchone())
            if entry is not None:
                return entry
    return None


def entry_next(*, campaign: Campaign, agent: User, now: dt.datetime | None = None) -> CampaignEntry | None:
    """Hand the agent their next due contact (their own first, then unassigned ones), or None.

    Two agents asking at the same moment never get the same entry. An agent who already
    holds an entry of this campaign gets it again. Plain SQL on purpose: this runs for
    every call of every agent, and the ORM's query building cost more than the queries.
    """
    now = now or timezone.now()
    held = check_can_work(campaign=campaign, agent=agent)
    if not campaign.in_calling_hours(now):
        start = timezone.localtime(campaign.next_calling_time(now))
        raise OutsideCallingHours(_("Outside the calling hours; calls resume at %(when)s.") % {
            "when": start.strftime("%Y-%m-%d %H:%M")})
    if held is not None:
        return held
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # Each claim is one statement, atomic by itself: no BEGIN/COMMIT round trips.
        return _claim(campaign, agent, now)
    # SQLite: inside BEGIN IMMEDIATE, behind kehu.core.sqlite's queue of writers.
    with transaction.atomic():
        return _claim(campaign, agent, now)


def entry_release(*, entry: CampaignEntry, agent: User) -> None:
    """Give a held entry back untouched (the agent could not call it now)."""
    CampaignEntry.objects.filter(pk=entry.pk, locked_by=agent, status=EntryStatus.IN_PROGRESS).update(
        status=EntryStatus.PENDING, locked_by=None, locked_at=None, next_attempt_at=timezone.now())


def _clean(outcome: str, *, callback_at: dt.datetime | None, promised_pay_on: dt.date | None, amount: Any,
           do_not_call: bool, now: dt.datetime) -> Decimal | None:
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(Outcome.values)}
    if outcome == Outcome.CALLBACK:
        if callback_at is None:
            errors["callback_at"] = _("Give the time to call back.")
        elif callback_at <= now:
            errors["callback_at"] = _("The time to call back must be in the future.")
    if outcome == Outcome.PROMISED_TO_PAY and promised_pay_on is None:
        errors["promised_pay_on"] = _("Give the date the customer promised to pay on.")
    if do_not_call and outcome != Outcome.REFUSED:
        errors["do_not_call"] = _("Only a refusal can put the number on the do-not-call list.")
    value = None
    if amount not in (None, ""):
        try:
            value = Decimal(str(amount)).quantize(Decimal("0.01"))
            if value < 0 or value >= Decimal("1e12"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["amount"] = _("Enter an amount such as 1280.50.")
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    return value


def _update_statement(entry: CampaignEntry, agent: User, changes: dict[str, Any]) -> tuple[str, Any]:
    qs = CampaignEntry.objects.filter(pk=entry.pk, locked_by=agent, status=EntryStatus.IN_PROGRESS,
                                      attempts=entry.attempts)
    query = qs.query.chain(UpdateQuery)
    query.add_update_values(changes)
    return query.get_compiler(connection.alias).as_sql()


def _insert_statement(attempt: Attempt) -> tuple[str, Any]:
    opts = Attempt._meta
    query = InsertQuery(Attempt)
    query.insert_values([f for f in opts.concrete_fields if f is not opts.pk], [attempt])
    compiler = query.get_compiler(connection.alias)
    compiler.returning_fields = [opts.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, params


def attempt_record(
    *, entry: CampaignEntry, agent: User, outcome: str, note: str = "", callback_at: dt.datetime | None = None,
    promised_pay_on: dt.date | None = None, amount: Any = None, interaction: Any = None,
    do_not_call: bool = False, now: dt.datetime | None = None,
) -> Attempt:
    """Record the call the agent made to the entry they hold; the retry rules decide what happens next."""
    now = now or timezone.now()
    value = _clean(outcome, callback_at=callback_at, promised_pay_on=promised_pay_on, amount=amount,
                   do_not_call=do_not_call, now=now)
    current = CampaignEntry.objects.select_related("campaign").get(pk=entry.pk)
    if current.locked_by_id != agent.pk or current.status != EntryStatus.IN_PROGRESS:
        raise Conflict(_("This contact is not being called by you; take it with “Next contact”."), field="entry")
    campaign = current.campaign
    attempts = current.attempts + 1
    status, due = campaign.after_attempt(outcome=outcome, attempts=attempts, now=now, callback_at=callback_at)
    if do_not_call:
        status = EntryStatus.DNC
    changes: dict[str, Any] = {"attempts": attempts, "status": status, "next_attempt_at": due,
                               "last_outcome": outcome, "locked_by": None, "locked_at": None}
    if outcome == Outcome.CALLBACK:
        changes["agent"] = agent  # the one who agreed the time calls back
    attempt = Attempt(
        entry=current, campaign=campaign, agent=agent, at=now, outcome=outcome, note=note.strip()[:500],
        callback_at=callback_at if outcome == Outcome.CALLBACK else None,
        promised_pay_on=promised_pay_on if outcome == Outcome.PROMISED_TO_PAY else None,
        amount=value, interaction=interaction,
    )
    update_sql, update_params = _update_statement(current, agent, changes)
    insert_sql, insert_params = _insert_statement(attempt)
    with transaction.atomic(), connection.cursor() as cursor:
        # Still held by this agent, unchanged since read: else the lease ran out and someone
        # else took the entry, or it was put on the do-not-call list meanwhile. (Both
        # statements are compiled before the transaction: on SQLite every other writer
        # waits while it runs.)
        cursor.execute(update_sql, update_params)
        if cursor.rowcount != 1:
            raise Conflict(_("This contact is not being called by you; take it with “Next contact”."),
                           field="entry")
        cursor.execute(insert_sql, insert_params)
        attempt.pk = cursor.fetchone()[0]
        attempt._state.adding = False
        if do_not_call:
            dnc_add(phone=current.phone_norm, by=agent, reason=_("Asked not to be called again (%(campaign)s)") % {
                "campaign": campaign.name})
        log_action("outbound.attempt.recorded", actor=agent, obj=current, customer_id=current.customer_id,
                   changes={"outcome": [None, outcome], "status": [EntryStatus.IN_PROGRESS, status]},
                   note=note[:255])
    for field, value in changes.items():
        setattr(entry, field, value)
    entry.status = status
    return attempt
