"""What the e-mail channel remembers: each mail taken in, and each one it could not take."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehu.service.models import Reply, Ticket


class MailSource(models.TextChoices):
    SMTP = "smtp", _("SMTP receiver")
    IMAP = "imap", _("IMAP mailbox")
    FILE = "file", _("File or pipe")
    RETRY = "retry", _("Retry from quarantine")


class InboundOutcome(models.TextChoices):
    CREATED = "created", _("New ticket")
    REPLIED = "replied", _("Reply on a ticket")
    NOTED = "noted", _("Automatic mail noted on a ticket")


class InboundMessage(models.Model):
    """One mail that became a ticket or a reply.

    `dedup_key` (the Message-ID, or a hash of the mail when it has none) is unique, so a
    mail delivered twice — a retrying server, SMTP and IMAP both — makes one ticket.
    `message_id` threads later answers that quote it in In-Reply-To/References.
    """

    dedup_key = models.CharField(max_length=255, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    reply = models.ForeignKey(Reply, verbose_name=_("reply"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_index=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=InboundOutcome.choices)
    source = models.CharField(_("source"), max_length=10, choices=MailSource.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    auto_replied_at = models.DateTimeField(_("auto-reply sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("incoming mail")
        verbose_name_plural = _("incoming mail")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The auto-reply limit counts recent replies to one sender.
            models.Index(fields=["sender", "auto_replied_at"], name="inbound_auto_replies"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} {self.subject}"


class QuarantinedMail(models.Model):
    """A mail that could not become a ticket, kept byte for byte until an admin retries it."""

    raw = models.BinaryField(_("raw message"))
    digest = models.CharField(max_length=64, db_index=True, editable=False)
    error = models.TextField(_("error"))
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=MailSource.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    retried_at = models.DateTimeField(_("last retried"), null=True, blank=True)
    retry_count = models.PositiveIntegerField(_("retries"), default=0)
    resolved_at = models.DateTimeField(_("taken in"), null=True, blank=True)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("quarantined mail")
        verbose_name_plural = _("quarantined mail")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["resolved_at", "-received_at"], name="quarantine_pending")]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.sender or '?'} {self.subject}"

    @property
    def is_pending(self) -> bool:
        """Still waiting for a successful retry."""
        return self.resolved_at is None

    @property
    def size(self) -> int:
        return len(self.raw or b"")
