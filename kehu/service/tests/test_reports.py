"""The service report page and its Excel export, on a small set of tickets computed by hand.

The period is 1–3 March 2026 (Asia/Shanghai); the report is looked at on 4 March, 12:00.

    T1  03-01 10:00  inquiry    phone   电费 › 电价咨询  answered +0 h (due 11:00, met)   resolved +2 h (due 18:00, met)
    T2  03-01 14:00  complaint  web     电费 › 电价咨询  answered +2 h (due 15:00, missed) resolved +24 h (due 03-02 12:00, missed)
    T3  03-02 09:00  repair     phone   停电报修         answered +0.5 h (due 10:00, met)  open, due 03-03 09:00: missed
    T4  03-03 00:30  complaint  wechat  —                open, both due after 4 March: not yet decided
    out 02-28 23:30 and 03-04 00:10 (inside the period in UTC, outside in Shanghai), and one merged into T1

    first response: met 2, missed 1 → 66.7 %; times 0, 2, 0.5 h → average 0.83, median 0.5
    resolution:     met 1, missed 2 → 33.3 %; times 2, 24 h → average 13, median 13
    complaints 2 of 4 live customers → 500 per 1,000; return visits scored 5 and 2 → 3.5, 50 % unsatisfied
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from kehu.customers.models import Customer
from kehu.service.models import ReturnVisit, Ticket, TicketCategory
from kehu.service.services import ticket_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERIOD = {"start": "2026-03-01", "end": "2026-03-03"}


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


LOOKED_AT = at(2026, 3, 4, 12, 0)


def make_ticket(by, when: dt.datetime, *, kind: str = "inquiry", channel: str = "phone", **fields) -> Ticket:
    """A ticket taken at `when`, then given exactly the response, resolution and due times of the table."""
    data = {"kind": kind, "channel": channel, "title": f"{kind} {when:%m-%d %H:%M}"}
    if "category" in fields:
        data["category_id"] = fields.pop("category").pk
    with time_machine.travel(when, tick=False):
        ticket = ticket_create(by=by, data=data)[0]
    defaults = {"first_responded_at": None, "resolved_at": None, "first_response_due": None, "resolution_due": None}
    Ticket.objects.filter(pk=ticket.pk).update(**{**defaults, **fields})
    return ticket


@pytest.fixture
def categories(db) -> dict[str, TicketCategory]:
    power = TicketCategory.objects.create(name="电费")
    return {"price": TicketCategory.objects.create(name="电价咨询", parent=power),
            "outage": TicketCategory.objects.create(name="停电报修")}


@pytest.fixture
def hand_set(bob, customer, categories) -> dict[str, Ticket]:
    """The tickets of the module docstring, taken by bob (east team); 4 live customers, 1 deleted."""
    t1 = make_ticket(bob, at(2026, 3, 1, 10), category=categories["price"],
                     first_responded_at=at(2026, 3, 1, 10), first_response_due=at(2026, 3, 1, 11),
                     resolved_at=at(2026, 3, 1, 12), resolution_due=at(2026, 3, 1, 18))
    t2 = make_ticket(bob, at(2026, 3, 1, 14), kind="complaint", channel="web", category=categories["price"],
                     first_responded_at=at(2026, 3, 1, 16), first_response_due=at(2026, 3, 1, 15),
                     resolved_at=at(2026, 3, 2, 14), resolution_due=at(2026, 3, 2, 12))
    t3 = make_ticket(bob, at(2026, 3, 2, 9), kind="repair", category=categories["outage"],
                     first_responded_at=at(2026, 3, 2, 9, 30), first_response_due=at(2026, 3, 2, 10),
                     resolution_due=at(2026, 3, 3, 9))
    t4 = make_ticket(bob, at(2026, 3, 3, 0, 30), kind="complaint", channel="wechat",
                     first_response_due=at(2026, 3, 5, 9), resolution_due=at(2026, 3, 6, 9))
    make_ticket(bob, at(2026, 2, 28, 23, 30), kind="complaint")
    make_ticket(bob, at(2026, 3, 4, 0, 10), kind="complaint")
    duplicate = make_ticket(bob, at(2026, 3, 1, 10, 5), kind="complaint")
    Ticket.objects.filter(pk=duplicate.pk).update(merged_into=t1, status="closed")
    for name in ("甲公司", "乙公司", "丙公司", "丁公司"):
        Customer.objects.create(name=name, name_norm=name, owner=bob,
                                deleted_at=timezone.now() if name == "丁公司" else None)
    ReturnVisit.objects.create(ticket=t1, due_at=at(2026, 3, 2, 10), status="done", reached=True, satisfaction=5)
    ReturnVisit.objects.create(ticket=t2, due_at=at(2026, 3, 3, 14), status="done", reached=True, satisfaction=2)
    ReturnVisit.objects.create(ticket=t3, due_at=at(2026, 3, 4, 9), status="pending")
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4}


def looked_at(web_as, user, path: str = "/service/reports/", **params):
    with time_machine.travel(LOOKED_AT, tick=False):
        return web_as(user).get(path, params, HTTP_ACCEPT_LANGUAGE="en")


def test_figures_equal_the_hand_computed_ones(web_as, frank, hand_set):
    page = looked_at(web_as, frank, **PERIOD)
    assert page.status_code == 200
    report = page.context["report"]
    assert report.total == 4 and report.complaints == 2
    assert [(r.label, r.count) for r in report.by_kind] == [("Complaint", 2), ("Inquiry", 1), ("Repair", 1)]
    assert [(r.label, r.count, r.percent) for r in report.by_channel] == [
        ("Phone", 2, 50.0), ("Web form", 1, 25.0), ("WeChat", 1, 25.0)]
    # Days are Shanghai days: T4 at 00:30 on 3 March is still 2 March in UTC.
    assert report.kinds == [("inquiry", "Inquiry"), ("repair", "Repair"), ("complaint", "Complaint")]
    assert report.daily_rows() == [(dt.date(2026, 3, 1), [1, 0, 1], 2), (dt.date(2026, 3, 2), [0, 1, 0], 1),
                                   (dt.date(2026, 3, 3), [0, 0, 1], 1)]
    first, resolution = report.sla
    assert (first.met, first.missed, first.pending) == (2, 1, 1)
    assert (resolution.met, resolution.missed, resolution.pending) == (1, 2, 1)
    assert first.attainment == pytest.approx(200 / 3) and resolution.attainment == pytest.approx(100 / 3)
    assert report.first_response.count == 3
    assert report.first_response.mean == pytest.approx(2.5 / 3) and report.first_response.median == 0.5
    assert (report.resolution.count, report.resolution.mean, report.resolution.median) == (2, 13.0, 13.0)
    assert [(r.label, r.count) for r in report.categories] == [("电费 › 电价咨询", 2), ("停电报修", 1)]
    assert (report.customers, report.complaint_rate) == (4, 500.0)
    sat = report.satisfaction
    assert (sat.scored, sat.mean, sat.unsatisfied, sat.unsatisfied_percent) == (2, 3.5, 1, 50.0)


def test_the_page_shows_the_figures_in_tables_and_chart_data(web_as, frank, hand_set):
    text = looked_at(web_as, frank, **PERIOD).content.decode()
    for shown in ("66.7%", "33.3%", "500.00", "3.50", "50.0%", "0.8", "13.0", "电费 › 电价咨询"):
        assert shown in text
    assert 'id="report-data"' in text and "echarts-5.6.0.min.js" in text
    assert "/service/reports/export/?start=2026-03-01&amp;end=2026-03-03" in text


def test_chart_data_is_escaped_not_marked_safe(web_as, frank, bob, categories):
    evil = TicketCategory.objects.create(name="</script><script>alert(1)</script>")
    make_ticket(bob, at(2026, 3, 1, 10), category=evil)
    text = looked_at(web_as, frank, **PERIOD).content.decode()
    assert "<script>alert(1)" not in text
    assert "\\u003C/script\\u003E" in text  # inside json_script
    assert "&lt;/script&gt;" in text  # in the table


def test_another_teams_rep_counts_only_what_he_can_see(web_as, frank, carol, dave, hand_set):
    make_ticket(dave, at(2026, 3, 2, 11), kind="complaint")
    assert looked_at(web_as, frank, **PERIOD).context["report"].total == 5
    assert looked_at(web_as, carol, **PERIOD).context["report"].total == 4  # her team: bob's tickets
    mine = looked_at(web_as, dave, **PERIOD).context["report"]
    assert (mine.total, mine.complaints, [r.label for r in mine.categories]) == (1, 1, [])
    assert mine.satisfaction.scored == 0
    # Not even through the team filter.
    assert looked_at(web_as, dave, team=bob_team(hand_set), **PERIOD).context["report"].total == 0


def bob_team(hand_set: dict[str, Ticket]) -> int:
    return hand_set["t1"].team_id


def test_filters_narrow_every_figure(web_as, frank, hand_set):
    complaints = looked_at(web_as, frank, kind="complaint", **PERIOD).context["report"]
    assert (complaints.total, complaints.complaints, complaints.first_response.count) == (2, 2, 1)
    phone = looked_at(web_as, frank, channel="phone", **PERIOD).context["report"]
    assert (phone.total, [r.met for r in phone.sla]) == (2, [2, 1])  # T1 and T3 met the first response
    team = looked_at(web_as, frank, team=bob_team(hand_set), **PERIOD).context["report"]
    assert team.total == 4


def test_the_default_period_is_the_last_30_days(web_as, frank, hand_set):
    page = looked_at(web_as, frank)
    report = page.context["report"]
    assert (report.start, report.end) == (dt.date(2026, 2, 3), dt.date(2026, 3, 4))
    assert len(report.days) == 30
    assert report.total == 6  # the four, the one of 28 February and the one of 4 March


def test_export_has_one_sheet_per_table_with_the_right_rows(web_as, frank, hand_set):
    response = looked_at(web_as, frank, "/service/reports/export/", **PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'attachment; filename="service-report-20260301-20260303.xlsx"' == response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["Summary", "Daily volume", "By channel", "By kind", "SLA", "Handling times",
                               "Top categories"]

    def rows(name: str) -> list[tuple]:
        return [tuple(row) for row in book[name].iter_rows(values_only=True)]

    assert rows("Daily volume") == [
        ("Date", "Inquiry", "Repair", "Complaint", "Total"),
        (dt.datetime(2026, 3, 1), 1, 0, 1, 2), (dt.datetime(2026, 3, 2), 0, 1, 0, 1),
        (dt.datetime(2026, 3, 3), 0, 0, 1, 1)]
    assert rows("By channel") == [("Channel", "Tickets", "Share (%)"), ("Phone", 2, 50), ("Web form", 1, 25),
                                  ("WeChat", 1, 25)]
    assert rows("By kind")[1:] == [("Complaint", 2, 50), ("Inquiry", 1, 25), ("Repair", 1, 25)]
    assert rows("SLA") == [("Target", "Met", "Missed", "Not yet due", "Attainment (%)"),
                           ("First response", 2, 1, 1, 66.67), ("Resolution", 1, 2, 1, 33.33)]
    assert rows("Handling times")[1:] == [("First response", 3, 0.83, 0.5), ("Resolution", 2, 13, 13)]
    assert rows("Top categories")[1:] == [("电费 › 电价咨询", 2, 50), ("停电报修", 1, 25)]
    summary = dict(rows("Summary")[1:])
    assert summary["Complaints per 1,000 customers"] == 500 and summary["Average satisfaction (1–5)"] == 3.5


def test_export_headers_follow_the_users_language(web_as, frank, hand_set):
    with time_machine.travel(LOOKED_AT, tick=False):
        response = web_as(frank).get("/service/reports/export/", {**PERIOD, "kind": "complaint"},
                                     HTTP_ACCEPT_LANGUAGE="zh-hans")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    # The sheet "By kind": its first header is the console's own “Kind”, translated as 类型.
    header = next(book.worksheets[3].iter_rows(values_only=True))
    assert header[0] == "类型"


def test_a_category_named_like_a_formula_stays_text(web_as, frank, bob):
    sneaky = TicketCategory.objects.create(name="=HYPERLINK(\"http://x\")")
    make_ticket(bob, at(2026, 3, 1, 10), category=sneaky)
    response = looked_at(web_as, frank, "/service/reports/export/", **PERIOD)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cell = book["Top categories"]["A2"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"


@pytest.mark.parametrize(("params", "message"), [
    ({"start": "2026-13-01", "end": "2026-03-03"}, "From: Enter a valid date."),
    ({"start": "yesterday", "end": "2026-03-03"}, "From: Enter a valid date."),
    ({"start": "2026-02-30", "end": "2026-03-03"}, "From: Enter a valid date."),
    ({"start": "2026-03-05", "end": "2026-03-01"}, "The start date is after the end date."),
    ({"start": "2025-01-01", "end": "2026-03-03"}, "A report covers at most 366 days"),
    ({"start": "9999-12-30", "end": "9999-12-31"}, "To: Ensure this value is less than or equal to"),
    ({**PERIOD, "kind": "gossip"}, "Kind: Select a valid choice."),
    ({**PERIOD, "channel": "telepathy"}, "Channel: Select a valid choice."),
    ({**PERIOD, "team": "abc"}, "Team: Select a valid choice."),
    ({**PERIOD, "team": "99999"}, "Team: Select a valid choice."),
])
def test_bad_filters_give_a_message_not_an_error(web_as, frank, params, message):
    page = looked_at(web_as, frank, **params)
    assert page.status_code == 200 and page.context["report"] is None
    assert message in page.content.decode()
    export = looked_at(web_as, frank, "/service/reports/export/", **params)
    assert export.status_code == 400 and message in export.content.decode()


def test_a_full_year_is_allowed(web_as, frank, hand_set):
    report = looked_at(web_as, frank, start="2025-03-04", end="2026-03-04").context["report"]
    assert len(report.days) == 366 and report.total == 6


def test_an_empty_period_says_so(web_as, frank, hand_set):
    page = looked_at(web_as, frank, start="2026-01-01", end="2026-01-31")
    assert page.context["report"].total == 0 and page.context["charts"] is None
    assert "No tickets in this period." in page.content.decode()


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get("/service/reports/").status_code == 302
    assert client.get("/service/reports/export/").status_code == 302


def _queries(client, params: dict) -> int:
    with time_machine.travel(LOOKED_AT, tick=False), CaptureQueriesContext(connection) as queries:
        assert client.get("/service/reports/", params).status_code == 200
    return len(queries)


def test_the_page_runs_the_same_number_of_queries_for_5_and_50_tickets(web_as, carol, bob, org, categories):
    with time_machine.travel(LOOKED_AT, tick=False):
        client = web_as(carol)  # a supervisor: her scope reads the team tree too
    params = {**PERIOD, "team": org["east"].pk}

    def add(count: int) -> None:
        for i in range(count):
            ticket = make_ticket(bob, at(2026, 3, 1 + i % 3, 9 + i % 8), kind=("complaint", "repair")[i % 2],
                                 category=categories[("price", "outage")[i % 2]],
                                 first_responded_at=at(2026, 3, 1 + i % 3, 10), resolved_at=at(2026, 3, 3, 18),
                                 first_response_due=at(2026, 3, 1 + i % 3, 11), resolution_due=at(2026, 3, 3, 12))
            if i % 3 == 0:
                ReturnVisit.objects.create(ticket=ticket, due_at=at(2026, 3, 4, 9), satisfaction=1 + i % 5)

    add(5)
    _queries(client, params)  # warm the per-process caches (role policy)
    few = _queries(client, params)
    add(45)
    many = _queries(client, params)
    assert Ticket.objects.count() == 50
    # session, user, carol's team tree (2), the team filter, the seven figures, the team list
    assert many == few <= 13
