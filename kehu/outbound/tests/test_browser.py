"""An agent works the call screen in a real browser: next contact → outcome → next contact."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from conftest import CHROMIUM_ARGS, log_in
from kehu.knowledge.models import Article
from kehu.outbound.models import Attempt, CampaignEntry
from kehu.outbound.tests.conftest import load, make_campaign

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect


@pytest.mark.browser
def test_agent_takes_a_contact_records_the_outcome_and_takes_the_next(transactional_db, live_server, org):
    carol, alice = org["carol"], org["alice"]
    script = Article.objects.create(kind="script", title="关怀回访话术", status="published",
                                    body="您好，这里是客服中心，想了解您最近的用电情况。")
    # All day, every day: the browser runs on the real clock.
    campaign = make_campaign(carol, [alice], script=script.pk, call_from="00:00", call_until="23:59:59")
    load(campaign, carol, ["13800138000", "13900139000"])
    base = live_server.url

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US").new_page()
        page.set_default_timeout(10_000)
        log_in(page, base, "alice")
        page.goto(f"{base}/outbound/campaigns/")
        page.locator("#campaign-table").get_by_role("link", name="Work", exact=True).click()
        expect(page.locator("#script")).to_contain_text("想了解您最近的用电情况")

        page.locator("#next-button").click()
        expect(page.locator("#entry-phone")).to_have_text("13800138000")
        expect(page.locator("#entry-history")).to_contain_text("Not called yet.")
        form = page.locator("#outcome-form")
        form.locator("select[name=outcome]").select_option("callback")
        tomorrow = (dt.datetime.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT10:30")
        form.locator("input[name=callback_at]").fill(tomorrow)
        form.locator("textarea[name=note]").fill("客户在开会，明早再打")
        form.get_by_role("button", name="Record outcome").click()
        expect(page.locator(".messages")).to_contain_text("Outcome recorded.")

        page.locator("#next-button").click()
        expect(page.locator("#entry-phone")).to_have_text("13900139000")
        form.locator("select[name=outcome]").select_option("sale")
        form.get_by_role("button", name="Record outcome").click()
        expect(page.locator(".messages")).to_contain_text("Outcome recorded.")

        page.locator("#next-button").click()
        expect(page.locator(".messages")).to_contain_text("No contact is due right now.")
        browser.close()

    first = CampaignEntry.objects.get(phone_norm="13800138000")
    assert first.status == "pending" and first.agent_id == alice.pk and first.last_outcome == "callback"
    assert CampaignEntry.objects.get(phone_norm="13900139000").status == "done"
    assert list(Attempt.objects.order_by("id").values_list("outcome", "note")) == [
        ("callback", "客户在开会，明早再打"), ("sale", "")]
