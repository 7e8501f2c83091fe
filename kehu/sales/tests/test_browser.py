"""A rep converts a qualified lead and drags the opportunity across the kanban, in a real browser."""

from __future__ import annotations

import os
import re

import pytest

from conftest import CHROMIUM_ARGS, log_in
from kehu.sales.models import Lead, Opportunity, StageChange
from kehu.sales.tests.conftest import make_lead, shipped_pipelines

# Playwright's sync API runs an event loop in the main thread; the ORM calls of this
# test run there too, outside that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect



def column(page, name: str):
    return page.locator(f"section.kcol[aria-label='{name}']")


@pytest.mark.browser
def test_rep_converts_a_qualified_lead_and_drags_the_opportunity_across_the_board(transactional_db, live_server,
                                                                                  org):
    shipped_pipelines()
    bob = org["bob"]
    lead = make_lead(bob, company="宁波甬江汽车配件有限公司", contact_name="陈立", phone="13857400001",
                     source="fair", notes="展会上留了名片，想换一套客服系统")
    base = live_server.url

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1600, "height": 900}, locale="en-US").new_page()
        page.set_default_timeout(10_000)
        log_in(page, base, "bob")

        # Qualify (MAN) and convert.
        page.goto(f"{base}/sales/leads/{lead.pk}/")
        form = page.locator("#qualify-form")
        form.locator("select[name=status]").select_option("qualified")
        for criterion in ("money", "authority", "need"):
            form.locator(f"select[name={criterion}]").select_option("yes")
        form.locator("input[name=need_note]").fill("现有系统不支持工单")
        form.get_by_role("button", name="Save qualification").click()
        expect(page.locator(".messages")).to_contain_text("Qualification saved.")
        expect(page.locator("#lead-status")).to_have_text("Qualified")

        convert = page.locator("#convert-form")
        convert.locator("select[name=pipeline]").select_option(label="电话营销")
        convert.locator("input[name=amount]").fill("36000")
        convert.locator("input[name=expected_close]").fill("2027-04-30")
        convert.get_by_role("button", name="Convert to customer and opportunity").click()
        expect(page).to_have_url(re.compile(r"/sales/opportunities/\d+/$"))
        expect(page.locator("#opp-stage")).to_have_text("开场")
        opportunity = Opportunity.objects.get(lead=lead)

        # The board: drag the card from 开场 to 了解需求, then to 提议.
        page.goto(f"{base}/sales/board/?pipeline={opportunity.pipeline_id}")
        card = page.locator(f"#opp-{opportunity.pk}")
        expect(column(page, "开场").locator(f"#opp-{opportunity.pk}")).to_be_visible()
        expect(column(page, "开场").locator(".col-sum")).to_have_text("36,000.00")
        for target in ("了解需求", "提议"):
            card.drag_to(column(page, target).locator(".kcards"))
            expect(column(page, target).locator(f"#opp-{opportunity.pk}")).to_be_visible()
            expect(column(page, target).locator(".col-sum")).to_have_text("36,000.00")
        expect(column(page, "开场").locator(".count-n")).to_have_text("0")

        # Won: the card goes to 成交; dragging it back is refused with a message and it stays.
        card.drag_to(column(page, "成交").locator(".kcards"))
        expect(column(page, "成交").locator(f"#opp-{opportunity.pk}")).to_be_visible()
        card.drag_to(column(page, "提议").locator(".kcards"))
        expect(page.locator("#board-error")).to_contain_text("Reopen it before moving it")
        expect(column(page, "成交").locator(f"#opp-{opportunity.pk}")).to_be_visible()
        browser.close()

    moves = [(c.from_stage.name if c.from_stage else None, c.to_stage.name, c.by.username)
             for c in StageChange.objects.filter(opportunity=opportunity).select_related("from_stage", "to_stage", "by")]
    assert moves == [(None, "开场", "bob"), ("开场", "了解需求", "bob"), ("了解需求", "提议", "bob"),
                     ("提议", "成交", "bob")]
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.status == "converted" and lead.customer.name == "宁波甬江汽车配件有限公司"
