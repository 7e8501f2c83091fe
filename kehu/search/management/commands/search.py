"""`kehu search reindex [--kind ticket|article]`: rebuild the full-text index."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kehu.search.indexing import SOURCES, reindex


class Command(BaseCommand):
    help = "Rebuild the full-text search index (tickets, knowledge base)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reindex"])
        parser.add_argument("--kind", action="append", help="Only this kind (repeatable); default all.")

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = options["kind"] or list(SOURCES)
        unknown = [k for k in kinds if k not in SOURCES]
        if unknown:
            raise CommandError(f"Unknown kind {unknown[0]!r}; known: {', '.join(SOURCES)}.")
        for kind in kinds:
            started = time.perf_counter()
            count = reindex(kind)
            took = time.perf_counter() - started
            rate = count / took if took else 0.0
            self.stdout.write(f"{kind}: {count} indexed in {took:.1f} s ({rate:,.0f}/s)")
