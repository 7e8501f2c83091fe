"""Invitations: by e-mail, and automatically after a ticket closes (delay, kinds, cap)."""

import datetime as dt

import pytest
from django.utils import timezone

from kehu.customers.models import Customer
from kehu.service.models import Ticket
from kehu.service.services.tickets import ticket_create
from kehu.surveys import services
from kehu.surveys.models import Invitation, TicketSurveyRule


@pytest.fixture
def survey(carol):
    s = services.survey_create(by=carol, name="服务回访")
    services.question_add(survey=s, by=carol, question={"code": "Q1", "type": "nps", "text": {"zh": "推荐"}})
    services.survey_publish(survey=s, by=carol)
    return s


def closed_ticket(alice, *, kind="repair", hours_ago=30, customer=None, email="kehu@example.com"):
    ticket, _ = ticket_create(by=alice, data={"kind": kind, "channel": "phone", "title": "维修", "description": "x",
                                              "customer_id": customer.pk if customer else None,
                                              "caller_email": email})
    Ticket.objects.filter(pk=ticket.pk).update(status="closed",
                                               closed_at=timezone.now() - dt.timedelta(hours=hours_ago))
    return ticket


def test_invitations_by_email_reach_a_real_mail_server(smtp_sink, carol, survey):
    sent, refused = services.invitations_by_email(survey=survey, by=carol,
                                                  addresses=["wang@example.com", "not-an-address", "wang@example.com"])
    assert (sent, refused) == (1, ["not-an-address"])
    mail = smtp_sink.wait_for(1)[0]
    token = Invitation.objects.get().token
    assert mail["To"] == "wang@example.com" and f"/surveys/s/{token}/" in mail.get_content()
    assert Invitation.objects.get().sent_at is not None


def test_a_closed_ticket_is_invited_after_the_delay_once(smtp_sink, alice, survey):
    TicketSurveyRule.objects.create(survey=survey, kinds=["repair"], delay_hours=24)
    fresh = closed_ticket(alice, hours_ago=2)  # not yet: closed two hours ago
    old = closed_ticket(alice, hours_ago=30)
    closed_ticket(alice, kind="inquiry", hours_ago=30)  # another kind
    assert services.invitations_after_tickets() == 1
    assert services.invitations_after_tickets() == 0  # idempotent
    invitation = Invitation.objects.get()
    assert invitation.ticket == old and invitation.channel == "ticket"
    assert smtp_sink.wait_for(1)[0]["To"] == "kehu@example.com"
    assert not Invitation.objects.filter(ticket=fresh).exists()


def test_a_customer_is_not_invited_more_often_than_the_cap(alice, org, survey):
    customer = Customer.objects.create(name="常来电客户", name_norm="常来电客户", owner=org["bob"], team=org["east"])
    TicketSurveyRule.objects.create(survey=survey, kinds=[], delay_hours=1, cap_per_customer=1, cap_days=30)
    closed_ticket(alice, customer=customer, hours_ago=5)
    closed_ticket(alice, customer=customer, hours_ago=6)
    assert services.invitations_after_tickets() == 1
    assert Invitation.objects.filter(customer=customer).count() == 1


def test_a_closed_survey_invites_no_one(alice, carol, survey):
    TicketSurveyRule.objects.create(survey=survey, delay_hours=1)
    services.survey_close(survey=survey, by=carol)
    closed_ticket(alice, hours_ago=5)
    assert services.invitations_after_tickets() == 0


def test_the_survey_page_sets_up_invitations(smtp_sink, web_as, carol, survey):
    page = web_as(carol)
    page.post(f"/surveys/{survey.pk}/ticket-rules/", {"kinds": ["complaint", "repair"], "delay_hours": "12",
                                                       "cap_per_customer": "1", "cap_days": "30"})
    rule = TicketSurveyRule.objects.get()
    assert (rule.kinds, rule.delay_hours) == (["complaint", "repair"], 12)
    bad = page.post(f"/surveys/{survey.pk}/ticket-rules/", {"delay_hours": "-3", "cap_per_customer": "1",
                                                             "cap_days": "30"}, follow=True)
    assert "delay_hours" in bad.content.decode() and TicketSurveyRule.objects.count() == 1
    page.post(f"/surveys/{survey.pk}/invite/", {"addresses": "li@example.com\nzhao@example.com"})
    assert len(smtp_sink.wait_for(2)) == 2
