"""The public request page (/help/) as a customer without a login uses it."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kehu.service.choices import ReplyVia, TicketStatus
from kehu.service.models import Attachment, Reply, Ticket
from kehu.service.public import PROOF_CODE_LIMITS, REPLY_LIMITS, SUBMIT_LIMITS, CappedUploadHandler
from kehu.service.services import ticket_reply, ticket_resolve

pytestmark = pytest.mark.django_db

NEUTRAL = "We found no request with this tracking code"


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    """Rate-limit counters live in the (per-process) cache; no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def client() -> Client:
    # English, so the assertions can read the page's words.
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def away_from_window_edge(seconds: int) -> None:
    """Limits count in windows aligned to the clock; start a counting test well inside one."""
    left = seconds - time.time() % seconds
    if left < 5:
        time.sleep(left + 0.1)


def form(**changes: object) -> dict[str, object]:
    data = {"kind": "repair", "title": "", "description": "楼道灯坏了三天\n在3号楼二单元",
            "name": "王先生", "phone": "138 1234 5678", "email": ""}
    data.update(changes)
    return data


def submit(client: Client, **changes: object):
    return client.post("/help/", form(**changes))


def proven_client(code: str, contact: str) -> Client:
    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = fresh.post(f"/help/track/{code}", {"contact": contact})
    assert response.status_code == 302, response.content.decode()
    return fresh


def test_the_form_page_is_chinese_by_default():
    page = Client().get("/help/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert 'name="kind"' in page and 'name="files"' in page and 'action="/i18n/setlang/"' in page


def test_a_valid_request_becomes_a_web_ticket_and_shows_its_tracking_code(client):
    photo = SimpleUploadedFile("灯.jpg", b"\xff\xd8\xff" + b"x" * 100, content_type="image/jpeg")
    response = client.post("/help/", form(files=[photo]), follow=True)
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.channel == "web" and ticket.kind == "repair" and ticket.caller_phone == "138 1234 5678"
    assert ticket.title == "楼道灯坏了三天"  # no title given: the first line of the description
    page = response.content.decode()
    assert ticket.number in page and ticket.tracking_code in page
    assert f"/help/track/{ticket.tracking_code}" in page
    attachment = Attachment.objects.get()
    assert attachment.ticket == ticket and attachment.name == "灯.jpg" and attachment.size == 103
    assert Reply.objects.get().via == ReplyVia.PUBLIC


def test_missing_contact_is_named_and_every_typed_field_is_kept(client):
    response = submit(client, phone="", email="", title="路灯", description="路灯不亮，已经一周")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give a phone number or an e-mail address" in page
    assert 'value="路灯"' in page and "路灯不亮，已经一周" in page and 'value="王先生"' in page
    assert '<option value="repair" selected>' in page
    assert not Ticket.objects.exists()


def test_a_wrong_phone_or_email_is_named_in_the_users_language(client):
    page = submit(client, phone="12345", email="not-an-address").content.decode()
    assert "Enter a phone number we can call" in page and "Enter a valid email address." in page
    assert not Ticket.objects.exists()


def test_an_exe_file_is_refused_with_a_clear_error_and_nothing_is_saved(client):
    bad = SimpleUploadedFile("setup.exe", b"MZ" + b"\0" * 50)
    response = client.post("/help/", form(title="发票", files=[bad]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Files of type .exe are not accepted." in page
    assert 'value="发票"' in page and "楼道灯坏了三天" in page
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_an_oversized_file_is_refused_with_a_clear_error_and_nothing_is_saved(client, settings):
    settings.KEHU_MAX_ATTACHMENT_BYTES = 1000
    big = SimpleUploadedFile("现场照片.jpg", b"x" * 5000, content_type="image/jpeg")
    small = SimpleUploadedFile("note.txt", b"ok")
    response = client.post("/help/", form(files=[small, big]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "“现场照片.jpg” is larger than" in page
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_an_oversized_upload_is_not_kept_past_the_limit_but_keeps_its_true_size(settings):
    settings.KEHU_MAX_ATTACHMENT_BYTES = 10
    handler = CappedUploadHandler()
    handler.new_file("files", "big.bin", "application/octet-stream", 30)
    assert handler.receive_data_chunk(b"x" * 8, 0) == b"x" * 8
    assert handler.receive_data_chunk(b"x" * 8, 8) is None  # later handlers store nothing more
    assert handler.receive_data_chunk(b"x" * 14, 16) is None
    marker = handler.file_complete(30)
    assert marker.name == "big.bin" and marker.size == 30 and marker.read() == b""
    handler.new_file("files", "small.txt", "text/plain", 5)
    assert handler.receive_data_chunk(b"hello", 0) == b"hello"
    assert handler.file_complete(5) is None  # kept by Django's usual handlers


def test_more_than_five_files_are_refused(client):
    files = [SimpleUploadedFile(f"{n}.txt", b"text") for n in range(6)]
    page = client.post("/help/", form(files=files)).content.decode()
    assert "At most 5 files" in page
    assert not Ticket.objects.exists()


def test_only_the_public_kinds_can_be_chosen(client):
    assert 'value="emergency_repair"' not in client.get("/help/").content.decode()
    page = submit(client, kind="emergency_repair").content.decode()
    assert "Select a valid choice." in page
    assert not Ticket.objects.exists()


def test_the_form_keeps_csrf_protection():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/help/", form()).status_code == 403
    assert not Ticket.objects.exists()


def test_tracking_with_the_right_phone_shows_status_and_external_replies_only(client, alice):
    alice.email, alice.display_name = "alice.agent@kehu.example", "坐席小李"
    alice.save()
    submit(client, email="Wang@Example.com")
    ticket = Ticket.objects.get()
    ticket_reply(ticket=ticket, by=alice, body="师傅明天上午上门", via=ReplyVia.CONSOLE)
    ticket_reply(ticket=ticket, by=alice, body="内部：物业电话待核实", internal=True)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    asked = visitor.get(f"/help/track/{ticket.tracking_code}").content.decode()
    assert "师傅明天上午上门" not in asked and "phone number or e-mail address" in asked
    # Written differently from the form: normalised before comparing.
    response = visitor.post(f"/help/track/{ticket.tracking_code}", {"contact": "+86 138-1234-5678"}, follow=True)
    page = response.content.decode()
    assert ticket.number in page and "Repair" in page and "In progress" in page
    assert "楼道灯坏了三天" in page and "师傅明天上午上门" in page
    assert "内部：物业电话待核实" not in page
    assert "alice" not in page.lower() and "坐席小李" not in page
    # The e-mail works too, in any case.
    assert proven_client(ticket.tracking_code, "wang@EXAMPLE.com").get(
        f"/help/track/{ticket.tracking_code.lower()}").status_code == 200


def test_a_wrong_proof_and_an_unknown_code_answer_the_same_neutral_message(client):
    submit(client)
    ticket = Ticket.objects.get()
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    wrong = visitor.post(f"/help/track/{ticket.tracking_code}", {"contact": "139 0000 0000"})
    unknown = visitor.post("/help/track/0000000000", {"contact": "138 1234 5678"})
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        page = response.content.decode()
        assert NEUTRAL in page and ticket.number not in page and "楼道灯" not in page
    # Not proven: the ticket stays hidden on the next visit as well.
    assert "楼道灯" not in visitor.get(f"/help/track/{ticket.tracking_code}").content.decode()


def test_a_customer_reply_lands_on_the_ticket_and_reopens_a_resolved_one(client, alice):
    submit(client)
    ticket = Ticket.objects.get()
    ticket_resolve(ticket=ticket, by=alice, solution="已更换灯泡")
    visitor = proven_client(ticket.tracking_code, "13812345678")
    assert "已更换灯泡" in visitor.get(f"/help/track/{ticket.tracking_code}").content.decode()
    response = visitor.post(f"/help/track/{ticket.tracking_code}/reply", {"body": "灯还是不亮"}, follow=True)
    assert response.status_code == 200 and "灯还是不亮" in response.content.decode()
    reply = Reply.objects.filter(ticket=ticket, body="灯还是不亮").get()
    assert reply.author is None and reply.via == ReplyVia.PUBLIC and not reply.internal
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.resolved_at is None


def test_a_reply_needs_a_proven_contact_and_some_text(client):
    submit(client)
    ticket = Ticket.objects.get()
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert stranger.post(f"/help/track/{ticket.tracking_code}/reply", {"body": "hi"}).status_code == 302
    visitor = proven_client(ticket.tracking_code, "13812345678")
    empty = visitor.post(f"/help/track/{ticket.tracking_code}/reply", {"body": "  "})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    assert Reply.objects.filter(ticket=ticket).count() == 1  # the description only


def test_submitting_is_limited_per_address_with_a_429_that_keeps_the_text(client):
    away_from_window_edge(SUBMIT_LIMITS[0].seconds)
    for n in range(SUBMIT_LIMITS[0].most):
        assert submit(client, description=f"第{n}次").status_code == 302
    refused = submit(client, description="第六次报修")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many requests from your connection." in page and "第六次报修" in page
    assert Ticket.objects.count() == SUBMIT_LIMITS[0].most
    # Another address is not affected.
    assert client.post("/help/", form(), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_failed_proofs_are_limited_per_address_and_per_code(client):
    away_from_window_edge(PROOF_CODE_LIMITS[0].seconds)
    submit(client)
    code = Ticket.objects.get().tracking_code
    guesser = Client(HTTP_ACCEPT_LANGUAGE="en")
    for n in range(10):
        response = guesser.post(f"/help/track/{code}", {"contact": f"1390000{n:04d}"},
                                REMOTE_ADDR=f"10.0.1.{n}")
        assert response.status_code == 200
    # The code has had its ten failures: even the right phone from a new address waits.
    blocked = guesser.post(f"/help/track/{code}", {"contact": "13812345678"}, REMOTE_ADDR="10.0.2.1")
    assert blocked.status_code == 429 and "Too many attempts" in blocked.content.decode()
    assert blocked["Retry-After"]
    # One address guessing at many codes is stopped as well.
    for n in range(10):
        guesser.post(f"/help/track/ABCDEF{n:04d}", {"contact": "13900000000"}, REMOTE_ADDR="10.0.3.3")
    assert guesser.post("/help/track/ABCDEF9999", {"contact": "13900000000"},
                        REMOTE_ADDR="10.0.3.3").status_code == 429


def test_an_anonymous_report_stores_the_flag_and_shows_the_submitter_everything(client):
    response = client.post("/help/", form(kind="report", anonymous="on", description="有人私接电线",
                                          email="w@example.com"), follow=True)
    ticket = Ticket.objects.get()
    assert ticket.anonymous is True
    assert ticket.caller_name == "王先生" and ticket.caller_phone and ticket.caller_email == "w@example.com"
    assert ticket.tracking_code in response.content.decode()
    page = proven_client(ticket.tracking_code, "w@example.com").get(f"/help/track/{ticket.tracking_code}")
    assert "有人私接电线" in page.content.decode() and "Report" in page.content.decode()


def test_anonymity_is_only_for_reports(client):
    submit(client, kind="inquiry", anonymous="on")
    assert Ticket.objects.get().anonymous is False


def test_the_code_lookup_form_leads_to_the_tracking_page(client):
    response = client.get("/help/track/", {"code": " abcd-ef12 34 "})
    assert response.status_code == 302 and response["Location"] == "/help/track/ABCDEF1234"
    assert "only letters and digits" in client.get("/help/track/", {"code": "<b>"}).content.decode()


def test_replies_on_the_tracking_page_are_limited_and_keep_the_text(client):
    away_from_window_edge(REPLY_LIMITS[0].seconds)
    submit(client)
    ticket = Ticket.objects.get()
    visitor = proven_client(ticket.tracking_code, "13812345678")
    url = f"/help/track/{ticket.tracking_code}/reply"
    for n in range(REPLY_LIMITS[0].most):
        assert visitor.post(url, {"body": f"补充说明 {n}"}).status_code == 302
    refused = visitor.post(url, {"body": "第十一条留言"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Too many messages" in refused.content.decode() and "第十一条留言" in refused.content.decode()
    assert not Reply.objects.filter(body="第十一条留言").exists()
