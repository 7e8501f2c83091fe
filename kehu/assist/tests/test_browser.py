"""An agent opens an angry complaint in a real browser and works with the assist panel."""

from __future__ import annotations

import importlib
import os
import re

import pytest
from django.apps import apps
from playwright import sync_api as playwright_api

from conftest import CHROMIUM_ARGS, log_in
from kehu.assist.models import AssistCorrection
from kehu.assist.tests.conftest import ANGRY
from kehu.customers.models import Customer
from kehu.knowledge.models import Article
from kehu.knowledge.starter import load_starter
from kehu.service.models import ComplaintGrade
from kehu.service.services import ticket_create

# Playwright's sync API runs an event loop in the main thread; the ORM calls of this
# test run there too, outside that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

expect = playwright_api.expect


def restore_migrated_data() -> None:
    """The knowledge starter set and the service desk defaults come from data migrations;
    an earlier transactional test may have flushed them, so put them back."""
    if not ComplaintGrade.objects.exists():
        importlib.import_module("kehu.service.migrations.0002_defaults").fill(apps, None)
    if not Article.objects.exists():
        load_starter(apps)


@pytest.mark.browser
def test_agent_sees_the_irritable_strategy_and_corrects_the_type(transactional_db, live_server, org):
    restore_migrated_data()
    customer = Customer.objects.create(name="王先生", name_norm="王先生", owner=org["bob"], team=org["east"])
    ticket = ticket_create(by=org["alice"], data={
        "kind": "complaint", "channel": "phone", "title": "多次来电未解决", "description": ANGRY,
        "customer_id": customer.pk})[0]
    base = live_server.url

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US").new_page()
        page.set_default_timeout(10_000)
        log_in(page, base, "alice")

        page.goto(f"{base}{ticket.get_absolute_url()}")
        panel = page.locator("#assist-panel")
        type_row = panel.locator(".assist-label[data-field=type]")
        expect(type_row.locator(".assist-value")).to_have_text("易怒型")
        expect(panel.locator(".assist-label[data-field=kind] .assist-value")).to_have_text("投诉")
        expect(panel.locator(".assist-strategy h4")).to_have_text("应对易怒型客户")
        expect(panel.locator(".assist-scripts summary").filter(has_text="投诉").first).to_be_visible()

        # The suggested first reply goes into the reply box with one click.
        first_reply = panel.locator("#assist-first-reply").inner_text().strip()
        panel.get_by_role("button", name="Use as reply").click()
        expect(page.locator("#reply-body")).to_have_value(first_reply)

        # The agent knows this caller better: vain, not irritable.
        type_row.locator("select[name=correct]").select_option("vain")
        type_row.get_by_role("button", name=re.compile("Correct")).click()
        expect(panel.locator(".notice.ok")).to_contain_text("correction saved")
        expect(type_row.locator(".assist-value")).to_have_text("虚荣型")
        expect(panel.locator(".assist-strategy h4")).to_have_text("应对虚荣型客户")
        browser.close()

    correction = AssistCorrection.objects.get()
    assert (correction.field, correction.predicted, correction.correct) == ("type", "irritable", "vain")
    assert correction.created_by == org["alice"] and correction.ticket_id == ticket.pk
    customer.refresh_from_db()
    assert customer.behaviour_type == "vain"
