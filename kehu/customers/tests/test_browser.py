"""One walk through the console in a real browser (Chromium through Playwright)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import CHROMIUM_ARGS, PASSWORD
from kehu.customers import services

# Playwright's sync API runs an event loop in the main thread; the ORM calls of this
# test run there too, outside that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

SHOTS = Path("/tmp/kehu-shots")


def some_customers(bob, carol) -> tuple[int, int]:
    for i, (name, city, tier) in enumerate([
        ("杭州西湖电器有限公司", "杭州", "key"), ("宁波港口物流", "宁波", "quality"),
        ("温州鞋业集团", "温州", "general"), ("绍兴纺织印染厂", "绍兴", "marginal"),
    ]):
        customer = services.customer_create(by=bob, data={
            "name": name, "phone": f"1380000100{i}", "province": "浙江", "city": city,
            "value_tier": tier, "tags": ["重点", "制造业"] if i % 2 == 0 else ["物流"],
        })
        services.contact_create(customer=customer, by=bob, data={"name": f"联系人{i}", "mobile": f"1390000100{i}"})
        if i == 0:
            first = customer
            services.customer_update(customer=customer, by=bob, data={"industry": "电器", "value_tier": "quality"})
            services.followup_create(customer=customer, by=bob, data={"channel": "phone", "content": "电话回访"})
    services.equipment_create(customer=customer, by=bob, data={"name": "配电柜", "model": "GGD"})
    pool = services.customer_create(by=carol, data={"name": "公海待领客户", "phone": "13700000009"})
    return first.pk, pool.pk


def bad_row_workbook(path: Path) -> Path:
    wb = Workbook()
    for row in (["客户名称", "电话", "城市"], ["导入好客户", "13600000001", "苏州"], ["导入坏客户", "99-bad", "无锡"]):
        wb.active.append(row)
    wb.save(path)
    return path


@pytest.mark.browser
def test_account_manager_walks_through_the_console(transactional_db, live_server, bob, carol, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    first_id, pool_id = some_customers(bob, carol)
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US").new_page()
        page.set_default_timeout(15_000)

        # Log in through the form.
        page.goto(f"{base}/login/")
        page.screenshot(path=str(SHOTS / "login.png"))
        page.fill("#id_username", "bob")
        page.fill("#id_password", PASSWORD)
        page.click(".login-box button[type=submit]")
        expect(page.locator("h1")).to_contain_text("Today")
        page.screenshot(path=str(SHOTS / "home.png"))

        # Create a customer.
        page.goto(f"{base}/customers/new/")
        page.fill("#id_name", "浙江新建客户有限公司")
        page.fill("#id_phone", "138 1111 2222")
        page.select_option("#id_value_tier", "quality")
        page.click("#customer-form .form-actions button")
        expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
        expect(page.locator("h1")).to_contain_text("浙江新建客户有限公司")
        detail_url = page.url

        # A duplicate (same phone) is refused, with a link to the existing record.
        page.goto(f"{base}/customers/new/")
        page.fill("#id_name", "另一个名字")
        page.fill("#id_phone", "13811112222")
        page.click("#customer-form .form-actions button")
        expect(page.locator(".form-errors")).to_contain_text("already exists")
        expect(page.locator("#duplicate a")).to_have_attribute("href", detail_url.removeprefix(base))
        expect(page.locator("#duplicate button[name=merge_into]")).to_be_visible()
        page.screenshot(path=str(SHOTS / "duplicate.png"), full_page=True)

        # Record a follow-up on the 360 page.
        page.goto(detail_url)
        page.select_option("#id_channel", "visit")
        page.fill("#id_content", "上门拜访，客户对新方案有兴趣")
        page.fill("#id_outcome", "约定下周报价")
        page.click("#followups form button[type=submit]")
        expect(page.locator(".timeline")).to_contain_text("上门拜访，客户对新方案有兴趣")
        expect(page.locator(".messages")).to_contain_text("Follow-up recorded")

        # A pool customer's phone is masked until "show phone" (htmx swaps the block in).
        page.goto(f"{base}/customers/{pool_id}/")
        expect(page.locator("#personal")).to_contain_text("137****0009")
        page.click("#personal button")
        expect(page.locator("#personal")).to_contain_text("13700000009")

        # Claim a customer from the pool (htmx swaps the row).
        page.goto(f"{base}/customers/pool/")
        page.click(f"#pool-{pool_id} button")
        expect(page.locator(f"#pool-{pool_id}")).to_contain_text("Claimed")
        page.screenshot(path=str(SHOTS / "pool.png"))

        # Import a workbook with one bad row and see that row's error.
        page.goto(f"{base}/customers/import/")
        page.set_input_files("#id_file", str(bad_row_workbook(tmp_path / "客户导入.xlsx")))
        page.click("form.form button[type=submit]")
        problems = page.locator("#problems")
        expect(problems).to_contain_text("99-bad")
        expect(problems.locator("tr", has_text="99-bad")).to_contain_text("3")
        expect(page.locator(".stats")).to_contain_text("1")
        page.screenshot(path=str(SHOTS / "import.png"))

        # Screenshots of the two busiest pages, for a look at the layout.
        page.goto(f"{base}/customers/")
        expect(page.locator("#customer-table")).to_contain_text("杭州西湖电器有限公司")
        page.screenshot(path=str(SHOTS / "list.png"))
        page.goto(detail_url)
        page.screenshot(path=str(SHOTS / "detail.png"))
        page.goto(f"{base}/customers/{first_id}/?tab=history")
        page.screenshot(path=str(SHOTS / "history.png"))
        browser.close()
