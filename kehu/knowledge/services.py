"""Workflows of the knowledge base: write, review, publish, use and rate articles.

Template rendering and recommendations live in their own modules (rendering.py,
recommend.py) and are re-exported here, so callers import every service from one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.audit import diff, log_action
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.knowledge.models import (
    CONTENT_FIELDS,
    Article,
    ArticleRating,
    ArticleVersion,
    Category,
    Status,
    Tag,
)
from kehu.knowledge.querysets import is_approver
from kehu.knowledge.recommend import Recommendation, recommend
from kehu.knowledge.rendering import Rendered, template_render, template_render_full

__all__ = [
    "Recommendation", "Rendered", "article_approve", "article_archive", "article_create", "article_rate", "article_reject",
    "article_submit", "article_update", "article_use", "can_edit", "recommend", "template_render",
    "template_render_full",
]

EDITABLE = (*[f for f in CONTENT_FIELDS if not f.endswith("_id")], "category", "owner", "kind")


def can_edit(article: Article, user: Any) -> bool:
    return is_approver(user) or (article.created_by_id is not None and article.created_by_id == user.pk)


def _validated(article: Article) -> None:
    try:
        article.full_clean(exclude=["created_by", "owner", "category"])
    except ValidationError as exc:
        errors = {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        raise InvalidInput(_("Please correct the marked fields."), errors=errors) from exc


def _tags(names: Any) -> list[Tag]:
    cleaned = list(dict.fromkeys(n.strip()[:40] for n in names or [] if n and n.strip()))
    return [Tag.objects.get_or_create(name=n)[0] for n in cleaned[:20]]


def _apply(article: Article, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("Unknown fields."), errors={k: _("not a field of an article") for k in unknown})
    for name, value in fields.items():
        setattr(article, name, value)


@transaction.atomic
def article_create(*, by: Any, tags: list[str] | None = None, **fields: Any) -> Article:
    """A new article, as a draft of its author."""
    article = Article(created_by=by if getattr(by, "pk", None) else None, status=Status.DRAFT)
    _apply(article, fields)
    _validated(article)
    article.save()
    article.tags.set(_tags(tags))
    log_action("knowledge.article.created", actor=by, obj=article, changes={"title": article.title})
    return article


def _next_number(article: Article) -> int:
    top = article.versions.aggregate(n=Max("number"))["n"] or 0
    return max(top, article.version) + 1


def _snapshot(fields: dict[str, Any]) -> dict[str, Any]:
    data = dict(fields)
    if "category" in data:
        category = data.pop("category")
        data["category_id"] = category.pk if isinstance(category, Category) else category
    if data.get("review_date") is not None and not isinstance(data["review_date"], str):
        data["review_date"] = data["review_date"].isoformat()
    if "owner" in data:
        owner = data.pop("owner")
        data["owner_id"] = getattr(owner, "pk", owner)
    data.pop("kind", None)
    return data


def _propose(article: Article, *, by: Any, fields: dict[str, Any], tags: list[str] | None,
             note: str) -> ArticleVersion:
    """An edit of published text becomes (or updates) the pending version."""
    trial = Article.objects.get(pk=article.pk)
    _apply(trial, fields)
    _validated(trial)
    pending = article.pending_version()
    # A second edit builds on the pending one, not on the live text.
    base = article.content() if pending is None else {**pending.fields, "title": pending.title,
                                                      "body": pending.body}
    content = {**base, **_snapshot(fields)}
    if tags is not None:
        content["tags"] = sorted(t.name for t in _tags(tags))
    title, body = content.pop("title"), content.pop("body")
    if pending is None:
        pending = ArticleVersion(article=article, number=_next_number(article))
    pending.state, pending.title, pending.body, pending.fields = Status.DRAFT, title, body, content
    pending.note, pending.created_by, pending.created_at = note[:255], by, timezone.now()
    pending.save()
    return pending


@transaction.atomic
def article_update(*, article: Article, by: Any, tags: list[str] | None = None, note: str = "",
                   **fields: Any) -> Article:
    """Edit an article. A draft changes in place (an article in review goes back to draft);
    a published one keeps its live text and gets a pending version instead."""
    if not can_edit(article, by):
        raise NotAllowed(_("Only the author or an approver may edit this article."))
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status in (Status.PUBLISHED, Status.ARCHIVED):
        if fields.get("kind", article.kind) != article.kind:
            raise InvalidInput(_("The kind of a published article cannot change."),
                               errors={"kind": _("Create a new article instead.")})
        pending = _propose(article, by=by, fields=fields, tags=tags, note=note)
        log_action("knowledge.article.edit_proposed", actor=by, obj=article,
                   changes={"version": pending.number}, note=note)
        return article
    before = article.content()
    _apply(article, fields)
    article.status, article.updated_at = Status.DRAFT, timezone.now()
    _validated(article)
    article.save()
    if tags is not None:
        article.tags.set(_tags(tags))
    log_action("knowledge.article.edited", actor=by, obj=article, changes=diff(before, article.content()),
               note=note)
    return article


def _locked(article: Article) -> tuple[Article, ArticleVersion | None]:
    article = Article.objects.select_for_update().get(pk=article.pk)
    return article, article.pending_version()


@transaction.atomic
def article_submit(*, article: Article, by: Any) -> Article:
    """Draft → review: ask an approver to publish."""
    if not can_edit(article, by):
        raise NotAllowed(_("Only the author or an approver may submit this article."))
    article, pending = _locked(article)
    if pending is not None and pending.state == Status.DRAFT:
        pending.state = Status.REVIEW
        pending.save(update_fields=["state"])
    elif pending is None and article.status == Status.DRAFT:
        article.status = Status.REVIEW
        article.save(update_fields=["status"])
    else:
        raise Conflict(_("There is no draft to submit."), field="status")
    log_action("knowledge.article.submitted", actor=by, obj=article)
    return article


def _publish_pending(article: Article, pending: ArticleVersion) -> None:
    fields = dict(pending.fields)
    tags = fields.pop("tags", None)
    for name in CONTENT_FIELDS:
        if name in fields:
            setattr(article, name, fields[name])
    if isinstance(article.review_date, str):
        article.review_date = dt.date.fromisoformat(article.review_date)
    article.title, article.body = pending.title, pending.body
    if tags is not None:
        article.tags.set(_tags(tags))
    article.version = pending.number
    pending.state = Status.PUBLISHED
    pending.save(update_fields=["state"])


def _publish_row(article: Article, *, by: Any, note: str) -> None:
    number = _next_number(article)
    content = article.content()
    title, body = content.pop("title"), content.pop("body")
    ArticleVersion.objects.create(article=article, number=number, state=Status.PUBLISHED, title=title,
                                  body=body, fields=content, note=note[:255], created_by=by)
    article.version = number


@transaction.atomic
def article_approve(*, article: Article, by: Any, note: str = "") -> Article:
    """Review → published. Only supervisors, managers and administrators approve."""
    if not is_approver(by):
        raise NotAllowed(_("Only supervisors, managers and administrators may approve articles."))
    article, pending = _locked(article)
    if pending is not None and pending.state == Status.REVIEW:
        _publish_pending(article, pending)
    elif pending is None and article.status == Status.REVIEW:
        _publish_row(article, by=by, note=note)
    else:
        raise Conflict(_("Nothing of this article is waiting for approval."), field="status")
    article.status, article.updated_at = Status.PUBLISHED, timezone.now()
    article.save()
    log_action("knowledge.article.approved", actor=by, obj=article, changes={"version": article.version},
               note=note)
    return article


@transaction.atomic
def article_reject(*, article: Article, by: Any, note: str) -> Article:
    """Review → draft, with the approver's reason for the author."""
    if not is_approver(by):
        raise NotAllowed(_("Only supervisors, managers and administrators may reject articles."))
    if not note.strip():
        raise InvalidInput(_("Say why the article is sent back."), errors={"note": _("This field is required.")})
    article, pending = _locked(article)
    if pending is not None and pending.state == Status.REVIEW:
        pending.state, pending.note = Status.DRAFT, note[:255]
        pending.save(update_fields=["state", "note"])
    elif pending is None and article.status == Status.REVIEW:
        article.status = Status.DRAFT
        article.save(update_fields=["status"])
    else:
        raise Conflict(_("Nothing of this article is waiting for approval."), field="status")
    log_action("knowledge.article.rejected", actor=by, obj=article, note=note)
    return article


@transaction.atomic
def article_archive(*, article: Article, by: Any, archived: bool = True) -> Article:
    """Take a published article out of use (agents no longer see it), or bring it back."""
    if not is_approver(by):
        raise NotAllowed(_("Only supervisors, managers and administrators may archive articles."))
    article = Article.objects.select_for_update().get(pk=article.pk)
    before, after = (Status.PUBLISHED, Status.ARCHIVED) if archived else (Status.ARCHIVED, Status.PUBLISHED)
    if article.status != before:
        raise Conflict(_("Only a published article can be archived, and only an archived one restored."),
                       field="status")
    article.status = after
    article.save(update_fields=["status"])
    log_action("knowledge.article.archived" if archived else "knowledge.article.restored", actor=by, obj=article)
    return article


def article_use(*, article: Article, by: Any) -> int:
    """An agent copied the text: count it (one atomic UPDATE, safe under concurrent copies)."""
    Article.objects.filter(pk=article.pk).update(usage_count=F("usage_count") + 1)
    log_action("knowledge.article.used", actor=by, obj=article)
    return Article.objects.values_list("usage_count", flat=True).get(pk=article.pk)


@transaction.atomic
def article_rate(*, article: Article, by: Any, helped: bool, comment: str = "") -> Article:
    """Helped / did not help: one rating per user and article, a second one replaces it."""
    ArticleRating.objects.update_or_create(
        article=article, user=by, defaults={"helped": helped, "comment": comment[:500], "at": timezone.now()},
    )
    # Counted from the ratings themselves, so a changed mind moves the vote rather than adds one.
    counts = ArticleRating.objects.filter(article=article).aggregate(
        yes=Count("pk", filter=Q(helped=True)), no=Count("pk", filter=Q(helped=False)))
    Article.objects.filter(pk=article.pk).update(helped_count=counts["yes"], not_helped_count=counts["no"])
    article.helped_count, article.not_helped_count = counts["yes"], counts["no"]
    log_action("knowledge.article.rated", actor=by, obj=article, changes={"helped": helped}, note=comment)
    return article
