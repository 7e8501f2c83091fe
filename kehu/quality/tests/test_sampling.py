"""Sampling n calls per agent per week: seeded, idempotent, filtered by rule."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from kehu.contact.models import Queue
from kehu.core.models import AuditEntry
from kehu.quality.models import Evaluation, EvaluationStatus, SamplingRule
from kehu.quality.services import evaluations_sample
from kehu.quality.tests.conftest import MONDAY, WEEK, make_call


@pytest.fixture
def rule(form, carol) -> SamplingRule:
    return SamplingRule.objects.create(name="每周抽检", form=form, per_agent=3)


def _calls(agent, n: int, **extra) -> list:
    return [make_call(agent, at=MONDAY + dt.timedelta(hours=i), **extra) for i in range(n)]


def _picked() -> set[int]:
    return set(Evaluation.objects.values_list("interaction_id", flat=True))


def test_sampling_picks_n_per_agent_for_their_supervisor(rule, amy, ben, carol) -> None:
    _calls(amy, 10)
    _calls(ben, 2)
    result = evaluations_sample(week=WEEK)
    assert result.created == 5
    assert Evaluation.objects.filter(agent=amy).count() == 3
    assert Evaluation.objects.filter(agent=ben).count() == 2
    assert result.rules[0].short == [str(ben)]
    evaluation = Evaluation.objects.filter(agent=amy).first()
    assert evaluation.status == EvaluationStatus.DRAFT and evaluation.evaluator == carol
    assert evaluation.week == WEEK and evaluation.item_scores.count() == 8
    assert AuditEntry.objects.filter(action="quality.sampled").count() == 1


def test_running_twice_does_not_double(rule, amy) -> None:
    _calls(amy, 10)
    evaluations_sample(week=WEEK)
    again = evaluations_sample(week=WEEK)
    assert again.created == 0
    assert Evaluation.objects.count() == 3


def test_the_draw_is_reproducible(rule, amy) -> None:
    _calls(amy, 20)
    evaluations_sample(week=WEEK)
    first = _picked()
    Evaluation.objects.all().delete()
    evaluations_sample(week=WEEK)
    assert _picked() == first
    Evaluation.objects.all().delete()
    evaluations_sample(week=WEEK, seed="another")
    assert len(_picked()) == 3  # another seed, another (in all likelihood different) draw


def test_rule_filters_short_calls_other_queues_other_weeks_and_abandoned(form, amy) -> None:
    hotline = Queue.objects.create(code="95598", name="供电服务热线")
    SamplingRule.objects.create(name="长通话", form=form, per_agent=5, min_talk_s=60, queue=hotline)
    wanted = make_call(amy, talk_s=120, queue=hotline)
    make_call(amy, talk_s=30, queue=hotline)                                   # too short
    make_call(amy, talk_s=120)                                                  # no queue
    make_call(amy, talk_s=120, queue=hotline, at=MONDAY + dt.timedelta(days=7))  # next week
    make_call(amy, talk_s=120, queue=hotline, abandoned=True)                   # abandoned
    make_call(None, talk_s=120, queue=hotline)                                  # nobody answered
    evaluations_sample(week=WEEK)
    assert _picked() == {wanted.pk}


def test_the_week_runs_monday_to_sunday_in_local_time(rule, amy) -> None:
    sunday_night = MONDAY + dt.timedelta(days=6, hours=13, minutes=59)  # Sunday 23:59 Beijing
    inside = make_call(amy, at=sunday_night)
    make_call(amy, at=MONDAY - dt.timedelta(hours=10, minutes=1))  # Sunday 23:59 the week before
    evaluations_sample(week=WEEK)
    assert _picked() == {inside.pk}


def test_command_samples_and_reports(rule, amy) -> None:
    _calls(amy, 4)
    out = io.StringIO()
    call_command("quality", "sample", "--week", WEEK, "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 3
    out = io.StringIO()
    call_command("quality", "sample", "--week", "2026w47", stdout=out)
    assert "week 2026-W47: 0 evaluation(s) created" in out.getvalue()


@pytest.mark.parametrize("week", ["2026-W54", "next week", "2026-W00", "99999-W01"])
def test_command_refuses_a_bad_week(rule, english, week: str) -> None:
    with pytest.raises(CommandError, match="Give the week as YYYY-Www"):
        call_command("quality", "sample", "--week", week)
