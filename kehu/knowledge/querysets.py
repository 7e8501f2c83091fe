"""Who sees which articles, and the list filters."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

APPROVER_ROLES = ("supervisor", "manager", "admin")


def is_approver(user: Any) -> bool:
    """Supervisors, managers and administrators approve articles and see every draft."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role in APPROVER_ROLES)


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        return self.filter(status="published")

    def visible_to(self, user: Any) -> ArticleQuerySet:
        """Approvers see everything; others the published articles and their own drafts."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if is_approver(user):
            return self
        return self.filter(Q(status="published") | Q(created_by_id=user.pk))

    def filtered(self, **f: str) -> ArticleQuerySet:
        """Exact-match filters from a list page or the API; empty values are ignored."""
        qs = self
        for name in ("kind", "stage", "customer_type", "channel", "request_kind", "status"):
            if f.get(name):
                qs = qs.filter(**{name: f[name]})
        category = f.get("category", "")
        if category.isdigit() and len(category) <= 18:
            qs = qs.filter(Q(category_id=int(category)) | Q(category__parent_id=int(category)))
        if f.get("tag"):
            qs = qs.filter(tags__name=f["tag"])
        return qs
