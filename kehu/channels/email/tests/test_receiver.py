"""End to end through real sockets: a client sends to `kehu mail receive`, the auto-reply reaches a sink."""

from __future__ import annotations

import smtplib
import threading

import pytest
from django.db import connections

from kehu.channels.email.models import InboundMessage, QuarantinedMail
from kehu.channels.email.services import mail_ingest
from kehu.channels.email.tests.conftest import make_mail
from kehu.service.models import Ticket

# The receiver files mail from its own threads and connections, so the test's data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def send(server: tuple[str, int], raw: bytes, sender: str = "zhang@example.com") -> tuple[int, bytes]:
    with smtplib.SMTP(*server, timeout=30) as client:
        client.ehlo()
        client.mail(sender)
        client.rcpt("service@kehu.localhost")
        return client.data(raw)


def test_mail_through_the_receiver_opens_threads_and_answers(receiver, smtp_sink, known_customer):
    photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    code, answer = send(receiver, make_mail(subject="抄表有误", body="上月读数不对，户号镕堃", charset="gbk",
                                            message_id="<m1@example.com>",
                                            attachments=[("电表.png", photo, "image/png")]))
    assert code == 250, answer
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.description, ticket.channel) == ("抄表有误", "上月读数不对，户号镕堃", "email")
    assert ticket.customer_id == known_customer.pk
    assert ticket.attachments.get().file.read() == photo

    [ack] = smtp_sink.wait_for(1)
    assert ack["To"] == "zhang@example.com" and f"[{ticket.number}]" in ack["Subject"]
    assert ticket.number in ack.get_content() and ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<m1@example.com>"

    # The customer answers the auto-reply (threads by In-Reply-To) and later writes with the number.
    assert send(receiver, make_mail(subject=ack["Subject"].replace("[", "Re: ["), body="补充照片",
                                    in_reply_to=ack["Message-ID"]))[0] == 250
    assert send(receiver, make_mail(subject=f"关于 [{ticket.number}]", body="请尽快"))[0] == 250
    assert Ticket.objects.count() == 1
    assert list(ticket.replies.values_list("body", flat=True)) == ["上月读数不对，户号镕堃", "补充照片", "请尽快"]
    assert len(smtp_sink.wait_for(1)) == 1  # only new tickets are acknowledged


def test_garbage_sent_to_the_receiver_is_accepted_into_quarantine(receiver, smtp_sink, org):
    code, _answer = send(receiver, b"\x00\x01 not a mail at all \xff")
    assert code == 250
    kept = QuarantinedMail.objects.get()
    assert kept.is_pending and b"not a mail at all" in bytes(kept.raw)
    assert Ticket.objects.count() == 0 and smtp_sink.messages == []


def test_a_mail_over_the_size_limit_is_refused_by_smtp(settings, smtp_sink, org):
    from kehu.channels.email.receiver import make_receiver
    from kehu.channels.email.tests.conftest import free_port

    settings.KEHU_MAIL_MAX_MESSAGE_BYTES = 10_000
    port = free_port()
    controller = make_receiver("127.0.0.1", port)
    controller.start()
    try:
        code, answer = send(("127.0.0.1", port),
                            make_mail(attachments=[("big.bin", b"x" * 50_000, "application/octet-stream")]))
        # A permanent refusal: the sender's server bounces it back to the customer, who learns why.
        assert code == 552, answer
    finally:
        controller.stop()
    assert Ticket.objects.count() == 0


def test_the_same_mail_arriving_twice_at_once_makes_one_ticket(org, settings):
    settings.KEHU_MAIL_AUTO_REPLY = False
    raw = make_mail(message_id="<race@example.com>")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def deliver() -> None:
        try:
            barrier.wait()
            outcomes.append(mail_ingest(raw).outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["created", "duplicate"]
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_an_agents_reply_goes_out_threaded_and_the_answer_comes_back(receiver, smtp_sink, known_customer, org):
    from kehu.service.services import ticket_reply

    assert send(receiver, make_mail(subject="发票抬头", body="请改发票抬头", message_id="<q1@example.com>"))[0] == 250
    ticket = Ticket.objects.get()
    smtp_sink.wait_for(1)  # the auto-reply
    reply = ticket_reply(ticket=ticket, by=org["alice"], body="已为您更正，请查收。")
    mails = smtp_sink.wait_for(2)
    out = mails[-1]
    assert out["To"] == "zhang@example.com" and out["In-Reply-To"] == "<q1@example.com>"
    assert f"[{ticket.number}]" in out["Subject"] and "已为您更正" in out.get_content()
    reply.refresh_from_db()
    assert reply.message_id == out["Message-ID"]
    # The customer answers our reply: it lands on the same ticket.
    assert send(receiver, make_mail(subject="Re: 发票抬头", body="收到，谢谢", in_reply_to=out["Message-ID"]))[0] == 250
    assert Ticket.objects.count() == 1
    assert ticket.replies.order_by("-id").first().body == "收到，谢谢"
