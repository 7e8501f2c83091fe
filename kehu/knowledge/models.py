"""The knowledge base: scripts (话术), FAQ entries, reply templates and strategy cards.

An article's own row always holds its live text. Editing a published article does not
touch that row: the edit becomes a pending `ArticleVersion` (draft, then review) and is
copied onto the article only when an approver publishes it, so agents keep reading the
approved words while a change waits. See docs/knowledge.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehu.engines.assist import labels
from kehu.knowledge.querysets import ArticleQuerySet


class Kind(models.TextChoices):
    SCRIPT = "script", _("script")
    FAQ = "faq", _("FAQ entry")
    TEMPLATE = "template", _("template")
    STRATEGY = "strategy", _("strategy card")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class Stage(models.TextChoices):
    OPENING = "opening", _("opening")
    PURPOSE = "purpose", _("stating the purpose")
    NEEDS = "needs", _("finding needs")
    OBJECTION = "objection", _("handling objections")
    CLOSING = "closing", _("closing")


class Channel(models.TextChoices):
    ANY = "any", _("any channel")
    PHONE = "phone", _("phone")
    ONLINE = "online", _("online")
    VISIT = "visit", _("visit")


class TemplateKind(models.TextChoices):
    REPLY = "reply", _("reply")
    EMAIL = "email", _("e-mail")


CUSTOMER_TYPES: list[tuple[str, str]] = [
    (code, label) for code, label in {**labels.TYPES, **labels.MORE_TYPES}.items() if code != "unknown"
]
REQUEST_KINDS: list[tuple[str, str]] = list(labels.KINDS.items())

# Fields copied into a version snapshot and back onto the article when it is published.
CONTENT_FIELDS = (
    "title", "title_en", "body", "category_id", "stage", "scenario", "customer_type", "channel",
    "request_kind", "question", "variants", "template_kind", "subject", "review_date", "owner_id",
)


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80)
    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="knowledge_category_unique_name")]

    def __str__(self) -> str:
        return f"{self.parent} / {self.name}" if self.parent_id else self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    body = models.TextField(_("text"), help_text=_("For an FAQ entry: the one agreed answer."))
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="articles")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("published version"), default=0)
    # Scripts
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, blank=True)
    scenario = models.SlugField(_("difficult scenario"), max_length=50, blank=True,
                                help_text=_("A short code, e.g. demands_superior."))
    customer_type = models.CharField(_("customer type"), max_length=20, choices=CUSTOMER_TYPES, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ANY)
    request_kind = models.CharField(_("request kind"), max_length=20, choices=REQUEST_KINDS, blank=True,
                                    help_text=_("Empty: any kind of request."))
    # FAQ entries
    question = models.CharField(_("question"), max_length=300, blank=True)
    variants = models.TextField(_("other ways to ask"), blank=True, help_text=_("One question per line."))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    review_date = models.DateField(_("review by"), null=True, blank=True)
    # Templates
    template_kind = models.CharField(_("template kind"), max_length=10, choices=TemplateKind.choices, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    # Use and feedback
    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    helped_count = models.PositiveIntegerField(_("helped"), default=0)
    not_helped_count = models.PositiveIntegerField(_("did not help"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["kind", "title"]
        indexes = [models.Index(fields=["kind", "status"], name="knowledge_kind_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article", args=[self.pk])

    def variant_list(self) -> list[str]:
        return [line.strip() for line in self.variants.splitlines() if line.strip()]

    def content(self) -> dict[str, Any]:
        """The fields a version snapshot keeps (JSON-safe), tags by name."""
        data = {f: getattr(self, f) for f in CONTENT_FIELDS}
        data["review_date"] = self.review_date.isoformat() if self.review_date else None
        data["tags"] = sorted(self.tags.values_list("name", flat=True)) if self.pk else []
        return data

    def pending_version(self) -> ArticleVersion | None:
        """An edit of the published text waiting for approval (at most one)."""
        return self.versions.filter(state__in=[Status.DRAFT, Status.REVIEW]).order_by("-number").first()


class ArticleVersion(models.Model):
    """One version of an article: published ones are its history, a draft or review one
    is a proposed edit of the published text."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE,
                                related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("status"), max_length=10, choices=Status.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    fields = models.JSONField(_("other fields"), default=dict)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:version", args=[self.article_id, self.number])


class ArticleRating(models.Model):
    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE,
                                related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    helped = models.BooleanField(_("helped"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("article rating")
        verbose_name_plural = _("article ratings")
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="knowledge_rating_one_per_user")]

    def __str__(self) -> str:
        return f"{self.article} · {self.user} · {'+' if self.helped else '-'}"
