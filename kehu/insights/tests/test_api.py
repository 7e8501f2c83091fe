"""GET /api/insights/customers/{id} and GET /api/insights/win-back."""

from __future__ import annotations

import pytest

from kehu.insights.services import insights_refresh

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(book: dict) -> dict:
    insights_refresh(today=TODAY)
    return book


def test_an_owner_reads_the_scores_and_reasons(refreshed: dict, api_as, org: dict) -> None:
    body = api_as(org["erin"]).get(f"/api/insights/customers/{refreshed['b'].pk}").json()
    assert (body["r"], body["f"], body["m"], body["tier"], body["lifecycle"]) == (2, 2, 4, "key", "current")
    assert (body["churn_risk"], body["churn_level"]) == (0.723, "high")
    assert [r["code"] for r in body["reasons"]] == ["overdue_vs_rhythm", "recent_complaints", "falling_spend"]
    assert body["reasons"][0]["data"] == {"code": "overdue_vs_rhythm", "days": 122, "usual_gap": 90}
    assert "122" in body["reasons"][0]["text"]


def test_a_customer_out_of_scope_answers_404(refreshed: dict, api_as, org: dict) -> None:
    response = api_as(org["dave"]).get(f"/api/insights/customers/{refreshed['b'].pk}")
    assert response.status_code == 404 and response.json()["message"]


def test_unknown_and_absurd_ids_answer_404(refreshed: dict, api_as, org: dict) -> None:
    client = api_as(org["frank"])
    assert client.get("/api/insights/customers/999999").status_code == 404
    assert client.get(f"/api/insights/customers/{2**70}").status_code == 404


def test_before_the_first_refresh_answers_404(book: dict, api_as, org: dict) -> None:
    assert api_as(org["erin"]).get(f"/api/insights/customers/{book['b'].pk}").status_code == 404


def test_without_a_token_answers_401(refreshed: dict, client) -> None:
    assert client.get(f"/api/insights/customers/{refreshed['b'].pk}").status_code == 401
    assert client.get("/api/insights/win-back").status_code == 401


def test_win_back_list_is_scoped_and_ordered(refreshed: dict, api_as, org: dict) -> None:
    body = api_as(org["frank"]).get("/api/insights/win-back").json()
    assert body["count"] == 2
    assert [i["name"] for i in body["items"]] == ["乙公司", "丙公司"]
    assert [i["name"] for i in api_as(org["dave"]).get("/api/insights/win-back").json()["items"]] == ["丙公司"]
    only_c = api_as(org["frank"]).get("/api/insights/win-back", tier="general").json()
    assert [i["name"] for i in only_c["items"]] == ["丙公司"]


def test_win_back_refuses_bad_filters(refreshed: dict, api_as, org: dict) -> None:
    client = api_as(org["frank"])
    assert client.get("/api/insights/win-back", tier="gold").status_code == 422
    assert client.get("/api/insights/win-back", limit=0).status_code == 422
    assert client.get("/api/insights/win-back", owner="x").status_code == 422
