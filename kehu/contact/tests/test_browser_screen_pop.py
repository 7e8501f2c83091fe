"""An agent's open page pops the caller's customer when a call rings, and opens a ticket from it."""

from __future__ import annotations

import importlib
import json
import os
import re
import urllib.request

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from conftest import CHROMIUM_ARGS, log_in
from kehu.accounts.services import token_create
from kehu.contact.models import AgentExtension, Interaction
from kehu.customers import services as customer_services
from kehu.service.models import ComplaintGrade, Ticket

# Playwright's sync API runs an event loop in the main thread; the ORM calls run there too.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"



def post_events(base: str, token: str, events: list[dict]) -> dict:
    request = urllib.request.Request(f"{base}/api/cti/events", data=json.dumps(events).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


@pytest.mark.browser
def test_agent_gets_a_screen_pop_for_a_ringing_call_and_opens_a_ticket(transactional_db, live_server, org):
    if not ComplaintGrade.objects.exists():  # flushed by an earlier transactional test
        importlib.import_module("kehu.service.migrations.0002_defaults").fill(apps, None)
    AgentExtension.objects.create(user=org["alice"], number="8001")
    customer = customer_services.customer_create(by=org["bob"], data={
        "name": "深圳市海纳电子有限公司", "phone": "13812345678", "city": "深圳"})
    token = token_create(user=org["root"])
    base = live_server.url

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US").new_page()
        page.set_default_timeout(10_000)
        log_in(page, base, "alice")
        page.goto(f"{base}/contact/interactions/")
        pop = page.locator("#screen-pop")
        expect(pop).to_be_hidden()

        answer = post_events(base, token, [{"id": "live-1", "type": "ringing", "call_id": "live-call",
                                            "agent": "8001", "caller": "13812345678", "queue": "hotline",
                                            "at": timezone.now().isoformat()}])
        assert answer == {"accepted": 1, "duplicates": 0, "problems": []}
        expect(pop).to_be_visible(timeout=3_000)
        expect(pop).to_contain_text("Incoming call")
        expect(pop.locator("aside.summary h2")).to_contain_text(customer.name)

        pop.locator("#pop-new-ticket").click()
        expect(page).to_have_url(re.compile(r"/service/tickets/new/\?phone=13812345678&interaction=\d+"))
        expect(page.locator("#id_customer_id")).to_have_value(str(customer.pk))
        page.fill("#id_title", "来电咨询电费账单")
        page.fill("#id_description", "客户来电询问本月电费明细。")
        page.press("#id_description", "Control+Enter")
        expect(page).to_have_url(re.compile(r"/service/tickets/\d+/$"))
        browser.close()

    ticket = Ticket.objects.get()
    assert ticket.customer_id == customer.pk and ticket.title == "来电咨询电费账单"
    call = Interaction.objects.get(external_id="live-call")
    assert call.agent == org["alice"] and call.ticket == ticket  # the ticket remembers its call
