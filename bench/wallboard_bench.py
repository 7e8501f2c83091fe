"""Time the wallboard's recomputation over a day of 200,000 interactions.

    python bench/wallboard_bench.py [--calls 200000] [--queues 20] [--agents 300] [--repeat 9]
    bash scripts/with-postgres.sh .venv/bin/python bench/wallboard_bench.py --db postgres

Makes one local day (today, in settings.TIME_ZONE) of --calls inbound interactions over
--queues queues and --agents agents on a two-peak day curve: ~6 % abandoned (a third of them
short), the rest answered with talk, hold and wrap-up; 40 calls still waiting at the end.
The agent state log is what the CTI ingestion writes for such a day: login and logout per
agent, on_call, wrap_up and ready for every answered call, not_ready breaks — about
three rows per call. Then it times, in this process (best and median of --repeat):

    wallboard       kehu.contact.wallboard.wallboard() for the whole floor, as of 23:50
    wallboard JSON  the same plus board_json(), what GET /api/wallboard returns
    one queue       the board of one queue (?queue=CODE)
    report 30 min   the day's 30-minute report per queue (not a target, for information)

The contract (issue 6): the wallboard recomputation ≤ 200 ms with 200,000 interactions in the day.
Not part of the test suite; the results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as common  # noqa: E402  (bench/run.py: environment helpers)

TARGET_MS = 200.0
BATCH = 5000


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=200_000)
    p.add_argument("--queues", type=int, default=20)
    p.add_argument("--agents", type=int, default=300)
    p.add_argument("--repeat", type=int, default=9)
    p.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    p.add_argument("--data-dir", default=None)
    return p.parse_args()


def setup(args: argparse.Namespace) -> str:
    db, _data_dir, _temporary = common.setup_environment(args)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return db


def day_curve(n: int, rng: np.random.Generator) -> np.ndarray:
    """Seconds after midnight of n offers: quiet night, a morning and an afternoon peak."""
    hours = np.arange(24 * 60) / 60
    weight = 0.04 + np.exp(-(((hours - 10.0) / 1.7) ** 2)) + 0.8 * np.exp(-(((hours - 15.0) / 2.0) ** 2))
    minute = rng.choice(24 * 60 - 11, size=n, p=weight[: 24 * 60 - 11] / weight[: 24 * 60 - 11].sum())
    return np.sort(minute * 60 + rng.uniform(0, 60, n))


def make_day(args: argparse.Namespace) -> tuple[dt.datetime, float]:
    from django.db import transaction
    from django.utils import timezone

    from kehu.accounts.models import Role, User
    from kehu.contact.models import AbandonRule, AgentState, Interaction, Queue

    began = time.perf_counter()
    rng = np.random.default_rng(6)
    day = timezone.localdate()
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    now = midnight + dt.timedelta(hours=23, minutes=50)
    if Interaction.objects.filter(offered_at__gte=midnight).count() >= args.calls:
        return now, 0.0  # a reused --data-dir already holds the day
    rules = [AbandonRule.ALL, AbandonRule.SHORT, AbandonRule.NONE]
    queues = Queue.objects.bulk_create([
        Queue(code=f"q{i:02d}", name=f"Queue {i}", service_level_s=int(rng.choice([10, 20, 30, 60])),
              abandon_rule=rules[i % 3]) for i in range(args.queues)])
    agents = User.objects.bulk_create([
        User(username=f"wb-agent-{i:03d}", role=Role.AGENT, display_name=f"Agent {i}", password="!")
        for i in range(args.agents)])

    offsets = day_curve(args.calls, rng)
    queue_of = rng.integers(0, len(queues), args.calls)
    agent_of = rng.integers(0, len(agents), args.calls)
    abandoned = rng.random(args.calls) < 0.06
    waits = np.where(abandoned, rng.exponential(40, args.calls), rng.exponential(18, args.calls))
    # A short-call hotline: 200,000 calls for 300 agents leave about 45 s of handling a call.
    talks = rng.gamma(3, 12, args.calls)
    holds = np.where(rng.random(args.calls) < 0.2, rng.exponential(10, args.calls), 0)
    wraps = rng.exponential(8, args.calls)
    waiting = set(range(args.calls - 40, args.calls))  # the last offers are still in the queue

    calls, states = [], []
    for agent in agents:
        shift = float(rng.uniform(0, 2 * 3600)) + 6 * 3600
        states.append(AgentState(agent=agent, state="login", at=midnight + dt.timedelta(seconds=shift)))
        states.append(AgentState(agent=agent, state="not_ready", reason="午餐",
                                 at=midnight + dt.timedelta(seconds=shift + 4 * 3600)))
        states.append(AgentState(agent=agent, state="ready", at=midnight + dt.timedelta(seconds=shift + 5 * 3600)))
        if rng.random() < 0.5:
            states.append(AgentState(agent=agent, state="logout",
                                     at=midnight + dt.timedelta(seconds=shift + 12 * 3600)))
    for i in range(args.calls):
        offered = midnight + dt.timedelta(seconds=float(offsets[i]))
        queue = queues[queue_of[i]]
        if i in waiting:
            offered = now - dt.timedelta(seconds=float(rng.uniform(1, 120)))
            calls.append(Interaction(queue=queue, offered_at=offered, external_id=f"wb{i}"))
            continue
        wait = float(waits[i])
        if abandoned[i]:
            calls.append(Interaction(queue=queue, offered_at=offered, ended_at=offered + dt.timedelta(seconds=wait),
                                     wait_s=wait, abandoned=True, abandoned_after_s=wait, outcome="abandoned",
                                     external_id=f"wb{i}"))
            continue
        agent = agents[agent_of[i]]
        answered = offered + dt.timedelta(seconds=wait)
        talk, hold, wrap = float(talks[i]), float(holds[i]), float(wraps[i])
        ended = answered + dt.timedelta(seconds=talk + hold)
        calls.append(Interaction(queue=queue, agent=agent, offered_at=offered, answered_at=answered, ended_at=ended,
                                 wait_s=wait, talk_s=talk, hold_s=hold, wrap_s=wrap, outcome="answered",
                                 external_id=f"wb{i}"))
        states.append(AgentState(agent=agent, state="on_call", at=answered))
        states.append(AgentState(agent=agent, state="wrap_up", at=ended))
        states.append(AgentState(agent=agent, state="ready", at=ended + dt.timedelta(seconds=wrap)))
    with transaction.atomic():
        for start in range(0, len(calls), BATCH):
            Interaction.objects.bulk_create(calls[start:start + BATCH])
        for start in range(0, len(states), BATCH):
            AgentState.objects.bulk_create(states[start:start + BATCH])
    analyze()
    return now, time.perf_counter() - began


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Best and median wall time, and the best CPU time of this process (SQLite runs in it,
    so on a busy machine that shows the work itself; PostgreSQL's work is in its server)."""
    fn()  # warm: the first run pays for the connection and the query compilation
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return min(times), statistics.median(times), min(cpu)


def main() -> None:
    args = parse_args()
    db = setup(args)
    from django.db import connection

    from kehu.contact import reports, wallboard
    from kehu.contact.models import AgentState, Interaction, Queue

    now, gen_s = make_day(args)
    one = Queue.objects.order_by("code").first()
    board = wallboard.wallboard(now=now)
    cases = [
        ("wallboard", lambda: wallboard.wallboard(now=now)),
        ("wallboard JSON", lambda: wallboard.board_json(wallboard.wallboard(now=now))),
        ("one queue", lambda: wallboard.wallboard(queue=one, now=now)),
        ("report 30 min", lambda: reports.build_report(start=now.date(), end=now.date(), interval=30, by="queue")),
    ]
    version = connection.cursor().connection.info.server_version if db == "postgres" else \
        __import__("sqlite3").sqlite_version
    print(f"# wallboard bench — {db} {version}, Python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    print(f"# {Interaction.objects.count():,} interactions, {AgentState.objects.count():,} agent states, "
          f"{Queue.objects.count()} queues; generated in {gen_s:.1f} s")
    m = board.total.measures
    print(f"# check: offered {m.offered:,}, answered {m.answered:,}, SL {wallboard.pct(m.service_level)}, "
          f"ASA {wallboard.secs(m.asa_s)}, AHT {wallboard.secs(m.aht_s)}, waiting {board.total.waiting}, "
          f"occupancy {wallboard.pct(board.occupancy)}, agents {board.agents_by_state()}")
    print(f"| {'case':<16} | {'best ms':>8} | {'median ms':>9} | {'CPU ms':>7} | {'target':>8} |")
    print(f"|{'-' * 18}|{'-' * 10}|{'-' * 11}|{'-' * 9}|{'-' * 10}|")
    for name, fn in cases:
        best, median, cpu = timed(fn, args.repeat)
        target = f"≤ {TARGET_MS:.0f}" if name != "report 30 min" else "—"
        print(f"| {name:<16} | {best:8.1f} | {median:9.1f} | {cpu:7.1f} | {target:>8} |")
    print(f"# load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
