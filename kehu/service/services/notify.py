"""Telling the customer: a visible reply on the thread, and an e-mail when we have an address."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from kehu.service.choices import ReplyVia
from kehu.service.models import Reply, Ticket


def notify_customer(ticket: Ticket, text: str) -> Reply:
    """An external system reply; mailed after commit when the caller left an address."""
    reply = Reply.objects.create(ticket=ticket, body=text, via=ReplyVia.SYSTEM, created_at=timezone.now())
    if ticket.caller_email:
        transaction.on_commit(lambda: send_reply_mail(reply.pk))
    return reply


def reply_subject(ticket: Ticket) -> str:
    # The number in brackets threads the customer's answer back to this ticket.
    return f"[{ticket.number}] {ticket.title}"


def send_reply_mail(reply_id: int) -> bool:
    """Send an external reply to the caller's address. Failures are kept on the thread, not raised:
    the reply is saved and an agent can see that the mail did not go out."""
    reply = Reply.objects.select_related("ticket").filter(pk=reply_id, internal=False).first()
    if reply is None or not reply.ticket.caller_email:
        return False
    ticket = reply.ticket
    message_id = f"<reply-{reply.pk}.{ticket.number}@{settings.KEHU_MAIL_DOMAIN}>"
    headers = {"Message-ID": message_id}
    # Thread under the customer's latest mail, so their mail program shows one conversation.
    latest = (Reply.objects.filter(ticket=ticket, author__isnull=True, via=ReplyVia.EMAIL)
              .exclude(message_id="").order_by("-created_at", "-id").values_list("message_id", flat=True).first())
    if latest:
        parent = latest if latest.startswith("<") else f"<{latest}>"
        headers.update({"In-Reply-To": parent, "References": parent})
    message = EmailMessage(
        subject=reply_subject(ticket), body=reply.body, from_email=settings.KEHU_SERVICE_EMAIL,
        to=[ticket.caller_email], headers=headers,
    )
    try:
        message.send()
    except OSError as exc:
        Reply.objects.create(ticket=ticket, body=f"E-mail to {ticket.caller_email} failed: {exc}",
                             internal=True, via=ReplyVia.SYSTEM)
        return False
    Reply.objects.filter(pk=reply.pk, message_id="").update(message_id=message_id)
    return True
