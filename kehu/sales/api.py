"""JSON API of the customer development app. Handlers parse, call one service, respond."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ValidationError as PydanticError

from kehu.accounts.models import User
from kehu.core.errors import InvalidInput
from kehu.core.schemas import ERRORS, MAX_ID, id_or_404
from kehu.customers.models import Customer
from kehu.sales import services
from kehu.sales.models import Lead, Opportunity, Pipeline, Stage
from kehu.sales.schemas import (
    ConvertIn,
    LeadIn,
    LeadOut,
    LeadPatch,
    MoveIn,
    OpportunityIn,
    OpportunityOut,
    PipelineOut,
    ReopenIn,
)
from kehu.sales.services.leads import Duplicate
from kehu.sales.services.opportunities import clean_amount

router = Router(tags=["Customer development"])
SchemaT = TypeVar("SchemaT", bound=Schema)



class LeadFilters(Schema):
    status: str = ""
    source: str = ""
    owner: str = ""
    team: str = ""
    q: str = ""
    limit: int = 50
    offset: int = 0


class OpportunityFilters(Schema):
    pipeline: str = ""
    stage: str = ""
    owner: str = ""
    team: str = ""
    customer: str = ""
    state: str = ""
    limit: int = 50
    offset: int = 0



def _optional_body(request: HttpRequest, schema: type[SchemaT]) -> SchemaT:
    """A body that may be left out entirely (a bare POST converts or reopens with the defaults)."""
    raw = request.body.strip()
    is_json = "json" in (request.content_type or "") or raw[:1] == b"{"
    try:
        return schema.model_validate(json.loads(raw) if raw and is_json else {})
    except json.JSONDecodeError:
        raise InvalidInput(_("The request body is not JSON."), field="body") from None
    except PydanticError as error:
        errors = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in error.errors()}
        raise InvalidInput(_("Some fields are not valid."), errors=errors) from None


def _window(limit: int, offset: int) -> slice:
    limit, offset = min(max(limit, 1), 500), max(offset, 0)
    return slice(offset, offset + limit)


def user_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "username": user.username, "name": str(user)}


def lead_out(lead: Lead, duplicates: list[Duplicate] | None = None) -> dict[str, Any]:
    data = {f: getattr(lead, f) for f in LeadOut.model_fields if f not in ("owner", "in_pool", "duplicates")}
    data.update(owner=user_ref(lead.owner), in_pool=lead.in_pool,
                duplicates=[d.__dict__ for d in duplicates or []])
    return data


def stage_out(stage: Stage) -> dict[str, Any]:
    return {f: getattr(stage, f) for f in ("id", "name", "order", "probability", "is_won", "is_lost", "is_side")}


def opportunity_out(o: Opportunity, *, history: bool = False) -> dict[str, Any]:
    data = {f: getattr(o, f) for f in ("id", "title", "customer_id", "pipeline_id", "amount", "expected_close",
                                       "products", "competitors", "loss_reason", "lead_id", "is_closed",
                                       "closed_at", "created_at")}
    data.update(customer_name=o.customer.name, stage=stage_out(o.stage), owner=user_ref(o.owner),
                weighted_amount=o.weighted_amount())
    if history:
        data["history"] = [
            {"from_stage": c.from_stage.name if c.from_stage else None, "to_stage": c.to_stage.name,
             "by": str(c.by) if c.by else None, "at": c.at, "note": c.note}
            for c in o.stage_changes.select_related("from_stage", "to_stage", "by")
        ]
    return data


def _lead(request: HttpRequest, lead_id: int) -> Lead:
    return get_object_or_404(Lead.objects.visible_to(request.user).select_related("owner"), pk=id_or_404(lead_id))


def _opportunity(request: HttpRequest, opportunity_id: int) -> Opportunity:
    qs = Opportunity.objects.visible_to(request.user).select_related("stage", "customer", "owner")
    return get_object_or_404(qs, pk=id_or_404(opportunity_id))


def _stage(opportunity: Opportunity, stage_id: int | None) -> Stage | None:
    if stage_id is None:
        return None
    stage = Stage.objects.filter(pk=stage_id if 0 < stage_id <= MAX_ID else 0).first()
    if stage is None or stage.pipeline_id != opportunity.pipeline_id:
        raise InvalidInput(_("Unknown stage."), errors={"stage": _("This stage is not in the opportunity's pipeline.")})
    return stage


@router.get("/leads", response=list[LeadOut])
def list_leads(request: HttpRequest, filters: Query[LeadFilters]) -> list[dict[str, Any]]:
    qs = Lead.objects.visible_to(request.user).filtered(filters.dict()).select_related("owner")
    return [lead_out(lead) for lead in qs[_window(filters.limit, filters.offset)]]


@router.post("/leads", response={201: LeadOut, **ERRORS})
def create_lead(request: HttpRequest, payload: LeadIn) -> Status:
    data = payload.dict(exclude_unset=True)
    if data.pop("to_pool", False):
        data["owner"] = None
    lead, duplicates = services.lead_create(by=request.user, data=data)
    return Status(201, lead_out(lead, duplicates))


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def get_lead(request: HttpRequest, lead_id: int) -> dict[str, Any]:
    lead = _lead(request, lead_id)
    return lead_out(lead, services.lead_duplicates(name_norm=lead.name_norm, phone_norm=lead.phone_norm,
                                                   exclude_id=lead.pk))


@router.patch("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def update_lead(request: HttpRequest, lead_id: int, payload: LeadPatch) -> dict[str, Any]:
    lead = _lead(request, lead_id)
    data = payload.dict(exclude_unset=True)
    data.pop("to_pool", None)
    return lead_out(services.lead_update(lead=lead, by=request.user, data=data))


@router.post("/leads/{lead_id}/claim", response={200: LeadOut, **ERRORS})
def claim_lead(request: HttpRequest, lead_id: int) -> dict[str, Any]:
    return lead_out(services.lead_claim(lead=_lead(request, lead_id), by=request.user))


@router.post("/leads/{lead_id}/release", response={200: LeadOut, **ERRORS})
def release_lead(request: HttpRequest, lead_id: int) -> dict[str, Any]:
    return lead_out(services.lead_release(lead=_lead(request, lead_id), by=request.user))


@router.post("/leads/{lead_id}/convert", response={200: OpportunityOut, **ERRORS})
def convert_lead(request: HttpRequest, lead_id: int) -> dict[str, Any]:
    lead = _lead(request, lead_id)
    payload = _optional_body(request, ConvertIn)
    pipeline = None
    if payload.pipeline is not None:
        pipeline = Pipeline.objects.filter(pk=payload.pipeline if 0 < payload.pipeline <= MAX_ID else 0).first()
        if pipeline is None:
            raise InvalidInput(_("Unknown pipeline."), errors={"pipeline": _("No such pipeline.")})
    opportunity = services.lead_convert(
        lead=lead, by=request.user, pipeline=pipeline, title=payload.title,
        amount=clean_amount(payload.amount) if payload.amount is not None else None,
        expected_close=payload.expected_close,
    )
    return opportunity_out(opportunity, history=True)


@router.get("/pipelines", response=list[PipelineOut])
def list_pipelines(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": p.pk, "name": p.name, "code": p.code,
             "stages": [stage_out(s) for s in p.stages.all()]}
            for p in Pipeline.objects.prefetch_related("stages")]


@router.get("/opportunities", response=list[OpportunityOut])
def list_opportunities(request: HttpRequest, filters: Query[OpportunityFilters]) -> list[dict[str, Any]]:
    qs = (Opportunity.objects.visible_to(request.user).filtered(filters.dict())
          .select_related("stage", "customer", "owner").order_by("-id"))
    return [opportunity_out(o) for o in qs[_window(filters.limit, filters.offset)]]


@router.post("/opportunities", response={201: OpportunityOut, **ERRORS})
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> Status:
    customer = Customer.objects.visible_to(request.user).filter(pk=payload.customer if 0 < payload.customer <= MAX_ID
                                                                else 0).first()
    pipeline = Pipeline.objects.filter(pk=payload.pipeline if 0 < payload.pipeline <= MAX_ID else 0).first()
    errors = {**({} if customer else {"customer": _("No such customer.")}),
              **({} if pipeline else {"pipeline": _("No such pipeline.")})}
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    data = payload.dict()
    data.update(customer=customer, pipeline=pipeline, stage=None)
    if payload.stage is not None:
        data["stage"] = Stage.objects.filter(pk=payload.stage if 0 < payload.stage <= MAX_ID else 0,
                                             pipeline=pipeline).first()
        if data["stage"] is None:
            raise InvalidInput(_("Some fields are not valid."), errors={"stage": _("This stage is not in the pipeline.")})
    opportunity = services.opportunity_create(by=request.user, data=data)
    return Status(201, opportunity_out(opportunity, history=True))


@router.get("/opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS})
def get_opportunity(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    return opportunity_out(_opportunity(request, opportunity_id), history=True)


@router.post("/opportunities/{opportunity_id}/move", response={200: OpportunityOut, **ERRORS})
def move_opportunity(request: HttpRequest, opportunity_id: int, payload: MoveIn) -> dict[str, Any]:
    opportunity = _opportunity(request, opportunity_id)
    stage = _stage(opportunity, payload.stage)
    assert stage is not None
    moved = services.opportunity_move(opportunity=opportunity, stage=stage, by=request.user,
                                      loss_reason=payload.loss_reason)
    return opportunity_out(moved, history=True)


@router.post("/opportunities/{opportunity_id}/reopen", response={200: OpportunityOut, **ERRORS})
def reopen_opportunity(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    opportunity = _opportunity(request, opportunity_id)
    stage = _stage(opportunity, _optional_body(request, ReopenIn).stage)
    return opportunity_out(services.opportunity_reopen(opportunity=opportunity, by=request.user, stage=stage),
                           history=True)
