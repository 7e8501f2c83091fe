"""The staffing planner page: a day's forecast in, a table and chart data out."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

URL = "/contact/staffing/"
TARGETS = {
    "interval_min": "30",
    "target_sl": "80",
    "answer_s": "20",
    "shrinkage": "30",
    "max_occupancy": "85",
}


def post(client, **data):
    return client.post(URL, {**TARGETS, **data}, HTTP_ACCEPT_LANGUAGE="en")


def table_rows(html: str) -> list[list[str]]:
    body = html.split('id="staffing-table"', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)
        ]
        for r in rows
    ]


def chart(html: str) -> dict:
    return json.loads(
        html.split('id="staffing-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    )


def test_login_is_required(client):
    r = client.get(URL)
    assert r.status_code == 302
    assert "/login/" in r["Location"]


def test_any_staff_member_sees_the_empty_form(web_as, alice, dave):
    for user in (alice, dave):
        r = web_as(user).get(URL, HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 200
        assert 'name="forecast"' in r.content.decode()


def test_a_typed_forecast_gives_a_row_per_interval(web_as, carol):
    r = post(web_as(carol), forecast="08:00 100 180\n08:30 0 180\n09:00 200 180\n")
    html = r.content.decode()
    assert r.status_code == 200
    rows = table_rows(html)
    assert [row[0] for row in rows] == ["08:00", "08:30", "09:00"]
    start, calls, aht, load, agents, scheduled, sl, asa, occupancy = rows[0]
    assert (calls, aht, load, agents, scheduled) == ("100", "180", "10.00", "14", "20")
    assert (sl, occupancy) == ("88.8%", "71.4%")
    assert rows[1][4:6] == ["0", "0"]
    data = chart(html)
    assert data["starts"] == ["08:00", "08:30", "09:00"]
    assert data["agents"][0] == 14 and data["scheduled"][0] == 20
    assert data["scheduled"] == [int(row[5]) for row in rows]


def test_bad_lines_are_reported_one_by_one_and_the_rest_planned(web_as, alice):
    text = (
        "start calls aht\n08:00 100 180\n8:30 abc 180\n09:00 50\n25:00 10 180\n09:30 10 0\n"
        "10:00 1e12 180\n10:30 80 200"
    )
    html = post(web_as(alice), forecast=text).content.decode()
    problems = html.split('id="forecast-problems"', 1)[1].split("</div>", 1)[0]
    for line in (3, 4, 5, 6, 7):
        assert f"Line {line}:" in problems
    assert "Line 2:" not in problems and "Line 8:" not in problems
    assert [row[0] for row in table_rows(html)] == ["08:00", "10:30"]


def test_patience_switches_to_erlang_a(web_as, alice):
    html = post(web_as(alice), forecast="08:00 100 180", patience_s="90").content.decode()
    assert "Erlang A" in html
    assert len(table_rows(html)[0]) == 10  # the abandoned column


def test_a_csv_upload(web_as, alice):
    csv = b"start,calls,aht\n08:00,100,180\n08:15,bad,180\n08:30,120,200\n"
    html = post(
        web_as(alice), forecast="", file=SimpleUploadedFile("day.csv", csv)
    ).content.decode()
    assert [row[0] for row in table_rows(html)] == ["08:00", "08:30"]
    assert "Line 3:" in html


def test_an_xlsx_upload_with_columns_in_another_order(web_as, alice, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["aht", "start", "calls"])
    sheet.append([180, "08:00", 100])
    sheet.append([200, "08:30", 120])
    path = tmp_path / "day.xlsx"
    book.save(path)
    upload = SimpleUploadedFile("day.xlsx", path.read_bytes())
    html = post(web_as(alice), forecast="", file=upload).content.decode()
    rows = table_rows(html)
    assert [(r[0], r[1], r[2]) for r in rows] == [("08:00", "100", "180"), ("08:30", "120", "200")]
    assert rows[0][4] == "14"


def test_an_unreadable_upload_is_a_form_error(web_as, alice):
    r = post(web_as(alice), forecast="", file=SimpleUploadedFile("day.pdf", b"%PDF-1.4"))
    assert r.status_code == 422
    assert ".csv or .xlsx" in r.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_sl": "100"}, "target_sl"),
        ({"shrinkage": "-5"}, "shrinkage"),
        ({"interval_min": "45"}, "interval_min"),
        ({"max_occupancy": "abc"}, "max_occupancy"),
    ],
)
def test_bad_targets_are_field_errors(web_as, alice, change, field):
    r = post(web_as(alice), forecast="08:00 100 180", **change)
    assert r.status_code == 422
    assert field in r.context["form"].errors


def test_nothing_to_plan_is_said(web_as, alice):
    r = post(web_as(alice), forecast="")
    assert r.status_code == 422
    assert "Type a forecast or upload a file." in r.content.decode()
