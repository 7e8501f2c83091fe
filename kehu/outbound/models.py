"""Outbound campaigns (呼出): call lists, attempts, retries, do-not-call list."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehu.outbound.querysets import CampaignQuerySet

# Entries an agent can still be given: waiting (pending) or handed out (in progress, whose
# lease may have run out: next_attempt_at then holds the lease's end, see entry_next).
OPEN_STATUSES = ("pending", "in_progress")
# Weekdays as ISO numbers, Monday = 1.
ALL_WEEKDAYS = "1234567"


class CampaignType(models.TextChoices):
    TELEMARKETING = "telemarketing", _("Telemarketing")
    SURVEY = "survey", _("Phone survey")
    CARE = "care", _("Care / return visit")
    APPOINTMENT = "appointment", _("Appointment")
    PAYMENT = "payment", _("Payment reminder")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")


class AssignmentMode(models.TextChoices):
    EVEN = "even", _("Even split among the agents")
    OWNER = "owner", _("By customer owner")
    QUEUE = "queue", _("Shared queue (agents pull)")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DNC = "dnc", _("Do not call")
    FAILED = "failed", _("Failed")


class Outcome(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    REFUSED = "refused", _("Refused")
    CALLBACK = "callback", _("Call back at…")
    APPOINTMENT = "appointment", _("Appointment made")
    SALE = "sale", _("Sale")
    SURVEY_COMPLETED = "survey_completed", _("Survey completed")
    PROMISED_TO_PAY = "promised_to_pay", _("Promised to pay on…")


# Outcomes in which somebody answered, and those that count as the campaign's success.
RETRY_OUTCOMES = {Outcome.NO_ANSWER, Outcome.BUSY}
CONNECTED_OUTCOMES = {Outcome.CONNECTED, Outcome.REFUSED, Outcome.CALLBACK, Outcome.APPOINTMENT,
                      Outcome.SALE, Outcome.SURVEY_COMPLETED, Outcome.PROMISED_TO_PAY}
SUCCESS_OUTCOMES = {Outcome.APPOINTMENT, Outcome.SALE, Outcome.SURVEY_COMPLETED, Outcome.PROMISED_TO_PAY}


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=CampaignType.choices,
                            default=CampaignType.TELEMARKETING)
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT)
    description = models.TextField(_("description"), blank=True)
    script = models.ForeignKey("knowledge.Article", verbose_name=_("script"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    survey = models.ForeignKey("surveys.Survey", verbose_name=_("survey"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # Retry rules
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)])
    retry_minutes = models.PositiveIntegerField(
        _("minutes between attempts"), default=120, validators=[MaxValueValidator(60 * 24 * 30)])
    call_from = models.TimeField(_("calling hours from"), default=dt.time(9, 0))
    call_until = models.TimeField(_("calling hours until"), default=dt.time(20, 0))
    weekdays = models.CharField(_("calling days"), max_length=7, default="12345",
                                help_text=_("ISO weekday numbers, Monday = 1, e.g. 12345."))
    assignment = models.CharField(_("assignment"), max_length=8, choices=AssignmentMode.choices,
                                  default=AssignmentMode.EVEN)
    agents = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("agents"), blank=True,
                                    related_name="outbound_campaigns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbound campaign")
        verbose_name_plural = _("outbound campaigns")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_attempts__gte=1), name="campaign_attempts_min"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outbound:campaign", args=[self.pk])

    def weekday_set(self) -> set[int]:
        return {int(c) for c in self.weekdays if c.isdigit() and c in ALL_WEEKDAYS}

    def in_calling_hours(self, at: dt.datetime) -> bool:
        """Whether `at` (any time zone) falls on an allowed day within the calling hours, local time."""
        local = timezone.localtime(at)
        if local.isoweekday() not in self.weekday_set():
            return False
        return self.call_from <= local.time().replace(tzinfo=None) < self.call_until

    def next_calling_time(self, at: dt.datetime) -> dt.datetime:
        """`at` itself when it is within the calling hours, else the start of the next window."""
        local = timezone.localtime(at)
        days = self.weekday_set()
        for offset in range(0, 8):
            day = local.date() + dt.timedelta(days=offset)
            if day.isoweekday() not in days:
                continue
            start = timezone.make_aware(dt.datetime.combine(day, self.call_from), local.tzinfo)
            end = timezone.make_aware(dt.datetime.combine(day, self.call_until), local.tzinfo)
            if at < start:
                return start
            if at < end:
                return at
        return at  # no allowed day at all: the campaign cannot call, entry_next says so

    def after_attempt(self, *, outcome: str, attempts: int, now: dt.datetime,
                      callback_at: dt.datetime | None = None) -> tuple[str, dt.datetime]:
        """The retry rules: an entry's status and next due time after its `attempts`-th call ended in `outcome`.

        No answer or busy: again after the spacing, within the calling hours, until the
        maximum number of attempts; a callback: at the time agreed (it does not use up an
        attempt's right to be retried); wrong number and refusal: failed; anything else
        reached the person: done.
        """
        if outcome in RETRY_OUTCOMES:
            if attempts >= self.max_attempts:
                return EntryStatus.FAILED, now
            return EntryStatus.PENDING, self.next_calling_time(now + dt.timedelta(minutes=self.retry_minutes))
        if outcome == Outcome.CALLBACK:
            return EntryStatus.PENDING, callback_at or now
        if outcome in (Outcome.WRONG_NUMBER, Outcome.REFUSED):
            return EntryStatus.FAILED, now
        return EntryStatus.DONE, now

    def is_managed_by(self, user: object) -> bool:
        """Who may change the campaign, load its list and see every agent's figures."""
        if not getattr(user, "is_authenticated", False):
            return False
        return (user.is_superuser or getattr(user, "role", "") in ("manager", "admin")
                or self.created_by_id == user.pk)


class CampaignEntry(models.Model):
    """One target of a campaign's call list."""

    # Indexed by the unique (campaign, phone) constraint and the entry_due indexes.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries",
                                 verbose_name=_("campaign"), db_index=False)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+", db_index=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone_norm = models.CharField(_("phone"), max_length=20)
    note = models.CharField(_("note"), max_length=255, blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned agent"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_index=False)
    status = models.CharField(_("status"), max_length=12, choices=EntryStatus.choices,
                              default=EntryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the entry is next due; for an entry in progress, when its lease runs out.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_outcome = models.CharField(_("last outcome"), max_length=20, choices=Outcome.choices, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("being called by"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    locked_at = models.DateTimeField(_("taken at"), null=True, blank=True)

    class Meta:
        verbose_name = _("call list entry")
        verbose_name_plural = _("call list entries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "phone_norm"], name="entry_phone_once"),
        ]
        indexes = [
            # entry_next: the first due open entry of one agent, or of nobody, in a campaign: a
            # single range scan over open entries only, however long the finished part grows.
            # Two indexes, because PostgreSQL cannot read the order of (…, agent, due) after an
            # "agent IS NULL" condition (only after "="), and would sort the whole queue.
            models.Index(fields=["campaign", "agent", "next_attempt_at", "id"], name="entry_due_agent",
                         condition=models.Q(status__in=OPEN_STATUSES, agent__isnull=False)),
            models.Index(fields=["campaign", "next_attempt_at", "id"], name="entry_due_queue",
                         condition=models.Q(status__in=OPEN_STATUSES, agent__isnull=True)),
            # The agent's held entry (work screen) and adding a number to the do-not-call list.
            models.Index(fields=["locked_by"], name="entry_locked_by",
                         condition=models.Q(locked_by__isnull=False)),
            models.Index(fields=["phone_norm"], name="entry_phone"),
            models.Index(fields=["campaign", "status"], name="entry_campaign_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.phone_norm}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Attempt(models.Model):
    """One call made to an entry, with its outcome."""

    entry = models.ForeignKey(CampaignEntry, on_delete=models.CASCADE, related_name="attempt_set",
                              verbose_name=_("entry"))
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attempts",
                                 verbose_name=_("campaign"), db_index=False)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), null=True,
                              on_delete=models.SET_NULL, related_name="+", db_index=False)
    at = models.DateTimeField(_("called at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    promised_pay_on = models.DateField(_("promised to pay on"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    interaction = models.ForeignKey("contact.Interaction", verbose_name=_("call record"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["campaign", "agent"], name="attempt_campaign_agent")]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.outcome}"


class DoNotCall(models.Model):
    """A number that asked not to be called (勿扰): never put on or handed out from a call list."""

    phone_norm = models.CharField(_("phone"), max_length=20, unique=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("do-not-call number")
        verbose_name_plural = _("do-not-call list")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.phone_norm
