"""Who sees which campaign: managers all, a campaign's creator and its agents their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from kehu.accounts.models import User

MANAGING_ROLES = ("manager", "admin")
CREATING_ROLES = ("supervisor", "manager", "admin")


def can_create_campaigns(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in CREATING_ROLES))


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CampaignQuerySet:
        """Managers and administrators see every campaign; others those they created or work in."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in MANAGING_ROLES:
            return self
        member = self.model.agents.through.objects.filter(user_id=user.pk).values("campaign_id")
        return self.filter(Q(created_by_id=user.pk) | Q(pk__in=member))

    def managed_by(self, user: User) -> CampaignQuerySet:
        """The campaigns the user may change: managers all, others those they created."""
        qs = self.visible_to(user)
        if user.is_superuser or user.role in MANAGING_ROLES:
            return qs
        return qs.filter(created_by_id=user.pk)
