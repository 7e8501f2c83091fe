"""Taking in mail: one entry point (`mail_ingest`) for the SMTP receiver, IMAP polling and pipes.

A mail becomes a new ticket, or a reply on the ticket it answers (by In-Reply-To/References,
else by the [T…] number in the subject). Nothing is dropped: a mail that cannot be read, or
whose filing fails, is kept raw in quarantine for an administrator to retry. Only when even
the quarantine cannot be written (the database is down) does `mail_ingest` raise, so that
the SMTP receiver answers "try again later" and IMAP leaves the mail unread.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.channels.email.models import InboundMessage, InboundOutcome, MailSource, QuarantinedMail
from kehu.channels.email.parsing import (
    MailAttachment,
    MailParseError,
    ParsedMail,
    parse_mail,
    peek_headers,
)
from kehu.core.audit import log_action
from kehu.core.errors import InvalidInput
from kehu.customers.models import Contact, Customer
from kehu.service.choices import ReplyVia, TicketChannel
from kehu.service.models import Reply, Ticket
from kehu.service.services import ticket_create, ticket_reply
from kehu.service.services.attachments import attachment_add
from kehu.service.services.notify import reply_subject
from kehu.service.validation import MAX_DESCRIPTION

logger = logging.getLogger(__name__)

MAX_REPLY = 50_000  # ticket_reply refuses longer bodies
SUBJECT_NUMBER = re.compile(r"[\[【［]\s*(T\d{13})\s*[\]】］]")


@dataclass
class IngestResult:
    outcome: str  # an InboundOutcome, "duplicate" or "quarantined"
    ticket: Ticket | None = None
    quarantined: QuarantinedMail | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome != "quarantined"


def mail_ingest(raw: bytes, *, source: str = MailSource.SMTP) -> IngestResult:
    """File one delivered mail; quarantine it when that fails. Raises only if nothing could be saved."""
    try:
        return _file_mail(raw, source=source)
    except MailParseError as exc:
        return _quarantine(raw, str(exc), source=source)
    except Exception as exc:  # a bug or a refused field must not lose the mail
        logger.exception("mail could not be filed; quarantined")
        return _quarantine(raw, f"{type(exc).__name__}: {exc}", source=source)


@transaction.atomic
def quarantine_retry(*, mail: QuarantinedMail, by: User | None) -> IngestResult:
    """Try a quarantined mail again. Success marks it taken in; failure records the new error."""
    mail = QuarantinedMail.objects.select_for_update().get(pk=mail.pk)
    if not mail.is_pending:
        return IngestResult("duplicate", ticket=mail.ticket)
    mail.retried_at, mail.retry_count = timezone.now(), mail.retry_count + 1
    try:
        with transaction.atomic():
            result = _file_mail(bytes(mail.raw), source=MailSource.RETRY)
    except Exception as exc:
        mail.error = str(exc) if isinstance(exc, MailParseError) else f"{type(exc).__name__}: {exc}"
        mail.save(update_fields=["retried_at", "retry_count", "error"])
        log_action("mail.retry_failed", actor=by, obj=mail, note=mail.error[:200])
        return IngestResult("quarantined", quarantined=mail)
    mail.resolved_at, mail.ticket = timezone.now(), result.ticket
    mail.save(update_fields=["retried_at", "retry_count", "resolved_at", "ticket"])
    log_action("mail.retried", actor=by, obj=mail, customer_id=result.ticket.customer_id if result.ticket else None,
               changes={"ticket": [None, result.ticket.number if result.ticket else None]})
    return result


def _quarantine(raw: bytes, error: str, *, source: str) -> IngestResult:
    digest = hashlib.sha256(raw).hexdigest()
    # The same unreadable mail delivered again is one entry, not one per delivery.
    earlier = QuarantinedMail.objects.filter(digest=digest, resolved_at__isnull=True).first()
    if earlier is not None:
        return IngestResult("quarantined", quarantined=earlier)
    sender, subject = peek_headers(raw)
    mail = QuarantinedMail.objects.create(raw=raw, digest=digest, error=error[:5000], sender=sender,
                                          subject=subject, source=source)
    log_action("mail.quarantined", actor=None, obj=mail, note=error[:200])
    return IngestResult("quarantined", quarantined=mail)


def _dedup_key(mail: ParsedMail) -> str:
    # Sender + Message-ID: a stranger reusing someone's Message-ID cannot make their mail vanish.
    basis = f"{mail.sender_email}\n{mail.message_id}" if mail.message_id else mail.digest
    return hashlib.sha256(basis.encode("utf-8", errors="surrogatepass")).hexdigest()


def _file_mail(raw: bytes, *, source: str) -> IngestResult:
    mail = parse_mail(raw, own_address=settings.KEHU_SERVICE_EMAIL)
    key = _dedup_key(mail)
    earlier = InboundMessage.objects.filter(dedup_key=key).select_related("ticket").first()
    if earlier is not None:
        return IngestResult("duplicate", ticket=earlier.ticket)
    try:
        with transaction.atomic():
            return _file_parsed(mail, key=key, source=source)
    except IntegrityError:
        # The same mail raced in through another delivery: that one made the ticket.
        earlier = InboundMessage.objects.filter(dedup_key=key).select_related("ticket").first()
        if earlier is None:
            raise
        return IngestResult("duplicate", ticket=earlier.ticket)


def _file_parsed(mail: ParsedMail, *, key: str, source: str) -> IngestResult:
    ticket = find_thread(mail)
    if ticket is None:
        ticket, reply = _open_ticket(mail)
        outcome = InboundOutcome.CREATED
    elif mail.automatic:
        # An out-of-office answer must not reopen a resolved ticket: keep it as a note.
        reply = _note(ticket, _body_or_placeholder(mail)[:MAX_REPLY], message_id=mail.message_id,
                      author_name=_author(mail), via=ReplyVia.EMAIL)
        outcome = InboundOutcome.NOTED
    else:
        reply = ticket_reply(ticket=ticket, by=None, body=_body_or_placeholder(mail)[:MAX_REPLY],
                             via=ReplyVia.EMAIL, author_name=_author(mail), message_id=mail.message_id[:255])
        outcome = InboundOutcome.REPLIED
    inbound = InboundMessage.objects.create(
        dedup_key=key, message_id=mail.message_id[:255], sender=mail.sender_email[:254],
        subject=mail.subject[:255], ticket=ticket, reply=reply, outcome=outcome, source=source,
    )
    notes = _attach_files(ticket, reply, mail, limit=MAX_DESCRIPTION if outcome == "created" else MAX_REPLY)
    if outcome == InboundOutcome.CREATED and auto_reply_allowed(mail):
        transaction.on_commit(lambda: send_auto_reply(inbound.pk))
    return IngestResult(outcome, ticket=ticket, notes=notes)


# --- threading --------------------------------------------------------------------------

def find_thread(mail: ParsedMail) -> Ticket | None:
    """The ticket this mail answers: by the ids it quotes, else by a [T…] number in the subject."""
    ticket = _ticket_by_message_ids(mail.thread_ids[:100])
    if ticket is None:
        numbers = SUBJECT_NUMBER.findall(mail.subject)
        ticket = Ticket.objects.filter(number__in=numbers).order_by("-id").first() if numbers else None
    # A merged duplicate forwards to the ticket that was kept.
    for _hop in range(5):
        if ticket is None or ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.filter(pk=ticket.merged_into_id).first() or ticket
    return ticket


def _own_number(message_id: str) -> str:
    """The ticket number in one of our own Message-IDs: reply-12.T2026…@domain, ack-3.T2026…@domain."""
    local, _at, domain = message_id.rpartition("@")
    if domain.lower() != str(settings.KEHU_MAIL_DOMAIN).lower():
        return ""
    found = re.fullmatch(r"(?:reply|ack)-\d+\.(T\d{13})", local)
    return found.group(1) if found else ""


def _ticket_by_message_ids(ids: list[str]) -> Ticket | None:
    if not ids:
        return None
    numbers = [n for n in map(_own_number, ids) if n]
    if numbers:
        ticket = Ticket.objects.filter(number__in=numbers).order_by("-id").first()
        if ticket is not None:
            return ticket
    inbound = InboundMessage.objects.filter(message_id__in=ids, ticket__isnull=False).order_by("-id").first()
    if inbound is not None:
        return inbound.ticket
    # Replies may hold ids with or without the angle brackets; ask for both.
    reply = Reply.objects.filter(message_id__in=[*ids, *(f"<{i}>" for i in ids)]).order_by("-id").first()
    return reply.ticket if reply is not None else None


# --- a new ticket -----------------------------------------------------------------------

def _author(mail: ParsedMail) -> str:
    return (f"{mail.sender_name} <{mail.sender_email}>" if mail.sender_name else mail.sender_email)[:120]


def _body_or_placeholder(mail: ParsedMail) -> str:
    if mail.body.strip():
        return mail.body
    if mail.attachments:
        return _("(No text; see the attachments.)")
    return _("(The message was empty.)")


def _valid_address(address: str) -> str:
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address[:254]


def _customer_link(address: str) -> dict[str, int]:
    """The customer (or contact) whose e-mail address sent the mail; none when unknown."""
    if not address:
        return {}
    # Compared through Lower(email), the expression the e-mail indexes are built on.
    wanted = address.lower()
    customer_id = (Customer.objects.alive().alias(email_lower=Lower("email")).filter(email_lower=wanted)
                   .order_by("id").values_list("pk", flat=True).first())
    if customer_id is not None:
        return {"customer_id": customer_id}
    contact = (Contact.objects.alias(email_lower=Lower("email"))
               .filter(email_lower=wanted, customer__deleted_at__isnull=True).order_by("id").values_list("pk", "customer_id").first())
    return {"customer_id": contact[1], "contact_id": contact[0]} if contact else {}


def _open_ticket(mail: ParsedMail) -> tuple[Ticket, Reply | None]:
    address = _valid_address(mail.sender_email)
    data = {
        "kind": settings.KEHU_MAIL_TICKET_KIND,
        "channel": TicketChannel.EMAIL,
        "title": (mail.subject or "").strip()[:200]
        or _("E-mail from %(sender)s") % {"sender": mail.sender_email[:150]},
        "description": _body_or_placeholder(mail)[:MAX_DESCRIPTION],
        "caller_name": (mail.sender_name or mail.sender_email)[:60],
        "caller_email": address,
        **_customer_link(address),
    }
    ticket, _created = ticket_create(by=None, data=data, via=ReplyVia.EMAIL)
    first = ticket.replies.order_by("id").first()
    if first is not None and mail.message_id:
        # Our replies thread under it (In-Reply-To), so it must be findable on the thread.
        first.message_id = mail.message_id[:255]
        first.save(update_fields=["message_id"])
    return ticket, first


def _note(ticket: Ticket, body: str, *, message_id: str = "", author_name: str = "",
          via: str = ReplyVia.SYSTEM) -> Reply:
    # Not ticket_reply(by=None): that treats every customer-side message, even an internal
    # one, as the customer writing again and reopens a resolved ticket.
    return Reply.objects.create(ticket=ticket, body=body, internal=True, via=via,
                                message_id=message_id[:255], author_name=author_name)


def _attach_files(ticket: Ticket, reply: Reply | None, mail: ParsedMail, *, limit: int) -> list[str]:
    """Store the files; a refused one is named in an internal note, the mail is kept."""
    files = list(mail.attachments)
    if len(mail.body) > limit:
        # The thread holds the first `limit` characters; the whole text stays with the ticket.
        files.append(MailAttachment("message.txt", "text/plain", mail.body.encode()))
    problems: list[str] = []
    for item in files:
        try:
            attachment_add(ticket=ticket, name=item.name, content=item.content,
                           content_type=item.content_type, reply=reply, by=None)
        except InvalidInput as exc:
            problems.append(exc.message)
    if problems:
        _note(ticket, _("Not kept from the e-mail of %(sender)s:") % {"sender": mail.sender_email}
              + "\n" + "\n".join(f"- {p}" for p in problems))
    return problems


# --- the auto-reply ---------------------------------------------------------------------

def auto_reply_allowed(mail: ParsedMail) -> bool:
    """Answer people, once in a while: never machines, lists, ourselves, or a flood from one sender."""
    if not settings.KEHU_MAIL_AUTO_REPLY or mail.automatic:
        return False
    if not _valid_address(mail.sender_email):
        return False
    limit = int(settings.KEHU_MAIL_AUTO_REPLY_PER_HOUR)
    since = timezone.now() - dt.timedelta(hours=1)
    recent = InboundMessage.objects.filter(sender=mail.sender_email, auto_replied_at__gte=since).count()
    return recent < limit


def auto_reply_text(ticket: Ticket) -> str:
    template = settings.KEHU_MAIL_AUTO_REPLY_TEXT or _(
        "Hello,\n\nThank you for your message. We have registered it as request %(number)s "
        "(“%(title)s”) and will answer you as soon as we can.\n\nTo add anything, reply to this "
        "e-mail and keep [%(number)s] in the subject.\n\nThis is an automatic message."
    )
    try:
        return template % {"number": ticket.number, "title": ticket.title}
    except (KeyError, TypeError, ValueError):  # a hand-written template with a stray %
        return f"{template}\n\n{ticket.number}"


def send_auto_reply(inbound_id: int) -> bool:
    """Tell the sender the ticket number. Sent once (claimed by an UPDATE); a failure becomes a note."""
    now = timezone.now()
    if not InboundMessage.objects.filter(pk=inbound_id, auto_replied_at__isnull=True).update(auto_replied_at=now):
        return False
    inbound = InboundMessage.objects.select_related("ticket").get(pk=inbound_id)
    ticket = inbound.ticket
    if ticket is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(
            subject=reply_subject(ticket), body=auto_reply_text(ticket), from_email=settings.KEHU_SERVICE_EMAIL,
            to=[inbound.sender], headers=_auto_reply_headers(inbound, ticket),
        )
    try:
        message.send()
    except OSError as exc:  # smtplib errors are OSErrors
        InboundMessage.objects.filter(pk=inbound_id).update(auto_replied_at=None)
        _note(ticket, _("The automatic reply to %(address)s failed: %(error)s")
              % {"address": inbound.sender, "error": exc})
        return False
    return True


def _auto_reply_headers(inbound: InboundMessage, ticket: Ticket) -> dict[str, str]:
    headers = {
        "Message-ID": f"<ack-{inbound.pk}.{ticket.number}@{settings.KEHU_MAIL_DOMAIN}>",
        # RFC 3834: mark it automatic, so well-behaved responders do not answer it.
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "Precedence": "auto_reply",
    }
    if inbound.message_id:
        headers["In-Reply-To"] = headers["References"] = f"<{inbound.message_id}>"
    return headers
