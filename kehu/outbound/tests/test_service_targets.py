"""Building call lists: uploads with bad phones reported row by row, duplicates, the do-not-call
list, customer filters within the user's scope, and assignment to agents."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook

from kehu.core.errors import InvalidInput, NotAllowed
from kehu.customers.services import customer_create
from kehu.outbound import services
from kehu.outbound.models import CampaignEntry
from kehu.outbound.tests.conftest import load, make_campaign, phones


def write_csv(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_upload_keeps_the_valid_rows_and_reports_each_bad_phone_with_its_row(campaign, carol, tmp_path,
                                                                               english) -> None:
    path = write_csv(tmp_path, "姓名,电话,备注\n"
                               "王芳,138 0013 8000,老客户\n"
                               "李强,12345,\n"
                               "赵敏,,\n"
                               "陈刚,+44 20 7946 0958,\n"
                               "周杰,(010) 6552-8899,办公室\n")
    report = services.entries_from_file(campaign=campaign, by=carol, path=path)
    assert report.added == 2
    assert [(p.row, p.value) for p in report.problems] == [(3, "12345"), (4, ""), (5, "+44 20 7946 0958")]
    assert [p.reason for p in report.problems] == [
        "Not a phone number.", "The phone number is empty.", "A foreign number: only Chinese numbers can be called."]
    entries = CampaignEntry.objects.filter(campaign=campaign).order_by("id")
    assert [(e.name, e.phone_norm, e.note) for e in entries] == [
        ("王芳", "13800138000", "老客户"), ("周杰", "01065528899", "办公室")]


def test_an_excel_list_is_read_with_english_headers_and_row_numbers_of_the_sheet(campaign, carol, tmp_path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["客户名单 2026 冬季"])  # a title row above the header
    sheet.append(["Name", "Phone", "Note"])
    sheet.append(["王芳", 13800138000, ""])
    sheet.append(["李强", "1380013800", ""])
    path = tmp_path / "list.xlsx"
    book.save(path)
    report = services.entries_from_file(campaign=campaign, by=carol, path=path)
    assert report.added == 1
    assert [(p.row, p.value) for p in report.problems] == [(4, "1380013800")]


def test_a_file_without_a_phone_column_is_refused_with_a_clear_message(campaign, carol, tmp_path, english) -> None:
    path = write_csv(tmp_path, "name,city\n王芳,杭州\n")
    with pytest.raises(InvalidInput) as exc:
        services.entries_from_file(campaign=campaign, by=carol, path=path)
    assert exc.value.field == "file" and "phone" in exc.value.message


def test_duplicates_within_the_list_and_against_the_existing_list_are_left_out(campaign, carol, english) -> None:
    report = load(campaign, carol, ["13800138000", "138-0013-8000", "13900139000"])
    assert report.added == 2 and report.duplicates == 1
    assert report.problems[0].row == 2 and report.problems[0].reason == "Same number as row 1."
    again = load(campaign, carol, ["13900139000", "13700137000"])
    assert again.added == 1 and again.duplicates == 1
    assert again.problems[0].reason == "Already on this campaign's call list."
    assert CampaignEntry.objects.filter(campaign=campaign).count() == 3


def test_numbers_on_the_do_not_call_list_never_enter_a_call_list(campaign, carol, english) -> None:
    services.dnc_add(phone="13800138000", by=carol, reason="要求不再来电")
    report = load(campaign, carol, ["13800138000", "13900139000"])
    assert report.added == 1 and report.do_not_call == 1
    assert report.problems[0].reason == "On the do-not-call list."
    assert not CampaignEntry.objects.filter(phone_norm="13800138000").exists()


def test_a_customer_filter_takes_only_customers_the_creator_can_see(carol, alice, bob, dave, amy) -> None:
    for name, phone, owner in (("杭州甲公司", "13800000001", bob), ("杭州乙公司", "13800000002", bob),
                               ("北京丙公司", "13800000003", dave)):
        customer_create(by=owner, data={"name": name, "phone": phone, "value_tier": "key"})
    customer_create(by=bob, data={"name": "杭州丁公司", "phone": "13800000004", "value_tier": "general"})
    campaign = make_campaign(carol, [alice, amy])
    report = services.entries_from_filter(campaign=campaign, by=carol, params="?value_tier=key")
    # carol supervises the east team: bob's customers, not dave's in the north.
    assert report.added == 2
    entries = CampaignEntry.objects.filter(campaign=campaign)
    assert sorted(e.name for e in entries) == ["杭州乙公司", "杭州甲公司"]
    assert all(e.customer_id for e in entries)


def test_a_customer_code_links_the_row_to_the_customer_and_an_unknown_code_keeps_the_row(
        campaign, carol, bob, english) -> None:
    customer = customer_create(by=bob, data={"name": "宁波海天贸易", "phone": "057487650000"})
    rows = [{"name": "海天", "phone": "13800138000", "code": str(customer.pk)},
            {"name": "无名", "phone": "13900139000", "code": "999999"}]
    report = services.entries_from_rows(campaign=campaign, by=carol, rows=rows)
    assert report.added == 2 and report.unknown_customers == 1
    assert report.problems[0].row == 2 and "kept without a customer" in report.problems[0].reason
    linked = CampaignEntry.objects.get(campaign=campaign, phone_norm="13800138000")
    assert linked.customer_id == customer.pk


def test_even_split_deals_the_entries_round_the_agents(carol, alice, amy) -> None:
    campaign = make_campaign(carol, [alice, amy], assignment="even")
    load(campaign, carol, phones(5))
    load(campaign, carol, phones(3, start=100))
    counts = Counter(CampaignEntry.objects.filter(campaign=campaign).values_list("agent__username", flat=True))
    assert counts == {"alice": 4, "amy": 4}


def test_by_owner_gives_each_customer_to_its_owner_and_the_rest_to_the_shared_queue(carol, bob, erin) -> None:
    mine = customer_create(by=bob, data={"name": "甲", "phone": "13800000001"})
    other = customer_create(by=carol, data={"name": "乙", "phone": "13800000002", "owner": carol})
    campaign = make_campaign(carol, [bob, erin], assignment="owner")
    services.entries_from_rows(campaign=campaign, by=carol, rows=[
        {"phone": mine.phone, "code": str(mine.pk)}, {"phone": other.phone, "code": str(other.pk)}])
    agents = dict(CampaignEntry.objects.filter(campaign=campaign).values_list("customer_id", "agent__username"))
    assert agents == {mine.pk: "bob", other.pk: None}


def test_only_the_creator_or_a_manager_loads_a_call_list(campaign, alice, frank, erin) -> None:
    with pytest.raises(NotAllowed):
        load(campaign, alice, phones(1))
    with pytest.raises(NotAllowed):
        load(campaign, erin, phones(1))
    assert load(campaign, frank, phones(1)).added == 1
