from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kehu.customers.imports import export_customers
from kehu.customers.models import Customer

FORMATS = {".xlsx": "xlsx", ".csv": "csv"}


class Command(BaseCommand):
    help = "Export to a spreadsheet: `kehu export customers FILE [--format xlsx|csv]`."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        customers = sub.add_parser("customers", help="Export every live customer, re-importable.")
        customers.add_argument("file", type=Path)
        customers.add_argument(
            "--format", dest="fmt", choices=sorted(set(FORMATS.values())), default="",
            help="Default: from the file's extension.",
        )

    def handle(self, *args: Any, what: str, file: Path, fmt: str, **options: Any) -> None:
        fmt = fmt or FORMATS.get(file.suffix.lower(), "")
        if not fmt:
            raise CommandError(f"Cannot tell the format of “{file.name}”: use .xlsx or .csv, or --format.")
        if not file.parent.is_dir():
            raise CommandError(f"No such folder: {file.parent}")
        count = export_customers(queryset=Customer.objects.alive().order_by("pk"), path=file, fmt=fmt)
        self.stdout.write(f"{count} customers written to {file}")
