"""`kehu knowledge load-starter`: add the starter set's missing articles (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kehu.knowledge.starter import load_starter


class Command(BaseCommand):
    help = "Knowledge base maintenance. load-starter: add the starter set's missing articles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load-starter"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        created = load_starter()
        self.stdout.write(f"{created} starter articles added.")
