"""Console pages: leads, conversion, the kanban board and its moves, the forecast."""

from __future__ import annotations

import datetime as dt

import pytest

from kehu.customers.services import customer_create
from kehu.sales.models import Lead, Opportunity
from kehu.sales.tests.conftest import make_lead, make_opportunity, qualified_lead, stage

pytestmark = pytest.mark.django_db


def test_a_new_lead_with_a_known_phone_shows_the_duplicate_with_a_link(web_as, bob) -> None:
    customer = customer_create(by=bob, data={"name": "上海浦江物流", "phone": "13800001111"})
    answer = web_as(bob).post("/sales/leads/new/", {"company": "浦江物流", "source": "phone",
                                                    "phone": "138 0000 1111"}, follow=True)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Possible duplicates" in page and customer.get_absolute_url() in page


def test_a_bad_phone_is_shown_on_the_form(web_as, bob) -> None:
    answer = web_as(bob).post("/sales/leads/new/", {"company": "某公司", "source": "phone", "phone": "12"})
    assert answer.status_code == 200 and "not a phone number" in answer.content.decode()
    assert not Lead.objects.exists()


def test_qualify_and_convert_through_the_pages(web_as, bob, pipelines) -> None:
    lead = make_lead(bob, contact_name="赵敏")
    web = web_as(bob)
    web.post(f"/sales/leads/{lead.pk}/qualify/", {"status": "qualified", "money": "yes", "authority": "yes",
                                                  "need": "unknown"})
    answer = web.post(f"/sales/leads/{lead.pk}/convert/", {"pipeline": pipelines["telemarketing"].pk,
                                                          "amount": "5000"}, follow=True)
    opportunity = Opportunity.objects.get()
    assert answer.redirect_chain[-1][0] == opportunity.get_absolute_url()
    assert "Converted" in answer.content.decode()
    history = web.get(f"{opportunity.customer.get_absolute_url()}?tab=history").content.decode()
    assert f"#{lead.pk}" in history and lead.company in history
    again = web.post(f"/sales/leads/{lead.pk}/convert/", {"pipeline": pipelines["telemarketing"].pk}, follow=True)
    assert "already been converted" in again.content.decode()
    assert Opportunity.objects.count() == 1


def test_another_teams_lead_and_opportunity_pages_are_404(web_as, bob, dave, pipelines) -> None:
    lead = make_lead(bob)
    opp = make_opportunity(bob, pipelines["telemarketing"])
    web = web_as(dave)
    assert web.get(f"/sales/leads/{lead.pk}/").status_code == 404
    assert web.get(f"/sales/opportunities/{opp.pk}/").status_code == 404
    assert web.post(f"/sales/opportunities/{opp.pk}/move/", {"stage": stage(opp.pipeline, "提议").pk}).status_code == 404


def test_the_board_shows_columns_with_sums_scoped_to_the_rep(web_as, bob, erin, carol, pipelines) -> None:
    tele = pipelines["telemarketing"]
    make_opportunity(bob, tele, "1200.50", title="鲍勃的商机")
    make_opportunity(bob, tele, "800", title="鲍勃的第二个")
    make_opportunity(erin, tele, "5000", title="艾琳的商机")
    bobs = web_as(bob).get(f"/sales/board/?pipeline={tele.pk}").content.decode()
    assert "鲍勃的商机" in bobs and "艾琳的商机" not in bobs
    assert "2,000.50" in bobs
    carols = web_as(carol).get(f"/sales/board/?pipeline={tele.pk}").content.decode()
    assert "艾琳的商机" in carols and "7,000.50" in carols
    only_erin = web_as(carol).get(f"/sales/board/?pipeline={tele.pk}&owner={erin.pk}").content.decode()
    assert "艾琳的商机" in only_erin and "鲍勃的商机" not in only_erin


def test_the_board_query_count_does_not_grow_with_cards(web_as, bob, pipelines, django_assert_max_num_queries) -> None:
    tele = pipelines["telemarketing"]
    for i in range(12):
        make_opportunity(bob, tele, str(100 * i))
    web = web_as(bob)
    with django_assert_max_num_queries(16):
        assert web.get(f"/sales/board/?pipeline={tele.pk}").status_code == 200


def test_a_dropped_card_is_moved_and_the_board_redrawn(web_as, bob, pipelines) -> None:
    tele = pipelines["telemarketing"]
    opp = make_opportunity(bob, tele, "3000")
    answer = web_as(bob).post(f"/sales/opportunities/{opp.pk}/move/", {"stage": stage(tele, "提议").pk},
                              HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and 'id="board"' in answer.content.decode()
    assert Opportunity.objects.get(pk=opp.pk).stage.name == "提议"


def test_dropping_a_closed_card_shows_the_refusal_on_the_board(web_as, bob, pipelines) -> None:
    tele = pipelines["telemarketing"]
    opp = make_opportunity(bob, tele)
    web = web_as(bob)
    web.post(f"/sales/opportunities/{opp.pk}/move/", {"stage": stage(tele, "成交").pk}, HTTP_HX_REQUEST="true")
    answer = web.post(f"/sales/opportunities/{opp.pk}/move/", {"stage": stage(tele, "开场").pk},
                      HTTP_HX_REQUEST="true")
    assert 'id="board-error"' in answer.content.decode() and "Reopen it" in answer.content.decode()
    assert Opportunity.objects.get(pk=opp.pk).stage.name == "成交"
    nonsense = web.post(f"/sales/opportunities/{opp.pk}/move/", {"stage": "abc"}, HTTP_HX_REQUEST="true")
    assert nonsense.status_code == 200 and "Choose a stage" in nonsense.content.decode()


def test_the_forecast_page_shows_the_weighted_total(web_as, bob, pipelines) -> None:
    tele = pipelines["telemarketing"]
    make_opportunity(bob, tele, "10000", expected_close=dt.date(2027, 5, 20))
    page = web_as(bob).get(f"/sales/forecast/?pipeline={tele.pk}").content.decode()
    assert "2027-05" in page and 'id="forecast-weighted">1,000.00<' in page
    assert "echarts-5.6.0.min.js" in page


def test_the_lead_pool_lists_only_unowned_leads(web_as, bob, erin) -> None:
    make_lead(erin, owner=None, company="无人认领的线索")
    qualified_lead(bob, company="鲍勃自己的线索")
    page = web_as(bob).get("/sales/leads/?owner=pool").content.decode()
    assert "无人认领的线索" in page and "鲍勃自己的线索" not in page
