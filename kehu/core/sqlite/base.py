"""SQLite with a fair queue for writers.

SQLite lets one writer in at a time. A second writer waits in SQLite's busy handler, which
sleeps in growing steps (1, 2, 5 … 100 ms) and polls. Under many concurrent writers (eight
API clients, three gunicorn workers × four threads) the lock is often free while every
waiter is still asleep: measured 26 tickets/s where one thread alone did 260.

So writers queue before BEGIN IMMEDIATE instead: threads of one process on a mutex (woken
at once when it is released), processes on an advisory lock file polled every 0.2 ms by
the one thread per process that holds the mutex. The SQLite lock is then nearly always
free when BEGIN runs. Readers are untouched (WAL lets them read during a write).

A commit leaves the WAL checkpoint to a thread of its own (checkpoint.py), so the queue is
not held while the WAL is synced and copied back.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

from kehu.core.sqlite.checkpoint import checkpointer_for

# How much of the database file reads may take straight from memory (memory-mapped), for a
# file already this large. SQLite maps min(file, this) and re-maps whenever the file has
# grown, at the next read of every connection: a smaller database under steady writes was
# unmapped and faulted back in all the time (ticket intake on a fresh database, paired runs:
# 311/283/306/274 new tickets/s without the map against 263/251/236/295 with it). In a larger
# file growth happens past the mapped part, and reads keep the map (customer import 15,655 and
# 15,890 rows/s with it against 15,303 and 14,323 without).
MMAP_BYTES = 256 * 1024 * 1024
WAIT_SECONDS = 20.0
POLL_SECONDS = 0.0002
_process_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    with _registry_lock:
        return _process_locks.setdefault(path, threading.Lock())


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_file: int | None = None
    _holding = False

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db() and _file_size(str(self.settings_dict["NAME"])) >= MMAP_BYTES:
            connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        return connection

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        return None if self.is_in_memory_db() else name + ".writelock"

    def _acquire_write_lock(self) -> None:
        path = self._lock_path()
        if path is None or self._holding:
            return
        deadline = time.monotonic() + WAIT_SECONDS
        mutex = _process_lock(path)
        if not mutex.acquire(timeout=WAIT_SECONDS):
            raise OperationalError("database is locked (waited for other writers in this process)")
        try:
            if self._lock_file is None:
                self._lock_file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            while True:
                try:
                    fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OperationalError("database is locked (waited for other writers)") from None
                    time.sleep(POLL_SECONDS)
        except BaseException:
            mutex.release()
            raise
        self._holding = True

    def _release_write_lock(self) -> None:
        if not self._holding:
            return
        self._holding = False
        try:
            if self._lock_file is not None:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        finally:
            _process_lock(self._lock_path() or "").release()

    def _start_transaction_under_autocommit(self) -> None:
        self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self) -> Any:
        wrote = self._holding
        try:
            return super()._commit()
        finally:
            self._release_write_lock()
            if wrote:
                checkpointer_for(str(self.settings_dict["NAME"])).poke()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self) -> Any:
        try:
            return super()._close()
        finally:
            self._release_write_lock()
            if self._lock_file is not None:
                os.close(self._lock_file)
                self._lock_file = None
