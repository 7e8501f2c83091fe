"""Fixtures of the quality tests: the shipped form, calls in named agents' hands, a QA team.

    east team (华东组, carol supervisor): amy and ben, agents (superior carol)
    service center (客服中心): alice, agent — outside carol's team
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from conftest import make_user
from kehu.accounts.models import Role, User
from kehu.contact.models import Interaction, Queue
from kehu.quality.models import ScoringForm

# Monday 16 November 2026 10:00 Beijing time: ISO week 2026-W47.
WEEK = "2026-W47"
MONDAY = timezone.make_aware(dt.datetime(2026, 11, 16, 10, 0))


def shipped_form() -> ScoringForm:
    """The data migration's form; a transactional test before this one may have flushed it."""
    if not ScoringForm.objects.exists():
        importlib.import_module("kehu.quality.migrations.0002_default_form").fill(apps, None)
    return ScoringForm.objects.get(name="通话质检评分表")


_calls = 0


def make_call(agent: User | None, *, at: dt.datetime = MONDAY, talk_s: float = 180, queue: Queue | None = None,
              recording_url: str = "https://pbx.example.cn/rec/1.wav", **extra: Any) -> Interaction:
    global _calls
    _calls += 1
    return Interaction.objects.create(
        agent=agent, offered_at=at, answered_at=at + dt.timedelta(seconds=5),
        ended_at=at + dt.timedelta(seconds=5 + talk_s), talk_s=talk_s, wait_s=5, queue=queue,
        recording_url=recording_url, external_id=f"call-{_calls}-{at.timestamp()}", caller="13800000000",
        **extra)


def full_marks(form: ScoringForm, **points: Any) -> list[dict[str, Any]]:
    """Item scores for every item of the form: full points and pass unless named (by item name)."""
    out = []
    for item in form.items.all():
        given = points.get(item.name)
        if item.fatal:
            out.append({"item": item.pk, "passed": True if given is None else given})
        else:
            out.append({"item": item.pk, "points": item.max_points if given is None else given})
    return out


@pytest.fixture
def form(db: None) -> ScoringForm:
    return shipped_form()


@pytest.fixture
def amy(org: dict) -> User:
    return make_user("amy", Role.AGENT, org["east"], superior=org["carol"])


@pytest.fixture
def ben(org: dict) -> User:
    return make_user("ben", Role.AGENT, org["east"], superior=org["carol"])


@pytest.fixture
def english_api(api_as: Any, english: None) -> Any:
    """api_as, answering in English (`english` makes it the default language)."""
    return api_as


@pytest.fixture
def english_web(web_as: Any, english: None) -> Any:
    """web_as, answering in English (`english` makes it the default language)."""
    return web_as
