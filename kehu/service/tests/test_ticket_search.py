"""Finding a caller's tickets by phone: the whole number or its last digits (尾号)."""

import pytest

from kehu.customers.models import Contact, Customer


def create(client, **data):
    body = {"kind": "inquiry", "channel": "phone", "title": "电费怎么算", "description": "客户询问阶梯电价"}
    body.update(data)
    response = client.post("/api/tickets", body)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def tickets(api_as, alice, org, customer):
    other = Customer.objects.create(name="杭州恒达机电设备有限公司", name_norm="杭州恒达机电设备有限公司",
                                    phone="13956781234", phone_norm="13956781234", team=org["east"])
    Contact.objects.create(customer=other, name="王芳", mobile="15000005678", mobile_norm="15000005678")
    agent = api_as(alice)
    return {
        "haina": create(agent, customer_id=customer.pk, title="停电报修"),  # 13812345678
        "hengda": create(agent, customer_id=other.pk, title="电表异常"),
        "walk_in": create(agent, title="咨询电价"),
    }


def numbers(body) -> set[str]:
    return {t["number"] for t in body["items"]}


def test_the_last_digits_find_the_tickets_of_customers_and_contacts_with_that_ending(api_as, alice, tickets):
    # 13812345678 ends in 5678, and so does the contact of 恒达 (15000005678).
    body = api_as(alice).get("/api/tickets", q="5678").json()
    assert numbers(body) == {tickets["haina"]["number"], tickets["hengda"]["number"]}
    assert numbers(api_as(alice).get("/api/tickets", q="45678").json()) == {tickets["haina"]["number"]}


def test_a_whole_phone_in_any_format_finds_the_callers_tickets(api_as, alice, tickets):
    body = api_as(alice).get("/api/tickets", q="+86 139-5678-1234").json()
    assert numbers(body) == {tickets["hengda"]["number"]}


def test_numbers_and_words_are_still_found(api_as, alice, tickets):
    assert numbers(api_as(alice).get("/api/tickets", q=tickets["walk_in"]["number"]).json()) == \
        {tickets["walk_in"]["number"]}
    assert numbers(api_as(alice).get("/api/tickets", q="咨询").json()) == {tickets["walk_in"]["number"]}
    # Words of the description count too, and every word must be there.
    assert len(numbers(api_as(alice).get("/api/tickets", q="阶梯电价").json())) == 3
    assert numbers(api_as(alice).get("/api/tickets", q="阶梯 停电").json()) == {tickets["haina"]["number"]}
    assert numbers(api_as(alice).get("/api/tickets", q="9999").json()) == set()
    assert numbers(api_as(alice).get("/api/tickets", q="？？").json()) == set()  # no word to look for


def test_the_first_tickets_are_found_right_after_a_search_found_none(api_as, alice):
    agent = api_as(alice)
    assert numbers(agent.get("/api/tickets", q="阶梯电价").json()) == set()  # nothing written yet
    first = create(agent, title="咨询电价")
    assert numbers(agent.get("/api/tickets", q="阶梯电价").json()) == {first["number"]}


def test_words_typed_in_traditional_characters_find_simplified_tickets(api_as, alice, tickets):
    assert numbers(api_as(alice).get("/api/tickets", q="電表").json()) == {tickets["hengda"]["number"]}


def test_the_ticket_list_page_searches_by_phone_ending(web_as, alice, tickets):
    page = web_as(alice).get("/service/tickets/", {"q": "5678", "queue": "all"})
    assert page.status_code == 200
    text = page.content.decode()
    assert tickets["haina"]["number"] in text and tickets["hengda"]["number"] in text
    assert tickets["walk_in"]["number"] not in text
