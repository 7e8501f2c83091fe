"""Benchmark of full-text search: reindex time and query latency at a million tickets.

    python bench/search_bench.py [--tickets 1000000] [--articles 100000] [--requests 100]
    bash scripts/with-postgres.sh .venv/bin/python bench/search_bench.py --db postgres

1. load      --tickets tickets (and --articles knowledge articles when the knowledge base is
             installed) written in bulk with varied Chinese text, a fifth in traditional
             characters; bulk writes skip the on-save indexing, as an import would.
2. reindex   `kehu search reindex` over all of them (target: 1,000,000 tickets ≤ 10 minutes).
3. queries   GET /api/search through the real server (`kehu serve`) as the demo admin (sees
             everything: the most candidates) for rare, common, one-character, traditional,
             two-word and no-exact-match (fallback) queries; server time from Server-Timing.
             Target: p95 ≤ 50 ms. Results: docs/benchmarks.md.
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
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as common  # noqa: E402  (bench/run.py: server, HTTP and timing helpers)

ROOT = common.ROOT
PLACES = ["幸福小区", "东湖花园", "阳光新村", "滨江苑", "学府路", "人民南路", "工业园区", "城南街道", "望京西园", "翠湖湾"]
PROBLEMS = [
    ("停电", "整栋楼停电，冰箱里的东西快坏了"), ("电表不转", "电表读数一个月没变化，担心计量有误"),
    ("电费偏高", "本月电费比上月高出一倍，要求核查"), ("宽带断网", "光猫红灯闪烁，网络时断时续"),
    ("燃气味道", "厨房有燃气味道，已经关闭总阀"), ("水压太低", "高层住户早晚用水高峰没有水"),
    ("快递丢件", "包裹显示已签收但本人没有收到"), ("退款未到账", "申请退货十天了退款还没到账"),
    ("信号差", "室内手机信号只有一格，通话经常中断"), ("发票开错", "增值税发票抬头写错需要重开"),
    ("路灯不亮", "小区门口路灯坏了好几天，晚上很危险"), ("服务态度差", "营业厅工作人员态度冷淡，解释不清"),
    ("套餐变更", "想把套餐换成流量更多的档位"), ("预约维修", "空调不制冷，希望周末上门维修"),
]
TRADITIONAL = {"电": "電", "费": "費", "网": "網", "气": "氣", "门": "門", "灯": "燈", "态": "態", "预": "預",
               "约": "約", "维": "維", "修": "修", "单": "單", "账": "賬", "阳": "陽", "东": "東", "园": "園"}
QUERIES = {
    "rare word": ["幸福小区 电表", "翠湖湾 燃气", "东湖花园 退款"],
    "common word": ["停电", "电费", "维修"],
    "one character": ["电", "灯", "水"],
    "traditional": ["電費", "維修", "網路"],
    "number": [],  # filled with real ticket numbers
    "fallback": ["电表不会转动", "退款怎么还没到"],
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=100, help="Timed requests per query class.")
    p.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--only", default="load,reindex,queries")
    p.add_argument("--json", default=None)
    return p.parse_args()


def text(rng: random.Random, i: int) -> tuple[str, str]:
    problem, detail = rng.choice(PROBLEMS)
    place = rng.choice(PLACES)
    title = f"{place}{problem}"
    body = f"客户反映{place}{rng.randint(1, 40)}栋{detail}。{rng.choice(['请尽快处理', '已多次来电', '要求回电', ''])}"
    if i % 5 == 0:
        title, body = ("".join(TRADITIONAL.get(c, c) for c in s) for s in (title, body))
    return title, body


def load(n_tickets: int, n_articles: int) -> float:
    from django.db import transaction
    from django.utils import timezone

    from kehu.accounts.models import Department
    from kehu.service.models import Ticket

    center = Department.objects.get(name="客服中心")
    now = timezone.now()
    rng = random.Random(11)
    started = time.monotonic()
    have = Ticket.objects.count()
    for start in range(have, n_tickets, 10_000):
        rows = []
        for i in range(start, min(n_tickets, start + 10_000)):
            title, body = text(rng, i)
            created = now - dt.timedelta(minutes=rng.uniform(0, 365 * 24 * 60))
            rows.append(Ticket(number=f"S{i:012d}", kind="inquiry", channel="phone", status="closed",
                               title=title, description=body, team_id=center.pk, created_at=created,
                               updated_at=created, tracking_code=f"S{i:09X}"))
        with transaction.atomic():
            Ticket.objects.bulk_create(rows, batch_size=2000)
        if (start + 10_000) % 100_000 == 0:
            print(f"  {start + 10_000:>9,}/{n_tickets:,} tickets  {time.monotonic() - started:6.1f} s", flush=True)
    _load_articles(n_articles, rng)
    return time.monotonic() - started


def _load_articles(n: int, rng: random.Random) -> None:
    from django.apps import apps

    if n <= 0 or not apps.is_installed("kehu.knowledge"):
        return
    from kehu.knowledge.models import Article

    have = Article.objects.count()
    rows = []
    for i in range(have, n):
        title, body = text(rng, i)
        rows.append(Article(kind="faq", status="published", title=f"{title}怎么办 {i}", body=f"{body}。答复要点：{title}"))
    Article.objects.bulk_create(rows, batch_size=2000)


def reindex() -> dict[str, object]:
    started = time.monotonic()
    out = subprocess.run(common.kehu("search", "reindex"), cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"kehu search reindex failed:\n{out.stdout}\n{out.stderr}")
    return {"seconds": round(time.monotonic() - started, 1), "output": out.stdout.strip()}


def queries(port: int, requests: int) -> list[common.Result]:
    from kehu.service.models import Ticket

    QUERIES["number"] = list(Ticket.objects.order_by("?").values_list("number", flat=True)[:3])
    token = common.api_token("admin")
    http_ = common.Http(port)
    headers = {"Authorization": f"Bearer {token}"}
    common.TARGETS_MS.update({name: 50 for name in QUERIES})
    return [
        common.time_endpoint(http_, name, [f"/api/search?q={urllib.parse.quote(q)}" for q in qs], headers,
                             requests, 5, 120)
        for name, qs in QUERIES.items() if qs
    ]


def main() -> None:
    args = parse_args()
    db, data_dir, _temporary = common.setup_environment(args)
    import django

    django.setup()
    from django.core.management import call_command

    from kehu.core import demo

    only = set(args.only.split(","))
    call_command("migrate", interactive=False, verbosity=0)
    demo.ensure_org()
    meta: dict[str, object] = {"database": db, "data dir": str(data_dir), "machine": platform.platform(),
                               "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d %H:%M")}
    results: dict[str, object] = {}
    if "load" in only:
        print(f"Writing {args.tickets:,} tickets and up to {args.articles:,} articles on {db}…", flush=True)
        results["load_seconds"] = round(load(args.tickets, args.articles), 1)
        _analyze()
    if "reindex" in only:
        results["reindex"] = reindex()
        print("reindex:", results["reindex"], flush=True)
        _analyze()
    if "queries" in only:
        port = common.free_port()
        server = common.start_server(port, args.workers, data_dir / "server.log")
        try:
            timed = queries(port, args.requests)
        finally:
            common.stop_server(server)
        print(common.report(timed, None, meta), flush=True)
        results["queries"] = {r.name: {"p50": common.percentile(r.server or r.wall, 0.5),
                                       "p95": common.percentile(r.server or r.wall, 0.95),
                                       "statuses": r.statuses} for r in timed}
    print(json.dumps({**meta, **results}, ensure_ascii=False, indent=1, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps({**meta, **results}, ensure_ascii=False, indent=1, default=str))


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        from kehu.core.dbstats import refresh_planner_stats

        refresh_planner_stats()
    connection.close()


if __name__ == "__main__":
    main()
