"""Questionnaires, their versions, invitations and responses (满意度测评).

A survey's questions live in a version's JSON definition (see `logic.py`). A version is
frozen once published; changing a published survey makes the next version, and every
response keeps the version it answered, so old answers never change meaning.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.surveys.querysets import ResponseQuerySet, SurveyQuerySet


def new_token() -> str:
    return secrets.token_urlsafe(12)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("survey status", "Open")
    CLOSED = "closed", _("Closed")


class Survey(models.Model):
    name = models.CharField(_("name"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    public_token = models.CharField(_("public link"), max_length=24, unique=True, default=new_token, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True,
                              on_delete=models.SET_NULL, related_name="surveys")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.pk])

    def public_url(self) -> str:
        return reverse("surveys:answer", args=[self.public_token])

    def published(self) -> SurveyVersion | None:
        if hasattr(self, "published_versions"):  # SurveyQuerySet.with_published()
            return self.published_versions[0] if self.published_versions else None
        return self.versions.exclude(published_at=None).order_by("-number").first()

    def draft(self) -> SurveyVersion | None:
        return self.versions.filter(published_at=None).order_by("-number").first()


class SurveyVersion(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("questions"), default=dict)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="surveys_one_number_per_survey")]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"

    @property
    def frozen(self) -> bool:
        return self.published_at is not None


class InvitationChannel(models.TextChoices):
    LINK = "link", _("Link")
    EMAIL = "email", _("E-mail")
    TICKET = "ticket", _("After a ticket")
    CATI = "cati", _("Phone (CATI)")


class Invitation(models.Model):
    """One invitee's own link (one response per token)."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(_("token"), max_length=24, unique=True, default=new_token, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=InvitationChannel.choices,
                               default=InvitationChannel.LINK)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="survey_invitations")
    ticket = models.ForeignKey("service.Ticket", verbose_name=_("ticket"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="survey_invitations")
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["survey", "ticket"], condition=models.Q(ticket__isnull=False),
                                               name="surveys_one_invitation_per_ticket")]
        indexes = [models.Index(fields=["survey", "customer", "created_at"], name="surveys_invite_customer")]

    def __str__(self) -> str:
        return self.token

    def public_url(self) -> str:
        return reverse("surveys:answer", args=[self.token])


class TicketSurveyRule(models.Model):
    """Invite the customer some hours after a ticket of these kinds closes, at most so often."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE,
                               related_name="ticket_rules")
    kinds = models.JSONField(_("ticket kinds"), default=list, blank=True, help_text=_("Empty: every kind."))
    delay_hours = models.PositiveIntegerField(_("hours after closing"), default=24)
    cap_per_customer = models.PositiveIntegerField(_("invitations per customer"), default=1)
    cap_days = models.PositiveIntegerField(_("within days"), default=30)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("invitation after tickets")
        verbose_name_plural = _("invitations after tickets")

    def __str__(self) -> str:
        return f"{self.survey}: {', '.join(self.kinds) or '*'} +{self.delay_hours} h"


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SCREENED_OUT = "screened_out", _("Screened out")
    REFUSED = "refused", _("Refused")
    CALLBACK = "callback", _("Call back")


class ResponseChannel(models.TextChoices):
    WEB = "web", _("Web")
    CATI = "cati", _("Phone (CATI)")
    API = "api", pgettext_lazy("channel", "API")


class Response(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(SurveyVersion, verbose_name=_("version"), on_delete=models.PROTECT,
                                related_name="responses")
    invitation = models.OneToOneField(Invitation, verbose_name=_("invitation"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="response")
    channel = models.CharField(_("channel"), max_length=6, choices=ResponseChannel.choices,
                               default=ResponseChannel.WEB)
    status = models.CharField(_("status"), max_length=12, choices=ResponseStatus.choices,
                              default=ResponseStatus.IN_PROGRESS)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="survey_responses")
    ticket = models.ForeignKey("service.Ticket", verbose_name=_("ticket"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="survey_responses")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("interviewer"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="survey_interviews")
    language = models.CharField(_("language"), max_length=8, default="zh")
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.PositiveIntegerField(_("seconds taken"), null=True, blank=True)
    # A browser's own key for its response, so a page reloaded mid-way continues it.
    session_key = models.CharField(max_length=40, blank=True, db_index=True, editable=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["survey", "status", "finished_at"], name="surveys_resp_finished")]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"

    def answer_dict(self) -> dict:
        out: dict = {}
        for a in self.answers.all():
            out[a.question] = a.value
        return out


class Answer(models.Model):
    """One question's answer (a matrix keeps its items in `value`)."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE,
                                 related_name="answers")
    question = models.CharField(_("question"), max_length=40)
    value = models.JSONField(_("answer"))
    number = models.FloatField(_("number"), null=True, blank=True)  # ratings and NPS, for quick sums
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="surveys_one_answer_per_question")]
        indexes = [models.Index(fields=["question", "response"], name="surveys_answer_question")]

    def __str__(self) -> str:
        return f"{self.question}={self.value}"


class SchemeChoice(models.TextChoices):
    PATH = "path", _("Path weighting")
    CENTROID = "centroid", _("Centroid")
    FACTORIAL = "factorial", _("Factorial")


class SurveyModel(models.Model):
    """A CSI path model over a survey's items: which items measure which construct, the paths,
    the target and how to estimate. Simply updated in place (`updated_at`): a run reads the
    model as it is then and shows it beside the results."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE,
                               related_name="csi_models")
    name = models.CharField(_("name"), max_length=200)
    constructs = models.JSONField(_("constructs"), default=dict)  # {construct: [item column, …]}
    paths = models.JSONField(_("paths"), default=list)  # [[from, to], …]
    target = models.CharField(_("target"), max_length=60)
    scheme = models.CharField(_("weighting scheme"), max_length=10, choices=SchemeChoice.choices,
                              default=SchemeChoice.PATH)
    scaled = models.BooleanField(_("standardise items"), default=True)
    bootstrap = models.PositiveIntegerField(_("bootstrap resamples"), default=0)
    seed = models.PositiveIntegerField(_("random seed"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("CSI model")
        verbose_name_plural = _("CSI models")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:model", args=[self.survey_id])
