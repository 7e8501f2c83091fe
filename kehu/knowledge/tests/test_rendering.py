"""Filling a template's variables: a fixed vocabulary, nothing evaluated."""

from __future__ import annotations

from kehu.knowledge.services import template_render, template_render_full


def test_known_variables_are_filled_from_the_ticket_and_its_customer(bob, ticket):
    text = template_render("{customer.name}您好，工单{ticket.number}：{ticket.title}。{agent.name}",
                           ticket=ticket, user=bob)
    assert text == f"张<b>伟</b>您好，工单{ticket.number}：电费多扣。Bob"


def test_the_phone_is_masked_for_a_viewer_who_may_not_see_it(alice, bob, customer):
    assert template_render("{customer.phone}", customer=customer, user=bob) == "13812345678"
    assert template_render("{customer.phone}", customer=customer, user=alice) == "138****5678"
    assert template_render("{customer.phone}", customer=customer) == "138****5678"


def test_attribute_and_format_tricks_stay_literal_and_are_reported(bob, ticket):
    body = "{customer.__class__}{ticket.__init__.__globals__}{0}{customer.name!r}{{today}}{ticket.customer.phone}"
    rendered = template_render_full(body, ticket=ticket, user=bob)
    assert rendered.text.startswith("{customer.__class__}{ticket.__init__.__globals__}{0}{customer.name!r}")
    assert "{ticket.customer.phone}" in rendered.text
    assert "Customer" not in rendered.text and "module" not in rendered.text
    assert "{customer.__class__}" in rendered.unknown and "{0}" in rendered.unknown


def test_django_template_syntax_is_not_executed(bob, ticket):
    body = "{% load static %}{{ ticket.customer.phone }}{% now 'Y' %}"
    assert template_render(body, ticket=ticket, user=bob) == body


def test_a_variable_with_nothing_to_fill_it_from_stays_visible(bob):
    rendered = template_render_full("工单{ticket.number}，今天{today}", user=bob)
    assert rendered.text.startswith("工单{ticket.number}，今天20")
    assert rendered.missing == ["{ticket.number}"] and rendered.unknown == []


def test_an_anonymous_reporter_is_not_named_to_those_who_may_not_see_it(org, alice, customer):
    from kehu.service.services.tickets import ticket_create

    report = ticket_create(by=org["bob"], data={"kind": "report", "channel": "phone", "title": "举报窃电",
                                                "caller_name": "李四", "anonymous": True})[0]
    assert template_render("{customer.name}", ticket=report, user=alice) == "{customer.name}"
