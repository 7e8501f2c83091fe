"""`kehu insights refresh [--today YYYY-MM-DD]`: recompute RFM, tiers, lifecycle and churn risk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kehu.insights.services import insights_refresh


class Command(BaseCommand):
    help = "Customer insights. `refresh`: RFM scores, value pyramid tiers, lifecycle states and churn risk."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="Recompute every live customer from the ledger (idempotent).")
        refresh.add_argument("--today", help="Compute as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args: Any, action: str, today: str | None = None, **options: Any) -> None:
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today: {today!r} is not a date like 2026-01-31") from exc
        try:
            summary = insights_refresh(today=day)
        except ValueError as exc:  # bad KEHU_PYRAMID_CUTOFFS
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"insights refreshed: {summary}")
