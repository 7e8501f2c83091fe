from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kehu.customers.services import trash_purge


class Command(BaseCommand):
    help = "The recycle bin: `kehu trash purge` deletes for good what is past the retention period."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("purge", help="Purge records older than KEHU_TRASH_RETENTION_DAYS.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.stdout.write(f"{trash_purge()} customers purged")
