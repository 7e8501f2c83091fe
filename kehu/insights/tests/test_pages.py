"""The dashboard and the win-back list, per role: each sees only the customers in scope."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kehu.customers.models import FollowUp
from kehu.insights.services import insights_refresh
from kehu.service.choices import TicketKind
from kehu.service.models import Ticket

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(book: dict) -> dict:
    insights_refresh(today=TODAY)
    return book


def _names(response) -> list[str]:
    return [i.customer.name for i, _reasons in response.context["rows"]]


def test_a_rep_sees_only_their_own_customers_in_the_win_back_list(refreshed: dict, web_as, org: dict) -> None:
    # B (erin's) and C (dave's) are at high risk; A is not, D never bought.
    assert _names(web_as(org["erin"]).get("/insights/win-back/")) == ["乙公司"]
    assert _names(web_as(org["dave"]).get("/insights/win-back/")) == ["丙公司"]
    assert _names(web_as(org["bob"]).get("/insights/win-back/")) == []


def test_a_manager_sees_everyone_most_valuable_first(refreshed: dict, web_as, org: dict) -> None:
    response = web_as(org["frank"]).get("/insights/win-back/")
    assert _names(response) == ["乙公司", "丙公司"]
    html = response.content.decode()
    assert "122" in html and "90" in html  # the reasons, in words


def test_the_supervisor_sees_her_team_only(refreshed: dict, web_as, org: dict) -> None:
    assert _names(web_as(org["carol"]).get("/insights/win-back/")) == ["乙公司"]


def test_win_back_filters(refreshed: dict, web_as, org: dict) -> None:
    client = web_as(org["frank"])
    assert _names(client.get("/insights/win-back/", {"tier": "general"})) == ["丙公司"]
    assert _names(client.get("/insights/win-back/", {"owner": org["erin"].pk})) == ["乙公司"]
    assert _names(client.get("/insights/win-back/", {"team": org["north"].pk})) == ["丙公司"]


def test_a_bad_filter_is_reported_not_a_crash(refreshed: dict, web_as, org: dict) -> None:
    response = web_as(org["frank"]).get("/insights/win-back/", {"team": "abc", "tier": "gold"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"team", "tier"}


def test_win_back_export_to_excel(refreshed: dict, web_as, org: dict) -> None:
    response = web_as(org["erin"]).get("/insights/win-back/export/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "乙公司"
    assert "122" in rows[1][-1]


def test_pages_need_a_login(client) -> None:
    for path in ("/insights/", "/insights/win-back/", "/insights/data/tiers.csv"):
        assert client.get(path).status_code == 302


def _chart(response, key: str) -> list[list]:
    return next(c.rows for c in response.context["charts"] if c.key == key)


def test_dashboard_counts_the_pyramid_and_states_in_scope(refreshed: dict, web_as, org: dict) -> None:
    response = web_as(org["frank"]).get("/insights/")
    assert response.status_code == 200
    # Live customers A..D: one each of key (B), quality (A), general (C), marginal (D).
    assert [n for _label, n in _chart(response, "tiers")] == [1, 1, 1, 1]
    # potential D, current A and B, past none, lost C.
    assert [n for _label, n in _chart(response, "states")] == [1, 2, 0, 1]
    assert [n for _label, n in _chart(response, "churn")] == [2, 0, 2]


def test_ticket_trend_counts_this_month_by_kind(refreshed: dict, web_as, org: dict) -> None:
    Ticket.objects.create(number="T1", kind="repair", channel="phone", title="报修", customer=refreshed["c"])
    Ticket.objects.create(number="T2", kind="repair", channel="phone", title="报修", customer=refreshed["b"])
    this_month = timezone.localdate().strftime("%Y-%m")
    repair = 1 + [code for code, _label in TicketKind.choices].index("repair")
    rows = {row[0]: row for row in _chart(web_as(org["frank"]).get("/insights/"), "tickets")}
    assert len(rows) == 12 and rows[this_month][repair] == 2
    # dave sees the tickets of his own customer only.
    rows = {row[0]: row for row in _chart(web_as(org["dave"]).get("/insights/"), "tickets")}
    assert rows[this_month][repair] == 1


def test_dashboard_of_a_rep_counts_their_customers_and_the_pool(refreshed: dict, web_as, org: dict) -> None:
    response = web_as(org["dave"]).get("/insights/")
    # dave sees C (general) and the pool customer D (marginal).
    assert [n for _label, n in _chart(response, "tiers")] == [0, 0, 1, 1]


def test_each_chart_downloads_as_csv(refreshed: dict, web_as, org: dict) -> None:
    client = web_as(org["frank"])
    for _ in range(2):
        FollowUp.objects.create(customer=refreshed["c"], channel="visit", content="拜访", by=org["dave"])
    FollowUp.objects.create(customer=refreshed["a"], channel="phone", content="电话", by=org["bob"],
                            at=timezone.now() - dt.timedelta(days=120))  # too old to count
    response = client.get("/insights/data/followups.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[1:] == [["Dave", "2"]]
    tiers = list(csv.reader(io.StringIO(client.get("/insights/data/tiers.csv").content.decode("utf-8-sig"))))
    assert [r[1] for r in tiers[1:]] == ["1", "1", "1", "1"]
    assert client.get("/insights/data/nothing.csv").status_code == 404


def _queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_win_back_list_query_count_does_not_grow_with_rows(refreshed: dict, web_as, org: dict) -> None:
    from .conftest import _customer, _pay

    client = web_as(org["frank"])
    client.get("/insights/win-back/")  # warms the per-process role-policy cache
    before = _queries(client, "/insights/win-back/")
    for i in range(5):
        _pay(_customer(f"己{i}公司", org["erin"], org["east"]), "2023-01-01", 100 + i)
    insights_refresh(today=TODAY)
    response = client.get("/insights/win-back/")
    assert len(response.context["rows"]) == 7
    assert _queries(client, "/insights/win-back/") == before
