"""The funnel (entries → attempted → connected → success) against hand-counted numbers, and the Excel export."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from kehu.outbound import reports, services
from kehu.outbound.tests.conftest import NOW, load, make_campaign, phones


def call(campaign, agent, outcome, now=NOW, **extra):
    entry = services.entry_next(campaign=campaign, agent=agent, now=now)
    services.attempt_record(entry=entry, agent=agent, outcome=outcome, now=now, **extra)
    return entry


def worked_campaign(carol, alice, amy):
    """10 entries, all due at NOW, handed out oldest first (then by id).

    NOW:    alice e0 no answer, e1 no answer, e2 sale, e3 refused, e4 appointment;
            amy e5 wrong number, e6 connected, e7 busy.
    +61 min: alice e8 sale, amy e9 no answer, alice e0 (its retry) sale.
    By hand: entries 10; attempted 10 (alice 6, amy 4); connected e0 e2 e3 e4 e6 e8 = 6
    (alice 5, amy 1); success e0 e2 e4 e8 = 4 (alice 4, amy 0); calls 11 (alice 7, amy 4).
    """
    campaign = make_campaign(carol, [alice, amy], retry_minutes=60)
    load(campaign, carol, phones(10))
    first = call(campaign, alice, "no_answer")
    for outcome in ("no_answer", "sale", "refused", "appointment"):
        call(campaign, alice, outcome)
    for outcome in ("wrong_number", "connected", "busy"):
        call(campaign, amy, outcome)
    later = NOW + dt.timedelta(minutes=61)
    call(campaign, alice, "sale", now=later)
    call(campaign, amy, "no_answer", now=later)
    retried = call(campaign, alice, "sale", now=later)
    assert retried.pk == first.pk
    return campaign


def test_the_funnel_counts_entries_not_calls(carol, alice, amy) -> None:
    campaign = worked_campaign(carol, alice, amy)
    funnel = reports.campaign_funnel(campaign)
    assert (funnel.entries, funnel.attempted, funnel.connected, funnel.success, funnel.calls) == (10, 10, 6, 4, 11)
    assert funnel.rates == {"attempted": 1.0, "connected": 0.6, "success": 0.6667, "conversion": 0.4}


def test_the_funnel_per_agent(carol, alice, amy) -> None:
    campaign = worked_campaign(carol, alice, amy)
    rows = {r.agent: (r.attempted, r.connected, r.success, r.calls) for r in reports.agent_funnels(campaign)}
    assert rows == {"Alice": (6, 5, 4, 7), "Amy": (4, 1, 0, 4)}
    only = reports.agent_funnels(campaign, only=amy)
    assert [(r.agent, r.success) for r in only] == [("Amy", 0)]


def test_an_empty_campaign_has_no_rates_rather_than_a_division_by_zero(carol, alice) -> None:
    funnel = reports.campaign_funnel(make_campaign(carol, [alice]))
    assert funnel.entries == 0 and funnel.rates["conversion"] is None


def test_the_excel_export_holds_the_funnel_every_entry_and_every_attempt(carol, alice, amy, tmp_path, english) -> None:
    campaign = worked_campaign(carol, alice, amy)
    path = reports.export_campaign(campaign=campaign, user=carol, path=tmp_path / "c.xlsx")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Funnel", "Entries", "Attempts"]
    funnel = list(book["Funnel"].iter_rows(values_only=True))
    assert funnel[4][:6] == ("All agents", 10, 10, 6, 4, 11)
    assert ("Alice", 0, 6, 5, 4, 7) in [r[:6] for r in funnel]
    entries = list(book["Entries"].iter_rows(values_only=True))
    assert len(entries) == 11 and entries[0][:3] == ("Number", "Name", "Phone")
    assert entries[1][2] == phones(1)[0]  # carol supervises: unmasked
    attempts = list(book["Attempts"].iter_rows(values_only=True))
    assert len(attempts) == 12
    assert [r[3] for r in attempts[1:]].count("Sale") == 3
