"""Benchmark of telephone events: ingestion through the real server and the screen-pop delay.

    python bench/cti_bench.py [--seconds 20] [--clients 6] [--batch 50]
    bash scripts/with-postgres.sh .venv/bin/python bench/cti_bench.py --db postgres

1. load     --clients threads, each on its own keep-alive connection, post batches of --batch
            events to POST /api/cti/events for --seconds: calls of five events each (ringing,
            answered, held, unheld, hangup) spread over 200 agents; one addition in ten to a
            batch repeats an earlier event (an adapter's retry). Reports accepted events/s.
2. pop      meanwhile --pollers agents keep a console session polling /contact/pop/ every
            500 ms like the browser script; a ringer posts a ringing event for one of them
            and measures until that agent's poll returns the new call (the screen pop).

Targets (issue 6): ≥ 1,000 events/s sustained on SQLite, higher on PostgreSQL; screen pop
≤ 1 s p99 under that load. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as common  # noqa: E402  (bench/run.py: server, HTTP and timing helpers)

PASSWORD = "kehu-bench-cti"
AGENTS = 200
POLL_S = 0.5


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=20.0, help="Length of the load phase.")
    p.add_argument("--clients", type=int, default=6, help="Threads posting events.")
    p.add_argument("--batch", type=int, default=50, help="Events per request.")
    p.add_argument("--pollers", type=int, default=4, help="Agents with a polling console page.")
    p.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--json", default=None)
    return p.parse_args()


def ensure_agents() -> None:
    from django.contrib.auth.hashers import make_password

    from kehu.accounts.models import Role, User
    from kehu.contact.models import AgentExtension

    password = make_password(PASSWORD)
    for i in range(AGENTS):
        user, _ = User.objects.update_or_create(username=f"ctiagent{i}", defaults={
            "role": Role.AGENT, "display_name": f"话务员{i}", "password": password})
        AgentExtension.objects.get_or_create(user=user, defaults={"number": f"7{i:03d}"})
    User.objects.update_or_create(username="ctipbx", defaults={
        "role": Role.ADMIN, "is_staff": True, "password": password})


def call_events(run: str, n: int, rng: random.Random) -> list[dict[str, object]]:
    """One answered call with a hold: five events, times a few seconds apart."""
    call, agent = f"{run}-{n}", f"7{rng.randrange(10, AGENTS):03d}"  # 7000-7009 are the pollers'
    t = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=300)
    steps = [("ringing", 0), ("answered", 8), ("held", 40), ("unheld", 55), ("hangup", 130)]
    return [{"id": f"{call}-{kind}", "type": kind, "call_id": call, "agent": agent, "queue": "bench",
             "caller": f"139{n % 100_000_000:08d}", "at": (t + dt.timedelta(seconds=s)).isoformat()}
            for kind, s in steps]


def load(port: int, token: str, args: argparse.Namespace, stop: threading.Event) -> dict[str, object]:
    run = uuid.uuid4().hex[:6]
    counts = {"accepted": 0, "duplicates": 0, "requests": 0, "errors": 0}
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(k: int) -> None:
        http_, rng, sent, n = common.Http(port), random.Random(k), [], 0
        while not stop.is_set():
            batch: list[dict[str, object]] = []
            while len(batch) < args.batch:
                if sent and rng.random() < 0.1:
                    batch.append(rng.choice(sent))
                else:
                    fresh = call_events(f"{run}-{k}", n, rng)
                    n += 1
                    batch.extend(fresh)
                    sent.extend(fresh[:1])
            status, _h, body, _ms = http_.request("POST", "/api/cti/events", headers, json.dumps(batch))
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                counts["requests"] += 1
                if status == 200:
                    report = json.loads(body)
                    counts["accepted"] += report["accepted"]
                    counts["duplicates"] += report["duplicates"]
                else:
                    counts["errors"] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    stop.wait(args.seconds)
    stop.set()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return {**counts, "statuses": statuses, "seconds": round(seconds, 1),
            "events_per_s": round(counts["accepted"] / seconds)}


def pops(port: int, token: str, args: argparse.Namespace, stop: threading.Event) -> dict[str, list[float]]:
    """Ring each poller in turn; the delay is ringing posted → that agent's poll shows it.

    Also kept apart: how long the ringing POST itself took (queued behind the load's writes)
    and the part after it was stored (the poll interval and the poll's own latency).
    """
    delays: list[float] = []
    posts: list[float] = []
    after_commit: list[float] = []
    seen: dict[int, tuple[str, float]] = {}
    lock = threading.Lock()

    def poller(k: int) -> None:
        http_ = common.Http(port)
        common.login(http_, f"ctiagent{k}", PASSWORD)
        version = ""
        while not stop.is_set():
            status, _h, body, _ms = http_.request("GET", f"/contact/pop/?v={version}")
            if status == 200:
                version = json.loads(body)["v"]
                with lock:
                    seen[k] = (version, time.perf_counter())
            time.sleep(POLL_S)

    threads = [threading.Thread(target=poller, args=(k,), daemon=True) for k in range(args.pollers)]
    for t in threads:
        t.start()
    time.sleep(2)  # logged in and polling
    ringer = common.Http(port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    n = 0
    while not stop.is_set():
        k = n % args.pollers
        call = f"pop-{uuid.uuid4().hex[:8]}"
        event = {"id": f"{call}-r", "type": "ringing", "call_id": call, "agent": f"7{k:03d}",
                 "caller": "13812345678", "at": dt.datetime.now(dt.UTC).isoformat()}
        with lock:
            before = seen.get(k, ("", 0.0))[0]
        posted = time.perf_counter()
        ringer.request("POST", "/api/cti/events", headers, json.dumps([event]))
        stored = time.perf_counter()
        posts.append(stored - posted)
        deadline = posted + 10
        while time.perf_counter() < deadline and not stop.is_set():
            with lock:
                version, at = seen.get(k, ("", 0.0))
            if version and version != before and at >= posted:
                delays.append(at - posted)
                after_commit.append(max(0.0, at - stored))
                break
            time.sleep(0.01)
        hangup = {**event, "id": f"{call}-h", "type": "hangup"}
        ringer.request("POST", "/api/cti/events", headers, json.dumps([hangup]))
        n += 1
        time.sleep(0.2)
    return {"pop": delays, "post": posts, "after_store": after_commit}


def main() -> None:
    args = parse_args()
    db, data_dir, _temporary = common.setup_environment(args)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    ensure_agents()
    port = common.free_port()
    server = common.start_server(port, args.workers, data_dir / "server.log")
    stop = threading.Event()
    try:
        token = common.api_token("ctipbx")
        result: dict[str, object] = {}
        pop_thread = threading.Thread(target=lambda: result.update(pops(port, token, args, stop)))
        pop_thread.start()
        time.sleep(2.5)
        result["load"] = load(port, token, args, stop)
        pop_thread.join()
    finally:
        stop.set()
        common.stop_server(server)
    delays = sorted(result.get("pop", []))
    summary = {
        "database": db, "machine": platform.platform(), "cpus": os.cpu_count(),
        "load average": common._loadavg(), "date": time.strftime("%Y-%m-%d %H:%M"),
        "clients": args.clients, "batch": args.batch, **result["load"],
        "pops": len(delays),
        "pop_p50_ms": round(common.percentile(delays, 0.5) * 1000) if delays else None,
        "pop_p99_ms": round(common.percentile(delays, 0.99) * 1000) if delays else None,
        "pop_max_ms": round(delays[-1] * 1000) if delays else None,
        **{f"{name}_{q}_ms": round(common.percentile(result[name], p) * 1000)
           for name in ("post", "after_store") if result.get(name) for q, p in (("p50", 0.5), ("p99", 0.99))},
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
