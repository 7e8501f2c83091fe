"""A supervisor builds a short survey with skip logic in the browser; a customer answers it
through the public link, an agent through a phone interview (CATI); the scores update."""

from __future__ import annotations

import os

import pytest

from conftest import CHROMIUM_ARGS, log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM checks below run beside Playwright's loop

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect



def add_question(page, **fields: str) -> None:
    form = page.locator("#question-form")
    for name, value in fields.items():
        if name in ("type", "scale", "show_if_op", "end_if_op"):
            form.locator(f"#id_{name}").select_option(value)
        elif name in ("required", "csat"):
            form.locator(f"#id_{name}").set_checked(value == "on")
        else:
            form.locator(f"#id_{name}").fill(value)
    form.get_by_role("button", name="Add").click()
    expect(page.locator(".messages")).to_contain_text("Question added.")


@pytest.mark.browser
def test_survey_built_answered_by_link_and_by_phone_updates_scores(transactional_db, live_server, org):
    from kehu.surveys.models import Response

    base = live_server.url
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, base, "carol")

        page.goto(f"{base}/surveys/")
        page.fill("input[name=name]", "Repair follow-up")
        page.get_by_role("button", name="New survey").click()
        expect(page.locator("h1")).to_contain_text("Repair follow-up")
        add_question(page, type="rating", code="Q1", text_zh="您对维修服务满意吗？", text_en="Were you satisfied with the repair?",
                     scale="1-5", required="on", csat="on")
        add_question(page, type="text", code="Q2", text_zh="哪里不满意？", text_en="What went wrong?", required="on",
                     show_if_q="Q1", show_if_op="lte", show_if_value="2")
        add_question(page, type="nps", code="Q3", text_zh="推荐意愿", text_en="Would you recommend us?", required="off")
        page.get_by_role("button", name="Publish").click()
        expect(page.locator(".messages")).to_contain_text("Version 1 is published")
        link = page.locator("#public-link").get_attribute("href")

        # A customer answers through the public link; the follow-up appears only for a low rating.
        customer = browser.new_context(locale="en-US").new_page()
        customer.set_default_timeout(10_000)
        customer.goto(link)
        expect(customer.locator("#q-Q2")).to_have_count(0)
        customer.locator("#q-Q1 input[value='2']").check()
        expect(customer.locator("#q-Q2")).to_be_visible()  # skip logic, applied as they click
        customer.locator("#q-Q1 input[value='5']").check()
        expect(customer.locator("#q-Q2")).to_have_count(0)
        customer.locator("#q-Q3 input[value='10']").check()
        customer.get_by_role("button", name="Submit").click()
        expect(customer.locator(".done")).to_contain_text("Thank you")

        # An agent interviews a customer by phone, one question at a time.
        agent = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US").new_page()
        agent.set_default_timeout(10_000)
        log_in(agent, base, "alice")
        agent.goto(f"{base}/surveys/")
        agent.get_by_role("link", name="Repair follow-up").click()
        agent.get_by_role("button", name="Start a phone interview (CATI)").click()
        expect(agent.locator("legend")).to_contain_text("Were you satisfied with the repair?")
        agent.locator("input[name=q-Q1][value='1']").check()
        agent.get_by_role("button", name="Next").click()
        expect(agent.locator("legend")).to_contain_text("What went wrong?")
        agent.fill("textarea[name=q-Q2]", "师傅迟到两小时")
        agent.get_by_role("button", name="Next").click()
        expect(agent.locator("legend")).to_contain_text("Would you recommend us?")
        agent.locator("input[name=q-Q3][value='3']").check()
        agent.get_by_role("button", name="Next").click()
        expect(agent.locator("#cati-status")).to_contain_text("Completed")

        # Two completed: CSAT 1 of 2 in the top-two box = 50 %; NPS (1 promoter − 1 detractor)/2 = 0.
        page.reload()
        expect(page.locator("#completed")).to_have_text("2")
        expect(page.locator("#csat")).to_have_text("50.0")
        expect(page.locator("#nps")).to_have_text("0.0")
        browser.close()
    assert sorted(Response.objects.values_list("channel", "status")) == [("cati", "completed"), ("web", "completed")]
