"""A rep's day in a real browser: convert a qualified lead, drag the opportunity across the
kanban, plan, check in and record a visit, then draft and submit the daily report that lists it all."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from conftest import CHROMIUM_ARGS, log_in
from kehu.fieldwork.models import Visit, WorkReport
from kehu.sales.models import Opportunity
from kehu.sales.tests.conftest import qualified_lead, shipped_pipelines

# Playwright's sync API runs an event loop in the main thread; the ORM calls of this
# test run there too, outside that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

COMPANY = "宁波甬江汽车配件有限公司"


def column(page, name: str):
    return page.locator(f"section.kcol[aria-label='{name}']")


@pytest.mark.browser
def test_rep_converts_moves_visits_and_submits_a_daily_report_that_lists_it_all(transactional_db, live_server,
                                                                                org):
    shipped_pipelines()
    bob = org["bob"]
    lead = qualified_lead(bob, company=COMPANY, contact_name="陈立", phone="13857400001", source="fair")
    base = live_server.url
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1600, "height": 900}, locale="en-US").new_page()
        page.set_default_timeout(10_000)
        log_in(page, base, "bob")

        # Convert the qualified lead in the sales pages.
        page.goto(f"{base}/sales/leads/{lead.pk}/")
        convert = page.locator("#convert-form")
        convert.locator("select[name=pipeline]").select_option(label="电话营销")
        convert.locator("input[name=amount]").fill("36000")
        convert.get_by_role("button", name="Convert to customer and opportunity").click()
        expect(page).to_have_url(re.compile(r"/sales/opportunities/\d+/$"))
        opportunity = Opportunity.objects.get(lead=lead)

        # Drag the opportunity from 开场 to 了解需求 on the board.
        page.goto(f"{base}/sales/board/?pipeline={opportunity.pipeline_id}")
        card = page.locator(f"#opp-{opportunity.pk}")
        expect(column(page, "开场").locator(f"#opp-{opportunity.pk}")).to_be_visible()
        card.drag_to(column(page, "了解需求").locator(".kcards"))
        expect(column(page, "了解需求").locator(f"#opp-{opportunity.pk}")).to_be_visible()

        # Plan the visit from the customer, with the phone appointment confirmed.
        page.goto(f"{base}/fieldwork/visits/new/?customer={opportunity.customer_id}")
        form = page.locator("#visit-form")
        expect(form.locator("select[name=customer]")).to_have_value(str(opportunity.customer_id))
        form.locator("select[name=contact]").select_option(label="陈立")
        form.locator("select[name=opportunity]").select_option(str(opportunity.pk))
        form.locator("input[name=purpose]").fill("了解现有客服系统，演示工单模块")
        form.locator("select[name=appointment]").select_option("confirmed")
        form.get_by_role("button", name="Plan the visit").click()
        expect(page.locator(".messages")).to_contain_text("Visit planned.")
        expect(page.locator("#visit-status")).to_have_text("Planned")
        expect(page.locator("#visit-appointment")).to_have_text("Appointment confirmed")

        # On site: check in, then record the visit with the next appointment.
        page.locator("#check-in-form input[name=location]").fill("宁波市鄞州区天童南路 588 号")
        page.get_by_role("button", name="Check in now").click()
        expect(page.locator("#visit-status")).to_have_text("Checked in")
        expect(page.locator("#checked-in")).to_contain_text("天童南路")
        record = page.locator("#record-form")
        record.locator("input[name=met_whom]").fill("陈立（采购经理）")
        record.locator("textarea[name=needs]").fill("工单要能派到售后网点")
        record.locator("textarea[name=objections]").fill("担心价格太高")
        record.locator("textarea[name=outcome]").fill("同意下周试用")
        record.locator("input[name=next_visit_date]").fill(tomorrow.isoformat())
        record.locator("input[name=next_visit_content]").fill("带报价单上门")
        record.get_by_role("button", name="Save the record").click()
        expect(page.locator(".messages")).to_contain_text("Visit recorded.")
        expect(page.locator("#visit-status")).to_have_text("Recorded")
        expect(page.locator("#next-visit")).to_have_text(tomorrow.isoformat())

        # The day plan shows the visit; tomorrow's plan holds the next one.
        page.goto(f"{base}/fieldwork/visits/")
        expect(page.locator("#route")).to_contain_text(COMPANY)
        page.locator("#next-day").click()
        expect(page.locator("#route")).to_contain_text("带报价单上门")

        # Draft today's report: it lists the conversion, the new customer, the move and the visit.
        page.goto(f"{base}/fieldwork/reports/")
        page.locator("#new-daily").click()
        page.get_by_role("button", name="Draft the report").click()
        expect(page).to_have_url(re.compile(r"/fieldwork/reports/\d+/$"))
        expect(page.locator("#report-status")).to_have_text("Draft")
        expect(page.locator("#list-leads_converted")).to_contain_text(COMPANY)
        expect(page.locator("#list-new_customers")).to_contain_text(COMPANY)
        expect(page.locator("#list-stage_moves")).to_contain_text("开场 → 了解需求")
        expect(page.locator("#list-visits")).to_contain_text(COMPANY)
        expect(page.locator("#list-visits")).to_contain_text("同意下周试用")
        expect(page.locator("#count-visits b")).to_have_text("1")
        expect(page.locator("#count-stage_moves b")).to_have_text("1")

        page.locator("#body-form textarea[name=body]").fill("今天转化了甬江汽配，明天带报价单再去。")
        page.locator("#submit-report").click()
        expect(page.locator(".messages")).to_contain_text("Report submitted to your supervisor.")
        expect(page.locator("#report-status")).to_have_text("Submitted")
        expect(page.locator("#body")).to_contain_text("明天带报价单再去")
        expect(page.locator("#list-stage_moves")).to_contain_text("开场 → 了解需求")
        expect(page.locator("#body-form")).to_have_count(0)
        browser.close()

    report = WorkReport.objects.get(author=bob)
    assert report.status == "submitted" and report.reviewer == org["carol"]
    assert [v["customer"] for v in report.figures["visits"]] == [COMPANY]
    assert [(m["from"], m["to"]) for m in report.figures["stage_moves"]] == [("开场", "了解需求")]
    visits = list(Visit.objects.filter(rep=bob).order_by("id"))
    assert [(v.status, v.planned_date) for v in visits] == [("recorded", timezone.localdate()), ("planned", tomorrow)]
