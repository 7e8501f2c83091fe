"""Benchmark of the service desk: ticket intake, the agent's pages at a million tickets, the SLA sweep.

    python bench/tickets_bench.py [--tickets 1000000] [--posts 3000] [--clients 8]
    bash scripts/with-postgres.sh .venv/bin/python bench/tickets_bench.py --db postgres

1. intake   POST /api/tickets through the real server (`kehu serve`) from --clients threads,
            each with its own keep-alive connection; one request in ten repeats an earlier
            Idempotency-Key (a client retry). Reports tickets/s, errors, and duplicates
            (tickets in the database minus distinct keys; must be 0).
2. load     --tickets open tickets written in bulk, spread over 200 agents of the service
            center, 10 % unassigned, due times from 20 days ago to 20 days ahead.
3. pages    the agent workbench (/service/) and ticket pages (/service/tickets/<id>/) as the
            demo agent, timed by the server's own Server-Timing header.
4. sweep    `kehu sla sweep` over all those open tickets (about half are past due).

Targets (issue 3): ≥ 300 tickets/s on SQLite, ≥ 500 on PostgreSQL, zero errors and zero
duplicates; pages ≤ 100 ms server time; the sweep ≤ 30 s. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as common  # noqa: E402  (bench/run.py: server, HTTP and timing helpers)

ROOT = common.ROOT
common.TARGETS_MS.update({"workbench": 100, "ticket page": 100, "ticket list": 100})
TICKET_KINDS = ["inquiry"] * 5 + ["repair"] * 2 + ["complaint", "emergency_repair", "suggestion"]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=1_000_000, help="Open tickets for the page and sweep timings.")
    p.add_argument("--posts", type=int, default=3000, help="POST /api/tickets requests in the intake test.")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--reconnect-every", type=int, default=50,
                   help="Each client reopens its connection after this many requests (0: never). gunicorn "
                        "keeps a connection on one worker for its life, so 8 connections held for the whole "
                        "run split 5/2/1 or 3/3/2 over 3 workers by chance, and the split set the result.")
    p.add_argument("--client", choices=["lean", "stdlib"], default="lean",
                   help="The load generator: a plain-socket HTTP/1.1 client (lean) or http.client (stdlib). "
                        "Both run on the server's own cores; the lean one takes less of them.")
    p.add_argument("--requests", type=int, default=200, help="Timed requests per page.")
    p.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--only", default="intake,load,pages,sweep")
    p.add_argument("--json", default=None)
    return p.parse_args()


# --- 1. intake ------------------------------------------------------------------------------

def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def intake(port: int, token: str, posts: int, clients: int, reconnect_every: int = 0,
           client_kind: str = "lean") -> dict[str, object]:
    per_client = posts // clients
    run = uuid.uuid4().hex[:6]  # tells this run's tickets from earlier ones in a reused database
    statuses: dict[int, int] = {}
    unanswered: list[bytes] = []  # a 2xx whose body is not a ticket
    keys: set[str] = set()
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        lean = common.LeanHttp(port) if client_kind == "lean" else None
        http_ = common.Http(port) if lean is None else None
        sent: list[str] = []
        rng = random.Random(n)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        barrier.wait()
        for i in range(per_client):
            if reconnect_every and i and i % reconnect_every == 0:
                # the next request connects again, to whichever worker accepts
                if lean:
                    lean.close()
                else:
                    http_.conn.close()
            retry = sent and rng.random() < 0.1
            key = rng.choice(sent) if retry else uuid.uuid4().hex
            sent.append(key)
            body = json.dumps({"kind": rng.choice(TICKET_KINDS), "channel": "api", "title": f"{run}压测工单 {n}-{i}",
                               "description": "客户来电反映问题，需要处理。", "phone": f"139{n:02d}{i:06d}"})
            if lean:
                status, answer = lean.request("POST", "/api/tickets", {**headers, "Idempotency-Key": key},
                                              body.encode())
            else:
                status, _h, answer, _ms = http_.request("POST", "/api/tickets", {**headers, "Idempotency-Key": key},
                                                        body)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                keys.add(key)
                if status < 300 and b'"number"' not in answer:
                    unanswered.append(answer[:200])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started, cpu_before, busy_before = time.perf_counter(), time.process_time(), machine_busy()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_before
    busy, total = (after - before for after, before in zip(machine_busy(), busy_before, strict=True))
    from kehu.service.models import Ticket

    created = Ticket.objects.filter(title__startswith=f"{run}压测工单").count()
    requests = per_client * clients
    return {"client": client_kind, "requests": requests, "seconds": round(seconds, 2),
            "requests_per_s": round(requests / seconds), "tickets_per_s": round(created / seconds),
            "statuses": statuses, "answers without a ticket": len(unanswered), "tickets": created,
            "distinct_keys": len(keys), "duplicates": created - len(keys),
            "client_cpu_ms_per_request": round(client_cpu * 1000 / requests, 2),
            "machine_busy_percent": round(100 * busy / max(total, 1))}


# --- 2. load --------------------------------------------------------------------------------

def load(n: int) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    from kehu.accounts.models import Department, Role, User
    from kehu.service.models import SlaPolicy, Ticket

    center = Department.objects.get(name="客服中心")
    have = User.objects.filter(username__startswith="benchagent").count()
    User.objects.bulk_create([User(username=f"benchagent{i}", role=Role.AGENT, department=center,
                                   display_name=f"坐席{i}") for i in range(have, 200)])
    agents = list(User.objects.filter(department=center, role=Role.AGENT).values_list("pk", flat=True))
    policy = SlaPolicy.objects.filter(kind="inquiry").first()
    now = timezone.now()
    rng = random.Random(7)
    started = time.monotonic()
    statuses = ["new", "accepted", "in_progress", "dispatched"]
    batch = 10_000
    for start in range(0, n, batch):
        rows = []
        for i in range(start, min(n, start + batch)):
            created = now - dt.timedelta(minutes=rng.uniform(0, 40 * 24 * 60))
            due = now + dt.timedelta(minutes=rng.uniform(-20 * 24 * 60, 20 * 24 * 60))
            status = rng.choice(statuses)
            rows.append(Ticket(
                number=f"B{i:012d}", kind=rng.choice(TICKET_KINDS), channel="phone", status=status,
                title=f"批量工单 {i}", assignee_id=None if rng.random() < 0.1 else rng.choice(agents),
                team_id=center.pk, created_at=created, updated_at=created, sla_policy=policy,
                first_responded_at=None if status == "new" else created,
                first_response_due=created + dt.timedelta(hours=1), resolution_due=due,
                first_response_warn_at=created + dt.timedelta(minutes=45),
                resolution_warn_at=due - dt.timedelta(hours=2), tracking_code=f"{i:010X}",
            ))
        with transaction.atomic():
            Ticket.objects.bulk_create(rows, batch_size=2000)
        if (start + batch) % 100_000 == 0:
            print(f"  {start + batch:>9,}/{n:,}  {time.monotonic() - started:6.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        from kehu.core.dbstats import refresh_planner_stats

        refresh_planner_stats()
    connection.close()
    return time.monotonic() - started


# --- 3. pages, 4. sweep ---------------------------------------------------------------------

def pages(port: int, requests: int) -> list[common.Result]:
    from kehu.accounts.models import User
    from kehu.service.models import Ticket

    agent = User.objects.get(username="agent")
    ids = list(Ticket.objects.filter(assignee=agent).order_by("-id").values_list("pk", flat=True)[:500])
    http_ = common.Http(port)
    how = common.login(http_, "agent", "kehu-demo")
    print(f"logged in as agent ({how}); agent holds {Ticket.objects.open().filter(assignee=agent).count():,} "
          f"open tickets", flush=True)
    return [
        common.time_endpoint(http_, "workbench", ["/service/"], {}, requests, 10, 120),
        common.time_endpoint(http_, "ticket page", [f"/service/tickets/{i}/" for i in ids], {}, requests, 10, 120),
        common.time_endpoint(http_, "ticket list", ["/service/tickets/?queue=unassigned"], {}, requests, 10, 120),
    ]


def sweep() -> dict[str, object]:
    started = time.monotonic()
    out = subprocess.run(common.kehu("sla", "sweep"), cwd=ROOT, capture_output=True, text=True, check=True)
    first = time.monotonic() - started
    started = time.monotonic()
    subprocess.run(common.kehu("sla", "sweep"), cwd=ROOT, capture_output=True, text=True, check=True)
    return {"seconds": round(first, 1), "again_seconds": round(time.monotonic() - started, 1),
            "output": out.stdout.strip()}


def main() -> None:
    args = parse_args()
    args.keep = True
    db, data_dir, _temporary = common.setup_environment(args)
    import django

    django.setup()
    from django.core.management import call_command

    from kehu.core import demo
    from kehu.service.demo import ensure_units
    from kehu.service.models import Ticket

    only = set(args.only.split(","))
    call_command("migrate", interactive=False, verbosity=0)
    demo.ensure_org()
    ensure_units()
    meta: dict[str, object] = {"database": db, "data dir": str(data_dir), "machine": platform.platform(),
                               "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d %H:%M")}
    results: dict[str, object] = {}
    port = common.free_port()
    log = data_dir / "server.log"
    if "intake" in only:
        server = common.start_server(port, args.workers, log)
        try:
            token = common.api_token("agent")
            results["intake"] = intake(port, token, args.posts, args.clients, args.reconnect_every, args.client)
        finally:
            common.stop_server(server)
        print("intake:", results["intake"], flush=True)
    if "load" in only and Ticket.objects.count() < args.tickets:
        print(f"Writing {args.tickets:,} open tickets on {db}…", flush=True)
        results["load_seconds"] = round(load(args.tickets - Ticket.objects.count()), 1)
    if "pages" in only:
        server = common.start_server(port, args.workers, log)
        try:
            timed = pages(port, args.requests)
        finally:
            common.stop_server(server)
        print(common.report(timed, None, meta), flush=True)
        results["pages"] = {r.name: {"p50": common.percentile(r.server or r.wall, 0.5),
                                     "p95": common.percentile(r.server or r.wall, 0.95),
                                     "statuses": r.statuses} for r in timed}
    if "sweep" in only:
        results["sweep"] = sweep()
        print("sweep:", results["sweep"], flush=True)
    results["tickets in database"] = Ticket.objects.count()
    print(json.dumps({**meta, **results}, ensure_ascii=False, indent=1, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps({**meta, **results}, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
