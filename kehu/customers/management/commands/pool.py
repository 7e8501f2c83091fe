from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kehu.customers.services import pool_sweep


class Command(BaseCommand):
    help = "The customer pool: `kehu pool sweep` returns customers without a follow-up for N days."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sweep", help="Return neglected customers to the pool (idempotent).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.stdout.write(f"{pool_sweep()} customers returned to the pool")
