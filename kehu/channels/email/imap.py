"""IMAP polling (`kehu mail poll`): fetch unread mail, file it, then mark it read or delete it.

A mail is flagged only after mail_ingest stored it (as a ticket or in quarantine); if
storing fails the mail stays unread on the server and the next poll tries it again.
Fetching uses BODY.PEEK so a crash between fetch and store never marks a mail read.
"""

from __future__ import annotations

import imaplib
import logging
import re
from dataclasses import dataclass, field

from kehu.channels.email.models import MailSource
from kehu.channels.email.services import mail_ingest

logger = logging.getLogger(__name__)


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    quarantined: int = 0
    failed: int = 0
    outcomes: list[str] = field(default_factory=list)


@dataclass
class ImapAccount:
    host: str
    port: int
    user: str
    password: str
    ssl: bool = True
    folder: str = "INBOX"
    delete: bool = False
    timeout: float = 60


def _connect(account: ImapAccount) -> imaplib.IMAP4:
    cls = imaplib.IMAP4_SSL if account.ssl else imaplib.IMAP4
    client = cls(account.host, account.port, timeout=account.timeout)
    client.login(account.user, account.password)
    status, _data = client.select(_quote(account.folder))
    if status != "OK":
        raise imaplib.IMAP4.error(f"cannot open folder {account.folder!r}")
    return client


def _quote(folder: str) -> str:
    return folder if re.fullmatch(r"[A-Za-z0-9_./-]+", folder) else '"' + folder.replace('"', r"\"") + '"'


def _fetch(client: imaplib.IMAP4, uid: bytes) -> bytes | None:
    status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def poll_mailbox(account: ImapAccount, *, limit: int = 200) -> PollResult:
    """One pass over the unread mail of `account.folder`, at most `limit` mails."""
    result = PollResult()
    client = _connect(account)
    try:
        status, data = client.uid("SEARCH", None, "UNSEEN")
        uids = data[0].split()[:limit] if status == "OK" and data and data[0] else []
        for uid in uids:
            _take_one(client, uid, account, result)
        if account.delete and result.stored:
            client.expunge()
    finally:
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return result


def _take_one(client: imaplib.IMAP4, uid: bytes, account: ImapAccount, result: PollResult) -> None:
    raw = _fetch(client, uid)
    if raw is None:
        result.failed += 1
        return
    result.fetched += 1
    try:
        ingested = mail_ingest(raw, source=MailSource.IMAP)
    except Exception:
        logger.exception("IMAP mail %s could not be stored; left unread", uid)
        result.failed += 1
        return
    result.stored += 1
    result.quarantined += 0 if ingested.ok else 1
    result.outcomes.append(ingested.outcome)
    flag = r"(\Deleted)" if account.delete else r"(\Seen)"
    client.uid("STORE", uid, "+FLAGS", flag)
