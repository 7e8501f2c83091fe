"""Kehu's SQLite backend: the WAL copied back by a thread of its own after commits, and
memory-mapped reads only for a database file that is already large.

Run against a SQLite file of the test's own (through Kehu's SQLite backend, with the pragmas
of settings), so these hold on the PostgreSQL pass of the suite too.
"""

import sqlite3
import time

import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler

from kehu.core.sqlite import base
from kehu.core.sqlite.checkpoint import checkpointer_for, close_connections, copied_back_later


@pytest.fixture(autouse=True)
def side_files_allowed(django_db_blocker):
    """pytest-django guards every connection; these open only their own file, not the suite's."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def side(tmp_path):
    """A database file of the test's own and a connection to it, closed afterwards."""
    path = tmp_path / "side.sqlite3"
    db = side_database(path)
    yield path, db
    db.close()


def side_database(path):
    handler = ConnectionHandler({"default": {
        "ENGINE": "kehu.core.sqlite", "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": settings.SQLITE_PRAGMAS},
    }})
    return handler["default"]  # the handler's own "default", not the suite's database


def write(db, *statements):
    """One transaction the way transaction.atomic opens and commits it on SQLite."""
    db.ensure_connection()
    db._start_transaction_under_autocommit()
    with db.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    db.commit()


def in_database_file(path, sql):
    """What the database file itself holds, leaving out the WAL (immutable: no WAL, no locks)."""
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as reader:
        try:
            return reader.execute(sql).fetchall()
        except sqlite3.OperationalError:  # the table itself is still only in the WAL
            return None
        except sqlite3.DatabaseError:  # read while the thread writes ("malformed"): not copied yet
            return None


def wait_for(check, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_committed_rows_reach_the_database_file_without_another_commit(side):
    path, db = side
    write(db, "CREATE TABLE calls (id INTEGER PRIMARY KEY, caller TEXT)")
    write(db, "INSERT INTO calls (caller) VALUES ('13812345678')", "INSERT INTO calls (caller) VALUES ('02087654321')")
    # Far below wal_autocheckpoint: SQLite itself would leave both rows in the WAL.
    assert wait_for(lambda: in_database_file(path, "SELECT caller FROM calls ORDER BY id")
                    == [("13812345678",), ("02087654321",)])
    with db.cursor() as cursor:  # and the writer's own view is whole
        cursor.execute("SELECT count(*) FROM calls")
        assert cursor.fetchone() == (2,)


def test_a_database_file_replaced_under_the_checkpointer_is_checkpointed_too(tmp_path):
    path = tmp_path / "side.sqlite3"
    first = side_database(path)
    write(first, "CREATE TABLE calls (id INTEGER PRIMARY KEY, caller TEXT)", "INSERT INTO calls (caller) VALUES ('1')")
    assert wait_for(lambda: in_database_file(path, "SELECT caller FROM calls") == [("1",)])
    first.close()
    for leftover in tmp_path.glob("side.sqlite3*"):  # as a test run drops its database and makes a new one
        leftover.unlink()
    second = side_database(path)
    try:
        write(second, "CREATE TABLE visits (id INTEGER PRIMARY KEY, outcome TEXT)",
              "INSERT INTO visits (outcome) VALUES ('满意')")
        assert wait_for(lambda: in_database_file(path, "SELECT outcome FROM visits") == [("满意",)])
    finally:
        second.close()


def test_a_rolled_back_transaction_wakes_no_checkpoint(side):
    path, db = side
    write(db, "CREATE TABLE calls (id INTEGER PRIMARY KEY, caller TEXT)")
    checkpointer = checkpointer_for(str(path))
    assert wait_for(lambda: not checkpointer.wanted.is_set())
    time.sleep(0.3)  # the pass that poke started, and its pause, are over
    passes = checkpointer.passes
    db._start_transaction_under_autocommit()
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO calls (caller) VALUES ('x')")
    db.rollback()
    time.sleep(0.3)
    assert checkpointer.passes == passes and not checkpointer.wanted.is_set()


def test_a_big_transaction_turns_sqlites_own_checkpoint_off_and_the_thread_copies_it_after(side):
    path, db = side
    write(db, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    with db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint=20")  # so that 20 pages would copy in the commit
    rows = [f"INSERT INTO customers (name) VALUES ('{'客户' * 200}{i}')" for i in range(300)]
    with copied_back_later(db):
        with db.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            assert cursor.fetchone() == (0,)
        write(db, *rows)
    with db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone() == (20,)  # the connection's own setting is back
    assert wait_for(lambda: in_database_file(path, "SELECT count(*) FROM customers") == [(300,)])


def test_only_a_database_file_larger_than_the_map_is_read_through_it(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "MMAP_BYTES", 64 * 1024)  # a quarter GB in production
    path = tmp_path / "side.sqlite3"
    small = side_database(path)
    try:
        write(small, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        with small.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size")
            assert cursor.fetchone() == (0,)  # growing under writers, it would be re-mapped at every read
        write(small, *[f"INSERT INTO notes (body) VALUES ('{'跟进记录' * 500}')" for _ in range(40)])
        # copied back into the file by the checkpoint thread
        assert wait_for(lambda: path.stat().st_size >= 64 * 1024)
    finally:
        small.close()
    large = side_database(path)
    try:
        with large.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size")
            assert cursor.fetchone() == (64 * 1024,)
            cursor.execute("SELECT count(*) FROM notes")
            assert cursor.fetchone() == (40,)
    finally:
        large.close()


def test_the_checkpointer_opens_a_path_with_spaces_and_chinese_and_never_makes_a_removed_file_again(tmp_path):
    path = tmp_path / "gone 客户.sqlite3"  # a space and Chinese in the path, as a data dir may have
    db = side_database(path)
    write(db, "CREATE TABLE calls (id INTEGER PRIMARY KEY)")
    assert wait_for(lambda: in_database_file(path, "SELECT count(*) FROM calls") == [(0,)])
    db.close()
    for leftover in tmp_path.glob("gone*"):
        leftover.unlink()
    checkpointer = checkpointer_for(str(path))
    checkpointer.checkpoint()
    assert not path.exists()



def test_closed_checkpoint_connections_open_again_on_the_next_commit(side):
    path, db = side
    write(db, "CREATE TABLE calls (id INTEGER PRIMARY KEY, who TEXT)", "INSERT INTO calls (who) VALUES ('1')")
    assert wait_for(lambda: in_database_file(path, "SELECT who FROM calls") == [("1",)])
    checkpointer = checkpointer_for(str(path))
    close_connections()  # as `kehu serve` does before gunicorn forks its workers
    assert checkpointer._connection is None
    write(db, "INSERT INTO calls (who) VALUES ('2')")
    assert wait_for(lambda: in_database_file(path, "SELECT who FROM calls ORDER BY id") == [("1",), ("2",)])
