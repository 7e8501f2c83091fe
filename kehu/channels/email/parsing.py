"""Reading a raw mail into what the service desk needs, forgiving of what real mail looks like.

Chinese mail is often labelled gb2312 while it holds GBK characters (镕, 堃, …), or carries
no charset at all, or raw 8-bit GBK in its headers. Every piece of text therefore goes
through `decode_text`, which tries the declared charset (gb2312/gbk read as their superset
gb18030), then UTF-8, then GB18030, and never raises. Only a mail with no headers at all,
or without a sender, is refused (`MailParseError`), and the caller keeps it in quarantine.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.utils.translation import gettext as _

# Labels that mean "some Chinese national charset": GB18030 is a superset of all of them.
GB_ALIASES = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936",
              "euc-cn", "x-euc-cn", "csgb2312", "chinese", "gb18030"}
# Labels that say nothing about the bytes.
UNKNOWN_CHARSETS = {"", "unknown", "unknown-8bit", "x-unknown", "default", "8bit", "binary", "us-ascii",
                    "ascii"}
MSGID = re.compile(r"<([^<>\s]{1,250})>")
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
NO_REPLY_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounce[s]?)([+@-]|$)",
                              re.IGNORECASE)


class MailParseError(ValueError):
    """The bytes are not a mail we can answer; `str()` says why, in the user's language."""


@dataclass
class MailAttachment:
    name: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    digest: str
    message_id: str
    subject: str
    sender_name: str
    sender_email: str
    body: str
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)
    # Sent by a machine (auto-reply, bounce, list): never answered automatically.
    automatic: bool = False
    defects: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this mail answers, nearest first."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


def normalise_charset(charset: str | None) -> str:
    label = (charset or "").strip().strip("\"'").lower()
    if label in GB_ALIASES:
        return "gb18030"
    return "" if label in UNKNOWN_CHARSETS else label


def decode_text(data: bytes, charset: str | None = None) -> str:
    """Bytes to text whatever the label says; unreadable bytes become U+FFFD, never an error."""
    for candidate in dict.fromkeys([normalise_charset(charset), "utf-8", "gb18030"]):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def _unescape_8bit(value: str) -> str:
    """Raw 8-bit header bytes arrive as surrogate escapes; read them as UTF-8 or GBK."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_text(value.encode("utf-8", errors="surrogateescape"))


def decode_header_value(value: str | None) -> str:
    """An RFC 2047 header (=?gb2312?B?…?=, =?utf-8?Q?…?=) or raw 8-bit text to one clean line."""
    if not value:
        return ""
    value = re.sub(r"\r?\n(?=[ \t])", "", str(value))
    try:
        pieces = decode_header(value)
    except Exception:  # malformed encoded words: keep the text as it came
        pieces = [(value, None)]
    text = "".join(
        decode_text(chunk, charset) if isinstance(chunk, bytes) else _unescape_8bit(chunk)
        for chunk, charset in pieces
    )
    return " ".join(text.split())


def _raw_header(msg: Message, name: str) -> str:
    """The header's text as received; the parsed header objects can raise on broken input."""
    for key, value in msg.raw_items():  # type: ignore[attr-defined]
        if key.lower() == name.lower():
            return str(value)
    return ""


def message_ids(value: str) -> list[str]:
    """The ids in a Message-ID/In-Reply-To/References header, without angle brackets."""
    return MSGID.findall(value or "")


class _HtmlText(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre",
             "hr", "ul", "ol"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML-only mail: blocks become lines, scripts and styles go."""
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; if it gives up, strip tags crudely
        return re.sub(r"<[^>]*>", " ", html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = decode_text(payload, part.get_param("charset"))  # type: ignore[arg-type]
    if part.get_content_subtype() == "html":
        return html_to_text(text)
    return text.replace("\r\n", "\n").strip()


def _body_part(msg: EmailMessage) -> Message | None:
    try:
        return msg.get_body(preferencelist=("plain", "html"))
    except Exception:  # a broken MIME tree: fall back to the first text part
        return next((p for p in msg.walk() if p.get_content_maintype() == "text"), None)


def _filename(part: Message, index: int) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = decode_header_value(_unescape_8bit(name))
    if not name:
        ext = mimetypes.guess_extension(part.get_content_type()) or ".bin"
        name = f"attachment-{index}{ext}"
    return name


def _is_attachment(part: Message) -> bool:
    if part.get_content_disposition() == "attachment":
        return True
    try:
        return bool(part.get_filename())
    except Exception:
        return True


def _walk(msg: Message, body: Message | None) -> tuple[list[MailAttachment], list[str]]:
    """Files of the mail, and text parts that are not alternatives of the body.

    Some clients split a message around an inline picture into several text/plain parts;
    those are kept as text so no words are lost.
    """
    files: list[MailAttachment] = []
    texts: list[str] = []
    stack: list[tuple[Message, str]] = [(msg, "")]
    while stack:
        part, parent = stack.pop(0)
        if part is body:
            continue
        if part.get_content_type() == "message/rfc822":
            # A forwarded mail stays one .eml file instead of being taken apart.
            inner = part.get_payload()
            data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
            files.append(MailAttachment(_filename(part, len(files) + 1), "message/rfc822", data))
        elif part.is_multipart():
            children = [(p, part.get_content_subtype()) for p in part.get_payload() if isinstance(p, Message)]  # type: ignore[union-attr]
            stack[:0] = children
        elif part.get_content_type() == "text/plain" and parent != "alternative" and not _is_attachment(part):
            texts.append(_part_text(part))
        elif parent != "alternative" or _is_attachment(part):
            payload = part.get_payload(decode=True)
            files.append(MailAttachment(_filename(part, len(files) + 1), part.get_content_type(),
                                        payload if isinstance(payload, bytes) else b""))
    return files, [t for t in texts if t]


def _is_automatic(msg: Message, sender: str, own_address: str) -> bool:
    """Mail no robot should answer (RFC 3834): auto-replies, bounces, lists, ourselves."""
    auto = _raw_header(msg, "Auto-Submitted").strip().lower()
    if auto and not auto.startswith("no"):
        return True
    if _raw_header(msg, "Precedence").strip().lower() in AUTO_PRECEDENCE:
        return True
    if any(_raw_header(msg, h) for h in ("List-Id", "List-Unsubscribe", "X-Autoreply", "X-Autorespond")):
        return True
    suppress = _raw_header(msg, "X-Auto-Response-Suppress").lower()
    if any(word in suppress for word in ("all", "autoreply", "oof")):
        return True
    if _raw_header(msg, "Return-Path").strip() == "<>":
        return True
    return bool(NO_REPLY_SENDERS.match(sender)) or (bool(own_address) and sender.lower() == own_address.lower())


def _sender(msg: Message) -> tuple[str, str]:
    """(name, address) of From:, else Sender:/Reply-To:; the address is lower-cased."""
    for header in ("From", "Sender", "Reply-To"):
        value = _raw_header(msg, header)
        if not value:
            continue
        decoded = decode_header_value(value)
        try:
            pairs = getaddresses([decoded]) or [parseaddr(decoded)]
        except Exception:
            pairs = [parseaddr(decoded)]
        for name, address in pairs:
            if "@" in address and " " not in address.strip():
                return name.strip().strip('"'), address.strip().lower()
    return "", ""


def parse_mail(raw: bytes, *, own_address: str = "") -> ParsedMail:
    """Read `raw` (the bytes as delivered). Raises MailParseError only for mail we cannot answer."""
    if not raw or not raw.strip():
        raise MailParseError(_("The message is empty."))
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    if not msg.keys():
        raise MailParseError(_("The message has no headers; it does not look like an e-mail."))
    sender_name, sender_email = _sender(msg)
    if not sender_email:
        raise MailParseError(_("The message has no sender address (From:)."))
    body_part = _body_part(msg)  # type: ignore[arg-type]
    attachments, more_text = _walk(msg, body_part)
    body = "\n\n".join([_part_text(body_part) if body_part is not None else "", *more_text]).strip()
    message_id = next(iter(message_ids(_raw_header(msg, "Message-ID"))), "")
    return ParsedMail(
        digest=hashlib.sha256(raw).hexdigest(),
        message_id=message_id,
        subject=decode_header_value(_raw_header(msg, "Subject")),
        sender_name=sender_name,
        sender_email=sender_email,
        body=body,
        in_reply_to=message_ids(_raw_header(msg, "In-Reply-To")),
        references=message_ids(_raw_header(msg, "References")),
        attachments=attachments,
        automatic=_is_automatic(msg, sender_email, own_address),
        defects=[type(d).__name__ for d in msg.defects],
    )


def peek_headers(raw: bytes) -> tuple[str, str]:
    """(sender, subject) for the quarantine list, best effort, never raising."""
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        return (decode_header_value(_raw_header(msg, "From"))[:254],
                decode_header_value(_raw_header(msg, "Subject"))[:255])
    except Exception:
        return "", ""
