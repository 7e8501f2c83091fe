from __future__ import annotations

import datetime as dt
import functools
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.accounts.models import Department, User
from kehu.customers.choices import ValueTier
from kehu.customers.models import Contact, Customer
from kehu.service.choices import (
    OPEN_STATUSES,
    TRANSITIONS,
    ComplaintStepCode,
    Priority,
    ReplyVia,
    SlaClock,
    SlaTarget,
    TicketChannel,
    TicketKind,
    TicketStatus,
    VisitStatus,
    WorkOrderStatus,
)
from kehu.service.querysets import TicketQuerySet


class TicketCategory(models.Model):
    """A node of the category tree (业务分类), e.g. 电费 › 电价咨询."""

    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("ticket category")
        verbose_name_plural = _("ticket categories")
        ordering = ["parent_id", "name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name")]

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name


class ComplaintGrade(models.Model):
    """How serious a complaint is (投诉等级); configurable, ordered by `rank`."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=30)
    rank = models.PositiveSmallIntegerField(_("rank"), default=1, help_text=_("Higher is more serious."))

    class Meta:
        verbose_name = _("complaint grade")
        verbose_name_plural = _("complaint grades")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class FirstEscalation(models.TextChoices):
    """Who hears of a breach first (level 1)."""

    TEAM_LEADER = "team_leader", _("The team leader (else the assignee's superior, else the manager)")
    MANAGER = "manager", _("The manager above the team")
    USER = "user", _("A named user")
    NOBODY = "nobody", _("Nobody (flag the breach only)")


class SecondEscalation(models.TextChoices):
    """Who hears of it when the resolution breach lasts (level 2)."""

    MANAGER = "manager", _("The manager above the team")
    USER = "user", _("A named user")
    NOBODY = "nobody", _("Nobody (no second level)")


class SlaPolicy(models.Model):
    """Targets for tickets of one kind × grade × customer tier; empty fields match any.

    The most specific matching policy applies (kehu.service.sla.policy_for). The escalation
    chain (who hears of a breach, then of a lasting one) is applied by the SLA sweep
    (kehu.service.services.sla), in SQL.
    """

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("ticket kind"), max_length=20, choices=TicketKind.choices, blank=True)
    grade = models.ForeignKey(ComplaintGrade, verbose_name=_("complaint grade"), null=True, blank=True,
                              on_delete=models.CASCADE)
    tier = models.CharField(_("customer tier"), max_length=12, choices=ValueTier.choices, blank=True)
    first_response_minutes = models.PositiveIntegerField(_("first response within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution within (minutes)"))
    clock = models.CharField(_("clock"), max_length=10, choices=SlaClock.choices, default=SlaClock.BUSINESS)
    warn_percent = models.PositiveSmallIntegerField(
        _("warning threshold (percent of the target used)"), default=75,
    )
    escalate_again_minutes = models.PositiveIntegerField(
        _("escalate again after (minutes past the resolution breach)"), default=240,
    )
    escalate_first_to = models.CharField(
        _("on breach, escalate to"), max_length=12, choices=FirstEscalation.choices,
        default=FirstEscalation.TEAM_LEADER,
    )
    escalate_first_user = models.ForeignKey(
        User, verbose_name=_("first escalation user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Only used when “a named user” is chosen."),
    )
    escalate_again_to = models.CharField(
        _("when the resolution breach lasts, escalate to"), max_length=12,
        choices=SecondEscalation.choices, default=SecondEscalation.MANAGER,
    )
    escalate_again_user = models.ForeignKey(
        User, verbose_name=_("second escalation user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Only used when “a named user” is chosen."),
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["kind", "tier", "name"]

    def __str__(self) -> str:
        return self.name

    def specificity(self) -> int:
        return (4 if self.kind else 0) + (2 if self.grade_id else 0) + (1 if self.tier else 0)

    def clean(self) -> None:
        """A named-user choice needs an active user; a user without that choice is dropped."""
        errors: dict[str, object] = {}
        for choice, field in (("escalate_first_to", "escalate_first_user"),
                              ("escalate_again_to", "escalate_again_user")):
            user = getattr(self, field)
            if getattr(self, choice) != FirstEscalation.USER:
                setattr(self, field, None)
            elif user is None:
                errors[field] = _("Choose the user to escalate to.")
            elif not user.is_active:
                errors[field] = _("%(user)s is no longer active; choose an active user.") % {"user": user}
        if errors:
            raise ValidationError(errors)

    def escalation_chain(self) -> str:
        """The chain in words, for the ticket page: "the team leader, then the manager"."""
        first = self._recipient(self.escalate_first_to, self.escalate_first_user, _("the team leader"))
        again = self._recipient(self.escalate_again_to, self.escalate_again_user, _("the manager"))
        if first is None:
            return str(_("nobody at first, then %(second)s") % {"second": again} if again else _("nobody"))
        return str(_("%(first)s, then %(second)s") % {"first": first, "second": again} if again else first)

    @staticmethod
    def _recipient(choice: str, user: User | None, default: str) -> str | None:
        """Whom one level reaches; a named user gone or inactive falls back to the default, as
        in the sweep."""
        if choice == FirstEscalation.NOBODY:
            return None
        if choice == FirstEscalation.USER and user is not None and user.is_active:
            return str(user)
        return str(_("the manager") if choice == FirstEscalation.MANAGER else default)


class CalendarDay(models.Model):
    """An exception to the weekly pattern: a holiday off, or a weekend day worked (调休)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=40)
    is_workday = models.BooleanField(
        _("working day"), default=False, help_text=_("Ticked: a make-up working day; empty: a day off."),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("business calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


def _tracking_code() -> str:
    return secrets.token_hex(5).upper()


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=TicketKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=TicketChannel.choices)
    status = models.CharField(_("status"), max_length=12, choices=TicketStatus.choices,
                              default=TicketStatus.NEW)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    grade = models.ForeignKey(ComplaintGrade, verbose_name=_("complaint grade"), null=True, blank=True,
                              on_delete=models.PROTECT, db_index=False)
    category = models.ForeignKey(TicketCategory, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, db_index=False)
    title = models.CharField(pgettext_lazy("ticket", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tickets", db_index=False)
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tickets", db_index=False)
    # Who called or wrote, as they said it; for anonymous reports only authorised roles see it.
    caller_name = models.CharField(_("caller"), max_length=60, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=40, blank=True)
    caller_email = models.EmailField(_("caller e-mail"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    fault_location = models.CharField(_("fault location"), max_length=255, blank=True)
    safety_note = models.CharField(_("safety note"), max_length=255, blank=True)
    assignee = models.ForeignKey(User, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_tickets", db_index=False)
    team = models.ForeignKey(Department, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="tickets", db_index=False)
    created_by = models.ForeignKey(User, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    sla_policy = models.ForeignKey(SlaPolicy, verbose_name=_("SLA policy"), null=True, blank=True,
                                   on_delete=models.SET_NULL, db_index=False)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the SLA sweep; an escalation level of 1 reached the supervisor, 2 the manager.
    first_response_breached = models.BooleanField(_("first response breached"), default=False)
    resolution_breached = models.BooleanField(_("resolution breached"), default=False)
    warned = models.BooleanField(_("warned"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    solution = models.TextField(_("solution"), blank=True)
    customer_agreed = models.BooleanField(_("customer agreed"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing without agreement"), max_length=255, blank=True)
    master = models.ForeignKey("self", verbose_name=_("master incident"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="attached", db_index=False)
    is_master = models.BooleanField(_("master incident"), default=False)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="merged", db_index=False)
    related = models.ManyToManyField("self", verbose_name=_("related tickets"), blank=True, symmetrical=True)
    tracking_code = models.CharField(max_length=10, unique=True, default=_tracking_code, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Whether the status is one of the open ones, kept by the database itself. Queues filter
    # on it so one index range holds every open ticket in due order; `status IN (4 values)`
    # made SQLite sort the whole queue (0.5 s at a million open tickets).
    still_open = models.GeneratedField(
        expression=models.Case(models.When(status__in=OPEN_STATUSES, then=models.Value(True)),
                               default=models.Value(False)),
        output_field=models.BooleanField(), db_persist=True, verbose_name=_("open"),
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-id"]
        indexes = [
            # The agent's queue: my open tickets by due time.
            models.Index(fields=["assignee", "still_open", "resolution_due"], name="ticket_queue"),
            models.Index(fields=["team", "still_open", "resolution_due"], name="ticket_team_queue"),
            models.Index(fields=["still_open", "resolution_due"], name="ticket_open_due"),
            models.Index(fields=["status", "resolution_due"], name="ticket_status_due"),
            # Requests nobody has taken yet, in due order: the workbench's second list.
            models.Index(fields=["still_open", "resolution_due"], name="ticket_unassigned_due",
                         condition=Q(assignee__isnull=True)),
            models.Index(fields=["customer", "-id"], name="ticket_customer"),
            # The few master incidents, offered on every ticket page.
            models.Index(fields=["-id"], name="ticket_masters", condition=Q(is_master=True)),
            models.Index(fields=["created_at"], name="ticket_created"),
            # Every index on this table is written again whenever the SLA sweep flags a ticket
            # (no HOT update: the flags are in the pending indexes' conditions), so the two
            # foreign keys most tickets leave empty are indexed only where set.
            models.Index(fields=["grade"], name="ticket_graded", condition=Q(grade__isnull=False)),
            models.Index(fields=["master"], name="ticket_attached", condition=Q(master__isnull=False)),
            # The SLA sweep reads only tickets that have not yet breached or been warned.
            models.Index(fields=["resolution_due"], name="ticket_resolution_pending",
                         condition=Q(resolution_breached=False, resolved_at__isnull=True)),
            models.Index(fields=["first_response_due"], name="ticket_response_pending",
                         condition=Q(first_response_breached=False, first_responded_at__isnull=True)),
            models.Index(fields=["resolution_due"], name="ticket_manager_pending",
                         condition=Q(escalation_level=1, resolution_breached=True)),
            models.Index(fields=["resolution_warn_at"], name="ticket_warn_pending",
                         condition=Q(warned=False, resolved_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("service:ticket", args=[self.pk])

    @property
    def url(self) -> str:
        # Lists render hundreds of these: reverse() once, then fill in the id.
        return _ticket_url_pattern().replace(_URL_ID, str(self.pk)) if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, ())

    def sla_state(self, now: dt.datetime | None = None) -> str:
        """ok / warning / breached for the running target; empty when none runs."""
        if not self.is_open or self.resolution_due is None:
            return ""
        now = now or timezone.now()
        if self.resolution_breached or now >= self.resolution_due or (
            self.first_responded_at is None and self.first_response_due and now >= self.first_response_due
        ):
            return "breached"
        if self.warned or (self.resolution_warn_at and now >= self.resolution_warn_at):
            return "warning"
        return "ok"

    def reporter_visible_to(self, user: User) -> bool:
        """An anonymous report's reporter is shown only to the roles allowed to see it."""
        if not self.anonymous:
            return True
        return user.pk == self.created_by_id or user.is_superuser or \
            user.role in settings.KEHU_REPORTER_VISIBLE_ROLES


_URL_ID = "987654321"


@functools.cache
def _ticket_url_pattern() -> str:
    return reverse("service:ticket", args=[int(_URL_ID)])


class TicketCounter(models.Model):
    """The last ticket number given out per day, so numbers read T<yyyymmdd><nnnnn>."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} {self.last}"


class Reply(models.Model):
    """One message of a ticket's thread: external (the customer sees it) or internal."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(User, verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(_("from"), max_length=120, blank=True)
    body = models.TextField(_("text"))
    internal = models.BooleanField(_("internal note"), default=False)
    via = models.CharField(_("via"), max_length=10, choices=ReplyVia.choices, default=ReplyVia.CONSOLE)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket.number} #{self.pk}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"tickets/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE,
                               related_name="attachments")
    reply = models.ForeignKey(Reply, verbose_name=_("reply"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ComplaintStep(models.Model):
    """One of the five complaint steps, ticked with when, by whom and what was done."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="complaint_steps")
    step = models.CharField(_("step"), max_length=12, choices=ComplaintStepCode.choices)
    done_at = models.DateTimeField(_("done"), default=timezone.now)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        constraints = [models.UniqueConstraint(fields=["ticket", "step"], name="complaint_step_once")]

    def __str__(self) -> str:
        return self.get_step_display()


class WorkOrder(models.Model):
    """A ticket dispatched to a responsible unit (派单), answered by that unit's people."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE,
                               related_name="work_orders")
    unit = models.ForeignKey(Department, verbose_name=_("responsible unit"), on_delete=models.PROTECT,
                             related_name="work_orders")
    instructions = models.TextField(_("instructions"), blank=True)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=WorkOrderStatus.choices,
                              default=WorkOrderStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["unit", "status", "due_at"], name="workorder_queue"),
            models.Index(fields=["due_at"], name="workorder_overdue_pending",
                         condition=Q(status="open", escalated_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} → {self.unit}"

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.status == WorkOrderStatus.OPEN and (now or timezone.now()) > self.due_at


class Escalation(models.Model):
    """A breach raised to someone. One per ticket (or work order), target and level."""

    # No database constraints on these keys: a catch-up sweep writes a million escalations in
    # one go, and checking their keys at COMMIT took a fifth of it on PostgreSQL. Deletes
    # still cascade (and users' escalations are kept, unassigned) through Django; the rows
    # are only ever written by the sweep from ids it has just read. The unique constraints and
    # the inbox index lead with ticket, work_order and to_user, so those need no index of their own.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations", db_constraint=False,
                               db_index=False)
    work_order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                   db_constraint=False, db_index=False)
    target = models.CharField(_("target"), max_length=16, choices=SlaTarget.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    to_user = models.ForeignKey(User, verbose_name=_("escalated to"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="escalations_received",
                                db_constraint=False, db_index=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at"]
        constraints = [
            # Once per ticket, target and level, and per work order: its leading ticket column
            # also serves "the escalations of this ticket", so the ticket key has no index of
            # its own (one index less for each of the million rows a catch-up sweep writes).
            models.UniqueConstraint("ticket", "target", "level", Coalesce("work_order", 0), name="escalation_once"),
            models.UniqueConstraint(fields=["work_order", "level"], condition=Q(work_order__isnull=False),
                                    name="escalation_work_order_once"),
        ]
        # A manager may receive thousands; the inbox reads the newest 50 straight off the index.
        indexes = [models.Index(fields=["to_user", "acknowledged_at", "-created_at"], name="escalation_inbox")]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.get_target_display()} L{self.level}"


class ReturnVisit(models.Model):
    """The call back after closing (回访): was it solved, how satisfied, 1–5."""

    ticket = models.OneToOneField(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE,
                                  related_name="return_visit")
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices,
                              default=VisitStatus.PENDING)
    assignee = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reached = models.BooleanField(_("customer reached"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("calls made"), default=0)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        indexes = [models.Index(fields=["status", "due_at"], name="visit_due")]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.get_status_display()}"


class IdempotencyKey(models.Model):
    """A client's retry key for POST /api/tickets: the same key answers the same ticket."""

    # No index of its own: the unique (user, key) index leads with the user. A second one cost
    # an index write per ticket, and a prepared probe (kehu.core.prepared) planned once on
    # an empty table could pick it and filter a busy client's million keys one by one.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=100)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_once")]

    def __str__(self) -> str:
        return self.key


class ReplyTemplate(models.Model):
    """A canned reply. Placeholders are replaced by name only ({customer.name},
    {ticket.number}, {ticket.title}, {agent.name}); nothing else in the text is evaluated."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def render(self, *, ticket: Ticket, agent: User) -> str:
        values = {
            "{customer.name}": ticket.customer.name if ticket.customer else (ticket.caller_name or ""),
            "{ticket.number}": ticket.number,
            "{ticket.title}": ticket.title,
            "{agent.name}": str(agent),
        }
        text = self.body
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        return text
