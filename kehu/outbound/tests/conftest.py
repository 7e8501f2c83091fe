"""Fixtures of the outbound tests: a campaign run by carol, worked by the agents alice and amy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from kehu.accounts.models import Role, User
from kehu.outbound import services
from kehu.outbound.models import Campaign

# A Wednesday morning in Shanghai, inside the default calling hours.
NOW = timezone.make_aware(dt.datetime(2026, 11, 18, 10, 0), dt.timezone(dt.timedelta(hours=8)))


def make_campaign(by: User, agents: list[User], *, activate: bool = True, **data: Any) -> Campaign:
    data = {"name": "冬季关怀回访", "kind": "care", "max_attempts": 3, "retry_minutes": 60,
            "call_from": "09:00", "call_until": "20:00", "weekdays": "1234567", "assignment": "queue",
            "agents": [a.pk for a in agents], **data}
    campaign = services.campaign_create(by=by, data=data)
    if activate:
        campaign = services.campaign_set_status(campaign=campaign, by=by, status="active")
    return campaign


def phones(n: int, start: int = 0) -> list[str]:
    return [f"1380000{i:04d}" for i in range(start, start + n)]


def load(campaign: Campaign, by: User, numbers: list[str]) -> services.LoadReport:
    rows = [{"name": f"客户{i}", "phone": p} for i, p in enumerate(numbers)]
    return services.entries_from_rows(campaign=campaign, by=by, rows=rows)


@pytest.fixture
def amy(org: dict) -> User:
    return make_user("amy", Role.AGENT, org["center"])


@pytest.fixture
def campaign(carol: User, alice: User, amy: User) -> Campaign:
    return make_campaign(carol, [alice, amy])


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Any:
    """Every test starts on NOW (a Wednesday at 10:00, Shanghai) with the clock stopped there;
    browser tests keep the real clock (the browser does not travel)."""
    if request.node.get_closest_marker("browser"):
        yield None
        return
    traveller = request.getfixturevalue("time_machine")
    traveller.move_to(NOW, tick=False)
    yield traveller
