"""Targets: who sets them, bad values, and attainment computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kehu.core.errors import InvalidInput, NotAllowed
from kehu.fieldwork import services
from kehu.fieldwork.models import Target
from kehu.fieldwork.tests.conftest import make_customer, plan, recorded_visit
from kehu.sales import services as sales
from kehu.sales.tests.conftest import make_opportunity, pipelines, stage  # noqa: F401


def _measures(target: Target) -> dict[str, tuple[Decimal, Decimal, int | None]]:
    row = services.targets_with_attainment(Target.objects.filter(pk=target.pk))[0]
    return {m.name: (m.attained, m.target, m.percent) for m in row.measures}


def test_attainment_is_counted_from_the_month_s_activity(bob, erin, carol, pipelines):  # noqa: F811
    today = timezone.localdate()
    target = services.target_set(by=carol, rep=bob, data={
        "period": "month", "date": today, "new_customers": 4, "visits": 3, "won_amount": "100000"})
    assert target.period_start == today.replace(day=1)
    # bob: 2 new customers (one via make_opportunity), 2 recorded visits (plus one only planned),
    # 2 wins of 36,000 and 14,000, one of which goes on to 交车 (not a second win).
    first = make_customer(bob, "甲公司")
    recorded_visit(bob, first)
    recorded_visit(bob, first)
    plan(bob, first)
    pipeline, cars = pipelines["telemarketing"], pipelines["car-sales"]
    won = make_opportunity(bob, pipeline, amount="36000", customer_name="乙公司")
    sales.opportunity_move(opportunity=won, stage=stage(pipeline, "成交"), by=bob)
    car = make_opportunity(erin, cars, amount="14000", customer_name="丙公司")  # erin's customer, bob wins it
    sales.opportunity_move(opportunity=car, stage=stage(cars, "成交"), by=bob)
    sales.opportunity_move(opportunity=car, stage=stage(cars, "交车"), by=bob)
    recorded_visit(erin, make_customer(erin, "丁公司"))

    assert _measures(target) == {
        "new_customers": (Decimal(2), Decimal(4), 50),
        "visits": (Decimal(2), Decimal(3), 66),
        "won_amount": (Decimal("50000"), Decimal("100000.00"), 50),
    }


def test_activity_of_another_period_does_not_count(bob, carol):
    recorded_visit(bob, make_customer(bob))
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    target = services.target_set(by=carol, rep=bob, data={"period": "month", "date": last_month, "visits": 5})
    assert _measures(target)["visits"] == (Decimal(0), Decimal(5), 0)
    week = services.target_set(by=carol, rep=bob, data={"period": "week", "date": timezone.localdate(), "visits": 1})
    assert week.period_start.weekday() == 0
    assert _measures(week)["visits"] == (Decimal(1), Decimal(1), 100)


def test_setting_a_target_again_changes_it(bob, carol):
    services.target_set(by=carol, rep=bob, data={"period": "month", "visits": 5})
    services.target_set(by=carol, rep=bob, data={"period": "month", "visits": 8})
    assert list(Target.objects.values_list("visits", flat=True)) == [8]


def test_a_zero_target_has_no_percentage(bob, carol):
    target = services.target_set(by=carol, rep=bob, data={"period": "month", "visits": 2})
    assert _measures(target)["new_customers"] == (Decimal(0), Decimal(0), None)


def test_negative_or_non_numeric_targets_are_refused(bob, carol):
    with pytest.raises(InvalidInput) as refused:
        services.target_set(by=carol, rep=bob, data={"period": "month", "new_customers": -1, "visits": "三",
                                                     "won_amount": "-5"})
    assert refused.value.errors == {"new_customers": "A target cannot be negative.",
                                    "visits": "Enter a whole number.",
                                    "won_amount": "A target cannot be negative."}
    with pytest.raises(InvalidInput) as refused:
        services.target_set(by=carol, rep=bob, data={"period": "year"})
    assert set(refused.value.errors) == {"period"}
    assert not Target.objects.exists()


def test_only_the_supervisor_of_the_team_or_a_manager_sets_targets(bob, erin, carol, dave, frank):
    with pytest.raises(NotAllowed):
        services.target_set(by=bob, rep=bob, data={"visits": 100})
    with pytest.raises(NotAllowed):
        services.target_set(by=carol, rep=dave, data={"visits": 1})
    services.target_set(by=frank, rep=dave, data={"visits": 1})
    services.target_set(by=carol, rep=erin, data={"visits": 1})
    assert Target.objects.count() == 2
