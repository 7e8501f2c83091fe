"""Time the ticket list's search box in process: the first page of /service/tickets/?q=…

    KEHU_DATA_DIR=/tmp/sb1m python bench/ticket_search_bench.py 水压 套餐变更 无此标题 "水压 阳光" 5678
    DATABASE_URL=postgres://… python bench/ticket_search_bench.py --repeat 5 水压

Runs the same queryset as the list page (scope of an administrator, every status, sorted by
due time, a page of 20) for each query and prints rows found and the best and median time.
It makes no data: point it at a database with many tickets and their search documents,
such as the one bench/search_bench.py writes. Not part of the test suite; results in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehu.settings")

import django  # noqa: E402

django.setup()

from kehu.accounts.models import User  # noqa: E402
from kehu.service.models import Ticket  # noqa: E402
from kehu.service.views import PAGE_SIZE, _listed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    print(f"{Ticket.objects.count():,} tickets; load average {os.getloadavg()[0]:.2f}")
    print(f"{'query':<16} {'rows':>5} {'best ms':>9} {'median ms':>10}")
    for q in args.queries:
        times, rows = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            qs = _listed(Ticket.objects.visible_to(admin).filtered().matching(q)).ordered("resolution_due")
            rows = list(qs[:PAGE_SIZE + 1])
            times.append((time.perf_counter() - started) * 1000)
        print(f"{q:<16} {len(rows):>5} {min(times):>9.1f} {statistics.median(times):>10.1f}")


if __name__ == "__main__":
    main()
