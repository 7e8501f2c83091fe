"""PostgreSQL looks for rare phrases among the newest documents first (query._newest_by_windows).

The slices are 65,536 keys wide, so the tickets here get far-apart ids by moving the ticket
id sequence; the candidate page is shrunk so that a few tickets exercise every step.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kehu.search import query
from kehu.search.scopes import search_as
from kehu.service.models import Ticket
from kehu.service.services.tickets import ticket_create

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="key slices are PostgreSQL's way; SQLite walks FTS5")


def ticket(by, title):
    made, _ = ticket_create(by=by, data={"kind": "inquiry", "channel": "phone", "title": title,
                                         "description": "客户来电"})
    return made


def jump_ids_to(value: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('service_ticket', 'id'), %s)", [value])


@pytest.fixture
def spread(alice):
    """Matching tickets in slices 0, 2 and 4 (ids from 1,000, 140,000 and 300,000), others between."""
    made = {}
    for start, matching in [(1_000, 6), (140_000, 4), (300_000, 3)]:
        jump_ids_to(start)  # explicit each time: a sequence does not roll back with a test
        for i in range(matching):
            t = ticket(alice, f"幸福小区电表 {start}-{i}")
            made[t.pk] = t.title
        ticket(alice, f"其他问题 {start}")
    return made


def hits(user, q):
    return [h.id for h in search_as(user, q, kinds=["ticket"]).hits]


@pytest.mark.parametrize("max_slices_per_step", [4, 0])  # 0: after the newest slices, the rest at once
def test_rare_phrases_are_found_newest_first_slice_by_slice(monkeypatch, alice, spread, max_slices_per_step):
    monkeypatch.setattr(query, "MAX_SLICES_PER_STEP", max_slices_per_step)
    monkeypatch.setattr(query, "CANDIDATES", 5)
    monkeypatch.setattr(query, "COMMON_IN_WINDOW", 10**9)  # every term counts as rare here
    monkeypatch.setattr(query, "FIRST_WINDOW", 10)
    with CaptureQueriesContext(connection) as ctx:
        sliced = hits(alice, "幸福小区 电表")
    steps = [q["sql"] for q in ctx.captured_queries if '"slice" >=' in q["sql"]]
    rest = [q["sql"] for q in ctx.captured_queries if '"slice" + 0 <' in q["sql"]]
    if max_slices_per_step:
        assert len(steps) >= 2 and not rest  # the newest slice held 3 of 5; older ones followed
    else:
        assert len(steps) == 1 and len(rest) == 1  # then everything older, by the terms alone
    newest_five = sorted(spread, reverse=True)[:5]
    assert sorted(sliced, reverse=True) == newest_five
    monkeypatch.setattr(query, "FIRST_WINDOW", 10**9)  # the whole table at once
    assert sorted(hits(alice, "幸福小区 电表"), reverse=True) == newest_five


def test_a_phrase_in_no_slice_finds_nothing_and_falls_back(monkeypatch, alice, spread):
    monkeypatch.setattr(query, "COMMON_IN_WINDOW", 10**9)
    results = search_as(alice, "幸福小区 燃气", kinds=["ticket"])
    assert results.mode != "exact"  # nothing has both phrases: the fuzzy tries answered


def test_common_terms_skip_the_slices(monkeypatch, alice, spread):
    monkeypatch.setattr(query, "COMMON_IN_WINDOW", 0)  # every term counts as common here
    with CaptureQueriesContext(connection) as ctx:
        found = hits(alice, "电表")
    assert not [q for q in ctx.captured_queries if '"slice" >=' in q["sql"]]
    assert set(found) == set(spread)


def test_common_terms_take_the_newest_keys_first_and_find_the_same_page(monkeypatch, alice, spread):
    monkeypatch.setattr(query, "CANDIDATES", 3)
    source = query.SOURCES["ticket"]
    qs = Ticket.objects.filter(search_document__folded_title__contains="电表").extra(
        where=['"search_ticketdocument"."vector" @@ %s::tsquery'], params=["'电表'"])
    top = max(spread)
    with CaptureQueriesContext(connection) as ctx:
        windowed = query._newest_common(source, qs, top, expected=len(spread))
    assert any('"ticket_id" >' in q["sql"] for q in ctx.captured_queries)  # the key window was used
    newest_three = sorted(spread, reverse=True)[:3]
    assert [pk for pk, _t, _b in windowed] == newest_three
    # A window too narrow to hold a page falls back to everything: the same page.
    assert [pk for pk, _t, _b in query._newest_common(source, qs, top, expected=10**9)] == newest_three
