"""Taking a request and moving it through its life: create, reply, transitions, merge, incidents."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import Department, User
from kehu.core.audit import audit_entry, log_action
from kehu.core.errors import Conflict, InvalidInput
from kehu.core.inserts import insert_family, one_statement_transaction
from kehu.core.prepared import prepared_cursor
from kehu.customers.models import Contact, Customer
from kehu.search import indexing
from kehu.service import sla
from kehu.service.choices import (
    OPEN_STATUSES,
    ComplaintStepCode,
    ReplyVia,
    TicketChannel,
    TicketKind,
    TicketStatus,
)
from kehu.service.models import (
    ComplaintGrade,
    ComplaintStep,
    IdempotencyKey,
    Reply,
    Ticket,
    TicketCategory,
    TicketCounter,
)
from kehu.service.services.notify import notify_customer
from kehu.service.validation import clean_ticket

# The related rows a ticket's answer and page show (the API's TicketOut, the console).
ANSWER_RELATED = ("grade", "category", "customer", "assignee", "team")
# Whoever takes a call or a visitor is answering them already.
ANSWERED_ON_CONTACT = (TicketChannel.PHONE, TicketChannel.WALK_IN)


def next_ticket_number(now: Any = None) -> str:
    """T + local date + the day's sequence, e.g. T2026112200042.

    One counter row per day, bumped by a single upsert: the row stays locked until the
    commit, so two requests never get the same number. Called outside the ticket's
    transaction (PostgreSQL: the lock is then not held while the ticket is written) or
    inside it (SQLite, which writes one transaction at a time anyway). A failed request
    leaves a gap, as paper ledgers do.
    """
    day = timezone.localdate(now or timezone.now())
    table = connection.ops.quote_name(TicketCounter._meta.db_table)
    with one_statement_transaction(savepoint=False), prepared_cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("day", "last") VALUES (%s, 1) '
            f'ON CONFLICT ("day") DO UPDATE SET "last" = {table}."last" + 1 RETURNING "last"',
            [connection.ops.adapt_datefield_value(day)],
        )
        return f"T{day:%Y%m%d}{cursor.fetchone()[0]:05d}"


def _resolve_links(cleaned: dict[str, Any], by: User | None) -> dict[str, Any]:
    """Turn ids into visible objects, or say which one is not there."""
    errors: dict[str, str] = {}
    found: dict[str, Any] = {}

    def customers() -> Any:
        # Built only when asked: most API requests bring a phone nobody has, and building the
        # scoped queryset took 0.24 of the handler's 3.7 ms (cProfile). Requests without a
        # signed-in user (mail, the public page) may link to any customer.
        return Customer.objects.visible_to(by) if by is not None else Customer.objects.alive()

    if "customer_id" in cleaned:
        found["customer"] = customers().filter(pk=cleaned["customer_id"]).first()
        if found["customer"] is None:
            errors["customer_id"] = _("No such customer.")
    elif cleaned.get("phone_norm"):
        # Screen pop: the caller's number finds the customer (or one of its contacts).
        ids = Customer.objects.phone_matches(cleaned["phone_norm"], limit=1, alive=True)
        found["customer"] = customers().filter(pk__in=ids).first() if ids else None
    if "contact_id" in cleaned:
        contact = Contact.objects.filter(pk=cleaned["contact_id"]).first()
        if contact is None or (found.get("customer") and contact.customer_id != found["customer"].pk):
            errors["contact_id"] = _("No such contact for this customer.")
        else:
            found["contact"] = contact
            found.setdefault("customer", customers().filter(pk=contact.customer_id).first())
    for key, model in (("category", TicketCategory), ("assignee", User), ("team", Department)):
        ident = cleaned.get(f"{key}_id")
        if ident is not None:
            found[key] = model.objects.filter(pk=ident).first()
            if found[key] is None:
                errors[f"{key}_id"] = _("Not found.")
    if "master_id" in cleaned:
        tickets = Ticket.objects.visible_to(by) if by is not None else Ticket.objects.all()
        found["master"] = tickets.filter(pk=cleaned["master_id"], is_master=True).first()
        if found["master"] is None:
            errors["master_id"] = _("No such master incident.")
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    return found


def _grade(data: dict[str, Any], kind: str) -> ComplaintGrade | None:
    code = str(data.get("grade") or "").strip()
    grades = sla.complaint_grades()  # by rank
    if not code:
        return grades[0] if kind == TicketKind.COMPLAINT and grades else None
    grade = next((g for g in grades if g.code == code), None)
    if grade is None:
        codes = ", ".join(g.code for g in grades)
        raise InvalidInput(_("Unknown complaint grade “%(code)s”; use one of: %(codes)s.")
                           % {"code": code[:20], "codes": codes}, field="grade", errors={"grade": _("Unknown grade.")})
    return grade


def _apply_sla(ticket: Ticket) -> None:
    tier = ticket.customer.value_tier if ticket.customer else ""
    policy = sla.policy_for(kind=ticket.kind, grade_id=ticket.grade_id, tier=tier)
    ticket.sla_policy = policy
    if policy is None:
        return
    due = sla.deadlines(ticket.created_at, first_response_minutes=policy.first_response_minutes,
                        resolution_minutes=policy.resolution_minutes, clock=policy.clock,
                        warn_percent=policy.warn_percent)
    ticket.first_response_due, ticket.resolution_due = due.first_response_due, due.resolution_due
    ticket.first_response_warn_at, ticket.resolution_warn_at = due.first_response_warn_at, due.resolution_warn_at


def ticket_create(*, by: User | None, data: dict[str, Any], idempotency_key: str = "",
                  via: str = ReplyVia.CONSOLE) -> tuple[Ticket, bool]:
    """Take a request. Returns (ticket, created); a repeated idempotency key returns the first."""
    key = (idempotency_key or "").strip()[:100]
    if any(ch < " " or ch == "\x7f" for ch in key):  # PostgreSQL refuses NUL in text; no client means them
        raise InvalidInput(_("The Idempotency-Key may not contain control characters."), field="Idempotency-Key")
    if key and by is not None and (earlier := _keyed(by, key)) is not None:
        return earlier, False
    cleaned, errors = clean_ticket(data)
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    links = _resolve_links(cleaned, by)
    grade = _grade(data, cleaned["kind"])
    # PostgreSQL: the number in a transaction of its own, so the counter row is not locked
    # while the ticket is written. SQLite writes one transaction at a time anyway, and a
    # second one per ticket only hands the write lock round once more.
    number = next_ticket_number() if connection.vendor != "sqlite" else ""
    try:
        with one_statement_transaction():
            number = number or next_ticket_number()
            ticket = _insert_ticket(by=by, cleaned=cleaned, links=links, grade=grade, number=number, via=via,
                                    key=key if by is not None else "")
    except IntegrityError:
        # The same key raced in from a retry: the other request created the ticket.
        earlier = _keyed(by, key) if key else None
        if earlier is None:
            raise
        return earlier, False
    return ticket, True


def _keyed(by: User, key: str) -> Ticket | None:
    """The ticket an earlier request with this key created. Every API ticket asks this
    first, and nearly always for nothing: one hand-written index probe, kept prepared on
    PostgreSQL (the ORM built a join of every ticket column for it: 2 ms a request)."""
    with prepared_cursor() as cursor:
        cursor.execute(f'SELECT "ticket_id" FROM "{IdempotencyKey._meta.db_table}" WHERE "user_id" = %s AND "key" = %s',
                       [by.pk, key])
        row = cursor.fetchone()
    if row is None:
        return None
    try:
        ticket = Ticket.objects.get(pk=row[0])
    except Ticket.DoesNotExist:  # deleted since: its key goes with it
        return None
    return _with_answer_relations(ticket, by)


def _with_answer_relations(ticket: Ticket, by: User) -> Ticket:
    """Attach what the ticket's answer shows (ANSWER_RELATED) that the caller already holds.

    A replayed API request made by the same user usually points at the user's own team and
    nobody else. Reading them all by a join of five tables made a replay cost 1.7–2.1 ms of
    Python, 0.6–0.8 ms without (bench/intake_inprocess.py); with one request in ten a
    client's retry, the join was 13 % of the intake server's Python (py-spy). The rest load
    on first use, one query each, and only when set.
    """
    if ticket.team_id is not None and ticket.team_id == by.department_id:
        ticket.team = by.department
    if ticket.assignee_id == by.pk:
        ticket.assignee = by
    return ticket


def _insert_ticket(*, by: User | None, cleaned: dict[str, Any], links: dict[str, Any],
                   grade: ComplaintGrade | None, number: str, via: str, key: str) -> Ticket:
    now = timezone.now()
    fields = {k: cleaned[k] for k in ("kind", "channel", "priority", "title", "description", "caller_name",
                                       "caller_phone", "fault_location", "safety_note", "anonymous")}
    ticket = Ticket(
        **fields, caller_email=cleaned.get("caller_email", ""), number=number, grade=grade,
        customer=links.get("customer"), contact=links.get("contact"), category=links.get("category"),
        master=links.get("master"), created_by=by, created_at=now, updated_at=now,
        # Whoever takes a request in the console owns it; API and mail requests wait in the queue.
        assignee=links.get("assignee") or (by if via == ReplyVia.CONSOLE else None),
        team=links.get("team") or (by.department if by is not None else None),
    )
    if by is not None and ticket.channel in ANSWERED_ON_CONTACT:
        ticket.status, ticket.first_responded_at = TicketStatus.ACCEPTED, now
    _apply_sla(ticket)
    reply = Reply(
        ticket=ticket, author=by if via == ReplyVia.CONSOLE else None, body=ticket.description,
        author_name="" if ticket.anonymous else ticket.caller_name, via=via, created_at=now,
    ) if ticket.description else None
    # The ticket is indexed once, with its first reply (which repeats the description). All
    # rows go in by insert_family: one statement on PostgreSQL; statements built once on
    # SQLite, where this runs under the database's one write lock (see core.inserts).
    rows = [(audit_entry("ticket.created", actor=by, obj=ticket, customer_id=ticket.customer_id,
                         changes={"number": [None, number], "kind": [None, ticket.kind],
                                  "channel": [None, ticket.channel]}), "object_id"),
            *([(reply, "ticket_id")] if reply else []),
            (indexing.new_document(indexing.SOURCES["ticket"], ticket), "ticket_id"),
            *([(IdempotencyKey(user=by, key=key), "ticket_id")] if key else [])]
    insert_family(ticket, rows)
    return ticket


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _move(ticket: Ticket, to: str, *, by: User | None, note: str = "", **fields: Any) -> Ticket:
    """Change status if the flow allows it; the row is locked so two clicks cannot race."""
    if not ticket.can_move_to(to):
        raise Conflict(_("A ticket that is “%(status)s” cannot become “%(to)s”.")
                       % {"status": ticket.get_status_display(), "to": TicketStatus(to).label}, field="status")
    old = ticket.status
    now = timezone.now()
    ticket.status, ticket.updated_at, ticket.version = to, now, ticket.version + 1
    for name, value in fields.items():
        setattr(ticket, name, value)
    ticket.save(update_fields=["status", "updated_at", "version", *fields])
    log_action(f"ticket.{to}", actor=by, obj=ticket, customer_id=ticket.customer_id,
               changes={"status": [old, to]}, note=note)
    return ticket


@transaction.atomic
def ticket_accept(*, ticket: Ticket, by: User) -> Ticket:
    ticket = _locked(ticket)
    extra = {} if ticket.assignee_id else {"assignee": by}
    if ticket.first_responded_at is None:
        extra["first_responded_at"] = timezone.now()
    return _move(ticket, TicketStatus.ACCEPTED, by=by, **extra)


@transaction.atomic
def ticket_start(*, ticket: Ticket, by: User) -> Ticket:
    ticket = _locked(ticket)
    return _move(ticket, TicketStatus.IN_PROGRESS, by=by)


@transaction.atomic
def ticket_resolve(*, ticket: Ticket, by: User | None, solution: str = "", notify: bool = True) -> Ticket:
    """Mark solved. A master incident resolves every open ticket attached to it."""
    ticket = _locked(ticket)
    solution = (solution or "").strip() or ticket.solution
    if ticket.kind == TicketKind.COMPLAINT and not solution:
        raise InvalidInput(_("Record the agreed solution before resolving a complaint."), field="solution",
                           errors={"solution": _("This field is required.")})
    now = timezone.now()
    ticket = _move(ticket, TicketStatus.RESOLVED, by=by, solution=solution, resolved_at=now,
                   first_responded_at=ticket.first_responded_at or now)
    if notify and solution:
        notify_customer(ticket, _("Your request %(number)s has been resolved: %(solution)s")
                        % {"number": ticket.number, "solution": solution})
    if ticket.is_master:
        for child in Ticket.objects.filter(master=ticket, status__in=OPEN_STATUSES).order_by("id"):
            ticket_resolve(ticket=child, by=by, solution=solution or _("Resolved with the master incident."))
    return ticket


@transaction.atomic
def ticket_close(*, ticket: Ticket, by: User | None, customer_agreed: bool | None = None,
                 reason: str = "") -> Ticket:
    """Close a resolved ticket. A complaint needs its solution and the customer's agreement
    or a recorded reason; closing may plan a return visit."""
    from kehu.service.services.visits import plan_return_visit

    ticket = _locked(ticket)
    reason = (reason or "").strip()[:255]
    if ticket.kind == TicketKind.COMPLAINT:
        errors = {}
        if not ticket.solution:
            errors["solution"] = _("Record the agreed solution first.")
        if customer_agreed is not True and not reason:
            errors["customer_agreed"] = _("Record that the customer agreed, or why the complaint closes without it.")
        if errors:
            raise InvalidInput(next(iter(errors.values())), errors=errors)
    ticket = _move(ticket, TicketStatus.CLOSED, by=by, closed_at=timezone.now(),
                   customer_agreed=customer_agreed, close_reason=reason)
    plan_return_visit(ticket=ticket)
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, by: User | None, reason: str = "") -> Ticket:
    ticket = _locked(ticket)
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise Conflict(_("Only a resolved or closed ticket can be reopened."), field="status")
    ticket = _move(ticket, TicketStatus.IN_PROGRESS, by=by, note=reason, resolved_at=None, closed_at=None,
                   resolution_breached=False, warned=False)
    if reason:
        Reply.objects.create(ticket=ticket, author=by, body=_("Reopened: %(reason)s") % {"reason": reason},
                             internal=True, via=ReplyVia.SYSTEM)
    _restart_resolution_clock(ticket)
    return ticket


def _restart_resolution_clock(ticket: Ticket) -> None:
    """A reopened ticket gets a fresh resolution target from now."""
    policy = ticket.sla_policy
    if policy is None:
        return
    due = sla.deadlines(timezone.now(), first_response_minutes=policy.first_response_minutes,
                        resolution_minutes=policy.resolution_minutes, clock=policy.clock,
                        warn_percent=policy.warn_percent)
    ticket.resolution_due, ticket.resolution_warn_at = due.resolution_due, due.resolution_warn_at
    ticket.save(update_fields=["resolution_due", "resolution_warn_at"])


@transaction.atomic
def ticket_reply(*, ticket: Ticket, by: User | None, body: str, internal: bool = False,
                 via: str = ReplyVia.CONSOLE, author_name: str = "", message_id: str = "") -> Reply:
    """Add to the thread. An agent's first external reply is the ticket's first response;
    a customer's reply reopens a resolved ticket."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write a reply first."), field="body", errors={"body": _("This field is required.")})
    if len(body) > 50_000:
        raise InvalidInput(_("The reply is too long."), field="body", errors={"body": _("The reply is too long.")})
    ticket = _locked(ticket)
    now = timezone.now()
    reply = Reply.objects.create(ticket=ticket, author=by, body=body, internal=internal, via=via,
                                 author_name=author_name or (str(by) if by else ""), message_id=message_id,
                                 created_at=now)
    from_customer = by is None
    fields = ["updated_at"]
    ticket.updated_at = now
    if not from_customer and not internal:
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
            fields.append("first_responded_at")
        if ticket.status == TicketStatus.NEW:
            ticket.status = TicketStatus.IN_PROGRESS
            fields.append("status")
        transaction.on_commit(lambda: _send_reply_mail(reply.pk))
    ticket.save(update_fields=fields)
    if from_customer and not internal and ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        ticket_reopen(ticket=ticket, by=None, reason=_("The customer wrote again."))
    log_action("ticket.replied", actor=by, obj=ticket, customer_id=ticket.customer_id,
               note=("internal" if internal else via))
    return reply


def _send_reply_mail(reply_id: int) -> None:
    from kehu.service.services.notify import send_reply_mail

    send_reply_mail(reply_id)


@transaction.atomic
def complaint_step_record(*, ticket: Ticket, by: User, step: str, note: str = "") -> ComplaintStep:
    """Tick one of the five complaint steps (idempotent: the first tick keeps its time)."""
    if ticket.kind != TicketKind.COMPLAINT:
        raise InvalidInput(_("Only complaints have the five steps."), field="step", errors={"step": _("Not a complaint.")})
    if step not in ComplaintStepCode.values:
        raise InvalidInput(_("Unknown step."), field="step", errors={"step": _("Unknown step.")})
    done, created = ComplaintStep.objects.get_or_create(
        ticket=ticket, step=step, defaults={"done_by": by, "note": (note or "").strip()[:5000]},
    )
    if created:
        log_action("ticket.complaint_step", actor=by, obj=ticket, customer_id=ticket.customer_id,
                   changes={"step": [None, step]}, note=note)
        if step == ComplaintStepCode.SOLUTION and note and not ticket.solution:
            ticket.solution = note.strip()
            ticket.save(update_fields=["solution"])  # a save, so the search document follows
    return done


UPDATABLE = ("title", "description", "priority", "fault_location", "safety_note")


@transaction.atomic
def ticket_update(*, ticket: Ticket, by: User, data: dict[str, Any], version: int | None = None) -> Ticket:
    """Edit fields of a ticket; a stale version is refused so no edit is silently lost."""
    ticket = _locked(ticket)
    if version is not None and version != ticket.version:
        raise Conflict(_("Someone else changed this ticket meanwhile; reload and try again."), field="version",
                       existing_id=ticket.pk)
    merged = {"kind": ticket.kind, "channel": ticket.channel, "title": ticket.title,
              "description": ticket.description, "priority": ticket.priority,
              "fault_location": ticket.fault_location, "safety_note": ticket.safety_note}
    merged.update({k: v for k, v in data.items() if k in UPDATABLE})
    cleaned, errors = clean_ticket(merged)
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    changes: dict[str, list[Any]] = {}
    for name in UPDATABLE:
        if name in data and getattr(ticket, name) != cleaned[name]:
            changes[name] = [getattr(ticket, name), cleaned[name]]
            setattr(ticket, name, cleaned[name])
    for key, model in (("assignee_id", User), ("team_id", Department), ("category_id", TicketCategory)):
        if key in data:
            value = data[key] or None
            if value is not None and not model.objects.filter(pk=value).exists():
                raise InvalidInput(_("Some fields are not valid."), errors={key: _("Not found.")})
            if getattr(ticket, key) != value:
                changes[key] = [getattr(ticket, key), value]
                setattr(ticket, key, value)
    if "grade" in data:
        grade = _grade(data, ticket.kind)
        if grade != ticket.grade:
            changes["grade"] = [str(ticket.grade or ""), str(grade or "")]
            ticket.grade = grade
    if not changes:
        return ticket
    ticket.updated_at, ticket.version = timezone.now(), ticket.version + 1
    ticket.save()
    log_action("ticket.updated", actor=by, obj=ticket, customer_id=ticket.customer_id, changes=changes)
    return ticket


@transaction.atomic
def ticket_merge(*, keep: Ticket, merge: Ticket, by: User) -> Ticket:
    """Join a duplicate (same caller, same problem) into `keep`; both threads stay readable."""
    if keep.pk == merge.pk:
        raise InvalidInput(_("A ticket cannot be merged into itself."), field="merge_into")
    keep, merge = _locked(keep), _locked(merge)
    Reply.objects.filter(ticket=merge).update(ticket=keep)
    merge.attachments.update(ticket=keep)
    now = timezone.now()
    Reply.objects.create(ticket=keep, author=by, internal=True, via=ReplyVia.SYSTEM, created_at=now,
                         body=_("Merged %(number)s (%(title)s) into this ticket.")
                         % {"number": merge.number, "title": merge.title})
    Ticket.objects.filter(pk=merge.pk).update(
        merged_into=keep, status=TicketStatus.CLOSED, closed_at=now, updated_at=now,
        close_reason=_("Merged into %(number)s") % {"number": keep.number}, version=F("version") + 1,
    )
    log_action("ticket.merged", actor=by, obj=keep, customer_id=keep.customer_id,
               changes={"merged": [None, merge.number]})
    return keep


@transaction.atomic
def ticket_link(*, ticket: Ticket, other: Ticket, by: User) -> None:
    if ticket.pk == other.pk:
        raise InvalidInput(_("A ticket cannot be related to itself."), field="related")
    ticket.related.add(other)
    log_action("ticket.linked", actor=by, obj=ticket, customer_id=ticket.customer_id,
               changes={"related": [None, other.number]})


@transaction.atomic
def ticket_make_master(*, ticket: Ticket, by: User) -> Ticket:
    """Declare a mass fault: other calls about it attach to this ticket."""
    Ticket.objects.filter(pk=ticket.pk).update(is_master=True, master=None, updated_at=timezone.now())
    log_action("ticket.master", actor=by, obj=ticket, customer_id=ticket.customer_id)
    ticket.refresh_from_db()
    return ticket


@transaction.atomic
def ticket_attach(*, ticket: Ticket, master: Ticket, by: User) -> Ticket:
    """One click: this call is about the master incident."""
    if not master.is_master or master.pk == ticket.pk:
        raise InvalidInput(_("Choose a master incident."), field="master_id",
                           errors={"master_id": _("No such master incident.")})
    if not master.is_open:
        raise Conflict(_("That incident is already resolved."), field="master_id")
    Ticket.objects.filter(pk=ticket.pk).update(master=master, updated_at=timezone.now())
    log_action("ticket.attached", actor=by, obj=ticket, customer_id=ticket.customer_id,
               changes={"master": [None, master.number]})
    ticket.refresh_from_db()
    return ticket
