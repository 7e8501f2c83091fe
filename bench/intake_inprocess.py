"""The cost of taking one API ticket, without HTTP: wall time, this process's CPU and the
database server's CPU per `ticket_create` call.

    bash scripts/with-postgres.sh .venv/bin/python bench/intake_inprocess.py [--tickets 2000]
    KEHU_DATA_DIR=/tmp/kehu-inproc .venv/bin/python bench/intake_inprocess.py   # SQLite (no server CPU)

Migrates the database it is given, creates a user, warms up with 200 inquiries, then times
--tickets more, each with a new phone and Idempotency-Key (as bench/tickets_bench.py's
intake sends them), then --replays requests that repeat one of those keys. PostgreSQL's CPU is read from /proc for the connection's backend, so
run it on the machine that runs the database. Results: docs/benchmarks.md (service desk).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehu.settings")


def backend_cpu_s(connection) -> float | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=2000)
    p.add_argument("--replays", type=int, default=1000, help="Requests repeating an earlier key (a client's retry).")
    args = p.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kehu.accounts.models import User
    from kehu.service.choices import ReplyVia
    from kehu.service.services import ticket_create

    call_command("migrate", verbosity=0)
    user = User.objects.filter(username="intake-bench").first() or User.objects.create_user("intake-bench")

    def take(count: int, batch: int) -> None:
        for i in range(count):
            ticket_create(by=user, via=ReplyVia.API, idempotency_key=f"bench-{batch}-{i}",
                          data={"kind": "inquiry", "channel": "api", "title": "咨询电费",
                                "description": "客户来电反映问题，需要处理。", "phone": f"139{batch:02d}{i:06d}"})

    batch = int(time.time()) % 90 + 10  # new phones and keys on a reused database
    take(200, batch - 1)
    server0, cpu0, wall0 = backend_cpu_s(connection), time.process_time(), time.perf_counter()
    take(args.tickets, batch)
    wall, cpu, server = time.perf_counter() - wall0, time.process_time() - cpu0, backend_cpu_s(connection)
    per = 1000 / args.tickets
    line = f"{connection.vendor}: per ticket wall {wall * per:.2f} ms, Python CPU {cpu * per:.2f} ms"
    if server is not None:
        line += f", PostgreSQL CPU {(server - server0) * per:.2f} ms"
    print(line)
    cpu0 = time.process_time()
    for i in range(args.replays):  # each answers the ticket an earlier request with its key created
        _ticket, created = ticket_create(by=user, via=ReplyVia.API, idempotency_key=f"bench-{batch}-{i % args.tickets}",
                                         data={"kind": "inquiry", "channel": "api", "title": "咨询电费"})
        assert not created
    if args.replays:
        print(f"{connection.vendor}: per replayed key, Python CPU {(time.process_time() - cpu0) * 1000 / args.replays:.2f} ms")


if __name__ == "__main__":
    main()
