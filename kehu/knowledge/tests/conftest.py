from __future__ import annotations

import pytest

from kehu.customers.models import Customer
from kehu.knowledge import services
from kehu.knowledge.models import Article
from kehu.knowledge.starter import load_starter
from kehu.service.models import Ticket
from kehu.service.services.tickets import ticket_create


@pytest.fixture(autouse=True)
def _starter_set(db: None) -> None:
    """Migration 0002 loads the starter set; a transactional test elsewhere in the run
    flushes every table, so put it back when it is gone."""
    if not Article.objects.filter(kind="script", title="投诉处理五步法").exists():
        load_starter()


@pytest.fixture
def customer(org: dict) -> Customer:
    """Bob's customer: Bob sees the phone in full, an agent sees it masked."""
    return Customer.objects.create(name="张<b>伟</b>", name_norm="张伟", phone="13812345678",
                                   phone_norm="13812345678", owner=org["bob"], team=org["east"])


@pytest.fixture
def ticket(org: dict, customer: Customer) -> Ticket:
    return ticket_create(by=org["bob"], data={"kind": "complaint", "channel": "phone", "title": "电费多扣",
                                              "customer_id": customer.pk})[0]


@pytest.fixture
def alice_draft(alice) -> Article:
    return services.article_create(by=alice, kind="script", title="阿丽丝的草稿", body="「您好」")


@pytest.fixture
def template(alice, carol) -> Article:
    article = services.article_create(
        by=alice, kind="template", template_kind="reply", title="测试模板", subject="工单{ticket.number}",
        body="{customer.name}您好，工单{ticket.number}（{ticket.title}）已受理，电话{customer.phone}。"
             "{customer.__class__}{ticket.__init__.__globals__}{0}{agent.name}",
    )
    services.article_submit(article=article, by=alice)
    return services.article_approve(article=article, by=carol)
