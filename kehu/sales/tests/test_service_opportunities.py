"""Stage moves, their refusals, reopening, and the forecast computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kehu.core.errors import Conflict, InvalidInput
from kehu.core.models import AuditEntry
from kehu.sales import services
from kehu.sales.models import Opportunity
from kehu.sales.tests.conftest import make_opportunity, stage

pytestmark = pytest.mark.django_db


def test_the_shipped_pipelines_have_their_stages_in_order(pipelines) -> None:
    tele = [s.name for s in pipelines["telemarketing"].stages.all()]
    car = [s.name for s in pipelines["car-sales"].stages.all()]
    assert tele == ["开场", "了解需求", "提议", "异议处理", "成交", "未成交"]
    assert car[:9] == ["客户开发", "接待", "咨询", "产品介绍", "试乘试驾", "协商", "成交", "交车", "跟踪"]
    assert stage(pipelines["telemarketing"], "异议处理").is_side
    assert stage(pipelines["telemarketing"], "成交").is_won


def test_a_move_is_recorded_with_who_when_from_and_to(bob, pipelines) -> None:
    tele = pipelines["telemarketing"]
    opp = make_opportunity(bob, tele)
    services.opportunity_move(opportunity=opp, stage=stage(tele, "提议"), by=bob)
    change = opp.stage_changes.last()
    assert (change.from_stage.name, change.to_stage.name, change.by) == ("开场", "提议", bob)
    entry = AuditEntry.objects.get(action="opportunity.moved", object_id=opp.pk)
    assert entry.changes == {"stage": ["开场", "提议"]} and entry.customer_id == opp.customer_id


def test_moving_a_won_opportunity_is_refused_until_it_is_reopened(bob, pipelines) -> None:
    tele = pipelines["telemarketing"]
    opp = make_opportunity(bob, tele)
    won = services.opportunity_move(opportunity=opp, stage=stage(tele, "成交"), by=bob)
    assert won.is_closed and won.closed_at is not None
    with pytest.raises(Conflict) as refusal:
        services.opportunity_move(opportunity=opp, stage=stage(tele, "提议"), by=bob)
    assert refusal.value.status == 409 and "Reopen" in refusal.value.message
    reopened = services.opportunity_reopen(opportunity=opp, by=bob)
    assert not reopened.is_closed and reopened.stage.name == "开场"
    assert services.opportunity_move(opportunity=opp, stage=stage(tele, "提议"), by=bob).stage.name == "提议"


def test_losing_needs_a_reason_and_a_lost_opportunity_stays_put(bob, pipelines) -> None:
    tele = pipelines["telemarketing"]
    opp = make_opportunity(bob, tele)
    with pytest.raises(InvalidInput) as missing:
        services.opportunity_move(opportunity=opp, stage=stage(tele, "未成交"), by=bob)
    assert "loss_reason" in missing.value.errors
    lost = services.opportunity_move(opportunity=opp, stage=stage(tele, "未成交"), by=bob, loss_reason="价格太高")
    assert lost.loss_reason == "价格太高" and lost.is_closed
    with pytest.raises(Conflict):
        services.opportunity_move(opportunity=opp, stage=stage(tele, "成交"), by=bob)


def test_a_sold_car_goes_on_to_delivery_and_follow_up_but_not_back(bob, pipelines) -> None:
    car = pipelines["car-sales"]
    opp = make_opportunity(bob, car)
    services.opportunity_move(opportunity=opp, stage=stage(car, "成交"), by=bob)
    assert services.opportunity_move(opportunity=opp, stage=stage(car, "交车"), by=bob).stage.name == "交车"
    with pytest.raises(Conflict):
        services.opportunity_move(opportunity=opp, stage=stage(car, "协商"), by=bob)


def test_a_stage_of_another_pipeline_is_refused(bob, pipelines) -> None:
    opp = make_opportunity(bob, pipelines["telemarketing"])
    with pytest.raises(InvalidInput):
        services.opportunity_move(opportunity=opp, stage=stage(pipelines["car-sales"], "接待"), by=bob)


def test_reopening_an_open_opportunity_is_refused(bob, pipelines) -> None:
    with pytest.raises(Conflict):
        services.opportunity_reopen(opportunity=make_opportunity(bob, pipelines["telemarketing"]), by=bob)


def test_forecast_by_stage_and_month_weighs_amounts_by_win_probability(bob, erin, pipelines) -> None:
    tele = pipelines["telemarketing"]
    jan, feb = dt.date(2027, 1, 15), dt.date(2027, 2, 3)
    make_opportunity(bob, tele, "10000", expected_close=jan)  # 开场 10 % → 1,000
    make_opportunity(erin, tele, "5000", expected_close=jan)  # 开场 10 % → 500
    proposal = make_opportunity(bob, tele, "8000", expected_close=feb)
    services.opportunity_move(opportunity=proposal, stage=stage(tele, "提议"), by=bob)  # 50 % → 4,000
    undated = make_opportunity(bob, tele, "2000")
    services.opportunity_move(opportunity=undated, stage=stage(tele, "了解需求"), by=bob)  # 25 % → 500
    won = make_opportunity(bob, tele, "99999", expected_close=jan)
    services.opportunity_move(opportunity=won, stage=stage(tele, "成交"), by=bob)  # closed: not forecast

    table = services.forecast(opportunities=Opportunity.objects.all(), pipeline=tele)
    assert table.months == [dt.date(2027, 1, 1), dt.date(2027, 2, 1), None]
    rows = {r.stage.name: r for r in table.rows}
    assert list(rows) == ["开场", "了解需求", "提议", "异议处理"]
    assert rows["开场"].cells[dt.date(2027, 1, 1)] == (Decimal("15000"), Decimal("1500.00"))
    assert rows["提议"].cells[dt.date(2027, 2, 1)] == (Decimal("8000"), Decimal("4000.00"))
    assert rows["了解需求"].cells[None] == (Decimal("2000"), Decimal("500.00"))
    assert table.month_weighted == {dt.date(2027, 1, 1): Decimal("1500.00"), dt.date(2027, 2, 1): Decimal("4000.00"),
                                    None: Decimal("500.00")}
    assert (table.amount, table.weighted) == (Decimal("25000"), Decimal("6000.00"))

    bobs = services.forecast(opportunities=Opportunity.objects.filter(owner=bob), pipeline=tele)
    assert bobs.weighted == Decimal("5500.00")
