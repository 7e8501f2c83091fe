"""Fixtures of the fieldwork tests: customers in named hands, visits, and English messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kehu.accounts.models import User
from kehu.customers.models import Customer
from kehu.customers.services import customer_create
from kehu.fieldwork import services
from kehu.fieldwork.models import Visit


def make_customer(owner: User, name: str = "杭州云帆科技有限公司", **data: Any) -> Customer:
    return customer_create(by=owner, data={"name": name, "owner": owner, **data})


def plan(by: User, customer: Customer, day: dt.date | None = None, **data: Any) -> Visit:
    return services.visit_plan(by=by, customer=customer, data={
        "purpose": data.pop("purpose", "介绍新产品"), "planned_date": day or timezone.localdate(), **data})


def recorded_visit(rep: User, customer: Customer, **data: Any) -> Visit:
    visit = plan(rep, customer)
    services.visit_check_in(visit=visit, by=rep, location="西湖区文三路 90 号")
    return services.visit_record(visit=visit, by=rep, data={"outcome": data.pop("outcome", "同意试用"), **data})


@pytest.fixture(autouse=True)
def _english(english) -> None:
    """These tests read messages in English (the shared `english` fixture)."""
