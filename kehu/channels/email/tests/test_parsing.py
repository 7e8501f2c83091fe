"""Reading real-world mail: Chinese charsets, encoded headers, HTML-only bodies, broken input."""

import base64

import pytest

from kehu.channels.email.parsing import (
    MailParseError,
    decode_header_value,
    decode_text,
    html_to_text,
    parse_mail,
)


def b64(text: str, charset: str) -> str:
    return base64.b64encode(text.encode(charset)).decode()


def test_gbk_characters_labelled_gb2312_are_read_as_gb18030():
    # 镕 and 堃 are in GBK but not in GB2312; mail clients label such text gb2312 anyway.
    assert decode_text("朱镕基 王堃".encode("gbk"), "gb2312") == "朱镕基 王堃"


def test_an_unknown_or_wrong_charset_falls_back_without_error():
    assert decode_text("你好".encode("gbk"), "x-no-such-charset") == "你好"
    assert decode_text("你好".encode("gbk"), "utf-8") == "你好"
    assert decode_text("你好".encode(), None) == "你好"
    assert "\ufffd" in decode_text(b"\xff\xfe\xfd", "us-ascii")  # unreadable bytes are marked, not fatal


def test_rfc2047_subjects_in_several_charsets_are_decoded():
    value = f"=?gb2312?B?{b64('电费', 'gbk')}?= =?utf-8?Q?=E5=92=A8=E8=AF=A2?="
    assert decode_header_value(value) == "电费咨询"


def test_a_gb2312_mail_with_raw_8bit_headers_and_body_is_read():
    raw = (b"From: " + "张三".encode("gbk") + b" <zhang@example.com>\r\n"
           b"Subject: " + "抄表有误".encode("gbk") + b"\r\n"
           b"Content-Type: text/plain; charset=gb2312\r\n\r\n" + "上月读数镕堃不对".encode("gbk"))
    mail = parse_mail(raw)
    assert (mail.sender_name, mail.sender_email) == ("张三", "zhang@example.com")
    assert mail.subject == "抄表有误" and mail.body == "上月读数镕堃不对"


def test_an_html_only_mail_becomes_text():
    raw = (b"From: a@example.com\r\nSubject: hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
           + "<html><head><style>p{color:red}</style></head><body><p>停电了&nbsp;<b>三天</b></p>"
             "<div>请尽快处理</div><script>alert(1)</script></body></html>".encode())
    assert parse_mail(raw).body == "停电了 三天\n\n请尽快处理"
    assert html_to_text("<p>a<br>b</p>") == "a\nb"


def test_a_mail_without_subject_or_body_still_parses():
    mail = parse_mail(b"From: a@example.com\r\n\r\n")
    assert mail.subject == "" and mail.body == "" and mail.sender_email == "a@example.com"


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"\x00\x01\x02 not a mail \xff", b"Subject: no sender\r\n\r\nbody"])
def test_what_cannot_be_answered_is_refused_with_a_reason(raw):
    with pytest.raises(MailParseError) as caught:
        parse_mail(raw)
    assert str(caught.value)


def test_automatic_mail_is_recognised():
    def auto(headers: bytes, sender: bytes = b"a@example.com") -> bool:
        return parse_mail(b"From: " + sender + b"\r\n" + headers + b"\r\nbody", own_address="service@kehu.localhost").automatic

    assert not auto(b"")
    assert not auto(b"Auto-Submitted: no\r\n")
    assert auto(b"Auto-Submitted: auto-replied\r\n")
    assert auto(b"Precedence: bulk\r\n")
    assert auto(b"List-Id: <news.example.com>\r\n")
    assert auto(b"Return-Path: <>\r\n")
    assert auto(b"", sender=b"MAILER-DAEMON@example.com")
    assert auto(b"", sender=b"service@kehu.localhost")


def test_threading_ids_come_nearest_first():
    mail = parse_mail(b"From: a@example.com\r\nIn-Reply-To: <c@x>\r\nReferences: <a@x> <b@x>\r\n\t<c@x>\r\n\r\nhi")
    assert mail.thread_ids == ["c@x", "b@x", "a@x"]
