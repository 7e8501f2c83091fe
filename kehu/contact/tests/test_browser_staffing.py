"""A planner types a day's forecast in a real browser and sees the table and the curve."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import CHROMIUM_ARGS, log_in

# Playwright's sync API runs an event loop in the main thread; the ORM calls of this test
# (the live server's users) run there too, outside that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

FORECAST = "08:00 100 180\n08:30 160 190\n09:00 oops 200\n09:30 240 200"


@pytest.mark.browser
def test_planner_types_a_forecast_and_sees_the_staffing_curve(transactional_db, live_server, org):
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="en-US"
        ).new_page()
        page.set_default_timeout(10_000)
        log_in(page, base, "carol")

        page.goto(f"{base}/contact/staffing/")
        expect(page.locator("h1")).to_contain_text("Staffing")
        page.fill("#id_forecast", FORECAST)
        page.fill("#id_target_sl", "80")
        page.fill("#id_answer_s", "20")
        page.fill("#id_shrinkage", "30")
        page.fill("#id_max_occupancy", "85")
        page.select_option("#id_interval_min", "30")
        page.get_by_role("button", name="Calculate").click()

        rows = page.locator("#staffing-table tbody tr")
        expect(rows).to_have_count(3)
        first = rows.nth(0).locator("td")
        expect(first.nth(0)).to_have_text("08:00")
        expect(first.nth(4)).to_have_text("14")
        expect(first.nth(5)).to_have_text("20")
        expect(first.nth(6)).to_have_text("88.8%")
        expect(page.locator("#forecast-problems")).to_contain_text("Line 3:")
        # The forecast stays in the box for the next try.
        expect(page.locator("#id_forecast")).to_have_value(FORECAST)

        card = page.locator("#staffing-chart-card")
        expect(card).to_be_visible()
        expect(card.locator("canvas")).to_have_count(1)
        box = card.locator("canvas").bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 200
        browser.close()
