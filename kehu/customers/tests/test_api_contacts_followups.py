"""Contacts and follow-ups through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kehu.customers.choices import Channel
from kehu.customers.models import Contact, Customer, FollowUp


@pytest.fixture
def customer_id(api_as, bob) -> int:
    return api_as(bob).post("/api/customers", {"name": "甲公司", "phone": "13812345678"}).json()["id"]


def assert_error(response, status: int, field: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message"]
    assert body["field"] == field
    return body


# Contacts -----------------------------------------------------------------------------

def test_adding_a_contact_answers_201_with_it(api_as, bob, customer_id) -> None:
    response = api_as(bob).post("/api/contacts", {
        "customer_id": customer_id, "name": "王总", "title": "总经理", "mobile": "+86 139 8765 4321",
        "phone": "010-12345678", "email": "wang@example.com", "birthday": "1980-05-20", "is_decision_maker": True,
    })
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["mobile"], body["birthday"], body["is_decision_maker"]) == (
        "王总", "+86 139 8765 4321", "1980-05-20", True)
    contact = Contact.objects.get(pk=body["id"])
    assert (contact.mobile_norm, contact.phone_norm) == ("13987654321", "01012345678")


@pytest.mark.parametrize("typed", ["1980/5/20", "1980年5月20日", "1980.05.20"])
def test_a_birthday_is_understood_in_common_chinese_formats(api_as, bob, customer_id, typed: str) -> None:
    body = api_as(bob).post("/api/contacts", {"customer_id": customer_id, "name": "王总", "birthday": typed}).json()
    assert body["birthday"] == "1980-05-20"


@pytest.mark.parametrize("field, value", [
    ("name", ""), ("name", "名" * 61), ("mobile", "12345"), ("phone", "abc"), ("email", "wang@"),
    ("birthday", "1980-02-30"), ("birthday", "yesterday"),
])
def test_an_invalid_contact_field_is_refused_with_422_naming_it(api_as, bob, customer_id, field, value) -> None:
    data = {"customer_id": customer_id, "name": "王总", field: value}
    assert_error(api_as(bob).post("/api/contacts", data), 422, field)
    assert not Contact.objects.exists()


def test_a_contact_whose_phone_belongs_to_another_customer_needs_confirmation(api_as, bob, customer_id) -> None:
    other = api_as(bob).post("/api/customers", {"name": "乙公司"}).json()["id"]
    body = assert_error(api_as(bob).post("/api/contacts", {"customer_id": other, "name": "张", "mobile": "138 1234 5678"}),
                        409, "phone")
    assert body["existing_id"] == customer_id
    confirmed = api_as(bob).post("/api/contacts", {"customer_id": other, "name": "张", "mobile": "13812345678",
                                                   "confirm_duplicate": True})
    assert confirmed.status_code == 201


def test_a_contact_for_an_unknown_customer_answers_404(api_as, bob) -> None:
    assert_error(api_as(bob).post("/api/contacts", {"customer_id": 987654, "name": "王总"}), 404, "")


def test_contacts_are_listed_by_customer_and_found_by_phone(api_as, bob, customer_id) -> None:
    client = api_as(bob)
    client.post("/api/contacts", {"customer_id": customer_id, "name": "王总", "mobile": "13987654321"})
    client.post("/api/contacts", {"customer_id": customer_id, "name": "李工"})
    assert [c["name"] for c in client.get("/api/contacts", customer_id=customer_id).json()] == ["李工", "王总"]
    assert [c["name"] for c in client.get("/api/contacts", q="139-8765-4321").json()] == ["王总"]
    assert [c["name"] for c in client.get("/api/contacts", q="李").json()] == ["李工"]
    assert [c["name"] for c in client.get(f"/api/customers/{customer_id}/contacts").json()] == ["王总", "李工"]


# Follow-ups ---------------------------------------------------------------------------

@pytest.mark.parametrize("channel", Channel.values)
def test_a_follow_up_can_be_recorded_on_every_channel(api_as, bob, customer_id, channel: str) -> None:
    response = api_as(bob).post("/api/followups", {"customer_id": customer_id, "channel": channel, "content": "聊了报价"})
    assert response.status_code == 201
    body = response.json()
    assert (body["channel"], body["content"], body["by"]["username"]) == (channel, "聊了报价", "bob")
    assert FollowUp.objects.get(pk=body["id"]).channel == channel


def test_a_follow_up_updates_the_customers_last_follow_up_time(api_as, bob, customer_id) -> None:
    before = timezone.now()
    api_as(bob).post("/api/followups", {"customer_id": customer_id, "channel": "phone", "content": "回访"})
    shown = api_as(bob).get(f"/api/customers/{customer_id}").json()["last_followup_at"]
    assert shown is not None
    assert Customer.objects.get(pk=customer_id).last_followup_at >= before


def test_a_follow_up_keeps_the_next_date_and_contact(api_as, bob, customer_id) -> None:
    contact = api_as(bob).post("/api/contacts", {"customer_id": customer_id, "name": "王总"}).json()["id"]
    body = api_as(bob).post("/api/followups", {
        "customer_id": customer_id, "channel": "visit", "content": "上门拜访", "outcome": "有意向",
        "next_date": "2030-01-15", "contact_id": contact,
    }).json()
    assert (body["next_date"], body["contact_id"], body["outcome"]) == ("2030-01-15", contact, "有意向")


@pytest.mark.parametrize("data, field", [
    ({"channel": "pigeon", "content": "x"}, "channel"),
    ({"channel": "", "content": "x"}, "channel"),
    ({"channel": "phone", "content": ""}, "content"),
    ({"channel": "phone", "content": "   "}, "content"),
    ({"channel": "phone", "content": "x", "next_date": "2030-13-40"}, "next_date"),
    ({"channel": "phone", "content": "x", "next_date": "soon"}, "next_date"),
    ({"channel": "phone", "content": "x", "contact_id": 424242}, "contact_id"),
    ({"content": "x"}, "channel"),
    ({"channel": "phone"}, "content"),
])
def test_an_invalid_follow_up_is_refused_with_422_naming_the_field(api_as, bob, customer_id, data, field) -> None:
    assert_error(api_as(bob).post("/api/followups", {"customer_id": customer_id, **data}), 422, field)
    assert not FollowUp.objects.exists()
    assert Customer.objects.get(pk=customer_id).last_followup_at is None


def test_a_contact_of_another_customer_cannot_be_named_in_a_follow_up(api_as, bob, customer_id) -> None:
    other = api_as(bob).post("/api/customers", {"name": "乙公司"}).json()["id"]
    contact = api_as(bob).post("/api/contacts", {"customer_id": other, "name": "张"}).json()["id"]
    data = {"customer_id": customer_id, "channel": "phone", "content": "x", "contact_id": contact}
    assert_error(api_as(bob).post("/api/followups", data), 422, "contact_id")


def test_an_agent_may_not_record_a_follow_up_on_someone_elses_customer(api_as, alice, customer_id) -> None:
    data = {"customer_id": customer_id, "channel": "phone", "content": "x"}
    assert_error(api_as(alice).post("/api/followups", data), 403, "")


def test_an_agent_may_record_a_follow_up_on_a_pool_customer(api_as, alice) -> None:
    pool = api_as(alice).post("/api/customers", {"name": "来电客户"}).json()["id"]
    data = {"customer_id": pool, "channel": "phone", "content": "来电咨询"}
    assert api_as(alice).post("/api/followups", data).status_code == 201


def test_follow_ups_are_listed_newest_first_and_filtered_by_due(api_as, bob, customer_id) -> None:
    client = api_as(bob)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    client.post("/api/followups", {"customer_id": customer_id, "channel": "phone", "content": "第一次",
                                   "next_date": yesterday})
    client.post("/api/followups", {"customer_id": customer_id, "channel": "visit", "content": "第二次"})
    assert [f["content"] for f in client.get("/api/followups", customer_id=customer_id).json()] == ["第二次", "第一次"]
    assert [f["content"] for f in client.get("/api/followups", due=True).json()] == ["第一次"]
