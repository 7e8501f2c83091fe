from __future__ import annotations

from typing import Any

from django.db import models

# Who designs surveys and reads their results; agents interview (CATI) on open surveys.
DESIGNERS = ("supervisor", "manager", "admin")


def is_designer(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in DESIGNERS))


class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> SurveyQuerySet:
        """Designers see every survey; everyone else the open ones (to interview with)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if is_designer(user):
            return self
        return self.filter(status="open")

    def editable_by(self, user: Any) -> SurveyQuerySet:
        return self.visible_to(user) if is_designer(user) else self.none()

    def with_published_id(self) -> SurveyQuerySet:
        """The id of each survey's latest published version in the same query (for answering)."""
        from kehu.surveys.models import SurveyVersion

        latest = (SurveyVersion.objects.filter(survey=models.OuterRef("pk")).exclude(published_at=None)
                  .order_by("-number").values("pk")[:1])
        return self.annotate(published_version_id=models.Subquery(latest))

    def with_published(self) -> SurveyQuerySet:
        """Each survey's published versions in one query (Survey.published() reads them)."""
        from kehu.surveys.models import SurveyVersion

        published = SurveyVersion.objects.exclude(published_at=None).order_by("-number")
        return self.prefetch_related(models.Prefetch("versions", queryset=published,
                                                     to_attr="published_versions"))


class ResponseQuerySet(models.QuerySet):
    def completed(self) -> ResponseQuerySet:
        return self.filter(status="completed")
