"""JSON API of the outbound app. Handlers parse, call one service, respond."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ValidationError as PydanticError

from kehu.accounts.models import User
from kehu.contact.models import Interaction
from kehu.core.errors import InvalidInput
from kehu.core.phones import mask_phone
from kehu.core.schemas import ERRORS, MAX_ID, id_or_404
from kehu.outbound import reports, services
from kehu.outbound.models import Campaign, CampaignEntry, DoNotCall
from kehu.outbound.schemas import (
    AttemptIn,
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    DncIn,
    DncOut,
    EntriesIn,
    EntryOut,
    FunnelOut,
    LoadReportOut,
)

router = Router(tags=["Outbound campaigns"])



class DncFilters(Schema):
    q: str = ""
    limit: int = 50
    offset: int = 0



def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(Campaign.objects.visible_to(request.user), pk=id_or_404(campaign_id))


def campaign_out(campaign: Campaign) -> dict[str, Any]:
    data = {f: getattr(campaign, f) for f in ("id", "name", "kind", "status", "description", "script_id",
                                              "survey_id", "max_attempts", "retry_minutes", "weekdays",
                                              "assignment", "created_at")}
    data.update(call_from=campaign.call_from.isoformat("minutes"),
                call_until=campaign.call_until.isoformat("minutes"),
                agents=sorted(a.pk for a in campaign.agents.all()))
    return data


def entry_out(entry: CampaignEntry, user: User, *, history: bool = True) -> dict[str, Any]:
    shows = entry.locked_by_id == user.pk or not user.policy().masks_personal_data or user.is_superuser
    data = {f: getattr(entry, f) for f in ("id", "campaign_id", "customer_id", "name", "note", "agent_id", "status",
                                           "attempts", "next_attempt_at", "last_outcome", "locked_by_id",
                                           "locked_at")}
    data["phone"] = entry.phone_norm if shows else mask_phone(entry.phone_norm)
    data["history"] = list(entry.attempt_set.all()) if history else []
    return data


@router.get("/outbound/campaigns", response=list[CampaignOut])
def list_campaigns(request: HttpRequest) -> list[dict[str, Any]]:
    return [campaign_out(c) for c in Campaign.objects.visible_to(request.user).prefetch_related("agents")[:500]]


@router.post("/outbound/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status:
    data = payload.dict()
    status = data.pop("status")
    campaign = services.campaign_create(by=request.user, data=data)
    if status != campaign.status:
        campaign = services.campaign_set_status(campaign=campaign, by=request.user, status=status)
    return Status(201, campaign_out(campaign))


@router.get("/outbound/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def get_campaign(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return campaign_out(_campaign(request, campaign_id))


@router.patch("/outbound/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def update_campaign(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> dict[str, Any]:
    campaign = _campaign(request, campaign_id)
    data = payload.dict(exclude_unset=True)
    status = data.pop("status", None)
    if data:
        campaign = services.campaign_update(campaign=campaign, by=request.user, data=data)
    if status:
        campaign = services.campaign_set_status(campaign=campaign, by=request.user, status=status)
    return campaign_out(campaign)


@router.post("/outbound/campaigns/{campaign_id}/entries", response={201: LoadReportOut, **ERRORS})
def add_entries(request: HttpRequest, campaign_id: int) -> Status:
    """A multipart upload (field `file`, .xlsx or .csv), or JSON {"filter": …} or {"rows": […]}."""
    campaign = _campaign(request, campaign_id)
    upload = request.FILES.get("file")
    if upload is not None:
        suffix = Path(upload.name or "").suffix.lower()[:10]
        with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            report = services.entries_from_file(campaign=campaign, by=request.user, path=Path(tmp.name),
                                                file_name=upload.name or "")
        return Status(201, report)
    try:
        body = EntriesIn.model_validate(json.loads(request.body or b"{}"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidInput(_("Send a file, or JSON with “filter” or “rows”."), field="body") from None
    except PydanticError as error:
        errors = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in error.errors()}
        raise InvalidInput(_("Some fields are not valid."), errors=errors) from None
    if body.rows is not None:
        report = services.entries_from_rows(campaign=campaign, by=request.user,
                                            rows=[r.dict() for r in body.rows])
    elif body.filter is not None:
        report = services.entries_from_filter(campaign=campaign, by=request.user, params=body.filter)
    else:
        raise InvalidInput(_("Send a file, or JSON with “filter” or “rows”."), field="body")
    return Status(201, report)


@router.post("/outbound/campaigns/{campaign_id}/next", response={200: EntryOut, 204: None, **ERRORS})
def next_entry(request: HttpRequest, campaign_id: int) -> Any:
    """The caller's next due contact, held for them for ten minutes; 204 when none is due."""
    campaign = _campaign(request, campaign_id)
    entry = services.entry_next(campaign=campaign, agent=request.user)
    if entry is None:
        return Status(204, None)
    return entry_out(entry, request.user)


@router.post("/outbound/entries/{entry_id}/attempts", response={201: EntryOut, **ERRORS})
def record_attempt(request: HttpRequest, entry_id: int, payload: AttemptIn) -> Status:
    """Record the call made to the entry the caller holds; answers the entry as the retry rules left it."""
    entry = get_object_or_404(
        CampaignEntry.objects.filter(campaign__in=Campaign.objects.visible_to(request.user)), pk=id_or_404(entry_id))
    interaction = None
    if payload.interaction is not None:
        interaction = Interaction.objects.filter(pk=min(max(payload.interaction, 0), MAX_ID)).first()
        if interaction is None:
            raise InvalidInput(_("Unknown call record."), field="interaction")
    services.attempt_record(entry=entry, agent=request.user, outcome=payload.outcome, note=payload.note,
                            callback_at=payload.callback_at, promised_pay_on=payload.promised_pay_on,
                            amount=payload.amount, interaction=interaction, do_not_call=payload.do_not_call)
    return Status(201, entry_out(entry, request.user))


@router.get("/outbound/campaigns/{campaign_id}/funnel", response={200: FunnelOut, **ERRORS})
def funnel(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """Entries → attempted → connected → success, for the campaign and per agent (an agent: their own row)."""
    campaign = _campaign(request, campaign_id)
    only = None if campaign.is_managed_by(request.user) else request.user
    return {
        "campaign": reports.campaign_funnel(campaign).as_dict(),
        "agents": [a.as_dict() for a in reports.agent_funnels(campaign, only=only)],
        "statuses": reports.status_counts(campaign),
    }


def dnc_out(item: DoNotCall, user: User) -> dict[str, Any]:
    masked = user.policy().masks_personal_data and not user.is_superuser
    return {"id": item.pk, "phone": mask_phone(item.phone_norm) if masked else item.phone_norm,
            "reason": item.reason, "added_by_id": item.added_by_id, "added_at": item.added_at}


@router.get("/outbound/dnc", response=list[DncOut])
def list_dnc(request: HttpRequest, filters: Query[DncFilters]) -> list[dict[str, Any]]:
    qs = DoNotCall.objects.all()
    if filters.q.strip():
        qs = qs.filter(phone_norm__contains="".join(c for c in filters.q if c.isdigit())[:20])
    limit, offset = min(max(filters.limit, 1), 500), max(filters.offset, 0)
    return [dnc_out(item, request.user) for item in qs[offset:offset + limit]]


@router.post("/outbound/dnc", response={200: DncOut, 201: DncOut, **ERRORS})
def add_dnc(request: HttpRequest, payload: DncIn) -> Status:
    """Put a number on the do-not-call list: 201, or 200 when it was there already."""
    item, created = services.dnc_add(phone=payload.phone, by=request.user, reason=payload.reason)
    return Status(201 if created else 200, dnc_out(item, request.user))


@router.delete("/outbound/dnc/{phone}", response={204: None, **ERRORS})
def remove_dnc(request: HttpRequest, phone: str) -> Status:
    services.dnc_remove(phone=phone, by=request.user)
    return Status(204, None)
