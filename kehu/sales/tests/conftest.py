"""Fixtures of the sales tests: the shipped pipelines, leads and opportunities in named hands."""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps

from kehu.accounts.models import User
from kehu.customers.services import customer_create
from kehu.sales import services
from kehu.sales.models import Lead, Opportunity, Pipeline


def shipped_pipelines() -> None:
    """The data migration's pipelines; a transactional test before this one may have flushed them."""
    if not Pipeline.objects.exists():
        importlib.import_module("kehu.sales.migrations.0002_default_pipelines").fill(apps, None)


@pytest.fixture
def pipelines(db: None) -> dict[str, Pipeline]:
    shipped_pipelines()
    return {p.code: p for p in Pipeline.objects.all()}


def stage(pipeline: Pipeline, name: str) -> Any:
    return pipeline.stages.get(name=name)


def make_lead(by: User, **data: Any) -> Lead:
    data.setdefault("company", "杭州云帆科技有限公司")
    lead, _dups = services.lead_create(by=by, data=data)
    return lead


def qualified_lead(by: User, **data: Any) -> Lead:
    lead = make_lead(by, **data)
    return services.lead_update(lead=lead, by=by, data={
        "status": "qualified", "money": "yes", "money_note": "年度预算 30 万",
        "authority": "yes", "authority_note": "王总拍板", "need": "yes", "need_note": "旧系统到期"})


def make_opportunity(owner: User, pipeline: Pipeline, amount: str = "1000", **data: Any) -> Opportunity:
    name = data.pop("customer_name", f"{owner.username}的客户{Opportunity.objects.count()}")
    customer = customer_create(by=owner, data={"name": name, "owner": owner})
    return services.opportunity_create(by=owner, data={
        "customer": customer, "pipeline": pipeline, "title": data.pop("title", f"商机 {name}"),
        "amount": Decimal(amount), "owner": owner, **data})


@pytest.fixture(autouse=True)
def _english(english) -> None:
    """These tests read messages in English (the shared `english` fixture)."""
