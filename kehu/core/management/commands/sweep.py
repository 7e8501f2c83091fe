"""`kehu sweep [--loop]`: every scheduled job, once or every KEHU_SWEEP_INTERVAL_MINUTES."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from kehu.contact.cti import close_stale_calls
from kehu.core.dbstats import refresh_planner_stats
from kehu.customers.imports import big_imports_since
from kehu.customers.services import pool_sweep, trash_purge
from kehu.insights.services import insights_nightly
from kehu.service.services import sla_sweep
from kehu.surveys.services import invitations_after_tickets

# Service levels are minutes, so their sweep runs every minute; the rest hourly (setting).
SLA_INTERVAL_SECONDS = 60


class Command(BaseCommand):
    help = ("Run the scheduled jobs: the SLA sweep (every minute), return neglected customers to the pool, "
            "purge the recycle bin, invite customers to surveys after their tickets close, "
            "refresh the query planner's statistics.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running at the configured interval.")

    def handle(self, *args: Any, loop: bool, **options: Any) -> None:
        next_hourly = 0.0
        stats_at = timezone.now()
        while True:
            close_old_connections()
            self.stdout.write(f"SLA: {sla_sweep()}")
            self.stdout.write(f"open calls closed by timeout: {close_stale_calls()}")
            if time.monotonic() < next_hourly and big_imports_since(stats_at):
                stats_at = timezone.now()
                refresh_planner_stats()
                self.stdout.write("planner statistics refreshed after a big import")
            if time.monotonic() >= next_hourly:
                returned, purged, invited = pool_sweep(), trash_purge(), invitations_after_tickets()
                stats_at = timezone.now()
                refresh_planner_stats()
                self.stdout.write(
                    f"pool: {returned} returned; recycle bin: {purged} purged; survey invitations: {invited}; "
                    "planner statistics refreshed")
                insights = insights_nightly()
                if insights:
                    self.stdout.write(f"insights: {insights}")
                next_hourly = time.monotonic() + settings.KEHU_SWEEP_INTERVAL_MINUTES * 60
            if not loop:
                return
            time.sleep(SLA_INTERVAL_SECONDS)
