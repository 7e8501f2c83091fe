"""What agents teach the assist engine, and which trained model is in use."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehu.accounts.models import User
from kehu.customers.models import Customer
from kehu.service.models import Ticket


class LabelField(models.TextChoices):
    """The engine's labelled outputs an agent can confirm or correct."""

    EMOTION = "emotion", _("Emotion")
    TYPE = "type", _("Behavioural type")
    KIND = "kind", _("Request kind")
    URGENCY = "urgency", _("Urgency")


class AssistCorrection(models.Model):
    """An agent's verdict on one label: `correct == predicted` is a confirmation."""

    text = models.TextField(_("text"))
    field = models.CharField(_("label"), max_length=10, choices=LabelField.choices)
    predicted = models.CharField(_("predicted"), max_length=20, blank=True)
    correct = models.CharField(_("correct value"), max_length=20)
    model_version = models.CharField(_("model version"), max_length=80, blank=True)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(User, verbose_name=_("by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("assist correction")
        verbose_name_plural = _("assist corrections")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.predicted or '—'} → {self.correct}"

    @property
    def confirms(self) -> bool:
        return self.predicted == self.correct


class AssistModelVersion(models.Model):
    """A model trained by `kehu assist train`; the one marked active is what agents get."""

    version = models.CharField(_("version"), max_length=80, unique=True)
    path = models.CharField(_("file"), max_length=500)
    accuracy = models.JSONField(_("held-out accuracy"), default=dict)
    corrections = models.PositiveIntegerField(_("corrections used"), default=0)
    active = models.BooleanField(_("active"), default=False)
    created_by = models.ForeignKey(User, verbose_name=_("trained by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("assist model version")
        verbose_name_plural = _("assist model versions")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.version
