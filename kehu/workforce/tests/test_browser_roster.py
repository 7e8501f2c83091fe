"""A supervisor puts an agent on a shift in the roster grid and sees the coverage gap shrink."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import CHROMIUM_ARGS, log_in
from kehu.workforce.models import ScheduleEntry
from kehu.workforce.tests.conftest import MONDAY, stored_forecast

# Playwright's sync API runs an event loop in the main thread; the ORM calls of this test
# (the live server's users) run there too, outside that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

NEED_ONE = {f"{h:02d}:{m:02d}": 1 for h in range(9, 18) for m in (0, 30)}


@pytest.mark.browser
def test_supervisor_assigns_a_shift_and_the_gap_shrinks(transactional_db, live_server, org,
                                                        queue, day_shift):
    alice = org["alice"]
    stored_forecast(queue, MONDAY, NEED_ONE)  # one agent needed 09:00–18:00
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="en-US"
        ).new_page()
        page.set_default_timeout(10_000)
        log_in(page, base, "carol")

        page.goto(f"{base}/workforce/roster/?week={MONDAY}&date={MONDAY}&queue=95598")
        expect(page.locator("h1")).to_contain_text("Roster")
        expect(page.locator("#short-intervals")).to_have_text("18")
        expect(page.locator('#coverage-table tr[data-start="09:00"]')).to_have_class("short")
        card = page.locator("#coverage-chart-card")
        expect(card.locator("canvas")).to_have_count(1)

        page.select_option(f'select[name="cell-{alice.pk}-{MONDAY}"]', label="D 09:00–18:00")
        page.get_by_role("button", name="Save roster").click()

        expect(page.locator(".messages")).to_contain_text("Roster saved: 1 change.")
        # Only the lunch hour is still short; the cell keeps the shift.
        expect(page.locator("#short-intervals")).to_have_text("2")
        expect(page.locator("#short-hours")).to_have_text("1.0")
        expect(page.locator('#coverage-table tr[data-start="09:00"]')).to_have_class("ok")
        expect(page.locator('#coverage-table tr[data-start="12:00"]')).to_have_class("short")
        expect(page.locator(f'select[name="cell-{alice.pk}-{MONDAY}"]')).to_have_value(
            str(day_shift.pk))
        box = card.locator("canvas").bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 200
        browser.close()
    assert ScheduleEntry.objects.get(agent=alice, date=MONDAY).shift == day_shift
