from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kehu.service.services import sla_sweep


class Command(BaseCommand):
    help = "Service levels: `kehu sla sweep` warns, marks breaches and escalates (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sweep", help="Warn before breach, mark breaches, escalate; safe to run any time.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.stdout.write(f"SLA sweep: {sla_sweep()}")
