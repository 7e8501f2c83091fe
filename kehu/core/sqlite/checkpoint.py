"""WAL checkpoints off the write path.

SQLite's own checkpoint runs inside the COMMIT that fills the WAL to `wal_autocheckpoint`
pages, and Kehu's writer queue (base.py) is held until that COMMIT returns. A checkpoint
syncs the WAL and the database file: about 4.5 ms here against 0.5 ms unsynced, and with
tickets writing 34–37 pages each it came every 27–29 tickets, every writer waiting.

So each process keeps one thread that copies the WAL back into the database after commits,
on its own connection and outside the writer queue: a PASSIVE checkpoint never blocks
writers, they keep appending while it syncs. A commit only sets an event. The pause after
each pass bounds the checkpoints to a few per second per process however many commits poke.

SQLite's automatic checkpoint stays on, with a higher threshold (settings), as the backstop:
under steady writes a passive pass may never find the WAL fully copied at a moment no writer
is appending, and only a copied-out WAL starts again from its beginning. When it reaches the
threshold, the committing writer checkpoints inside the queue, which always completes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

PAUSE_SECONDS = 0.1

_checkpointers: dict[tuple[int, str], Checkpointer] = {}  # by process id and file
_registry_lock = threading.Lock()
_pass_lock = threading.Lock()  # a pass, or closing the connections before a fork


class Checkpointer:
    """One daemon thread per database file and process, woken by `poke`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.wanted = threading.Event()
        self.passes = 0
        self._connection: sqlite3.Connection | None = None
        self._inode: int | None = None
        self._thread = threading.Thread(target=self._run, name=f"wal-checkpoint {os.path.basename(path)}",
                                        daemon=True)
        self._thread.start()

    def poke(self) -> None:
        self.wanted.set()

    def _run(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            self.checkpoint()
            time.sleep(PAUSE_SECONDS)

    def checkpoint(self) -> None:
        with _pass_lock:
            try:
                connection = self._connect()
                if connection is not None:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:
                # A file being replaced or removed (tests drop theirs): connect again next time.
                self._drop()
            self.passes += 1

    def _connect(self) -> sqlite3.Connection | None:
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            self._drop()
            return None
        if self._connection is None or inode != self._inode:
            self._drop()
            # mode=rw: a file removed meanwhile is not made again, empty, by connecting.
            self._connection = sqlite3.connect(f"file:{quote(os.path.abspath(self.path))}?mode=rw", uri=True,
                                               isolation_level=None, check_same_thread=False)
            # Sync as the writers' connections do (a fresh connection would sync FULL).
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._inode = inode
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection, self._inode = None, None


def close_connections() -> None:
    """Close this process's checkpoint connections (a later pass opens its own again):
    `kehu serve` calls it before gunicorn forks the workers, since a SQLite connection
    must not cross a fork."""
    with _pass_lock:
        for (pid, _path), checkpointer in list(_checkpointers.items()):
            if pid == os.getpid():
                checkpointer._drop()


def checkpointer_for(path: str) -> Checkpointer:
    """This process's checkpointer for `path`; a forked child (gunicorn worker) makes its own,
    since the parent's thread is not copied into it."""
    key = (os.getpid(), path)
    found = _checkpointers.get(key)
    if found is None:
        with _registry_lock:
            found = _checkpointers.get(key) or _checkpointers.setdefault(key, Checkpointer(path))
    return found


@contextmanager
def copied_back_later(connection: Any) -> Iterator[None]:
    """Around one big transaction (a customer import, every row and index entry in one
    COMMIT): the COMMIT returns without copying the WAL back, which the checkpoint thread
    then does while the caller goes on, and other writers are not held up behind it."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")
