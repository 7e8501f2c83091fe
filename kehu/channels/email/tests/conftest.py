"""Real SMTP servers on loopback: the receiver under test and a sink that catches what Kehu sends."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from kehu.channels.email.receiver import make_receiver
from kehu.customers.models import Contact, Customer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """An aiosmtpd handler that keeps every mail it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    """Attachments the tests file go to a throwaway folder, not the data dir."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def smtp_sink(settings) -> Iterator[Sink]:
    """Kehu's outgoing mail goes by real SMTP to this sink instead of pytest-django's locmem."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield sink
    controller.stop()


@pytest.fixture
def receiver() -> Iterator[tuple[str, int]]:
    """The SMTP receiver of `kehu mail receive`, on a free loopback port."""
    port = free_port()
    controller = make_receiver("127.0.0.1", port)
    controller.start()
    yield "127.0.0.1", port
    controller.stop()


def make_mail(*, subject: str | None = "电费咨询", body: str = "你好，请问阶梯电价怎么算？",
              sender: str = "张先生 <zhang@example.com>", charset: str = "utf-8",
              message_id: str | None = None, in_reply_to: str = "", references: str = "",
              attachments: list[tuple[str, bytes, str]] | None = None, **headers: str) -> bytes:
    """A mail as a client would send it; charset="gbk" encodes the body in GBK."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "service@kehu.localhost"
    if subject is not None:
        msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="example.com")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body, charset=charset, cte="base64" if charset != "utf-8" else None)
    for name, content, content_type in attachments or []:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes(policy=policy.SMTP)  # CRLF line ends, as on the wire


@pytest.fixture
def known_customer(org: dict) -> Customer:
    return Customer.objects.create(name="深圳市海纳电子有限公司", name_norm="深圳市海纳电子有限公司",
                                   email="Zhang@Example.com", owner=org["bob"], team=org["east"],
                                   value_tier="general")


@pytest.fixture
def known_contact(org: dict) -> Contact:
    company = Customer.objects.create(name="杭州恒达机电设备有限公司", name_norm="杭州恒达机电设备有限公司",
                                      owner=org["bob"], team=org["east"], value_tier="general")
    return Contact.objects.create(customer=company, name="李经理", email="li@hengda.example.cn")

