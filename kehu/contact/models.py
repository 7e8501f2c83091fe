"""Contact center records: queues, interactions (calls and chats), agent states, CTI events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AbandonRule(models.TextChoices):
    """Which abandoned calls count against the service level (docs/wallboard.md)."""

    ALL = "all", _("Every abandoned call counts")
    SHORT = "short", _("Short abandons are left out")
    NONE = "none", _("Abandoned calls are left out")


class Queue(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    service_level_s = models.PositiveIntegerField(_("service level (seconds)"), default=20)
    # The wallboard's conventions and the thresholds that colour its tiles.
    sl_target_pct = models.PositiveSmallIntegerField(_("service-level target (%)"), default=80)
    sl_alarm_pct = models.PositiveSmallIntegerField(_("service-level alarm below (%)"), default=70)
    abandon_rule = models.CharField(_("abandoned calls in the service level"), max_length=5,
                                    choices=AbandonRule.choices, default=AbandonRule.ALL)
    short_abandon_s = models.PositiveIntegerField(_("short abandon (seconds)"), default=5)
    abandon_warn_pct = models.PositiveSmallIntegerField(_("abandon rate warning at (%)"), default=5)
    abandon_alarm_pct = models.PositiveSmallIntegerField(_("abandon rate alarm at (%)"), default=10)
    wait_warn_s = models.PositiveIntegerField(_("longest wait warning at (seconds)"), default=30)
    wait_alarm_s = models.PositiveIntegerField(_("longest wait alarm at (seconds)"), default=60)
    waiting_warn = models.PositiveIntegerField(_("calls waiting warning at"), default=5)
    waiting_alarm = models.PositiveIntegerField(_("calls waiting alarm at"), default=10)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name or self.code


class AgentExtension(models.Model):
    """The telephone extension (分机) an agent answers on, so PBX events find the person."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="extension", verbose_name=_("agent"))
    number = models.CharField(_("extension"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("agent extension")
        verbose_name_plural = _("agent extensions")

    def __str__(self) -> str:
        return self.number


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    CHAT = "chat", _("Chat")


class Direction(models.TextChoices):
    IN = "in", _("Inbound")
    OUT = "out", _("Outbound")


class Source(models.TextChoices):
    CTI = "cti", _("Telephone events")
    CDR = "cdr", _("CDR import")


class Interaction(models.Model):
    """One call or chat. Live calls are rebuilt from their CTI events; CDR rows are copied."""

    kind = models.CharField(_("kind"), max_length=10, choices=InteractionKind.choices,
                            default=InteractionKind.CALL)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices,
                                 default=Direction.IN)
    queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="interactions", verbose_name=_("queue"))
    caller = models.CharField(_("caller number"), max_length=40, blank=True)
    caller_norm = models.CharField(max_length=40, blank=True, db_index=True)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("customer"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="interactions",
                              verbose_name=_("agent"))
    offered_at = models.DateTimeField(_("offered"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    wait_s = models.FloatField(_("wait (s)"), default=0)
    talk_s = models.FloatField(_("talk (s)"), default=0)
    hold_s = models.FloatField(_("hold (s)"), default=0)
    wrap_s = models.FloatField(_("wrap-up (s)"), default=0)
    abandoned = models.BooleanField(_("abandoned"), default=False)
    abandoned_after_s = models.FloatField(_("abandoned after (s)"), null=True, blank=True)
    transferred_to = models.CharField(_("transferred to"), max_length=60, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    ticket = models.ForeignKey("service.Ticket", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("ticket"))
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=3, choices=Source.choices,
                              default=Source.CTI)
    external_id = models.CharField(_("external call id"), max_length=100)
    problem = models.CharField(_("problem"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="interaction_external_once"),
        ]
        indexes = [
            # The wallboard: today's interactions per queue; the screen pop: an agent's open call.
            # Covering: the wallboard's grouped sums per queue read this index alone, never the
            # table (200,000 calls a day in well under 200 ms; docs/wallboard.md).
            models.Index(fields=["queue", "direction", "offered_at", "answered_at", "ended_at", "abandoned",
                                 "abandoned_after_s", "wait_s", "talk_s", "hold_s", "wrap_s", "agent"],
                         name="interaction_wallboard"),
            models.Index(fields=["offered_at"], name="interaction_day"),
            models.Index(fields=["agent", "ended_at"], name="interaction_agent_open"),
            # The wallboard's calls waiting now: a small index of the unanswered open calls.
            models.Index(fields=["offered_at"], name="interaction_waiting",
                         condition=models.Q(answered_at__isnull=True, ended_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id}"


class AgentStateKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    READY = "ready", _("Ready")
    NOT_READY = "not_ready", _("Not ready")
    WRAP_UP = "wrap_up", _("Wrap-up")
    ON_CALL = "on_call", _("On call")
    LOGOUT = "logout", _("Logged out")


class AgentState(models.Model):
    """The agent state log: one row per change; an agent's state is its latest row."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="agent_states", verbose_name=_("agent"))
    state = models.CharField(_("state"), max_length=10, choices=AgentStateKind.choices)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    at = models.DateTimeField(_("at"))
    event = models.ForeignKey("CtiEvent", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    class Meta:
        verbose_name = _("agent state")
        verbose_name_plural = _("agent states")
        indexes = [
            models.Index(fields=["agent", "at"], name="agent_state_latest"),
            # Logins and logouts of a period, for the logged-in time behind occupancy.
            models.Index(fields=["state", "at"], name="agent_state_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.state}"


class CtiEvent(models.Model):
    """Every telephone event as received: the idempotency key and the audit trail."""

    event_id = models.CharField(_("event id"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=20)
    call_id = models.CharField(_("call id"), max_length=100, blank=True, db_index=True)
    agent_key = models.CharField(_("agent"), max_length=150, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    occurred_at = models.DateTimeField(_("occurred"))
    processed = models.BooleanField(_("processed"), default=False)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("telephone event")
        verbose_name_plural = _("telephone events")

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
