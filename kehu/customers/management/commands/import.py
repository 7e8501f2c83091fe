from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kehu.accounts.models import User
from kehu.core.dbstats import refresh_planner_stats
from kehu.core.errors import ServiceError
from kehu.customers.imports import STATS_REFRESH_ROWS, import_customers

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Import from a spreadsheet: `kehu import customers FILE [--dry-run] [--as USERNAME]`."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        customers = sub.add_parser("customers", help="Import customers from an .xlsx or .csv file.")
        customers.add_argument("file", type=Path)
        customers.add_argument("--dry-run", action="store_true", help="Check every row, create nothing.")
        customers.add_argument(
            "--as", dest="username", default="",
            help="The importing user (default: the first superuser). An account manager owns "
            "what they import; anyone else's imports go to the pool.",
        )

    def handle(self, *args: Any, what: str, file: Path, dry_run: bool, username: str, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"File not found: {file}")
        by = _importer(username)
        try:
            job = import_customers(path=file, by=by, dry_run=dry_run)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        prefix = "[dry run] " if dry_run else ""
        self.stdout.write(
            f"{prefix}rows {job.total_rows}, created {job.created_count}, "
            f"duplicates {job.duplicate_count}, errors {job.error_count}"
        )
        for p in job.problems[:SHOWN_PROBLEMS]:
            self.stdout.write(f"  row {p['row']} {p['column']} “{p['value']}”: {p['reason']}")
        if len(job.problems) > SHOWN_PROBLEMS:
            self.stdout.write(f"  … and {len(job.problems) - SHOWN_PROBLEMS} more")
        if job.error_file:
            self.stdout.write(f"error report: {job.error_file}")
        if not dry_run and job.created_count >= STATS_REFRESH_ROWS:
            # After the report: the rows are in already. `kehu serve`'s sweep would do it
            # within a minute, but a command-line import may run with no server about.
            refresh_planner_stats()
            self.stdout.write("planner statistics refreshed")


def _importer(username: str) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user “{username}”.")
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("No superuser to import as: name a user with --as USERNAME.")
    return user
