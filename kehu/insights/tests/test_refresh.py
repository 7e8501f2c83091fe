"""`kehu insights refresh` on the hand-computed book in conftest.py."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kehu.core.models import AuditEntry
from kehu.customers.models import Customer
from kehu.insights.models import CustomerInsight
from kehu.insights.services import insights_refresh

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _insight(customer: Customer) -> CustomerInsight:
    return CustomerInsight.objects.get(customer=customer)


def test_refresh_writes_tiers_and_states_to_customers(book: dict) -> None:
    insights_refresh(today=TODAY)
    got = {k: Customer.objects.values_list("value_tier", "time_state").get(pk=c.pk) for k, c in book.items()}
    # Amount cut-offs 10,000 / 2,000 / 100: B paid 10,500 (key), A 3,000 (quality), C 200 (general).
    # C's last payment was 897 days ago and nobody called since: lost. D never paid: potential.
    assert got["a"] == ("quality", "current")
    assert got["b"] == ("key", "current")
    assert got["c"] == ("general", "lost")
    assert got["d"] == ("marginal", "potential")
    assert got["e"] == ("general", "potential")  # deleted: left as it was


def test_refresh_scores_rfm_among_paying_customers(book: dict) -> None:
    insights_refresh(today=TODAY)
    a, b, c, d = (_insight(book[k]) for k in "abcd")
    # Three payers; score = 1 + floor(5 * (payers strictly worse) / 3).
    # Days since payment A 61, B 122, C 897 -> R 4, 2, 1; payments 3, 3, 1 -> F 2, 2, 1;
    # money 3,000, 10,500, 200 -> M 2, 4, 1.
    assert [(i.r, i.f, i.m) for i in (a, b, c, d)] == [(4, 2, 2), (2, 2, 4), (1, 1, 1), (0, 0, 0)]
    assert [i.segment for i in (a, b, c, d)] == ["new", "hibernating", "hibernating", "prospect"]
    assert (a.purchases, a.monetary, a.last_purchase, a.usual_gap) == (3, 3000.0, dt.date(2026, 4, 30), 30.0)
    assert d.purchases == 0 and d.last_purchase is None and d.usual_gap is None
    assert not CustomerInsight.objects.filter(customer=book["e"]).exists()


def test_churn_risk_reasons(book: dict) -> None:
    insights_refresh(today=TODAY)
    a, b, c, d = (_insight(book[k]) for k in "abcd")
    # A: followed up 2 days ago against a 30-day rhythm -> no risk at all.
    assert (a.churn_risk, a.churn_level, a.reasons) == (0.0, "low", [])
    # B: 122 quiet days / 90 -> overdue (1.356 - 1) / 2 = 0.178; one complaint -> 0.5;
    # 500 in the last 180 days against 10,000 before -> 95 % drop.
    # risk = 1 - (1 - 0.8 * 0.178)(1 - 0.5 * 0.5)(1 - 0.6 * 0.95) = 1 - 0.8578 * 0.75 * 0.43 = 0.723
    assert (b.churn_risk, b.churn_level) == (0.723, "high")
    assert b.reasons == [
        {"code": "overdue_vs_rhythm", "days": 122, "usual_gap": 90},
        {"code": "recent_complaints", "count": 1, "days": 90},
        {"code": "falling_spend", "recent": 500.0, "before": 10000.0, "drop_percent": 95, "period_days": 180},
    ]
    # C: one payment, so a 90-day rhythm is assumed; 897 days is far beyond it -> 0.8.
    assert (c.churn_risk, c.churn_level) == (0.8, "high")
    assert c.reasons == [{"code": "overdue_vs_rhythm", "days": 897, "usual_gap": 90, "assumed": True}]
    assert (d.churn_risk, d.churn_level, d.reasons) == (0.0, "low", [])


def test_refresh_twice_changes_nothing_the_second_time(book: dict) -> None:
    first = insights_refresh(today=TODAY)
    before = list(CustomerInsight.objects.order_by("pk").values_list("pk", "r", "f", "m", "churn_risk", "reasons"))
    second = insights_refresh(today=TODAY)
    assert first.changed == 4 and second.changed == 0
    after = list(CustomerInsight.objects.order_by("pk").values_list("pk", "r", "f", "m", "churn_risk", "reasons"))
    assert after == before


def test_a_new_payment_moves_the_customer_up(book: dict) -> None:
    from .conftest import _pay

    insights_refresh(today=TODAY)
    _pay(book["c"], "2026-06-29", 20000)
    insights_refresh(today=TODAY)
    book["c"].refresh_from_db()
    assert (book["c"].value_tier, book["c"].time_state) == ("key", "current")


def test_command_prints_a_summary_and_writes_an_audit_entry(book: dict) -> None:
    out = StringIO()
    call_command("insights", "refresh", "--today", "2026-06-30", stdout=out)
    assert "4 customers (3 paying)" in out.getvalue()
    assert AuditEntry.objects.filter(action="insights.refreshed").count() == 1


def test_command_refuses_a_bad_date(book: dict) -> None:
    with pytest.raises(CommandError, match="not a date"):
        call_command("insights", "refresh", "--today", "30/06/2026")


def test_bad_cutoffs_in_settings_are_reported(book: dict, settings) -> None:
    settings.KEHU_PYRAMID_CUTOFFS = {"key": 0.5, "quality": 0.1, "general": 0.2}
    with pytest.raises(CommandError, match="pyramid shares"):
        call_command("insights", "refresh")


def test_refresh_of_an_empty_archive(db: None) -> None:
    assert insights_refresh(today=TODAY).customers == 0


def test_the_nightly_hook_runs_once_a_day_after_the_hour(book: dict, settings) -> None:
    from django.utils import timezone

    from kehu.insights.services import insights_nightly

    settings.KEHU_INSIGHTS_HOUR = 2
    night = timezone.make_aware(dt.datetime(2026, 6, 30, 1, 0))
    assert insights_nightly(night) is None
    assert not CustomerInsight.objects.exists()
    assert insights_nightly(night.replace(hour=3)).customers == 4
    assert insights_nightly(night.replace(hour=4)) is None  # already done today
