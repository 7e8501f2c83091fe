"""insert_row writes the same row save() would, on both databases; insert_family writes a
parent and the rows that refer to it, whole or not at all."""

import datetime as dt

import pytest
from django.db import IntegrityError

from kehu.core.inserts import insert_family, insert_row, one_statement_transaction
from kehu.core.models import AuditEntry
from kehu.search.models import TicketDocument
from kehu.service.models import IdempotencyKey, Reply, Ticket


def stored(obj):
    row = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key}


def test_a_row_inserted_once_compiled_reads_back_as_a_saved_one(alice):
    ticket = Ticket(number="T2026112299999", kind="complaint", channel="phone", title="停电投诉",
                    description="整栋楼停电", created_by=alice, team=alice.department)
    insert_row(ticket)
    twin = Ticket(number="T2026112299998", kind="complaint", channel="phone", title="停电投诉",
                  description="整栋楼停电", created_by=alice, team=alice.department,
                  created_at=ticket.created_at, updated_at=ticket.updated_at)
    twin.save()
    assert ticket.pk and ticket.pk != twin.pk and not ticket._state.adding
    mine, theirs = stored(ticket), stored(twin)
    for unique in ("number", "tracking_code"):  # set per ticket: different by design
        assert mine.pop(unique) != theirs.pop(unique)
    assert mine == theirs
    assert Ticket.objects.get(pk=ticket.pk).still_open  # the generated column is the database's


def test_defaults_auto_times_and_json_are_prepared_as_save_prepares_them(alice):
    entry = insert_row(AuditEntry(actor=alice, action="ticket.created", object_type="ticket", object_id=7,
                                  changes={"kind": [None, "投诉"], "n": [1, 2.5]}, note="说明"))
    read = AuditEntry.objects.get(pk=entry.pk)
    assert read.at is not None and read.at == entry.at
    assert read.changes == {"kind": [None, "投诉"], "n": [1, 2.5]} and read.note == "说明"


def test_a_given_primary_key_is_kept_and_foreign_keys_hold(alice):
    ticket = insert_row(Ticket(number="T2026112299997", kind="inquiry", channel="web", title="咨询"))
    reply = insert_row(Reply(ticket=ticket, body="您好", via="web"))
    assert list(ticket.replies.values_list("pk", "body")) == [(reply.pk, "您好")]
    again = insert_row(Reply(pk=reply.pk + 100, ticket=ticket, body="再次", via="web"))
    assert again.pk == reply.pk + 100 and Reply.objects.get(pk=again.pk).body == "再次"


def test_values_bound_as_they_are_equal_what_each_field_would_prepare(alice):
    """The shortcut for plain values (text, whole numbers, flags, keys, aware datetimes, empty
    nullables) binds exactly what the field's own preparation gives, for every kind of field."""
    from django.db import connection
    from django.utils import timezone

    from kehu.core.inserts import _statement, prepared_params
    from kehu.service.choices import TicketStatus

    ticket = Ticket(number="T2026112299996", kind="repair", channel="phone", title="抄表", description="",
                    status=TicketStatus.ACCEPTED, priority=3, anonymous=True, created_by=alice, team=None,
                    caller_phone="13800138000", first_response_due=timezone.now(),
                    resolution_due=timezone.localtime(), resolved_at=None)
    ticket_plan = _statement(Ticket, connection.alias, False)[1]
    assert {"first_response_due", "resolved_at"} <= {a for _f, a, plain, _ad in ticket_plan if dt.datetime in plain}
    for obj in (ticket, AuditEntry(actor=None, action="x", object_type="ticket", object_id=2**40, changes={"a": 1}),
                Reply(ticket_id=5, body="好", via="api", internal=False)):
        _sql, plan = _statement(type(obj), connection.alias, False)
        stamped = [i for i, (field, *_rest) in enumerate(plan)  # set anew by each pre_save: the clock moves
                   if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
        shortcut = prepared_params(obj, plan, connection)
        generic = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field, *_rest in plan]
        for i in stamped:
            shortcut[i] = generic[i] = None
        # (type, value): PostgreSQL's wrappers (Int2, Jsonb …) must match too; Jsonb compares by identity.
        assert [(type(v), getattr(v, "obj", v)) for v in shortcut] == [(type(v), getattr(v, "obj", v)) for v in generic]
    assert any(plain for _f, _a, plain, _ad in plan)  # the shortcut is taken for some of them


def family(alice, number, key):
    ticket = Ticket(number=number, kind="repair", channel="api", title="表箱冒烟", description="楼下表箱冒烟",
                    created_by=alice, team=alice.department)
    reply = Reply(ticket=ticket, body=ticket.description, via="api")
    entry = AuditEntry(actor=alice, action="ticket.created", object_type="ticket", changes={"number": [None, number]})
    return ticket, [(entry, "object_id"), (reply, "ticket_id"),
                    (TicketDocument(folded_title=number, folded_body="楼下表箱冒烟", terms="表箱"), "ticket_id"),
                    (IdempotencyKey(user=alice, key=key), "ticket_id")]


def test_a_family_of_rows_refers_to_its_new_parent(alice, django_assert_num_queries):
    ticket, rows = family(alice, "T2026112299990", "k-1")
    insert_family(ticket, rows)
    (entry, _), (reply, _), (document, _), (key, _) = rows
    assert Ticket.objects.filter(pk=ticket.pk, number="T2026112299990").exists()
    assert AuditEntry.objects.get(pk=entry.pk).object_id == ticket.pk
    assert Reply.objects.get(pk=reply.pk).ticket_id == ticket.pk and document.pk == ticket.pk
    assert TicketDocument.objects.get(pk=ticket.pk).folded_body == "楼下表箱冒烟"
    assert IdempotencyKey.objects.get(pk=key.pk).ticket_id == ticket.pk
    with django_assert_num_queries(0):  # the rows keep the parent object, not a key to read again
        assert reply.ticket is ticket and key.ticket is ticket and not reply._state.adding


@pytest.mark.django_db(transaction=True)
def test_a_family_is_written_whole_or_not_at_all(org, alice):
    # Outside any transaction: on PostgreSQL one statement, committed alone.
    ticket, rows = family(alice, "T2026112299991", "k-2")
    with one_statement_transaction():
        insert_family(ticket, rows)
    again, rows = family(alice, "T2026112299992", "k-2")  # the key is taken: the last row fails
    with pytest.raises(IntegrityError), one_statement_transaction():
        insert_family(again, rows)
    assert not Ticket.objects.filter(number="T2026112299992").exists()
    assert AuditEntry.objects.filter(changes__number=[None, "T2026112299992"]).count() == 0
    assert Reply.objects.count() == 1 and TicketDocument.objects.count() == 1
