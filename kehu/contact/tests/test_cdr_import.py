"""CDR import from the command line and the page: bad rows named, good rows kept, no double count."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from kehu.contact.models import Interaction

MAPPING = {"uniqueid": "external_id", "start": "offered_at", "answer": "answered_at", "end": "ended_at",
           "src": "caller", "agent": "agent", "queue": "queue", "recording": "recording_url"}
CSV = """uniqueid,start,answer,end,src,agent,queue,recording
1700.1,2026-11-20 09:00:00,2026-11-20 09:00:15,2026-11-20 09:04:15,13812345678,alice,sales,https://pbx/r/1.wav
1700.2,2026-11-20 09:01:00,,2026-11-20 09:01:40,13900000000,,sales,
1700.3,yesterday,,,13900000001,,sales,
1700.4,2026-11-20 09:05:00,2026-11-20 09:04:00,2026-11-20 09:06:00,13900000002,alice,sales,
,2026-11-20 09:07:00,,,13900000003,,sales,
1700.1,2026-11-20 09:00:00,,,13812345678,,sales,
"""


@pytest.fixture(autouse=True)
def _english(english) -> None:
    """These tests read messages in English (the shared `english` fixture)."""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "cdr.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "map.json").write_text(json.dumps(MAPPING), encoding="utf-8")
    return str(tmp_path / "cdr.csv"), str(tmp_path / "map.json")


def run(capsys, csv_path: str, map_path: str) -> dict:
    call_command("contact", "import-cdr", csv_path, "--mapping", map_path, "--json")
    return json.loads(capsys.readouterr().out)


def test_bad_rows_are_reported_by_number_and_the_good_ones_imported_once(files, capsys, alice):
    result = run(capsys, *files)
    assert result["imported"] == 2 and result["skipped_existing"] == 0
    assert [p["row"] for p in result["problems"]] == [4, 5, 6, 7]
    reasons = " | ".join(p["message"] for p in result["problems"])
    assert "unreadable time 'yesterday'" in reasons and "answer time is before the start time" in reasons
    assert "no call id" in reasons and "appears earlier" in reasons

    answered = Interaction.objects.get(external_id="1700.1")
    assert (answered.wait_s, answered.talk_s, answered.agent, answered.abandoned) == (15, 240, alice, False)
    assert answered.recording_url == "https://pbx/r/1.wav" and answered.source == "cdr"
    gave_up = Interaction.objects.get(external_id="1700.2")
    assert (gave_up.abandoned, gave_up.abandoned_after_s) == (True, 40)

    again = run(capsys, *files)
    assert again["imported"] == 0 and again["skipped_existing"] == 2
    assert Interaction.objects.count() == 2


def test_a_mapping_with_an_unknown_field_is_refused_with_the_known_ones(files, tmp_path, org):
    (tmp_path / "bad.json").write_text('{"uniqueid": "external_id", "start": "offered_at", "x": "colour"}')
    with pytest.raises(CommandError, match="Unknown fields in the mapping: colour"):
        call_command("contact", "import-cdr", files[0], "--mapping", str(tmp_path / "bad.json"))


def test_a_missing_file_is_a_clear_error(tmp_path, files, org):
    with pytest.raises(CommandError, match="Cannot read the file"):
        call_command("contact", "import-cdr", str(tmp_path / "nope.csv"), "--mapping", files[1])


def test_the_page_imports_and_lists_bad_rows(web_as, carol):
    upload = SimpleUploadedFile("cdr.csv", CSV.encode("gb18030"), content_type="text/csv")
    answer = web_as(carol).post("/contact/cdr/", {"file": upload, "mapping": json.dumps(MAPPING)},
                                HTTP_ACCEPT_LANGUAGE="en")
    html = answer.content.decode()
    assert answer.status_code == 200 and "Imported: 2." in html and "4 rows were left out" in html
    assert "Row 4: unreadable time" in html


def test_the_page_refuses_broken_json_in_the_users_language(web_as, carol):
    upload = SimpleUploadedFile("cdr.csv", CSV.encode(), content_type="text/csv")
    answer = web_as(carol).post("/contact/cdr/", {"file": upload, "mapping": "{oops"}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422 and "The mapping is not valid JSON." in answer.content.decode()
    assert not Interaction.objects.exists()


def test_an_agent_may_not_import(web_as, alice):
    upload = SimpleUploadedFile("cdr.csv", CSV.encode(), content_type="text/csv")
    answer = web_as(alice).post("/contact/cdr/", {"file": upload, "mapping": json.dumps(MAPPING)})
    assert answer.status_code == 403 and not Interaction.objects.exists()
