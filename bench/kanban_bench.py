"""Benchmark of the kanban board with 10,000 open opportunities.

    python bench/kanban_bench.py [--opportunities 10000] [--requests 100]
    bash scripts/with-postgres.sh .venv/bin/python bench/kanban_bench.py --db postgres

Makes a fresh data dir (or reuses --data-dir), migrates (the two shipped pipelines), writes
the demo organisation, one customer per 5 opportunities and N open opportunities in the
telemarketing pipeline spread over its open stages and the demo reps, then starts the real
server (`kehu serve`) and times, by the server's own Server-Timing header:

    board manager   GET /sales/board/?pipeline=…  as the manager (all 10,000)
    board rep       GET /sales/board/?pipeline=…  as rep1 (their own share)
    forecast        GET /sales/forecast/?pipeline=…  as the manager

Target (issue 7): the board renders in ≤ 300 ms. Results: docs/benchmarks.md, docs/sales.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as common  # noqa: E402  (bench/run.py: server, HTTP and timing helpers)

common.TARGETS_MS.update({"board manager": 300, "board rep": 300, "forecast": 300})


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--opportunities", type=int, default=10_000)
    p.add_argument("--requests", type=int, default=100, help="Timed requests per page.")
    p.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--keep", action="store_true")
    return p.parse_args()


def load(n: int) -> float:
    """N open opportunities (and their customers) written in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from kehu.accounts.models import User
    from kehu.core.identifiers import normalize_name
    from kehu.customers.models import Customer
    from kehu.sales.models import Opportunity, Pipeline

    started = time.monotonic()
    pipeline = Pipeline.objects.get(code="telemarketing")
    stages = list(pipeline.stages.filter(is_won=False, is_lost=False))
    reps = list(User.objects.filter(role__in=["account_manager", "supervisor"]))
    rng = random.Random(7)
    now = timezone.now()
    with transaction.atomic():
        customers = Customer.objects.bulk_create(
            [Customer(name=f"看板客户{i}", name_norm=normalize_name(f"看板客户{i}"), owner=rep,
                      team_id=rep.department_id, created_at=now, updated_at=now)
             for i, rep in ((i, rng.choice(reps)) for i in range(max(1, n // 5)))], batch_size=2000)
        rows = []
        for i in range(n):
            customer = rng.choice(customers)
            close = now.date() + dt.timedelta(days=rng.randint(-30, 180))
            rows.append(Opportunity(
                title=f"商机 {i}", customer=customer, pipeline=pipeline, stage=rng.choice(stages),
                amount=Decimal(rng.randint(1, 5000) * 100), expected_close=close, products=["产品 A"],
                owner_id=customer.owner_id, team_id=customer.team_id, created_at=now, updated_at=now))
        Opportunity.objects.bulk_create(rows, batch_size=2000)
    return time.monotonic() - started


def main() -> None:
    args = parse_args()
    db, data_dir, temporary = common.setup_environment(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kehu.core import demo
    from kehu.sales.models import Opportunity, Pipeline

    call_command("migrate", interactive=False, verbosity=0)
    demo.ensure_org()
    have = Opportunity.objects.open().count()
    load_seconds = round(load(args.opportunities - have), 1) if have < args.opportunities else None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        from kehu.core.dbstats import refresh_planner_stats

        refresh_planner_stats()
    pipeline = Pipeline.objects.get(code="telemarketing")
    meta: dict[str, object] = {
        "database": db, "machine": platform.platform(), "cpus": os.cpu_count(),
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()), "date": time.strftime("%Y-%m-%d %H:%M"),
        "open opportunities": Opportunity.objects.open().count(), "load seconds": load_seconds,
    }
    connection.close()
    port = common.free_port()
    server = common.start_server(port, args.workers, data_dir / "server.log")
    try:
        results = []
        for name, username, path in (("board manager", "manager", "/sales/board/"),
                                     ("board rep", "rep1", "/sales/board/"),
                                     ("forecast", "manager", "/sales/forecast/")):
            http_ = common.Http(port)
            common.login(http_, username, "kehu-demo")
            results.append(common.time_endpoint(http_, name, [f"{path}?pipeline={pipeline.pk}"], {},
                                                args.requests, 5, 120))
    finally:
        common.stop_server(server)
    meta["load average after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(common.report(results, None, meta), flush=True)
    print(json.dumps({r.name: {"p50": common.percentile(r.server or r.wall, 0.5),
                               "p95": common.percentile(r.server or r.wall, 0.95), "statuses": r.statuses}
                      for r in results}, ensure_ascii=False))
    if temporary and not args.keep:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
