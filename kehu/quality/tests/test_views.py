"""Pages: a ticket can be scored too; list pages answer in a fixed number of queries."""

from __future__ import annotations

import pytest

from kehu.quality.models import Evaluation
from kehu.quality.services import evaluation_create, evaluation_score
from kehu.quality.tests.conftest import full_marks, make_call
from kehu.service.models import Ticket


def test_a_ticket_is_scored_from_the_queue(form, amy, carol, english_web) -> None:
    ticket = Ticket.objects.create(number="T2026111600001", kind="complaint", channel="phone",
                                   title="抄表数据有误", assignee=amy)
    web = english_web(carol)
    response = web.post("/quality/start/", {"ticket": "T2026111600001"})
    evaluation = Evaluation.objects.get(ticket=ticket)
    assert response.url == f"/quality/evaluations/{evaluation.pk}/"
    page = web.get(response.url).content.decode()
    assert "T2026111600001" in page and "No recording." in page and 'id="score-form"' in page
    # Starting it again leads to the same evaluation.
    assert web.post("/quality/start/", {"ticket": "T2026111600001"}).url == response.url


def test_saving_a_draft_keeps_the_values_and_shows_the_running_total(form, amy, carol, english_web) -> None:
    evaluation = evaluation_create(by=carol, interaction=make_call(amy))
    item = form.items.get(name="倾听")
    web = english_web(carol)
    response = web.post(f"/quality/evaluations/{evaluation.pk}/score/", {f"item-{item.pk}": "12.5", "save": "1"},
                        follow=True)
    html = response.content.decode()
    assert "Draft saved." in html and 'value="12.5"' in html and "12.50%" in html  # 12.5 of 100 points
    evaluation.refresh_from_db()
    assert evaluation.status == "draft"


@pytest.mark.parametrize("path", ["/quality/", "/quality/mine/", "/quality/library/"])
def test_list_pages_query_count_is_fixed(form, amy, carol, english_web, django_assert_max_num_queries, path):
    for _ in range(15):
        evaluation = evaluation_create(by=carol, interaction=make_call(amy))
        if path != "/quality/":
            evaluation_score(evaluation=evaluation, by=carol, items=full_marks(form), submit=True)
    web = english_web(amy if path == "/quality/mine/" else carol)
    with django_assert_max_num_queries(14):
        assert web.get(path).status_code == 200
