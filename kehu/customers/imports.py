"""Importing customers from spreadsheets and exporting them back.

`import_customers` reads an .xlsx (python-calamine) or .csv file, maps its columns by
header (Chinese or English), validates every row with the archive's cleaners, checks
duplicates (查重) against the database and within the file in batches, and creates the
valid, new rows in bulk. Every bad or duplicate row is reported with its row number as
the spreadsheet shows it, the column header as written, the value and the reason.
`export_customers` writes the same columns, so an export can be imported again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineError, CalamineWorkbook

from kehu.accounts.models import User
from kehu.core.dbstats import refresh_planner_stats
from kehu.core.errors import InvalidInput
from kehu.core.models import AuditEntry
from kehu.customers.models import Contact, Customer, ImportJob, Tag
from kehu.customers.services.archive import _default_owner
from kehu.customers.validation import CHOICE_FIELDS, clean_contact, clean_customer

# Field -> accepted headers. The first one is what exports write.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("客户名称", "名称", "公司名称", "客户", "name", "customer name", "company name"),
    "kind": ("客户类型", "类型", "kind", "type"),
    "phone": ("电话", "手机", "联系电话", "手机号", "phone", "mobile", "telephone"),
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code", "credit code", "uscc"),
    "email": ("邮箱", "电子邮件", "电子邮箱", "email", "e-mail"),
    "industry": ("行业", "所属行业", "industry"),
    "province": ("省份", "省", "province"),
    "city": ("城市", "市", "city"),
    "district": ("区县", "区", "district"),
    "address": ("地址", "详细地址", "address"),
    "source": ("来源", "客户来源", "source"),
    "value_tier": ("客户等级", "价值等级", "value_tier", "value tier", "tier"),
    "time_state": ("状态", "时间状态", "客户状态", "time_state", "time state", "state"),
    "relation": ("内外部", "relation"),
    "need_type": ("需求类型", "need_type", "need type"),
    "behaviour_type": ("性格类型", "行为类型", "behaviour_type", "behavior_type", "behaviour type"),
    "tags": ("标签", "tags", "tag"),
    "notes": ("备注", "notes", "note", "remarks"),
    "contact_name": ("联系人", "联系人姓名", "contact_name", "contact name", "contact"),
    "contact_mobile": ("联系人手机", "联系人电话", "contact_mobile", "contact mobile", "contact phone"),
    "contact_title": ("联系人职务", "职务", "contact_title", "contact title", "title"),
}
# Columns our own exports (and error reports) add that an import skips without a notice.
SKIPPED: tuple[str, ...] = (
    "负责人", "owner", "创建时间", "created", "created_at", "编号", "id", "原因", "reason",
)
CONTACT_COLUMNS = {"contact_name": "name", "contact_mobile": "mobile", "contact_title": "title"}
XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CHUNK = 900  # SQLite allows 999 parameters per statement
LOOKUP_CHUNK = 20_000  # values per duplicate lookup, passed as one parameter
BATCH = 2000
STATS_REFRESH_ROWS = 20_000
MAX_STORED_PROBLEMS = 5000
HEADER_SEARCH_ROWS = 10
_READY_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.ForeignKey)
_TAG_SPLIT = re.compile(r"[,，;；、|]")
_HEADER_NOISE = re.compile(r"[\s_*＊:：]+")
_FORMULA_START = ("=", "+", "-", "@")


def _fold(header: str) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", header)).casefold()


_BY_HEADER: dict[str, str] = {_fold(h): f for f, headers in COLUMNS.items() for h in headers}
_SKIPPED = {_fold(h) for h in SKIPPED}


# --- reading -------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as the text the user typed: 13812345678.0 is 13812345678, dates are ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _unusable(message: str) -> InvalidInput:
    return InvalidInput(message, field="file")


def _read_sheet(path: Path) -> list[list[Any]]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise _unusable(_("The file cannot be read as a spreadsheet: %(error)s") % {"error": exc}) from exc


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _unusable(_("The CSV file is neither UTF-8 nor GBK/GB18030 encoded."))
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _unusable(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
    # Undo the apostrophe our CSV export puts before =, +, - and @ (formula injection).
    return [[c[1:] if c[:1] == "'" and c[1:2] in "=+-@" and len(c) > 1 else c for c in row] for row in rows]


def read_table(path: Path, file_name: str = "") -> list[list[Any]]:
    """The first sheet of a spreadsheet, or the rows of a CSV file, as raw cells."""
    if not path.is_file():
        raise _unusable(_("File not found: %(path)s") % {"path": path})
    suffix = (path.suffix or Path(file_name).suffix).lower()
    if suffix in XLSX_SUFFIXES:
        return _read_sheet(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise _unusable(
        _("Unknown file format “%(suffix)s”: use .xlsx or .csv.") % {"suffix": suffix or path.name}
    )


# --- the report ----------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    cells: list[str]
    customer: dict[str, Any]
    contact: dict[str, Any] | None
    tags: list[str]
    keys: list[tuple[str, str, str]] = field(default_factory=list)  # see _keys


@dataclass
class _Report:
    headers: list[str]
    columns: dict[str, int]  # field -> index of its column
    problems: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[list[str], str]] = field(default_factory=list)  # cells, reason
    error_rows: int = 0
    duplicate_rows: int = 0

    def header_of(self, name: str) -> str:
        return self.headers[self.columns[name]] if name in self.columns else name

    def add(self, row: int, column: str, value: str, reason: str) -> None:
        self.problems.append({"row": row, "column": column, "value": value, "reason": reason})

    def error(self, number: int, cells: list[str], errors: dict[str, str]) -> None:
        self.error_rows += 1
        for name, reason in errors.items():
            index = self.columns.get(name)
            value = cells[index] if index is not None and index < len(cells) else ""
            self.add(number, self.header_of(name), value, reason)
        self.rejected.append((cells, "；".join(errors.values())))

    def duplicate(self, row: _Row, name: str, reason: str) -> None:
        self.duplicate_rows += 1
        index = self.columns[name]
        self.add(row.number, self.headers[index], row.cells[index], reason)


def _map_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Field -> column index, and the headers that mean nothing to us."""
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, title in enumerate(header):
        key = _fold(title)
        if not key or key in _SKIPPED:
            continue
        name = _BY_HEADER.get(key)
        if name is None or name in columns:
            unknown.append(title)
        else:
            columns[name] = index
    return columns, unknown


def _find_header(table: list[list[Any]]) -> int:
    """Index of the header row: the first row (of the first few) naming a name column."""
    for index, cells in enumerate(table[:HEADER_SEARCH_ROWS]):
        if any(_BY_HEADER.get(_fold(_text(c))) == "name" for c in cells):
            return index
    raise _unusable(
        _("No name column found. The first row must hold the column headers, one of them “%(headers)s”.")
        % {"headers": "”, “".join(COLUMNS["name"][:4])}
    )


# --- parsing rows --------------------------------------------------------------------


def _split_tags(text: str) -> list[str]:
    return list(dict.fromkeys(t.strip()[:40] for t in _TAG_SPLIT.split(text) if t.strip()))


def _parse(number: int, cells: list[str], report: _Report) -> _Row | None:
    columns = report.columns
    width = len(cells)
    values = {f: cells[i] for f, i in columns.items() if i < width}
    customer, errors = clean_customer(values)
    contact = None
    contact_values = {CONTACT_COLUMNS[f]: values[f] for f in CONTACT_COLUMNS if values.get(f)}
    if contact_values:
        contact, contact_errors = clean_contact(contact_values)
        errors.update({f"contact_{k}": v for k, v in contact_errors.items()})
    if errors:
        report.error(number, cells, errors)
        return None
    if not customer["source"]:
        customer["source"] = "import"
    tags = values.get("tags")
    row = _Row(number, cells, customer, contact, _split_tags(tags) if tags else [])
    row.keys = _keys(row)
    return row


# --- duplicates (查重) ----------------------------------------------------------------


def _chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _keys(row: _Row) -> list[tuple[str, str, str]]:
    """(kind of key, value, column field) in the order find_duplicate checks them."""
    c = row.customer
    keys = []
    if c["credit_code"]:
        keys.append(("credit_code", c["credit_code"], "credit_code"))
    if c["phone_norm"]:
        keys.append(("phone", c["phone_norm"], "phone"))
    if row.contact and row.contact.get("mobile_norm"):
        keys.append(("phone", row.contact["mobile_norm"], "contact_mobile"))
    # Two people may share a name; only companies are told apart by it.
    if c["kind"] == "company":
        keys.append(("name", c["name_norm"], "name"))
    return keys


def _in_list(values: list[str]) -> RawSQL | list[str]:
    """`values` for an IN lookup as one parameter: no SQL to build and parse per value.

    900 placeholders a query cost ~10 ms in Django and SQLite; this ~0.5 µs a value.
    """
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", [values])
    return values


def _existing(rows: list[_Row]) -> dict[tuple[str, str], tuple[int, str]]:
    """(kind, value) -> (id, name) of the live customer already holding it, in batches."""
    wanted: dict[str, set[str]] = {"credit_code": set(), "phone": set(), "name": set()}
    for row in rows:
        for kind, value, _column in row.keys:
            wanted[kind].add(value)
    # deleted_at is checked in Python: filtering on it in SQL lets SQLite pick the
    # deleted_at index and scan every live customer instead of using the lookup's index.
    customers = Customer.objects.order_by()
    contacts = Contact.objects.order_by()
    lookups: list[tuple[str, QuerySet, str, tuple[str, ...]]] = [
        ("credit_code", customers, "credit_code", ("credit_code", "id", "name", "deleted_at")),
        ("phone", customers, "phone_norm", ("phone_norm", "id", "name", "deleted_at")),
        ("phone", contacts, "mobile_norm", ("mobile_norm", "customer_id", "customer__name", "customer__deleted_at")),
        ("phone", contacts, "phone_norm", ("phone_norm", "customer_id", "customer__name", "customer__deleted_at")),
        ("name", customers, "name_norm", ("name_norm", "id", "name", "deleted_at", "kind")),
    ]
    found: dict[tuple[str, str], tuple[int, str]] = {}
    for kind, qs, lookup, fields in lookups:
        for chunk in _chunks(list(wanted[kind]), LOOKUP_CHUNK):
            for value, pk, name, deleted_at, *rest in qs.filter(**{f"{lookup}__in": _in_list(chunk)}).values_list(*fields):
                # The name lookup also returns the kind: only companies match by name.
                if deleted_at is None and (not rest or rest[0] == "company"):
                    found.setdefault((kind, value), (pk, name))
    return found


def _key_label(kind: str) -> str:
    return {"credit_code": _("credit code"), "phone": _("phone"), "name": _("name")}[kind]


def _collision(
    keys: list[tuple[str, str, str]], existing: dict[tuple[str, str], tuple[int, str]],
    seen: dict[tuple[str, str], int],
) -> tuple[str, str] | None:
    """(column field, reason) of the first key already taken, in the database or the file."""
    for kind, value, column in keys:
        if (kind, value) in existing:
            pk, name = existing[(kind, value)]
            return column, _("A customer with the same %(field)s already exists: “%(name)s” (#%(id)d).") % {
                "field": _key_label(kind), "name": name, "id": pk,
            }
        if (kind, value) in seen:
            return column, _("Same %(field)s as row %(row)d of this file.") % {
                "field": _key_label(kind), "row": seen[(kind, value)],
            }
    return None


def _drop_duplicates(rows: list[_Row], report: _Report) -> list[_Row]:
    """The rows that collide with nobody, in the database or earlier in the file."""
    existing = _existing(rows)
    seen: dict[tuple[str, str], int] = {}
    fresh = []
    for row in rows:
        hit = _collision(row.keys, existing, seen)
        if hit:
            report.duplicate(row, *hit)
            continue
        for kind, value, _column in row.keys:
            seen.setdefault((kind, value), row.number)
        fresh.append(row)
    return fresh


# --- writing -------------------------------------------------------------------------


def _tag_ids(names: set[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    ordered = sorted(names)
    for chunk in _chunks(ordered):
        ids.update(Tag.objects.filter(name__in=chunk).values_list("name", "id"))
    missing = [Tag(name=n) for n in ordered if n not in ids]
    if missing:
        Tag.objects.bulk_create(missing, batch_size=BATCH, ignore_conflicts=True)
        for chunk in _chunks([t.name for t in missing]):
            ids.update(Tag.objects.filter(name__in=chunk).values_list("name", "id"))
    return ids


def _constant(f: models.Field, constants: dict[str, Any]) -> Any:
    if f.attname in constants:
        return constants[f.attname]
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return timezone.now()
    return f.get_default()


def _insert(
    model: type[models.Model], rows: list[dict[str, Any]], constants: dict[str, Any],
    *, returning: bool = False,
) -> list[int]:
    """INSERT rows in bulk; the new ids in row order if `returning`.

    The import's hot path. Django's bulk_create spends ~200 µs a row building and
    preparing model instances; this a few. Every row has the same keys (attnames)
    with values ready for the database (text, ids, None); the other columns take
    `constants` or the field's default, prepared once.
    """
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    varying = [f for f in fields if f.attname in rows[0]]
    fixed = [f for f in fields if f.attname not in rows[0]]
    fixed_values = tuple(f.get_db_prep_save(_constant(f, constants), connection) for f in fixed)
    prepare = [i for i, f in enumerate(varying) if not isinstance(f, _READY_FIELDS)]
    pick = itemgetter(*[f.attname for f in varying])

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        picked = pick(row) if len(varying) > 1 else (pick(row),)
        if prepare:
            picked = list(picked)
            for i in prepare:
                picked[i] = varying[i].get_db_prep_save(picked[i], connection)
        return (*picked, *fixed_values)

    insert = _copy_rows if connection.vendor == "postgresql" else _insert_values
    return insert(model, [f.column for f in [*varying, *fixed]], map(values, rows), len(rows), returning)


def _insert_values(
    model: type[models.Model], columns: list[str], rows: Iterable[tuple[Any, ...]], count: int, returning: bool,
) -> list[int]:
    """Multi-row INSERT … VALUES, up to ~32,000 parameters a statement."""
    quote = connection.ops.quote_name
    max_params = 32000
    mark = "%s"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        max_params = min(max_params, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        mark = "?"  # Django's cursor rewrites every %s to ? with a regex: 40% of the time
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) VALUES "
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    per_statement = max(1, max_params // len(columns))
    rows = iter(rows)
    ids: list[int] = []
    cursor_context: Any = closing(connection.connection.cursor()) if mark == "?" else connection.cursor()
    with cursor_context as cursor:
        for _start in range(0, count, per_statement):
            batch = list(islice(rows, per_statement))
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, [v for row in batch for v in row])
            if returning:
                # Ids come from one sequence in VALUES order; sorting undoes any
                # reordering of the RETURNING rows.
                ids.extend(sorted(r[0] for r in cursor.fetchall()))
    return ids


def _copy_rows(
    model: type[models.Model], columns: list[str], rows: Iterable[tuple[Any, ...]], count: int, returning: bool,
) -> list[int]:
    """PostgreSQL COPY; ids are reserved from the table's sequence first when wanted."""
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns = [pk, *columns]
            rows = ((pk_value, *row) for pk_value, row in zip(ids, rows, strict=True))
        with cursor.copy(f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return ids


def _create(rows: list[_Row], *, by: User, note: str) -> None:
    now = timezone.now()
    owner = _default_owner(by)
    ids = _insert(Customer, [row.customer for row in rows], {
        "owner_id": owner.pk if owner else None,
        "team_id": owner.department_id if owner else by.department_id,
        "claimed_at": now if owner else None, "created_by_id": by.pk,
        "created_at": now, "updated_at": now,
    }, returning=True)
    _insert(Contact, [{**r.contact, "customer_id": pk} for pk, r in zip(ids, rows, strict=True) if r.contact],
            {"created_at": now})
    tag_ids = _tag_ids({t for row in rows for t in row.tags})
    _insert(Customer.tags.through,
            [{"customer_id": pk, "tag_id": tag_ids[t]} for pk, r in zip(ids, rows, strict=True) for t in r.tags], {})
    # One entry per customer, so each customer's history shows where it came from.
    _insert(AuditEntry, [{"object_id": pk, "customer_id": pk} for pk in ids], {
        "at": now, "actor_id": by.pk, "action": "customer.imported", "object_type": "customer",
        "changes": {}, "note": note,
    })


# --- the error report ----------------------------------------------------------------


def _cell_text(value: Any) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _as_text_cells(ws: Any, values: Iterable[Any]) -> list[Any]:
    """Cells written as text: a value starting with “=” stays text, not a formula."""
    cells = []
    for value in values:
        text = _cell_text(value)
        if text.startswith("="):
            cell = WriteOnlyCell(ws, text)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(text)
    return cells


def _write_error_file(report: _Report, file_name: str) -> str:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", Path(file_name).stem)[:40] or "import"
    path = folder / f"{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}-{stem}-errors.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Problems"))
    sheet.append([_("Row"), _("Column"), _("Value"), _("Reason")])
    for p in report.problems:
        sheet.append([p["row"], *_as_text_cells(sheet, (p["column"], p["value"], p["reason"]))])
    if report.rejected:
        rows = workbook.create_sheet(_("Rows to fix"))
        rows.append(_as_text_cells(rows, [*report.headers, "原因"]))
        for cells, reason in report.rejected:
            padded = cells + [""] * (len(report.headers) - len(cells))
            rows.append(_as_text_cells(rows, [*padded, reason]))
    workbook.save(path)
    return str(path.resolve())


# --- the import ----------------------------------------------------------------------


def import_customers(
    *, path: Path, by: User, dry_run: bool = False, file_name: str | None = None,
) -> ImportJob:
    """Import customers from `path`; with dry_run only the report (the job) is saved.

    Raises InvalidInput when the file as a whole is unusable (missing, unknown format,
    no name column); bad rows are reported in the job, never raised.
    """
    path = Path(path)
    file_name = file_name or path.name
    table = read_table(path, file_name)
    start = _find_header(table)
    headers = [_text(c).replace("\x00", "") for c in table[start]]
    columns, unknown = _map_columns(headers)
    report = _Report(headers=headers, columns=columns)
    for title in unknown:
        report.add(start + 1, title, "", _("Unknown or repeated column, ignored."))
    total = 0
    parsed: list[_Row] = []
    for index in range(start + 1, len(table)):
        cells = [c if type(c) is str else _text(c) for c in table[index]]
        joined = "".join(cells)
        if not joined or joined.isspace():
            continue
        if "\x00" in joined:  # PostgreSQL refuses NUL in text
            cells = [c.replace("\x00", "") for c in cells]
        total += 1
        row = _parse(index + 1, cells, report)
        if row is not None:
            parsed.append(row)
    del table
    note = (_("Imported from %(file)s") % {"file": file_name})[:255]
    with nullcontext() if dry_run else transaction.atomic():
        fresh = _drop_duplicates(parsed, report)
        if not dry_run:
            _create(fresh, by=by, note=note)
    if not dry_run and len(fresh) >= STATS_REFRESH_ROWS and not connection.in_atomic_block:
        refresh_planner_stats()  # a big load changes the shape the planner relies on
    report.problems.sort(key=lambda p: p["row"])
    return ImportJob.objects.create(
        by=by if by.pk else None, file_name=file_name[:255], dry_run=dry_run, total_rows=total,
        created_count=len(fresh), error_count=report.error_rows, duplicate_count=report.duplicate_rows,
        problems=report.problems[:MAX_STORED_PROBLEMS],
        error_file=_write_error_file(report, file_name) if report.problems else "",
    )


# --- the export ----------------------------------------------------------------------

EXPORT_FIELDS = [
    "name", "kind", "phone", "credit_code", "email", "industry", "province", "city", "district",
    "address", "source", "value_tier", "time_state", "relation", "need_type", "behaviour_type",
    "tags", "contact_name", "contact_mobile", "contact_title", "notes",
]
EXPORT_HEADERS = [COLUMNS[f][0] for f in EXPORT_FIELDS] + ["负责人", "创建时间"]


def _export_rows(queryset: QuerySet) -> Iterator[list[str]]:
    with translation.override("zh-hans"):
        labels = {f: {code: str(label) for code, label in c.choices} for f, c in CHOICE_FIELDS.items()}
    qs = queryset.select_related("owner").prefetch_related("tags", "contacts")
    for customer in qs.iterator(chunk_size=BATCH):
        contacts = list(customer.contacts.all())
        contact = contacts[0] if contacts else None
        values = {f: getattr(customer, f) for f in EXPORT_FIELDS if hasattr(Customer, f) and f != "tags"}
        for f, names in labels.items():
            values[f] = names.get(values[f], values[f])
        values["tags"] = "、".join(sorted(t.name for t in customer.tags.all()))
        values["contact_name"] = contact.name if contact else ""
        values["contact_mobile"] = (contact.mobile or contact.phone) if contact else ""
        values["contact_title"] = contact.title if contact else ""
        created = timezone.localtime(customer.created_at).strftime("%Y-%m-%d %H:%M")
        yield [values[f] for f in EXPORT_FIELDS] + [str(customer.owner or ""), created]


def _csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula; the importer undoes it."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_customers(*, queryset: QuerySet, path: Path, fmt: str) -> int:
    """Write the customers to `path` as "xlsx" or "csv" with Chinese headers; rows written."""
    path = Path(path)
    count = 0
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_HEADERS)
            for values in _export_rows(queryset):
                writer.writerow([_csv_safe(v) for v in values])
                count += 1
        return count
    if fmt != "xlsx":
        raise _unusable(_("Unknown export format “%(fmt)s”: use xlsx or csv.") % {"fmt": fmt})
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("客户")
    sheet.append(EXPORT_HEADERS)
    for values in _export_rows(queryset):
        sheet.append(_as_text_cells(sheet, values))
        count += 1
    workbook.save(path)
    return count
