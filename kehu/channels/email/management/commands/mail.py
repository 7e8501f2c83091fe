"""`kehu mail receive | poll | ingest | quarantine | retry` — the e-mail channel from the shell."""

from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from kehu.channels.email.imap import ImapAccount, poll_mailbox
from kehu.channels.email.models import MailSource, QuarantinedMail
from kehu.channels.email.receiver import make_receiver
from kehu.channels.email.services import mail_ingest, quarantine_retry


class Command(BaseCommand):
    help = "E-mail channel: receive by SMTP, poll IMAP, take a mail from a pipe, retry quarantined mail."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        receive = sub.add_parser("receive", help="Run the SMTP receiver until stopped (Ctrl-C, SIGTERM).")
        receive.add_argument("--host", default="127.0.0.1", help="Address to bind (default loopback).")
        receive.add_argument("--port", type=int, default=2525)
        poll = sub.add_parser("poll", help="Fetch unread mail from an IMAP mailbox and file it.")
        poll.add_argument("--host", default=settings.KEHU_MAIL_IMAP_HOST)
        poll.add_argument("--port", type=int, default=0, help="Default 993 with --ssl, else 143.")
        poll.add_argument("--user", default=settings.KEHU_MAIL_IMAP_USER)
        poll.add_argument("--password", default="",
                          help="Better: the KEHU_IMAP_PASSWORD environment variable (not shown by ps).")
        poll.add_argument("--ssl", action=argparse.BooleanOptionalAction,
                          default=settings.KEHU_MAIL_IMAP_SSL,
                          help="IMAPS (default); --no-ssl for plain IMAP, e.g. on loopback.")
        poll.add_argument("--folder", default=settings.KEHU_MAIL_IMAP_FOLDER)
        poll.add_argument("--delete", action="store_true", help="Delete filed mail instead of marking it read.")
        poll.add_argument("--limit", type=int, default=200, help="At most this many mails per pass.")
        poll.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="Poll again every SECONDS.")
        ingest = sub.add_parser("ingest", help="File one mail from a file or standard input (a pipe transport).")
        ingest.add_argument("file", nargs="?", default="-")
        sub.add_parser("quarantine", help="List quarantined mail waiting for a retry.")
        retry = sub.add_parser("retry", help="Retry quarantined mail.")
        retry.add_argument("ids", nargs="*", type=int)
        retry.add_argument("--all", action="store_true", help="Retry every pending mail.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"do_{action}")(**options)

    def do_receive(self, *, host: str, port: int, **options: Any) -> None:
        if not _is_loopback(host):
            self.stderr.write(f"Warning: listening on {host}, not loopback; anyone who reaches it can file tickets.")
        controller = make_receiver(host, port)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            controller.start()
        except (OSError, RuntimeError) as exc:
            raise CommandError(f"Cannot listen on {host}:{port}: {exc}") from exc
        self.stdout.write(f"Receiving mail on {host}:{port}")
        self.stdout.flush()  # a supervisor reading the pipe sees at once that it is up
        try:
            while not stop.wait(1):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()

    def do_poll(self, *, host: str, port: int, user: str, password: str, ssl: bool, folder: str,
                delete: bool, limit: int, loop: int, **options: Any) -> None:
        password = password or os.environ.get("KEHU_IMAP_PASSWORD", "")
        if not host or not user:
            raise CommandError("Give --host and --user (or KEHU_MAIL_IMAP_HOST / KEHU_MAIL_IMAP_USER).")
        account = ImapAccount(host=host, port=port or (993 if ssl else 143), user=user, password=password,
                              ssl=ssl, folder=folder, delete=delete)
        while True:
            try:
                result = poll_mailbox(account, limit=limit)
                self.stdout.write(f"fetched {result.fetched}, stored {result.stored} "
                                  f"(quarantined {result.quarantined}), failed {result.failed}")
            except Exception as exc:  # a network hiccup must not end the --loop
                if not loop:
                    raise CommandError(f"IMAP {host}:{account.port}: {exc}") from exc
                self.stderr.write(f"IMAP {host}:{account.port}: {exc}")
            if not loop:
                return
            connections.close_all()  # no connection left to go stale while sleeping
            time.sleep(loop)

    def do_ingest(self, *, file: str, **options: Any) -> None:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        result = mail_ingest(raw, source=MailSource.FILE)
        ticket = result.ticket.number if result.ticket else "-"
        quarantined = f" quarantined #{result.quarantined.pk}" if result.quarantined else ""
        self.stdout.write(f"{result.outcome} {ticket}{quarantined}")

    def do_quarantine(self, **options: Any) -> None:
        pending = QuarantinedMail.objects.filter(resolved_at__isnull=True).defer("raw").order_by("id")
        for mail in pending:
            self.stdout.write(f"#{mail.pk} {mail.received_at:%Y-%m-%d %H:%M} {mail.sender or '?'} "
                              f"“{mail.subject}”: {mail.error.splitlines()[0] if mail.error else ''}")
        self.stdout.write(f"{pending.count()} pending")

    def do_retry(self, *, ids: list[int], all: bool, **options: Any) -> None:
        pending = QuarantinedMail.objects.filter(resolved_at__isnull=True).order_by("id")
        if not all:
            if not ids:
                raise CommandError("Name the quarantined mails to retry, or use --all.")
            pending = pending.filter(pk__in=ids)
        for mail in pending:
            result = quarantine_retry(mail=mail, by=None)
            ticket = result.ticket.number if result.ticket else "-"
            error = f": {result.quarantined.error}" if result.quarantined else ""
            self.stdout.write(f"#{mail.pk} {result.outcome} {ticket}{error}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
