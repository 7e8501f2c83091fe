"""Leads: duplicate hints, qualification, the pool, and conversion that keeps the history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kehu.core.errors import Conflict, InvalidInput
from kehu.core.models import AuditEntry
from kehu.customers.models import Customer, FollowUp
from kehu.customers.services import customer_create
from kehu.sales import services
from kehu.sales.models import Lead, LeadStatus, StageChange
from kehu.sales.tests.conftest import make_lead, qualified_lead

pytestmark = pytest.mark.django_db


def test_a_rep_owns_the_lead_they_record_and_it_starts_new(bob) -> None:
    lead = make_lead(bob, source="fair", contact_name="王总", phone="138 0013 8000")
    assert (lead.owner, lead.team, lead.status, lead.source) == (bob, bob.department, "new", "fair")
    assert lead.phone_norm == "13800138000"


def test_a_lead_with_a_customers_phone_or_a_leads_name_lists_them_as_duplicates(bob, erin) -> None:
    customer = customer_create(by=bob, data={"name": "宁波海曙贸易公司", "phone": "13900001111"})
    earlier = make_lead(erin, company="温州瓯海机械厂")
    _lead, by_phone = services.lead_create(by=bob, data={"company": "别的名字", "phone": "139-0000-1111"})
    _lead, by_name = services.lead_create(by=bob, data={"company": " 温州瓯海机械厂 "})
    assert [(d.kind, d.id, d.field) for d in by_phone] == [("customer", customer.pk, "phone")]
    assert by_phone[0].url == customer.get_absolute_url()
    assert [(d.kind, d.id, d.field) for d in by_name] == [("lead", earlier.pk, "name")]


def test_bad_fields_are_all_named(bob) -> None:
    with pytest.raises(InvalidInput) as error:
        services.lead_create(by=bob, data={"company": "", "phone": "12", "source": "moon", "money": "maybe"})
    assert set(error.value.errors) == {"company", "phone", "source", "money"}


def test_conversion_creates_customer_contact_and_opportunity_and_keeps_the_history(bob, pipelines) -> None:
    lead = qualified_lead(bob, phone="13812345678", contact_name="王建国", source="referral", notes="展会上聊过")
    opportunity = services.lead_convert(lead=lead, by=bob, pipeline=pipelines["telemarketing"])
    lead.refresh_from_db()
    customer = opportunity.customer
    assert lead.status == LeadStatus.CONVERTED and lead.converted_at is not None
    assert (lead.customer, lead.opportunity, lead.contact.name) == (customer, opportunity, "王建国")
    assert (customer.name, customer.phone, customer.owner, customer.source) == (lead.company, "13812345678", bob,
                                                                                 "referral")
    assert opportunity.lead == lead and opportunity.stage.name == "开场" and opportunity.owner == bob
    # The customer's history says where it came from, and the lead's notes live on as a follow-up.
    converted = AuditEntry.objects.get(action="lead.converted", customer_id=customer.pk)
    assert f"#{lead.pk}" in converted.note
    followup = FollowUp.objects.get(customer=customer)
    assert "展会上聊过" in followup.content and "年度预算 30 万" in followup.content
    assert followup.contact == lead.contact
    assert StageChange.objects.filter(opportunity=opportunity, from_stage=None).count() == 1


def test_conversion_reuses_an_existing_customer_with_the_same_phone(bob, pipelines) -> None:
    existing = customer_create(by=bob, data={"name": "老客户", "phone": "13800000009"})
    lead = qualified_lead(bob, company="新名字", phone="13800000009")
    opportunity = services.lead_convert(lead=lead, by=bob)
    assert opportunity.customer == existing
    assert Customer.objects.count() == 1


def test_converting_twice_is_refused_and_changes_nothing(bob, pipelines) -> None:
    lead = qualified_lead(bob)
    services.lead_convert(lead=lead, by=bob)
    with pytest.raises(Conflict, match="already been converted"):
        services.lead_convert(lead=lead, by=bob)
    assert Customer.objects.count() == 1 and FollowUp.objects.count() == 1


@pytest.mark.parametrize("status", ["unqualified", "new", "contacted"])
def test_converting_a_lead_that_is_not_qualified_is_refused(bob, pipelines, status) -> None:
    lead = services.lead_update(lead=make_lead(bob), by=bob, data={"status": status})
    with pytest.raises(Conflict) as refusal:
        services.lead_convert(lead=lead, by=bob)
    assert refusal.value.status == 409 and refusal.value.message
    assert not Customer.objects.exists()
    assert Lead.objects.get(pk=lead.pk).status == status


def test_a_failure_half_way_rolls_the_whole_conversion_back(bob, pipelines) -> None:
    lead = qualified_lead(bob, phone="13812345678", contact_name="王建国")
    with pytest.raises(InvalidInput):
        # The customer and contact are made before the opportunity refuses the amount.
        services.lead_convert(lead=lead, by=bob, amount=Decimal("-1"))
    assert not Customer.objects.exists() and not FollowUp.objects.exists()
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.QUALIFIED


def test_pool_lead_is_claimed_once_and_released_by_its_owner(bob, erin) -> None:
    lead = make_lead(bob, owner=None)
    assert lead.in_pool
    assert services.lead_claim(lead=lead, by=erin).owner == erin
    with pytest.raises(Conflict):
        services.lead_claim(lead=Lead.objects.get(pk=lead.pk), by=bob)
    assert services.lead_release(lead=lead, by=erin).owner is None


def test_a_converted_lead_can_no_longer_be_changed(bob, pipelines) -> None:
    lead = qualified_lead(bob)
    services.lead_convert(lead=lead, by=bob)
    with pytest.raises(Conflict):
        services.lead_update(lead=lead, by=bob, data={"notes": "x"})
