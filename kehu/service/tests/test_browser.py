"""A phone complaint worked end to end through the service desk pages in a real browser.

The agent takes the call (screen pop from the caller's phone), works the five complaint
steps, dispatches a work order that the responsible unit answers from its own queue,
resolves and closes the complaint, and records the return visit. Only the organisation
and the existing customer are set up in code; every step the issue names goes through
the pages.
"""

from __future__ import annotations

import importlib
import os
import re

import pytest
from django.apps import apps

from conftest import CHROMIUM_ARGS, log_in, make_user
from kehu.accounts.models import Department, Role
from kehu.customers import services as customer_services
from kehu.service.models import ComplaintGrade

# Playwright's sync API runs an event loop in the main thread; the ORM calls of this
# test run there too, outside that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

STEP_DONE = re.compile(r"✓ \d\d-\d\d \d\d:\d\d")
STEPS = ["Calm the customer", "Listen and record the facts", "Show understanding and apologise",
         "Agree a solution", "Follow up and summarise"]
SOLUTION = "更换电表并退还多收电费 86 元"
ANSWER = "已到现场更换电表，读数正常"


def default_service_data() -> None:
    """Grades, SLA policies and the calendar come from a data migration; a transactional test
    run before this one (the customers' browser walk) flushed them, so put them back."""
    if not ComplaintGrade.objects.exists():
        importlib.import_module("kehu.service.migrations.0002_defaults").fill(apps, None)



@pytest.mark.browser
def test_agent_works_a_phone_complaint_through_dispatch_to_return_visit(transactional_db, live_server, org):
    default_service_data()
    repair = Department.objects.create(name="抢修班")
    # A unit member who sees only their own records: the ticket reaches them through the work order.
    make_user("wang", Role.ACCOUNT_MANAGER, repair)
    customer = customer_services.customer_create(by=org["bob"], data={
        "name": "深圳市海纳电子有限公司", "phone": "13812345678", "province": "广东", "city": "深圳"})
    base = live_server.url

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        agent_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
        page = agent_context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, base, "alice")

        # The workbench; "n" anywhere outside a text field opens a new ticket.
        page.goto(f"{base}/service/")
        expect(page.locator("h1")).to_contain_text("Workbench")
        page.keyboard.press("n")
        expect(page).to_have_url(f"{base}/service/tickets/new/")
        expect(page.locator("h1")).to_contain_text("New ticket")

        # The phone rings: the caller's number, typed as spoken, pops the customer.
        page.go_back()
        page.fill("#pop-phone", "138 1234 5678")
        page.press("#pop-phone", "Enter")
        expect(page).to_have_url(re.compile(r"/service/tickets/new/\?phone="))
        expect(page.locator("#ticket-form .notice.ok")).to_contain_text(f"Caller recognised: {customer.name}")
        expect(page.locator("aside.summary h2")).to_contain_text(customer.name)
        expect(page.locator("#id_customer_id")).to_have_value(str(customer.pk))
        expect(page.locator("#id_phone")).to_have_value("138 1234 5678")

        page.select_option("#id_kind", "complaint")
        page.select_option("#id_grade", "serious")
        page.fill("#id_title", "电表走字过快，电费异常")
        page.fill("#id_description", "客户来电：本月电费比上月多出一倍，怀疑电表故障，情绪激动。")
        page.press("#id_description", "Control+Enter")  # Ctrl+Enter saves
        expect(page).to_have_url(re.compile(r"/service/tickets/\d+/$"))
        expect(page.locator(".messages")).to_contain_text("created")
        ticket_url = page.url
        number = page.locator("h1 .mono").inner_text()
        assert re.fullmatch(r"T\d{13}", number), number
        status = page.locator("h1 .status")
        expect(status).to_have_text("Accepted")  # a phone call is answered while it is taken
        expect(page.locator(".facts")).to_contain_text("Complaint · 较重")
        expect(page.locator("aside.summary")).to_contain_text(number)  # the 360 summary lists it

        # The five complaint steps, in order; each shows its ✓ time once done.
        steps = page.locator("#steps ol.checklist > li")
        expect(steps).to_have_count(5)
        for label in STEPS:
            item = steps.filter(has_text=label)
            if label == "Agree a solution":
                item.locator("input[name=note]").fill(SOLUTION)
            item.get_by_role("button", name="Done").click()
            expect(page.locator(".messages")).to_contain_text("Step recorded.")
            expect(steps.filter(has_text=label)).to_have_class(re.compile(r"\bdone\b"))
            expect(steps.filter(has_text=label)).to_contain_text(STEP_DONE)
        expect(page.locator("#steps form[action$='/step/']")).to_have_count(0)
        expect(steps.filter(has_text="Agree a solution")).to_contain_text(SOLUTION)

        # Dispatch to the repair crew.
        page.locator("#work-orders summary", has_text="Dispatch to responsible units").click()
        dispatch = page.locator("form[action$='/dispatch/']")
        dispatch.locator("#id_units").select_option(label="抢修班")
        dispatch.locator("#id_due_hours").fill("4")
        dispatch.locator("#id_instructions").fill("请今日上门检查电表")
        dispatch.get_by_role("button", name="Dispatch", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Dispatched to 抢修班")
        expect(status).to_have_text("Dispatched")
        expect(page.locator("#work-orders tbody tr")).to_contain_text(["抢修班"])

        # The unit's member answers from the unit's queue, in a browser of their own.
        unit_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
        unit = unit_context.new_page()
        unit.set_default_timeout(10_000)
        log_in(unit, base, "wang")
        unit.goto(f"{base}/service/work-orders/")
        order = unit.locator("article.work-order", has_text=number)
        expect(order).to_contain_text("请今日上门检查电表")
        order.locator("textarea[name=answer]").fill(ANSWER)
        order.get_by_role("button", name="Send answer").click()
        expect(unit.locator(".messages")).to_contain_text("Answer sent back to the agent.")
        expect(unit.locator("article.work-order", has_text=number)).to_have_count(0)  # no longer open
        unit.goto(f"{base}/service/work-orders/?status=answered")
        expect(unit.locator("article.work-order", has_text=number)).to_contain_text(ANSWER)
        unit_context.close()

        # Back with the agent: the ticket is in progress, the answer is in the conversation.
        page.goto(ticket_url)
        expect(status).to_have_text("In progress")
        expect(page.locator("#thread")).to_contain_text(f"Work order answered by 抢修班: {ANSWER}")
        expect(page.locator("#work-orders tbody tr")).to_contain_text(["Answered"])

        # Resolve: the solution agreed in the steps is already filled in.
        resolve = page.locator("form[action$='/resolve/']")
        expect(resolve.locator("#id_solution")).to_have_value(SOLUTION)
        resolve.get_by_role("button", name="Resolve").click()
        expect(status).to_have_text("Resolved")

        # A complaint does not close without the customer's agreement or a reason.
        close = page.locator("form[action$='/close/']")
        close.get_by_role("button", name="Close ticket").click()
        expect(page.locator(".messages .msg-error")).to_contain_text(
            "Record that the customer agreed, or why the complaint closes without it.")
        expect(status).to_have_text("Resolved")

        close.locator("#id_customer_agreed").check()
        close.get_by_role("button", name="Close ticket").click()
        expect(page.locator(".messages")).to_contain_text("Closed.")
        expect(status).to_have_text("Closed")

        # The return visit: the customer is called back and is satisfied.
        visit = page.locator("#visit")
        expect(visit).to_contain_text("Return visit")
        visit.locator("#id_reached").select_option("yes")
        visit.locator("#id_satisfaction").select_option("5")
        visit.locator("#id_comment").fill("客户对处理结果满意")
        visit.get_by_role("button", name="Record return visit").click()
        expect(page.locator(".messages")).to_contain_text("Return visit recorded.")
        expect(visit).to_contain_text("Satisfaction 5/5")
        expect(visit).to_contain_text("客户对处理结果满意")
        expect(visit.locator("form")).to_have_count(0)
        expect(status).to_have_text("Closed")
        browser.close()
