"""mail_ingest: a mail becomes a ticket or a reply on its thread; nothing is ever lost."""

from __future__ import annotations

import pytest
from django.core import mail as outbox

from kehu.channels.email.models import InboundMessage, QuarantinedMail
from kehu.channels.email.services import mail_ingest, quarantine_retry
from kehu.channels.email.tests.conftest import make_mail
from kehu.service.choices import TicketStatus
from kehu.service.models import Reply, Ticket
from kehu.service.services import ticket_reply, ticket_resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """mail_ingest with the after-commit work (the auto-reply) run as in production."""

    def run(raw: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            return mail_ingest(raw)

    return run


def test_a_new_mail_opens_a_ticket_for_the_known_customer_and_answers_with_its_number(ingest, known_customer):
    result = ingest(make_mail(subject="电费咨询", body="请问阶梯电价怎么算？"))
    ticket = result.ticket
    assert result.outcome == "created"
    assert (ticket.channel, ticket.kind, ticket.title) == ("email", "inquiry", "电费咨询")
    assert ticket.customer_id == known_customer.pk and ticket.caller_email == "zhang@example.com"
    assert ticket.caller_name == "张先生"
    assert ticket.replies.get().body == "请问阶梯电价怎么算？"
    [reply] = outbox.outbox
    assert reply.to == ["zhang@example.com"] and f"[{ticket.number}]" in reply.subject
    assert ticket.number in reply.body and reply.extra_headers["Auto-Submitted"] == "auto-replied"


def test_a_contacts_address_links_the_contact_and_its_company(ingest, known_contact):
    ticket = ingest(make_mail(sender="li@hengda.example.cn")).ticket
    assert (ticket.customer_id, ticket.contact_id) == (known_contact.customer_id, known_contact.pk)


def test_the_ticket_number_in_the_subject_threads_the_reply(ingest, org):
    ticket = ingest(make_mail(subject="停电")).ticket
    result = ingest(make_mail(subject=f"回复：【{ticket.number}】停电", body="还是没电", sender="wang@example.com"))
    assert result.outcome == "replied" and result.ticket == ticket
    assert list(ticket.replies.values_list("body", flat=True)) == ["你好，请问阶梯电价怎么算？", "还是没电"]
    assert len(outbox.outbox) == 1  # replies are not acknowledged


def test_in_reply_to_the_customers_first_mail_threads_without_a_number(ingest, org):
    first = make_mail(subject="水压低", message_id="<first@example.com>")
    ticket = ingest(first).ticket
    result = ingest(make_mail(subject="Re: 水压低", body="补充：三楼", in_reply_to="<first@example.com>",
                              message_id="<second@example.com>"))
    assert result.ticket == ticket
    assert ticket.replies.last().message_id == "second@example.com"
    # …and an answer to the answer finds the thread through the stored Message-ID.
    assert ingest(make_mail(subject="Re: Re", references="<second@example.com>")).ticket == ticket


def test_in_reply_to_an_agents_reply_threads_and_reopens_a_resolved_ticket(ingest, alice):
    ticket = ingest(make_mail(subject="咨询")).ticket
    answer = ticket_reply(ticket=ticket, by=alice, body="已为您查询")
    ticket_resolve(ticket=ticket, by=alice, solution="已答复", notify=False)
    our_id = f"<reply-{answer.pk}.{ticket.number}@kehu.localhost>"
    result = ingest(make_mail(subject="Re: whatever", body="还有问题", in_reply_to=our_id, references=our_id))
    assert result.ticket == ticket
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS


def test_an_out_of_office_answer_is_noted_without_reopening_or_answering(ingest, alice):
    ticket = ingest(make_mail(subject="咨询")).ticket
    ticket_resolve(ticket=ticket, by=alice, solution="已答复", notify=False)
    result = ingest(make_mail(subject=f"自动回复: [{ticket.number}] 咨询", body="我正在休假",
                              Auto_Submitted="auto-replied"))
    ticket.refresh_from_db()
    assert result.outcome == "noted" and ticket.status == TicketStatus.RESOLVED
    assert ticket.replies.filter(internal=True, body="我正在休假").exists()
    assert len(outbox.outbox) == 1


def test_bulk_and_own_mail_make_tickets_but_get_no_auto_reply(ingest, org):
    ingest(make_mail(Precedence="bulk"))
    ingest(make_mail(sender="service@kehu.localhost"))
    ingest(make_mail(sender="MAILER-DAEMON@example.com", subject="Undelivered Mail"))
    assert Ticket.objects.count() == 3 and outbox.outbox == []


def test_auto_replies_to_one_sender_are_limited_per_hour(ingest, org, settings):
    settings.KEHU_MAIL_AUTO_REPLY_PER_HOUR = 2
    for n in range(4):
        ingest(make_mail(subject=f"第{n}封"))
    assert Ticket.objects.count() == 4 and len(outbox.outbox) == 2


def test_the_auto_reply_can_be_turned_off_and_reworded(ingest, org, settings):
    settings.KEHU_MAIL_AUTO_REPLY = False
    ingest(make_mail())
    assert outbox.outbox == []
    settings.KEHU_MAIL_AUTO_REPLY = True
    settings.KEHU_MAIL_AUTO_REPLY_TEXT = "已收到，编号 %(number)s"
    ticket = ingest(make_mail()).ticket
    assert outbox.outbox[0].body == f"已收到，编号 {ticket.number}"


def test_a_gbk_body_and_subject_arrive_readable(ingest, org):
    ticket = ingest(make_mail(subject="抄表有误", body="上月读数不对，户号镕堃", charset="gbk")).ticket
    assert ticket.title == "抄表有误" and ticket.description == "上月读数不对，户号镕堃"


def test_attachments_are_kept_on_the_first_reply(ingest, org):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    ticket = ingest(make_mail(attachments=[("电表照片.png", png, "image/png")])).ticket
    attachment = ticket.attachments.get()
    assert (attachment.name, attachment.size, attachment.content_type) == ("电表照片.png", len(png), "image/png")
    assert attachment.reply == ticket.replies.get()
    assert attachment.file.read() == png


def test_a_refused_attachment_is_skipped_with_a_note_and_the_rest_is_kept(ingest, org, settings):
    settings.KEHU_MAX_ATTACHMENT_BYTES = 1000
    ticket = ingest(make_mail(attachments=[("big.pdf", b"%PDF" + b"x" * 5000, "application/pdf"),
                                           ("run.exe", b"MZ" * 10, "application/octet-stream"),
                                           ("ok.txt", b"fine", "text/plain")])).ticket
    assert list(ticket.attachments.values_list("name", flat=True)) == ["ok.txt"]
    note = ticket.replies.get(internal=True).body
    assert "big.pdf" in note and ".exe" in note


def test_a_mail_without_subject_or_text_makes_a_safe_ticket(ingest, org):
    ticket = ingest(make_mail(subject=None, body="")).ticket
    assert "zhang@example.com" in ticket.title
    assert ticket.description


def test_a_very_long_text_is_cut_on_the_thread_and_kept_whole_as_a_file(ingest, org):
    body = "很长的说明。" * 5000
    ticket = ingest(make_mail(body=body)).ticket
    assert len(ticket.description) == 20_000
    assert ticket.attachments.get(name="message.txt").file.read().decode() == body


def test_the_same_mail_delivered_twice_makes_one_ticket(ingest, org):
    raw = make_mail(message_id="<twice@example.com>")
    first, again = ingest(raw), ingest(raw)
    assert again.outcome == "duplicate" and again.ticket == first.ticket
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1 and len(outbox.outbox) == 1


def test_garbage_is_quarantined_once_and_a_retry_reports_the_error_again(ingest, org, root):
    garbage = b"\x00\x01\x02 this is not a mail \xff\xfe"
    result = ingest(garbage)
    assert result.outcome == "quarantined" and Ticket.objects.count() == 0
    assert ingest(garbage).quarantined == result.quarantined  # delivered again: one entry
    kept = QuarantinedMail.objects.get()
    assert bytes(kept.raw) == garbage and kept.error and kept.is_pending
    retried = quarantine_retry(mail=kept, by=root)
    kept.refresh_from_db()
    assert not retried.ok and kept.retry_count == 1 and kept.retried_at and kept.is_pending


def test_a_mail_whose_filing_fails_is_quarantined_and_taken_in_on_retry(ingest, org, root, monkeypatch):
    from kehu.channels.email import services

    real = services.ticket_create
    monkeypatch.setattr(services, "ticket_create", lambda **kw: (_ for _ in ()).throw(RuntimeError("db hiccup")))
    raw = make_mail(subject="重试我", message_id="<retry@example.com>")
    result = ingest(raw)
    assert result.outcome == "quarantined" and "db hiccup" in result.quarantined.error
    assert Ticket.objects.count() == 0 and InboundMessage.objects.count() == 0  # nothing half-made
    monkeypatch.setattr(services, "ticket_create", real)
    retried = quarantine_retry(mail=result.quarantined, by=root)
    result.quarantined.refresh_from_db()
    assert retried.outcome == "created" and retried.ticket.title == "重试我"
    assert result.quarantined.ticket == retried.ticket and not result.quarantined.is_pending
    assert quarantine_retry(mail=result.quarantined, by=root).outcome == "duplicate"


def test_a_reply_to_a_merged_ticket_lands_on_the_ticket_that_was_kept(ingest, alice):
    from kehu.service.services import ticket_merge

    keep, merged = ingest(make_mail(subject="A")).ticket, ingest(make_mail(subject="B")).ticket
    ticket_merge(keep=keep, merge=merged, by=alice)
    assert ingest(make_mail(subject=f"Re: [{merged.number}] B")).ticket == keep


def test_thread_ids_stored_with_angle_brackets_by_other_code_also_match(ingest, org):
    ticket = ingest(make_mail(subject="X")).ticket
    Reply.objects.create(ticket=ticket, body="out", message_id="<agent-out@kehu.localhost>")
    assert ingest(make_mail(subject="Re", in_reply_to="<agent-out@kehu.localhost>")).ticket == ticket
