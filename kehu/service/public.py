"""The public request page (/help/): customers submit requests and follow them, without a login.

Nobody signs in here, so two things stand in for it: a per-client rate limit (no captcha),
and for tracking, the tracking code plus the phone or e-mail given with the request. A
wrong code and a wrong proof answer alike, so the page never tells whether a code exists.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from kehu.core.errors import ServiceError
from kehu.core.phones import try_normalize_phone
from kehu.service.choices import ReplyVia
from kehu.service.models import Attachment, Reply, Ticket
from kehu.service.public_forms import MAX_FILES, LookupForm, ProofForm, ReplyForm, RequestForm
from kehu.service.services import ticket_create, ticket_reply
from kehu.service.services.attachments import attachment_add

SUBMITTED_KEY = "help_submitted"  # session: number and code of the last request sent from this browser
PROVEN_KEY = "help_proven"  # session: tracking codes whose contact this browser has proven
PROVEN_KEEP = 20
CUSTOMER_VIAS = (ReplyVia.PUBLIC, ReplyVia.EMAIL)


# --- rate limits -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Limit:
    scope: str
    most: int
    seconds: int


SUBMIT_LIMITS = (Limit("submit-10min", 5, 600), Limit("submit-day", 20, 86_400))
PROOF_IP_LIMITS = (Limit("proof-ip", 10, 3600),)
PROOF_CODE_LIMITS = (Limit("proof-code", 10, 3600),)
# Replies on the tracking page: enough for a conversation, not for flooding a thread.
REPLY_LIMITS = (Limit("reply-10min", 10, 600), Limit("reply-day", 60, 86_400))

# Counters live in Django's cache. Settings define no CACHES, so that is LocMemCache: one per
# process, so under `kehu serve` each worker counts on its own and a client may get up to
# (workers × limit) through. Configure a shared cache (Redis, Memcached, the database) to make
# the limits exact. Only add/incr/get/set/touch are used, which every Django backend offers.


def _key(limit: Limit, subject: str, now: float) -> str:
    # Fixed windows aligned to the epoch; the window number is part of the key, so a counter
    # never needs resetting. Subjects are hashed: codes are typed by strangers, and
    # memcached refuses keys with spaces or over 250 characters.
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"kehu:help:{limit.scope}:{int(now // limit.seconds)}:{digest}"


def is_limited(limits: Sequence[Limit], subject: str) -> bool:
    """True when `subject` has used up any of the limits in the current window."""
    now = time.time()
    return any((cache.get(_key(limit, subject, now)) or 0) >= limit.most for limit in limits)


def count_hit(limits: Sequence[Limit], subject: str) -> bool:
    """Count one event for `subject`; False when that goes over any of the limits.

    incr is atomic on LocMem, Memcached and Redis, so concurrent requests cannot all slip
    under a limit together.
    """
    now = time.time()
    within = True
    for limit in limits:
        key = _key(limit, subject, now)
        cache.add(key, 0, limit.seconds)
        try:
            hits = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, limit.seconds)
            hits = 1
        # The database and file caches implement incr as a set with the default timeout
        # (5 minutes); give the counter its whole window back.
        cache.touch(key, limit.seconds)
        within = within and hits <= limit.most
    return within


def client_ip(request: HttpRequest) -> str:
    # The server binds to loopback behind no proxy by default, so REMOTE_ADDR is the client.
    # X-Forwarded-For is not trusted: anyone can send it. Behind a reverse proxy every client
    # shares the proxy's address, and the proxy should set its own limits.
    return request.META.get("REMOTE_ADDR") or "unknown"


def _too_many(request: HttpRequest, limits: Sequence[Limit]) -> HttpResponse:
    response = render(request, "service/public/limited.html", status=429)
    response["Retry-After"] = str(min(limit.seconds for limit in limits))
    return response


# --- uploads -----------------------------------------------------------------------------------

class CappedUploadHandler(FileUploadHandler):
    """Stops keeping a file once it passes the attachment limit (or the file count).

    The page needs no login, so nobody may fill the disk with one big upload. The file is
    still reported, with its true size and no content, so the form names it as too large
    and keeps everything else the customer typed.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.files_seen = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.received = 0

    def _dropping(self) -> bool:
        return self.received > settings.KEHU_MAX_ATTACHMENT_BYTES or self.files_seen > MAX_FILES

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        return None if self._dropping() else raw_data  # None: later handlers store no more of it

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if not self._dropping():
            return None  # the usual handlers keep the file
        return InMemoryUploadedFile(io.BytesIO(), self.field_name, self.file_name, self.content_type,
                                    self.received, self.charset)


# --- submitting --------------------------------------------------------------------------------

@csrf_exempt  # only so the upload handler goes in before the body is read; checked just below
def request_new(request: HttpRequest) -> HttpResponse:
    request.upload_handlers.insert(0, CappedUploadHandler(request))
    return _request_new(request)


@csrf_protect
def _request_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _new_page(request, RequestForm())
    form = RequestForm(request.POST, request.FILES)
    if not form.is_valid():
        return _new_page(request, form)
    # Only requests that would be saved count, so a customer fixing a typo is not locked out.
    if not count_hit(SUBMIT_LIMITS, client_ip(request)):
        # The typed text stays on the page (not the files: browsers never refill those).
        response = _new_page(request, form, limited=True, status=429)
        response["Retry-After"] = str(SUBMIT_LIMITS[0].seconds)
        return response
    try:
        ticket = _create(form)
    except ServiceError as exc:
        form.add_service_errors(exc)
        return _new_page(request, form)
    request.session[SUBMITTED_KEY] = {"number": ticket.number, "code": ticket.tracking_code}
    # Whoever just typed the phone or e-mail has proven it; the link works in this browser at once.
    _remember_proof(request, ticket.tracking_code)
    return redirect("help:submitted")


def _new_page(request: HttpRequest, form: RequestForm, *, limited: bool = False, status: int = 200) -> HttpResponse:
    return render(request, "service/public/new.html", {
        "form": form, "limited": limited, "max_files": MAX_FILES,
        "max_bytes": settings.KEHU_MAX_ATTACHMENT_BYTES,
    }, status=status)


def _create(form: RequestForm) -> Ticket:
    """The ticket and its files together, or neither (stored files are removed again)."""
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            ticket, _created = ticket_create(by=None, data=form.ticket_data(), via=ReplyVia.PUBLIC)
            for upload in form.cleaned_data["files"]:
                stored.append(attachment_add(ticket=ticket, name=upload.name or "", content=upload.read(),
                                             content_type=upload.content_type or ""))
    except Exception:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return ticket


@never_cache
def request_submitted(request: HttpRequest) -> HttpResponse:
    submitted = request.session.get(SUBMITTED_KEY)
    if not submitted:
        return redirect("help:new")
    return render(request, "service/public/submitted.html", submitted)


# --- tracking ----------------------------------------------------------------------------------

def track_lookup(request: HttpRequest) -> HttpResponse:
    """A form for the code, for customers who come back without the link."""
    form = LookupForm(request.GET or None)
    if form.is_valid():
        return redirect("help:track", code=form.cleaned_data["code"])
    return render(request, "service/public/lookup.html", {"form": form})


@never_cache
def track(request: HttpRequest, code: str) -> HttpResponse:
    code = code.upper()
    if request.method == "POST":
        return _prove(request, code)
    ticket = _proven_ticket(request, code)
    if ticket is None:
        return render(request, "service/public/prove.html", {"code": code, "form": ProofForm()})
    return _ticket_page(request, ticket, ReplyForm())


def _prove(request: HttpRequest, code: str) -> HttpResponse:
    ip = client_ip(request)
    # Per code too: guessing the phone of one known code from many addresses stops as well.
    if is_limited(PROOF_IP_LIMITS, ip) or is_limited(PROOF_CODE_LIMITS, code):
        return _too_many(request, PROOF_IP_LIMITS)
    form = ProofForm(request.POST)
    if form.is_valid():
        ticket = Ticket.objects.filter(tracking_code=code).first()
        if ticket is not None and contact_matches(ticket, form.cleaned_data["contact"]):
            _remember_proof(request, code)
            return redirect("help:track", code=code)
        count_hit(PROOF_IP_LIMITS, ip)
        count_hit(PROOF_CODE_LIMITS, code)
        # The same words whether the code exists or not.
        form.add_error(None, _("We found no request with this tracking code and this phone number or "
                               "e-mail address. Check both and try again."))
    return render(request, "service/public/prove.html", {"code": code, "form": form})


def contact_matches(ticket: Ticket, given: str) -> bool:
    """The phone (normalised) or e-mail (case-folded) given with the request."""
    given = given.strip()
    if "@" in given:
        theirs, ours = given.casefold(), ticket.caller_email.strip().casefold()
    else:
        theirs, ours = try_normalize_phone(given), try_normalize_phone(ticket.caller_phone)
    return bool(ours) and hmac.compare_digest(theirs.encode(), ours.encode())


def _remember_proof(request: HttpRequest, code: str) -> None:
    codes = [c for c in request.session.get(PROVEN_KEY, []) if c != code]
    request.session[PROVEN_KEY] = [*codes[-(PROVEN_KEEP - 1):], code]


def _proven_ticket(request: HttpRequest, code: str) -> Ticket | None:
    if code not in request.session.get(PROVEN_KEY, []):
        return None
    return Ticket.objects.filter(tracking_code=code).first()


def _ticket_page(request: HttpRequest, ticket: Ticket, form: ReplyForm) -> HttpResponse:
    # External replies only: internal notes never leave the console. Agents appear as
    # "customer service", never by name, e-mail or phone.
    replies = ticket.replies.filter(internal=False).only("body", "created_at", "author_id", "via")
    thread = [(reply, _from_customer(reply)) for reply in replies]
    files = ticket.attachments.filter(Q(reply__isnull=True) | Q(reply__internal=False),
                                      uploaded_by__isnull=True).only("name", "size").order_by("id")
    return render(request, "service/public/ticket.html",
                  {"ticket": ticket, "thread": thread, "files": files, "form": form})


def _from_customer(reply: Reply) -> bool:
    return reply.author_id is None and reply.via in CUSTOMER_VIAS


@never_cache
@require_POST
def track_reply(request: HttpRequest, code: str) -> HttpResponse:
    code = code.upper()
    ticket = _proven_ticket(request, code)
    if ticket is None:
        return redirect("help:track", code=code)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _ticket_page(request, ticket, form)
    if not count_hit(REPLY_LIMITS, client_ip(request)):
        form.add_error("body", _("Too many messages from your connection. Please wait a few minutes; "
                                 "your text is kept below."))
        response = _ticket_page(request, ticket, form)
        response.status_code = 429
        response["Retry-After"] = str(REPLY_LIMITS[0].seconds)
        return response
    try:
        # An anonymous reporter's name is not copied onto more records.
        ticket_reply(ticket=ticket, by=None, body=form.cleaned_data["body"], via=ReplyVia.PUBLIC,
                     author_name="" if ticket.anonymous else ticket.caller_name)
    except ServiceError as exc:
        form.add_error("body", exc.errors.get("body") or exc.message)
        return _ticket_page(request, ticket, form)
    messages.success(request, _("Your message was added; our answer will appear here."))
    return redirect("help:track", code=code)
