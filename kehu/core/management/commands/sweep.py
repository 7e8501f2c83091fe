"""`kehu sweep [--loop]`: every scheduled job, once or every KEHU_SWEEP_INTERVAL_MINUTES."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kehu.core.dbstats import refresh_planner_stats
from kehu.customers.services import pool_sweep, trash_purge


class Command(BaseCommand):
    help = ("Run the scheduled jobs: return neglected customers to the pool, purge the recycle bin, "
            "refresh the query planner's statistics.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running at the configured interval.")

    def handle(self, *args: Any, loop: bool, **options: Any) -> None:
        while True:
            close_old_connections()
            returned, purged = pool_sweep(), trash_purge()
            refresh_planner_stats()
            self.stdout.write(f"pool: {returned} returned; recycle bin: {purged} purged; planner statistics refreshed")
            if not loop:
                return
            time.sleep(settings.KEHU_SWEEP_INTERVAL_MINUTES * 60)
