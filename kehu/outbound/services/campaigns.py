"""Campaigns: create, change, start/pause/finish, their agents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import diff, log_action, snapshot
from kehu.core.errors import InvalidInput, NotAllowed
from kehu.knowledge.models import Article
from kehu.outbound.models import (
    ALL_WEEKDAYS,
    AssignmentMode,
    Campaign,
    CampaignStatus,
    CampaignType,
)
from kehu.outbound.querysets import can_create_campaigns
from kehu.surveys.models import Survey

HISTORY_FIELDS = ["name", "kind", "status", "description", "script", "survey", "max_attempts", "retry_minutes",
                  "call_from", "call_until", "weekdays", "assignment"]
# Which status a campaign may move to from which.
MOVES = {
    CampaignStatus.DRAFT: {CampaignStatus.ACTIVE, CampaignStatus.FINISHED},
    CampaignStatus.ACTIVE: {CampaignStatus.PAUSED, CampaignStatus.FINISHED},
    CampaignStatus.PAUSED: {CampaignStatus.ACTIVE, CampaignStatus.FINISHED},
    CampaignStatus.FINISHED: set(),
}


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    """The history fields, times as text (the audit log stores JSON)."""
    return {k: v.isoformat("minutes") if isinstance(v, dt.time) else v
            for k, v in snapshot(campaign, HISTORY_FIELDS).items()}


def _time(value: Any, field: str, errors: dict[str, str]) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = _("Enter a time such as 09:00.")
        return None


def _int(value: Any, field: str, low: int, high: int, errors: dict[str, str]) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        errors[field] = _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        return None
    return number


def _related(model: type, qs: Any, value: Any, field: str, errors: dict[str, str]) -> Any:
    if value in (None, "", 0):
        return None
    if isinstance(value, model):
        value = value.pk
    found = qs.filter(pk=value).first() if str(value).isdigit() and len(str(value)) < 18 else None
    if found is None:
        errors[field] = _("Unknown or not visible to you.")
    return found


def clean_campaign(data: dict[str, Any], *, by: User, partial: bool = False) -> dict[str, Any]:
    """The campaign fields present in `data`, checked; raises InvalidInput naming every bad field."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if "name" in data or not partial:
        cleaned["name"] = str(data.get("name") or "").strip()[:200]
        if not cleaned["name"]:
            errors["name"] = _("Enter a name for the campaign.")
    if "description" in data:
        cleaned["description"] = str(data["description"] or "").strip()[:5000]
    for field, choices in (("kind", CampaignType), ("assignment", AssignmentMode)):
        if data.get(field) not in (None, ""):
            if data[field] not in choices.values:
                errors[field] = _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(choices.values)}
            else:
                cleaned[field] = data[field]
    if data.get("max_attempts") not in (None, ""):
        cleaned["max_attempts"] = _int(data["max_attempts"], "max_attempts", 1, 20, errors)
    if data.get("retry_minutes") not in (None, ""):
        cleaned["retry_minutes"] = _int(data["retry_minutes"], "retry_minutes", 0, 60 * 24 * 30, errors)
    for field in ("call_from", "call_until"):
        if data.get(field) not in (None, ""):
            cleaned[field] = _time(data[field], field, errors)
    if data.get("weekdays") not in (None, ""):
        days = "".join(sorted(set(str(data["weekdays"]).replace(",", "").replace(" ", ""))))
        if not days or any(c not in ALL_WEEKDAYS for c in days):
            errors["weekdays"] = _("Give the calling days as ISO weekday numbers 1–7, e.g. 12345.")
        else:
            cleaned["weekdays"] = days
    if "script" in data:
        cleaned["script"] = _related(Article, Article.objects.visible_to(by), data["script"], "script", errors)
    if "survey" in data:
        cleaned["survey"] = _related(Survey, Survey.objects.visible_to(by), data["survey"], "survey", errors)
    if "agents" in data:
        cleaned["agents"] = _agents(data["agents"] or [], errors)
    start, end = cleaned.get("call_from"), cleaned.get("call_until")
    if start and end and start >= end:
        errors["call_until"] = _("The calling hours must end after they start.")
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    return cleaned


def _agents(values: Any, errors: dict[str, str]) -> list[User]:
    ids = [v.pk if isinstance(v, User) else v for v in values]
    if any(not str(i).isdigit() or len(str(i)) > 18 for i in ids):
        errors["agents"] = _("Unknown user.")
        return []
    users = list(User.objects.filter(pk__in=[int(i) for i in ids], is_active=True).order_by("id"))
    if len(users) != len(set(int(i) for i in ids)):
        errors["agents"] = _("Unknown user.")
    return users


@transaction.atomic
def campaign_create(*, by: User, data: dict[str, Any]) -> Campaign:
    if not can_create_campaigns(by):
        raise NotAllowed(_("Only supervisors and managers create campaigns."))
    cleaned = clean_campaign(data, by=by)
    agents = cleaned.pop("agents", [])
    campaign = Campaign(**cleaned, created_by=by)
    campaign.full_clean()
    campaign.save()
    campaign.agents.set(agents)
    log_action("outbound.campaign.created", actor=by, obj=campaign,
               changes={k: [None, v] for k, v in _snapshot(campaign).items() if v})
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, by: User, data: dict[str, Any]) -> Campaign:
    if not campaign.is_managed_by(by):
        raise NotAllowed(_("Only the campaign's creator or a manager can change it."))
    cleaned = clean_campaign(data, by=by, partial=True)
    agents = cleaned.pop("agents", None)
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = _snapshot(current)
    for field, value in cleaned.items():
        setattr(current, field, value)
    if current.call_from >= current.call_until:
        raise InvalidInput(_("Some fields are not valid."),
                           errors={"call_until": _("The calling hours must end after they start.")})
    current.updated_at = timezone.now()
    current.save(update_fields=[*cleaned, "updated_at"])
    changes = diff(before, _snapshot(current))
    if agents is not None:
        old = sorted(current.agents.values_list("username", flat=True))
        current.agents.set(agents)
        new = sorted(u.username for u in agents)
        if old != new:
            changes["agents"] = [old, new]
    if changes:
        log_action("outbound.campaign.updated", actor=by, obj=current, changes=changes)
    return current


@transaction.atomic
def campaign_set_status(*, campaign: Campaign, by: User, status: str) -> Campaign:
    """Start, pause, resume or finish a campaign."""
    if not campaign.is_managed_by(by):
        raise NotAllowed(_("Only the campaign's creator or a manager can change it."))
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if status not in CampaignStatus.values:
        raise InvalidInput(_("Unknown status."), field="status")
    if status == current.status:
        return current
    if status not in MOVES[CampaignStatus(current.status)]:
        raise InvalidInput(_("A campaign cannot go from “%(old)s” to “%(new)s”.") % {
            "old": current.get_status_display(), "new": CampaignStatus(status).label}, field="status")
    old = current.status
    current.status, current.updated_at = status, timezone.now()
    current.save(update_fields=["status", "updated_at"])
    log_action("outbound.campaign.status", actor=by, obj=current, changes={"status": [old, status]})
    return current
