"""Benchmark of next-contact selection in a 1,000,000-entry outbound campaign.

    python bench/outbound_bench.py [--entries 1000000] [--agents 50] [--procs 10] [--seconds 30]
                                   [--talk-ms 0] [--mode queue|even]
    bash scripts/with-postgres.sh .venv/bin/python bench/outbound_bench.py --db postgres

Makes a fresh data dir (or reuses --data-dir), migrates, creates N agents and one active
campaign whose call list holds --entries entries (written in bulk: one executemany on
SQLite, COPY on PostgreSQL), all due, in random order. Then --agents threads, spread over
--procs processes (as gunicorn workers with threads), each with its own database connection
opened beforehand, start at the same instant and loop for --seconds: take the next contact
(`entry_next`, timed), spend --talk-ms on the call (uniform 0–2×; 0 = a closed-loop stress
test that pulls again at once) and record an outcome (`attempt_record`, timed separately:
no answer 60 %, busy 10 %, connected 20 %, sale 10 %; retries come back only after the
campaign's spacing, i.e. after the run). Afterwards every handed-out entry id must be
unique, and each must have exactly one attempt.

--mode queue: every agent pulls from the one shared queue (all agents contend for the head
of the same index range, the hard case); --mode even: entries are split evenly up front.
The first pull of every agent happens at the same instant and is reported on its own row.

Target (issue 7): next-contact ≤ 20 ms p95 with 50 agents pulling concurrently, and never
two agents on one entry. Results: docs/benchmarks.md, docs/outbound.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as common  # noqa: E402  (bench/run.py: environment helpers)

OUTCOMES = ["no_answer"] * 6 + ["busy"] + ["connected"] * 2 + ["sale"]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--entries", type=int, default=1_000_000)
    p.add_argument("--agents", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--talk-ms", type=float, default=0,
                   help="Mean time an agent spends on a call before recording it (uniform 0–2×); "
                        "0: pull again at once (a closed-loop stress test).")
    p.add_argument("--procs", type=int, default=10, help="Processes the agents' threads are spread over.")
    p.add_argument("--mode", choices=["queue", "even"], default="queue")
    p.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--keep", action="store_true")
    return p.parse_args()


def build(n: int, agents: list, mode: str) -> tuple[object, float]:
    """An active campaign and n due entries, inserted in bulk."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from kehu.outbound.models import Campaign, CampaignEntry

    campaign = Campaign.objects.create(
        name=f"基准测试 {n}", kind="telemarketing", status="active", assignment=mode, max_attempts=3,
        retry_minutes=240, call_from=dt.time(0, 0), call_until=dt.time(23, 59, 59), weekdays="1234567")
    campaign.agents.set(agents)
    started = time.monotonic()
    rng = random.Random(7)
    now = timezone.now()
    table = CampaignEntry._meta.db_table
    agent_ids = [a.pk for a in agents]
    cols = ("campaign_id", "name", "phone_norm", "note", "agent_id", "status", "attempts", "next_attempt_at",
            "last_outcome")

    def rows():
        for i in range(n):
            due = now - dt.timedelta(seconds=rng.randint(60, 86400 * 3))
            agent = agent_ids[i % len(agent_ids)] if mode == "even" else None
            yield (campaign.pk, f"客户{i}", f"139{i:08d}", "", agent, "pending", 0, due, "")

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows():
                        copy.write_row(row)
        else:
            adapt = connection.ops.adapt_datetimefield_value
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
            with connection.cursor() as cursor:
                batch: list[tuple] = []
                for row in rows():
                    batch.append((*row[:7], adapt(row[7]), row[8]))
                    if len(batch) == 50_000:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return campaign, time.monotonic() - started


def work_threads(campaign, agents: list, seconds: float, start_at: float, talk_ms: float) -> dict:
    """One process: a thread per agent, each on its own connection, until `seconds` have passed."""
    from django.db import connection

    from kehu.outbound import services

    out: dict = {"first": [], "next": [], "record": [], "handed": [], "empty": 0, "errors": []}
    lock = threading.Lock()

    def run(agent, seed: int) -> None:
        rng = random.Random(seed)
        mine_next, mine_record, mine_handed, empty = [], [], [], 0
        try:
            # Warm up first: open this thread's connection, as a server thread has it open.
            services.check_can_work(campaign=campaign, agent=agent)
            services.entry_held(campaign=campaign, agent=agent)
            time.sleep(max(0.0, start_at - time.time()))
            stop = time.monotonic() + seconds
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                entry = services.entry_next(campaign=campaign, agent=agent)
                t1 = time.perf_counter()
                mine_next.append((t1 - t0) * 1000)
                if entry is None:
                    empty += 1
                    break
                mine_handed.append((entry.pk, agent.pk))
                if talk_ms:
                    time.sleep(rng.uniform(0, 2 * talk_ms) / 1000)
                t1 = time.perf_counter()
                services.attempt_record(entry=entry, agent=agent, outcome=rng.choice(OUTCOMES))
                mine_record.append((time.perf_counter() - t1) * 1000)
        except BaseException as exc:
            out["errors"].append(repr(exc))
        finally:
            connection.close()
            with lock:
                out["first"] += mine_next[:1]
                out["next"] += mine_next[1:]
                out["record"] += mine_record
                out["handed"] += mine_handed
                out["empty"] += empty

    threads = [threading.Thread(target=run, args=(a, a.pk)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def work(campaign, agents: list, seconds: float, procs: int, talk_ms: float) -> dict:
    """The agents spread over `procs` processes (like gunicorn workers with threads)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    start_at = time.time() + 3
    groups = [agents[i::procs] for i in range(procs)]
    if procs == 1:
        return work_threads(campaign, agents, seconds, start_at, talk_ms)
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def child(group: list) -> None:
        queue.put(work_threads(campaign, group, seconds, start_at, talk_ms))

    children = [ctx.Process(target=child, args=(g,)) for g in groups if g]
    for c in children:
        c.start()
    total: dict = {"first": [], "next": [], "record": [], "handed": [], "empty": 0, "errors": []}
    for _c in children:
        part = queue.get()
        for key in ("first", "next", "record", "handed", "errors"):
            total[key] += part[key]
        total["empty"] += part["empty"]
    for c in children:
        c.join()
    return total


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def main() -> None:
    args = parse_args()
    db, data_dir, temporary = common.setup_environment(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from kehu.accounts.models import Department, Role, User
    from kehu.outbound.models import Attempt

    call_command("migrate", interactive=False, verbosity=0)
    center, _ = Department.objects.get_or_create(name="外呼组")
    agents = []
    for i in range(args.agents):
        user, _ = User.objects.get_or_create(username=f"caller{i:02d}", defaults={
            "role": Role.AGENT, "department": center, "display_name": f"外呼{i:02d}"})
        agents.append(user)
    campaign, load_s = build(args.entries, agents, args.mode)
    version = common._db_version(connection)
    connection.close()
    print(f"{args.entries:,} entries written in {load_s:.1f} s ({db} {version})", flush=True)

    started = time.monotonic()
    result = work(campaign, agents, args.seconds, max(1, min(args.procs, args.agents)), args.talk_ms)
    elapsed = time.monotonic() - started - 3
    if result["errors"]:
        sys.exit(f"errors: {result['errors'][:3]}")
    first_ms, next_ms, record_ms = result["first"], result["next"], result["record"]
    handed, empty = result["handed"], result["empty"]
    ids = [pk for pk, _agent in handed]
    duplicates = len(ids) - len(set(ids))
    per_entry = Attempt.objects.filter(campaign=campaign).values("entry").annotate(n=Count("id")).filter(n__gt=1)
    double_attempts = per_entry.count()

    print()
    print(f"| outbound next contact | {db} | mode {args.mode} | {args.agents} agents in {args.procs} processes "
          f"| talk {args.talk_ms:g} ms | {args.entries:,} entries |")
    print("|---|---:|---:|---:|---:|---:|")
    print("| operation | calls | p50 ms | p95 ms | p99 ms | max ms |")
    for name, values in ((f"entry_next, first pull ({len(first_ms)} agents at once)", first_ms),
                         ("entry_next, the other pulls", next_ms), ("entry_next, all", first_ms + next_ms),
                         ("attempt_record", record_ms)):
        print(f"| {name} | {len(values):,} | {statistics.median(values):.2f} | {pct(values, .95):.2f} | "
              f"{pct(values, .99):.2f} | {max(values):.2f} |")
    print()
    print(f"throughput: {len(handed) / elapsed:,.0f} contacts/s over {elapsed:.1f} s "
          f"({len(handed):,} contacts handed out, {empty} empty answers)")
    print(f"entries handed to two agents: {duplicates}; entries with two attempts: {double_attempts}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load {common._loadavg()}")
    ok = duplicates == 0 and double_attempts == 0
    target = pct(first_ms + next_ms, .95) <= 20
    print(f"never two agents on one entry: {'OK' if ok else 'FAILED'}; p95 ≤ 20 ms: {'OK' if target else 'MISSED'}")
    if temporary and not args.keep:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
