"""Searching the knowledge base (the starter set a fresh database ships), on both databases."""

import pytest

from kehu.knowledge.models import Article
from kehu.search.scopes import search_as


def found(user, q):
    return [h.title for h in search_as(user, q, kinds=["article"]).hits]


@pytest.mark.parametrize("simplified, traditional", [
    ("电费", "電費"), ("账单", "帳單"), ("缴费方式", "繳費方式"), ("停电", "停電"), ("投诉", "投訴"),
])
def test_traditional_and_simplified_queries_find_the_same_articles(alice, simplified, traditional):
    hits = found(alice, simplified)
    assert hits and found(alice, traditional) == hits


def test_an_faq_entry_is_found_by_another_way_of_asking(alice):
    # "可以用微信交费吗" is one of the variants of the entry on ways to pay.
    assert found(alice, "微信交费")[0] == "有哪些缴费方式？"


def test_a_question_typed_as_a_sentence_finds_the_faq(alice):
    results = search_as(alice, "我想问一下怎么交电费呀", kinds=["article"])
    assert results.mode in ("words", "overlap")
    assert "有哪些缴费方式？" in [h.title for h in results.hits][:3]


def test_a_draft_is_found_only_by_its_author_and_approvers(alice, bob, carol):
    Article.objects.create(kind="faq", title="草稿：峰谷电价说明", body="峰谷电价的时段划分", status="draft",
                           created_by=bob)
    assert found(bob, "峰谷电价") == ["草稿：峰谷电价说明"]
    assert found(carol, "峰谷电价") == ["草稿：峰谷电价说明"]
    assert "草稿：峰谷电价说明" not in found(alice, "峰谷电价")


def test_the_knowledge_list_searches_through_the_index(web_as, alice):
    page = web_as(alice).get("/knowledge/", {"q": "繳費"}).content.decode()
    assert "有哪些缴费方式？" in page
