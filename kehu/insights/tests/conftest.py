"""A small book of customers whose insights are worked out by hand (today = 2026-06-30).

    A  bob's   3 payments of 1,000: 03-01, 03-31, 04-30 (every 30 days), followed up 06-28;
               plus an invoice of 99,999, which is not a payment and must not count.
    B  erin's  5,000 on 2025-09-01 and 2025-11-30, 500 on 2026-02-28 (every 90 days);
               one complaint on 2026-06-10.
    C  dave's  one payment of 200 on 2024-01-15, never followed up.
    D  pool    nothing in the ledger.
    E  bob's   deleted; has a payment, must be left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kehu.customers.models import Customer, FollowUp, LedgerEntry
from kehu.service.models import Ticket

TODAY = dt.date(2026, 6, 30)
CUTOFFS = {"by": "amount", "key": 10000, "quality": 2000, "general": 100}


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + " 10:00"))


def _customer(name: str, owner: object, team: object) -> Customer:
    return Customer.objects.create(name=name, name_norm=name, owner=owner, team=team)


def _pay(customer: Customer, day: str, amount: int, kind: str = "receipt") -> None:
    LedgerEntry.objects.create(customer=customer, kind=kind, amount=Decimal(amount), date=dt.date.fromisoformat(day))


@pytest.fixture
def book(org: dict, settings) -> dict[str, Customer]:
    settings.KEHU_PYRAMID_CUTOFFS = CUTOFFS
    a = _customer("甲公司", org["bob"], org["east"])
    b = _customer("乙公司", org["erin"], org["east"])
    c = _customer("丙公司", org["dave"], org["north"])
    d = _customer("丁公司", None, None)
    e = _customer("戊公司", org["bob"], org["east"])
    for day in ("2026-03-01", "2026-03-31", "2026-04-30"):
        _pay(a, day, 1000)
    _pay(a, "2026-05-01", 99999, kind="invoice")
    FollowUp.objects.create(customer=a, channel="phone", content="回访", by=org["bob"], at=_at("2026-06-28"))
    for day, amount in (("2025-09-01", 5000), ("2025-11-30", 5000), ("2026-02-28", 500)):
        _pay(b, day, amount)
    Ticket.objects.create(number="T2026061000001", kind="complaint", channel="phone", title="投诉", customer=b,
                          created_at=_at("2026-06-10"))
    _pay(c, "2024-01-15", 200)
    _pay(e, "2026-06-01", 50000)
    Customer.objects.filter(pk=e.pk).update(deleted_at=timezone.now(), value_tier="general")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}
