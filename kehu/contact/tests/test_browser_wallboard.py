"""A supervisor's open wallboard changes by itself when a telephone event arrives."""

from __future__ import annotations

import json
import os
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from conftest import CHROMIUM_ARGS, log_in
from kehu.accounts.services import token_create

# Playwright's sync API runs an event loop in the main thread; the ORM calls run there too.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def post_events(base: str, token: str, events: list[dict]) -> dict:
    request = urllib.request.Request(f"{base}/api/cti/events", data=json.dumps(events).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


@pytest.mark.browser
def test_the_waiting_tile_changes_without_a_reload(transactional_db, live_server, org):
    token = token_create(user=org["root"])
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US").new_page()
        page.set_default_timeout(10_000)
        log_in(page, base, "carol")
        page.goto(f"{base}/contact/wallboard/")
        waiting = page.locator("#tile-waiting strong")
        expect(waiting).to_have_text("0")
        expect(page.locator("#tile-service_level strong")).to_have_text("—")
        page.evaluate("window.__notReloaded = true")

        answer = post_events(base, token, [{"id": "wb-1", "type": "ringing", "call_id": "wb-call",
                                            "queue": "hotline", "caller": "13812345678",
                                            "at": timezone.now().isoformat()}])
        assert answer["accepted"] == 1
        expect(waiting).to_have_text("1", timeout=8_000)  # the body polls every 5 s
        expect(page.locator('#queue-table tr[data-queue="hotline"]')).to_be_visible()
        assert page.evaluate("window.__notReloaded") is True  # same page, no reload

        post_events(base, token, [{"id": "wb-2", "type": "answered", "call_id": "wb-call", "agent": "alice",
                                   "at": timezone.now().isoformat()}])
        expect(waiting).to_have_text("0", timeout=8_000)
        expect(page.locator("#tile-service_level strong")).to_have_text("100.0%")
        expect(page.locator("#state-on_call strong")).to_have_text("1")
        assert page.evaluate("window.__notReloaded") is True
        browser.close()
