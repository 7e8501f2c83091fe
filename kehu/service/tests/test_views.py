"""The service desk console as an agent and a unit user use it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kehu.service.models import Ticket
from kehu.service.services import ticket_create


def new_ticket(by, **data):
    body = {"kind": "inquiry", "channel": "phone", "title": "电费咨询", "description": "客户问电价"}
    body.update(data)
    return ticket_create(by=by, data=body)[0]


def test_new_ticket_from_a_phone_number_prefills_the_customer(web_as, alice, customer):
    page = web_as(alice).get("/service/tickets/new/", {"phone": "13812345678"})
    assert page.status_code == 200
    assert customer.name in page.content.decode()


def test_creating_a_ticket_in_the_console(web_as, alice, customer):
    client = web_as(alice)
    response = client.post("/service/tickets/new/", {
        "kind": "complaint", "channel": "phone", "priority": "high", "phone": "13812345678",
        "customer_id": customer.pk, "title": "电费多扣", "description": "本月电费比上月多出一倍",
        "idempotency_key": "form-1"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/service/tickets/{ticket.pk}/"
    assert ticket.customer == customer and ticket.kind == "complaint" and ticket.grade is not None
    # A double click posts the same form twice: still one ticket.
    client.post("/service/tickets/new/", {"kind": "complaint", "channel": "phone", "priority": "high",
                                          "title": "电费多扣", "idempotency_key": "form-1"})
    assert Ticket.objects.count() == 1


def test_a_form_with_errors_keeps_what_was_typed(web_as, alice):
    page = web_as(alice).post("/service/tickets/new/", {"kind": "inquiry", "channel": "phone", "priority": "normal",
                                                        "phone": "12", "caller_name": "李女士"})
    text = page.content.decode()
    assert page.status_code == 200 and "李女士" in text and Ticket.objects.count() == 0


def test_ticket_page_works_the_complaint_steps(web_as, alice, customer):
    ticket = new_ticket(alice, kind="complaint", customer_id=customer.pk)
    client = web_as(alice)
    page = client.get(f"/service/tickets/{ticket.pk}/")
    assert page.status_code == 200 and customer.name in page.content.decode()
    client.post(f"/service/tickets/{ticket.pk}/step/", {"step": "calm", "note": "安抚情绪"})
    assert ticket.complaint_steps.get().step == "calm"
    refused = client.post(f"/service/tickets/{ticket.pk}/resolve/", {"solution": ""}, follow=True)
    assert "solution" in refused.content.decode().lower() or "解决方案" in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "accepted"


def test_an_invalid_transition_is_a_message_not_an_error_page(web_as, alice):
    ticket = new_ticket(alice)
    response = web_as(alice).post(f"/service/tickets/{ticket.pk}/close/", {}, follow=True)
    assert response.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).status == "accepted"


def test_other_team_cannot_open_the_ticket_page(web_as, alice, dave, customer):
    ticket = new_ticket(alice, customer_id=customer.pk)
    assert web_as(dave).get(f"/service/tickets/{ticket.pk}/").status_code == 404
    assert web_as(dave).post(f"/service/tickets/{ticket.pk}/resolve/", {"solution": "x"}).status_code == 404


def test_the_unit_answers_on_its_work_order_page(web_as, alice, org):
    from conftest import make_user

    crew = make_user("crew", "agent", org["north"])
    ticket = new_ticket(alice, kind="repair")
    web_as(alice).post(f"/service/tickets/{ticket.pk}/dispatch/", {"units": [org["north"].pk], "due_hours": 4})
    page = web_as(crew).get("/service/work-orders/")
    assert ticket.number in page.content.decode()
    order = ticket.work_orders.get()
    web_as(crew).post(f"/service/work-orders/{order.pk}/answer/", {"answer": "已修复"})
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


@pytest.mark.parametrize("path", ["/service/", "/service/tickets/", "/service/work-orders/", "/service/visits/"])
def test_pages_render(web_as, alice, path):
    new_ticket(alice)
    assert web_as(alice).get(path).status_code == 200


def test_workbench_and_ticket_page_use_a_bounded_number_of_queries(web_as, alice, customer):
    client = web_as(alice)
    for i in range(3):
        new_ticket(alice, customer_id=customer.pk, title=f"t{i}")
    client.get("/service/")  # warm caches (role policy, session)
    with CaptureQueriesContext(connection) as few:
        client.get("/service/")
    for i in range(20):
        new_ticket(alice, customer_id=customer.pk, title=f"more {i}")
    with CaptureQueriesContext(connection) as many:
        client.get("/service/")
    assert len(many) == len(few) <= 12
    ticket = Ticket.objects.first()
    with CaptureQueriesContext(connection) as page:
        client.get(f"/service/tickets/{ticket.pk}/")
    assert len(page) <= 25


def test_a_reply_with_a_refused_file_saves_nothing(web_as, alice, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    ticket = new_ticket(alice)
    client = web_as(alice)
    before = ticket.replies.count()
    page = client.post(f"/service/tickets/{ticket.pk}/reply/", {
        "body": "见附件", "files": [SimpleUploadedFile("a.txt", b"hello"), SimpleUploadedFile("x.exe", b"MZ")]},
        follow=True)
    assert ".exe" in page.content.decode() and ticket.replies.count() == before
    client.post(f"/service/tickets/{ticket.pk}/reply/", {"body": "见附件", "files": [SimpleUploadedFile("a.txt", b"hello")]})
    assert ticket.replies.count() == before + 1 and ticket.attachments.get().name == "a.txt"
