"""The SMTP receiver (`kehu mail receive`): aiosmtpd on loopback, each mail filed by mail_ingest.

Meant to sit behind the organisation's mail server (Postfix `relay_transport`, a forward
rule) rather than face the Internet, hence loopback by default. A mail is acknowledged
with 250 only after it is stored (as a ticket or in quarantine); if even that fails the
receiver answers 451 and the sending server keeps the mail and tries again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connections

from kehu.channels.email.models import MailSource
from kehu.channels.email.services import IngestResult, mail_ingest

logger = logging.getLogger(__name__)


def _ingest_in_thread(raw: bytes) -> IngestResult:
    try:
        return mail_ingest(raw, source=MailSource.SMTP)
    finally:
        # Worker threads are reused; a connection left open would go stale between mails.
        connections.close_all()


def with_return_path(content: bytes, mail_from: str | None) -> bytes:
    """Record the envelope sender as a delivering server does; "<>" marks a bounce."""
    address = (mail_from or "").strip("<>")
    return f"Return-Path: <{address}>\r\n".encode("utf-8", errors="replace") + content


class IngestHandler:
    """aiosmtpd handler: every recipient is ours; each mail goes to mail_ingest in a thread."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        raw = with_return_path(raw, envelope.mail_from)
        loop = asyncio.get_running_loop()
        try:
            # The ORM is synchronous: run it off the event loop.
            result = await loop.run_in_executor(None, _ingest_in_thread, raw)
        except Exception:
            logger.exception("mail could not be stored; asking the sender to retry")
            return "451 4.3.0 Mail could not be stored, please try again later"
        ticket = result.ticket.number if result.ticket else "-"
        return f"250 2.0.0 Accepted ({result.outcome} {ticket})"


def make_receiver(host: str = "127.0.0.1", port: int = 2525) -> Controller:
    """A started-on-demand SMTP server: call .start() and .stop()."""
    limit = int(settings.KEHU_MAIL_MAX_MESSAGE_BYTES)
    return Controller(IngestHandler(), hostname=host, port=port, data_size_limit=limit,
                      enable_SMTPUTF8=True, decode_data=False, ready_timeout=10)
