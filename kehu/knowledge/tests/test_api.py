"""The knowledge base's JSON API."""

from __future__ import annotations

import pytest
from django.test import Client

from kehu.knowledge import services
from kehu.knowledge.models import Article


@pytest.mark.parametrize("method,path", [
    ("get", "/api/knowledge/articles"), ("get", "/api/knowledge/articles/1"),
    ("post", "/api/knowledge/articles/1/rating"), ("post", "/api/knowledge/render"),
])
def test_the_api_needs_authentication(db, method, path):
    response = getattr(Client(), method)(path, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["message"]


def test_list_filters_by_kind_type_and_request_kind(api_as, alice):
    body = api_as(alice).get("/api/knowledge/articles", kind="strategy", customer_type="irritable").json()
    assert [a["title"] for a in body["results"]] == ["应对易怒型客户"] and body["count"] == 1
    body = api_as(alice).get("/api/knowledge/articles", kind="script", kind_code="complaint").json()
    assert "投诉处理五步法" in [a["title"] for a in body["results"]]
    faq = api_as(alice).get("/api/knowledge/articles", kind="faq", q="户号").json()["results"]
    assert "忘记户号怎么查？" in [a["title"] for a in faq]
    assert all(len(a["variants"]) >= 2 for a in faq)


def test_a_traditional_query_finds_the_same_articles(api_as, alice):
    simplified = api_as(alice).get("/api/knowledge/articles", q="停电").json()
    traditional = api_as(alice).get("/api/knowledge/articles", q="停電").json()
    assert simplified["count"] > 0 and simplified == traditional


def test_agents_get_published_articles_only_approvers_also_drafts(api_as, alice, carol, alice_draft):
    assert api_as(alice).get("/api/knowledge/articles", q="阿丽丝的草稿").json()["count"] == 0
    assert api_as(alice).get(f"/api/knowledge/articles/{alice_draft.pk}").status_code == 404
    assert api_as(carol).get("/api/knowledge/articles", q="阿丽丝的草稿").json()["count"] == 1
    one = api_as(carol).get(f"/api/knowledge/articles/{alice_draft.pk}").json()
    assert (one["status"], one["url"]) == ("draft", f"/knowledge/{alice_draft.pk}/")


def test_rating_counts_one_vote_per_agent(api_as, alice, bob):
    article = Article.objects.get(title="投诉处理五步法")
    path = f"/api/knowledge/articles/{article.pk}/rating"
    api_as(alice).post(path, {"helped": True})
    api_as(bob).post(path, {"helped": True})
    body = api_as(alice).post(path, {"helped": False, "comment": "客户还是挂了"}).json()
    assert (body["helped_count"], body["not_helped_count"]) == (1, 1)
    assert api_as(alice).post(path, {"helped": "maybe"}).status_code == 422


def test_render_fills_a_template_from_a_ticket_with_the_phone_masked_for_an_agent(api_as, alice, bob, template,
                                                                                   ticket):
    payload = {"template_id": template.pk, "ticket_id": ticket.pk}
    body = api_as(alice).post("/api/knowledge/render", payload).json()
    assert body["text"].startswith(f"张<b>伟</b>您好，工单{ticket.number}（电费多扣）已受理，电话138****5678。")
    assert body["subject"] == f"工单{ticket.number}"
    assert "{customer.__class__}" in body["unknown"] and "{customer.__class__}" in body["text"]
    assert "13812345678" in api_as(bob).post("/api/knowledge/render", payload).json()["text"]


def test_render_refuses_what_is_not_a_template_or_not_visible(api_as, alice, dave, template, ticket):
    faq = Article.objects.filter(kind="faq").first()
    assert api_as(alice).post("/api/knowledge/render", {"template_id": faq.pk}).status_code == 422
    assert api_as(dave).post("/api/knowledge/render",
                             {"template_id": template.pk, "ticket_id": ticket.pk}).status_code == 404
    assert api_as(alice).post("/api/knowledge/render", {"template_id": 2**63}).status_code == 422
    assert api_as(alice).post("/api/knowledge/render", {"template_id": 999999}).status_code == 404


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": "x"}, {"q": "电" * 300}, {"offset": -1}])
def test_bad_list_parameters_are_422_not_500(api_as, alice, params):
    response = api_as(alice).get("/api/knowledge/articles", **params)
    assert response.status_code == 422 and response.json()["message"]


def test_unknown_filter_values_just_find_nothing(api_as, alice):
    assert api_as(alice).get("/api/knowledge/articles", kind="nonsense").json() == {"count": 0, "results": []}


def test_a_draft_edit_of_a_published_article_is_not_served(api_as, alice, carol):
    article = Article.objects.get(title="投诉处理五步法")
    services.article_update(article=article, by=carol, body="尚未批准的新文字")
    assert api_as(alice).get(f"/api/knowledge/articles/{article.pk}").json()["body"] == article.body
