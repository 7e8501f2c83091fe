"""`kehu mail poll | ingest | quarantine | retry | receive`, and the admin's retry action."""

from __future__ import annotations

import os
import select
import signal
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kehu.channels.email import imap
from kehu.channels.email.models import InboundMessage, QuarantinedMail
from kehu.channels.email.tests.conftest import free_port, make_mail
from kehu.channels.email.tests.imap_server import Mailbox, serve
from kehu.service.models import Ticket

pytestmark = pytest.mark.django_db
GARBAGE = b"\x00\x01 not a mail \xff"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    server = serve(box)
    yield box, server.server_address[1]
    server.shutdown()
    server.server_close()


def poll(port: int, *extra: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("mail", "poll", "--host", "127.0.0.1", "--port", str(port), "--user", "service",
                 "--password", "secret", "--no-ssl", *extra, stdout=out)
    return out.getvalue()


def test_poll_files_unread_mail_and_marks_it_read(mailbox, org):
    box, port = mailbox
    first = box.add(make_mail(subject="邮箱来信", charset="gbk", body="您好，报修"))
    second = box.add(GARBAGE)
    assert "fetched 2, stored 2 (quarantined 1), failed 0" in poll(port)
    assert Ticket.objects.get().description == "您好，报修"
    assert QuarantinedMail.objects.count() == 1
    assert box.flags[first] == box.flags[second] == {"\\Seen"}
    assert "fetched 0" in poll(port)  # nothing unread is left


def test_poll_can_delete_what_it_filed(mailbox, org):
    box, port = mailbox
    box.add(make_mail())
    poll(port, "--delete")
    assert box.messages == {} and box.expunged == [1] and Ticket.objects.count() == 1


def test_a_mail_that_cannot_be_stored_stays_unread_on_the_server(mailbox, org, monkeypatch):
    box, port = mailbox
    uid = box.add(make_mail())

    def database_down(raw: bytes, **kwargs: object) -> None:
        raise ConnectionError("database is down")

    monkeypatch.setattr(imap, "mail_ingest", database_down)
    assert "failed 1" in poll(port)
    assert box.flags[uid] == set()


def test_poll_with_a_wrong_password_is_a_clear_error(mailbox, org):
    _box, port = mailbox
    with pytest.raises(CommandError, match="IMAP"):
        call_command("mail", "poll", "--host", "127.0.0.1", "--port", str(port), "--user", "service",
                     "--password", "wrong", "--no-ssl")


def test_ingest_reads_a_mail_file_and_retry_takes_in_quarantined_mail(tmp_path: Path, org, capsys):
    path = tmp_path / "in.eml"
    path.write_bytes(make_mail(subject="管道来信"))
    call_command("mail", "ingest", str(path))
    assert Ticket.objects.get().title == "管道来信"
    path.write_bytes(GARBAGE)
    call_command("mail", "ingest", str(path))
    kept = QuarantinedMail.objects.get()
    call_command("mail", "quarantine")
    call_command("mail", "retry", "--all")
    out = capsys.readouterr().out
    assert "created T" in out and f"#{kept.pk}" in out and "1 pending" in out
    kept.refresh_from_db()
    assert kept.retry_count == 1 and kept.is_pending
    with pytest.raises(CommandError):
        call_command("mail", "retry")


def test_the_admin_retries_quarantined_mail(web_as, root):
    kept = QuarantinedMail.objects.create(raw=make_mail(subject="后台重试"), digest="x", error="RuntimeError",
                                          source="smtp", sender="zhang@example.com")
    client = web_as(root)
    assert client.get("/admin/email_channel/quarantinedmail/").status_code == 200
    assert client.get(f"/admin/email_channel/quarantinedmail/{kept.pk}/change/").status_code == 200
    response = client.post("/admin/email_channel/quarantinedmail/",
                           {"action": "retry", "_selected_action": [kept.pk]})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert not kept.is_pending and kept.ticket.title == "后台重试"
    assert InboundMessage.objects.get().ticket == kept.ticket


def test_kehu_mail_receive_listens_on_loopback_and_stops_on_sigterm(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "KEHU_DATA_DIR": str(tmp_path)}  # no database is touched: nothing is sent
    proc = subprocess.Popen([sys.executable, "-m", "kehu.cli", "mail", "receive", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        ready, _w, _x = select.select([proc.stdout], [], [], 30)
        assert ready, proc.stderr.read1() if proc.stderr else ""
        assert f"127.0.0.1:{port}" in proc.stdout.readline().decode()
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            assert client.ehlo()[0] == 250
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
