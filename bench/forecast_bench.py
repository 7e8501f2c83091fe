"""Time volume forecasting and roster coverage.

    python bench/forecast_bench.py [--weeks 8] [--calls-per-day 2000] [--agents 300] [--repeat 5]
    bash scripts/with-postgres.sh .venv/bin/python bench/forecast_bench.py --db postgres

Makes --weeks weeks of inbound interactions of one queue before today (local time, a two-peak
day curve, weekends at 60 %, +2 % a week, ~6 % abandoned), --agents agents on three shifts
with breaks for today, and times, in this process (best and median of --repeat):

    engine fit+backtest   the numpy engine alone on 50 queues × 8 weeks × 7 days × 96 intervals
    history SQL           the per-day/interval aggregation of the queue's history (15 min)
    forecast_build        the whole service: SQL, fit, backtest, Erlang C for 7 × 96 intervals,
                          672 interval rows written
    coverage              scheduled productive agents vs required, one day at 15 minutes

Not part of the test suite; the results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

BATCH = 5000


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weeks", type=int, default=8)
    p.add_argument("--calls-per-day", type=int, default=2000)
    p.add_argument("--agents", type=int, default=300)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--db", choices=["sqlite", "postgres"])
    p.add_argument("--data-dir")
    return p.parse_args()


def setup(args: argparse.Namespace) -> str:
    db, _data_dir, _temporary = common.setup_environment(args)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return db


def offsets(n: int, rng: np.random.Generator) -> np.ndarray:
    """Seconds after midnight of n calls: a quiet night, a morning and an afternoon peak."""
    hours = np.arange(96) / 4
    curve = 0.03 + np.exp(-(((hours - 10) / 1.7) ** 2)) + 0.8 * np.exp(-(((hours - 15) / 2) ** 2))
    slot = rng.choice(96, size=n, p=curve / curve.sum())
    return slot * 900 + rng.integers(0, 900, n)


def make_history(args: argparse.Namespace) -> tuple[object, object]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kehu.contact.models import Interaction, Queue

    rng = np.random.default_rng(6)
    queue = Queue.objects.create(code="BENCH", name="bench", service_level_s=20)
    user = get_user_model().objects.create_user("planner", role="manager", password="x")
    today = timezone.localdate()
    rows, made = [], 0
    for d in range(7 * args.weeks, 0, -1):
        day = today - dt.timedelta(days=d)
        week = args.weeks - (d - 1) // 7
        n = int(args.calls_per_day * (0.6 if day.weekday() >= 5 else 1.0) * (1 + 0.02 * week))
        midnight = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        for s, talk, abandon in zip(offsets(n, rng), rng.gamma(4, 50, n),
                                    rng.random(n) < 0.06, strict=True):
            at = midnight + dt.timedelta(seconds=int(s))
            made += 1
            rows.append(Interaction(
                queue=queue, offered_at=at, external_id=f"b{made}", abandoned=bool(abandon),
                answered_at=None if abandon else at + dt.timedelta(seconds=8),
                talk_s=0 if abandon else float(talk), wrap_s=0 if abandon else 30.0,
            ))
            if len(rows) >= BATCH:
                Interaction.objects.bulk_create(rows)
                rows = []
    Interaction.objects.bulk_create(rows)
    print(f"history: {made:,} interactions over {args.weeks} weeks")
    return queue, user


def make_roster(args: argparse.Namespace, user: object) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kehu.workforce.models import ScheduleEntry, Shift, ShiftSlot

    specs = [("E", dt.time(7), dt.time(15)), ("D", dt.time(9), dt.time(18)),
             ("L", dt.time(14), dt.time(22))]
    shifts = []
    for code, start, end in specs:
        shift = Shift.objects.create(code=code, name=code, start=start, end=end)
        ShiftSlot.objects.create(shift=shift, kind="meeting_before",
                                 start=(dt.datetime.combine(dt.date.today(), start)
                                        - dt.timedelta(minutes=15)).time(), duration_min=15)
        ShiftSlot.objects.create(shift=shift, kind="meal", start=dt.time(start.hour + 4),
                                 duration_min=60)
        ShiftSlot.objects.create(shift=shift, kind="break", start=dt.time(start.hour + 2),
                                 duration_min=15)
        shifts.append(shift)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"agent{i}", role="agent") for i in range(args.agents)
    )
    today = timezone.localdate()
    ScheduleEntry.objects.bulk_create(
        ScheduleEntry(agent=u, date=today, shift=shifts[i % 3]) for i, u in enumerate(users)
    )


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    args = parse()
    db = setup(args)
    from django.utils import timezone

    from kehu.engines.forecast import backtest, fit
    from kehu.workforce.coverage import coverage
    from kehu.workforce.history import interval_history
    from kehu.workforce.services.forecasts import forecast_build

    rng = np.random.default_rng(1)
    cubes = rng.poisson(20, size=(50, 8, 7, 96)).astype(float)

    def engine() -> None:
        for c in cubes:
            fit(c, c, c * 200)
            backtest(c, c, c * 200, holdout_weeks=2)

    t0 = time.perf_counter()
    queue, user = make_history(args)
    make_roster(args, user)
    print(f"data made in {time.perf_counter() - t0:.1f} s")
    today = timezone.localdate()
    first = today - dt.timedelta(days=7 * args.weeks)

    results = [
        ("engine fit+backtest ×50", timed(engine, args.repeat)),
        ("history SQL (15 min)", timed(lambda: interval_history(
            queue=queue, first_day=first, days=7 * args.weeks, interval_min=15), args.repeat)),
        ("forecast_build 7 d × 96", timed(lambda: forecast_build(
            queue=queue, start_date=today, days=7, interval_min=15,
            history_weeks=args.weeks, by=user, shrinkage=0.1, max_occupancy=0.85),
            args.repeat)),
        ("coverage 1 d × 96", timed(lambda: coverage(queue=queue, day=today, interval_min=15),
                                    args.repeat)),
    ]
    print(f"\n{db}, Python {platform.python_version()}, {platform.machine()}")
    print(f"{'measure':28} {'best ms':>10} {'median ms':>10}")
    for name, (best, median) in results:
        print(f"{name:28} {best:10.1f} {median:10.1f}")


if __name__ == "__main__":
    main()
