"""`kehu contact import-cdr FILE --mapping MAPPING.json`: calls from a telephone system's CSV.

`kehu contact close-stale` closes calls whose hangup never arrived (also run by the sweep).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kehu.contact.cdr import cdr_import, parse_mapping
from kehu.contact.cti import close_stale_calls
from kehu.core.errors import ServiceError


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read the {what} {path}: {exc.strerror}.") from None


class Command(BaseCommand):
    help = "Contact center data: import a CDR file (import-cdr), close calls left open (close-stale)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        cdr = sub.add_parser("import-cdr", help="Import a CDR CSV export with a column mapping.")
        cdr.add_argument("file", help="The CSV file.")
        cdr.add_argument("--mapping", required=True,
                         help='JSON file: {"CSV column": "field"}; see docs/cti.md for the fields.')
        cdr.add_argument("--json", action="store_true", help="Print the result as one JSON object.")
        sub.add_parser("close-stale", help="Close calls that heard no event for 4 hours.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "close-stale":
            self.stdout.write(f"closed: {close_stale_calls()}")
            return
        data = _read(options["file"], "file")
        try:
            mapping = parse_mapping(_read(options["mapping"], "mapping").decode("utf-8", "replace"))
            result = cdr_import(data=data, mapping=mapping)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"imported: {result['imported']}; already imported: {result['skipped_existing']}; "
                          f"bad rows: {len(result['problems'])}")
        for problem in result["problems"]:
            self.stdout.write(f"  row {problem['row']}: {problem['message']}")
