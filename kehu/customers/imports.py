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
import gc
import io
import json
import os
import pickle
import queue
import re
import secrets
import signal
import sqlite3
import threading
import traceback
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineError, CalamineWorkbook

from kehu.accounts.models import User
from kehu.core.errors import InvalidInput
from kehu.core.models import AuditEntry
from kehu.core.sqlite.checkpoint import copied_back_later
from kehu.customers.models import Contact, Customer, ImportJob, Tag
from kehu.customers.services.archive import _default_owner
from kehu.customers.validation import (
    CHOICE_FIELDS,
    clean_contact,
    clean_customer,
    fast_clean_contact,
    fast_clean_customer,
)

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
PIPELINE_ROWS = 5000  # rows validated per chunk; the chunk before is written meanwhile
PARALLEL_MIN_ROWS = 20_000  # from this many rows, validate in a second process
STATS_REFRESH_ROWS = 20_000  # an import this big has the sweep refresh planner statistics
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


class _Table:
    """A file's rows as raw cells: a list (CSV), or a spreadsheet's first sheet whose rows
    become Python objects only as they are read.

    Converting a sheet of 100,000 rows costs ~0.5 s. Read row by row, that cost falls on
    the process that validates them (see _parse_in_child), not on the one that writes.
    """

    def __init__(self, rows: list[list[Any]] | None = None, sheet: Any = None) -> None:
        self._rows, self._sheet = rows, sheet
        # iter_rows starts at the first row (row numbers are the spreadsheet's) but leaves
        # out empty columns on the left, from the headers as from the data.
        start = sheet.start if sheet is not None else None
        self._length = len(rows) if rows is not None else (start[0] + sheet.height if start else 0)

    def __len__(self) -> int:
        return self._length

    def rows(self, begin: int = 0) -> Iterator[list[Any]]:
        """The rows from index `begin` on."""
        return islice(self._rows if self._rows is not None else self._sheet.iter_rows(), begin, None)

    def head(self, count: int) -> list[list[Any]]:
        return list(islice(self.rows(), count))


def _read_sheet(path: Path) -> _Table:
    try:
        return _Table(sheet=CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0))
    except (CalamineError, OSError, ValueError) as exc:
        raise _unusable(_("The file cannot be read as a spreadsheet: %(error)s") % {"error": exc}) from exc


def _read_csv(path: Path) -> _Table:
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
    return _Table(rows=[[c[1:] if c[:1] == "'" and c[1:2] in "=+-@" and len(c) > 1 else c for c in row] for row in rows])


def read_table(path: Path, file_name: str = "") -> list[list[Any]]:
    """The first sheet of a spreadsheet, or the rows of a CSV file, as raw cells."""
    return list(_open_table(path, file_name).rows())


def _open_table(path: Path, file_name: str = "") -> _Table:
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


# A valid row, as the validation hands it to the duplicate check and the inserts (plain
# tuples: they cross from the validating process in bulk, see _parse_in_child):
# (row number, keys (see _keys), customer values in _CUSTOMER_KEYS order, contact values
# in _CONTACT_KEYS order or None, tags).
_Key = tuple[tuple[str, str], str, str]
_Row = tuple[int, list[_Key], tuple[Any, ...], tuple[Any, ...] | None, list[str]]
NUMBER, KEYS, CUSTOMER, CONTACT, TAGS = range(5)
# The fields the cleaners give for a valid customer and contact, in a fixed order.
_CUSTOMER_KEYS: tuple[str, ...] = tuple(fast_clean_customer({"name": "-"}) or ())
_CONTACT_KEYS: tuple[str, ...] = tuple(fast_clean_contact({"name": "-"}) or ())


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

    def duplicate(self, number: int, name: str, value: str, reason: str) -> None:
        self.duplicate_rows += 1
        self.add(number, self.headers[self.columns[name]], value, reason)


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


def _find_header(head: list[list[Any]]) -> int:
    """Index of the header row: the first row (of the first few) naming a name column."""
    for index, cells in enumerate(head[:HEADER_SEARCH_ROWS]):
        if any(_BY_HEADER.get(_fold(_text(c))) == "name" for c in cells):
            return index
    raise _unusable(
        _("No name column found. The first row must hold the column headers, one of them “%(headers)s”.")
        % {"headers": "”, “".join(COLUMNS["name"][:4])}
    )


# --- parsing rows --------------------------------------------------------------------


def _split_tags(text: str) -> list[str]:
    return list(dict.fromkeys(t.strip()[:40] for t in _TAG_SPLIT.split(text) if t.strip()))


def _parse(number: int, cells: list[str], report: _Report, values_of: _Values) -> _Row | None:
    """A row through the shared cleaners: the valid row, or None with its errors reported."""
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
    return _row(number, values, customer, contact, values_of)


def _row(
    number: int, values: dict[str, str], customer: dict[str, Any], contact: dict[str, Any] | None,
    values_of: _Values,
) -> _Row:
    """A valid row as the duplicate check and the inserts take it; `values` are its cells by field."""
    if not customer["source"]:
        customer["source"] = "import"
    tags = values.get("tags")
    return (
        number, _keys(customer, contact, values), values_of.customer(customer),
        values_of.contact(contact) if contact else None, _split_tags(tags) if tags else [],
    )


class _Values:
    """Cleaned dicts -> tuples of values ready for the database, in the insert's order."""

    def __init__(self) -> None:
        self.customer = _values_getter(Customer, _CUSTOMER_KEYS)
        self.contact = _values_getter(Contact, _CONTACT_KEYS)


def _values_getter(model: type[models.Model], attnames: tuple[str, ...]) -> Any:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[a] for a in attnames]
    # (index, field, the value's type that needs no preparing): a bool of a BooleanField is
    # ready for both drivers, and so is the None of a missing date.
    prepare = [
        (i, f, bool if isinstance(f, models.BooleanField) else type(None) if isinstance(f, models.DateField) else None)
        for i, f in enumerate(fields) if not isinstance(f, _READY_FIELDS)
    ]
    pick = itemgetter(*attnames)
    if not prepare:
        return pick

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        picked = list(pick(row))
        for i, f, ready in prepare:
            if picked[i].__class__ is not ready:
                picked[i] = f.get_db_prep_save(picked[i], connection)
        return tuple(picked)

    return values


def _parse_rows(
    chunk: list[list[Any]], begin: int, report: _Report, values_of: _Values, parsed: list[_Row],
) -> int:
    """Validate `chunk`, the rows from index `begin` on, into `parsed`; how many were not blank.

    The hot loop of an import. A row goes through the fast cleaners first, which give
    the shared cleaners' result for a valid row; any row they do not accept is parsed
    again by `_parse` with the shared cleaners, which report what is wrong.
    """
    columns = report.columns
    fields = tuple(columns)
    indexes = tuple(columns.values())
    needed = max(indexes, default=-1) + 1
    pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda cells: (cells[indexes[0]],))
    contact_fields = tuple((f, CONTACT_COLUMNS[f]) for f in CONTACT_COLUMNS if f in columns)
    total = 0
    for index, raw in enumerate(chunk, begin):
        cells = [c if type(c) is str else _text(c) for c in raw]
        joined = "".join(cells)
        if not joined or joined.isspace():
            continue
        if "\x00" in joined:  # PostgreSQL refuses NUL in text
            cells = [c.replace("\x00", "") for c in cells]
        total += 1
        if len(cells) >= needed:
            values = dict(zip(fields, pick(cells), strict=True))
        else:
            width = len(cells)
            values = {f: cells[i] for f, i in columns.items() if i < width}
        customer = fast_clean_customer(values)
        contact = None
        if customer is not None:
            contact_values = {name: values[f] for f, name in contact_fields if values.get(f)}
            if contact_values:
                contact = fast_clean_contact(contact_values)
                if contact is None:
                    customer = None
        if customer is None:
            row = _parse(index + 1, cells, report, values_of)
            if row is not None:
                parsed.append(row)
            continue
        parsed.append(_row(index + 1, values, customer, contact, values_of))
    return total


# --- duplicates (查重) ----------------------------------------------------------------


def _chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _keys(customer: dict[str, Any], contact: dict[str, Any] | None, cells: dict[str, str]) -> list[_Key]:
    """((kind of key, value), column field, the cell as written) in the order
    find_duplicate checks them; the cell is what the report shows of a duplicate."""
    c = customer
    keys = []
    if c["credit_code"]:
        keys.append((("credit_code", c["credit_code"]), "credit_code", cells["credit_code"]))
    if c["phone_norm"]:
        keys.append((("phone", c["phone_norm"]), "phone", cells["phone"]))
    if contact and contact.get("mobile_norm"):
        keys.append((("phone", contact["mobile_norm"]), "contact_mobile", cells["contact_mobile"]))
    # Two people may share a name; only companies are told apart by it.
    if c["kind"] == "company":
        keys.append((("name", c["name_norm"]), "name", cells["name"]))
    return keys


def _wanted(rows: list[_Row]) -> dict[str, list[str]]:
    """The values to look up, by kind of key."""
    wanted: dict[str, dict[str, None]] = {"credit_code": {}, "phone": {}, "name": {}}
    for row in rows:
        for (kind, value), _column, _cell in row[KEYS]:
            wanted[kind][value] = None
    return {kind: list(values) for kind, values in wanted.items()}


def _existing(
    wanted: dict[str, list[str]], own: set[int], sqls: dict[tuple[str, str], str] | None = None,
) -> dict[tuple[str, str], tuple[int, str]]:
    """(kind, value) -> (id, name) of the live customer already holding it, in batches.

    Customers in `own` (created by this import, chunk by chunk) are left out: the
    import finds what was there before it, as one that looked up every row first
    (later rows that share a key with a row created earlier are told so by `seen`).
    """
    found: dict[tuple[str, str], tuple[int, str]] = {}
    for kind, value, pk, name, deleted_at, *rest in _lookups(wanted, {} if sqls is None else sqls):
        # The name lookup also returns the kind: only companies match by name.
        if deleted_at is None and (not rest or rest[0] == "company") and pk not in own:
            found.setdefault((kind, value), (pk, name))
    return found


# (kind of key, table, column looked up, whether the table is the contacts'); customers'
# own columns first, as find_duplicate checks them.
_LOOKUPS = (
    ("credit_code", Customer, "credit_code"),
    ("phone", Customer, "phone_norm"),
    ("phone", Contact, "mobile_norm"),
    ("phone", Contact, "phone_norm"),
    ("name", Customer, "name_norm"),
)


def _lookup_sql(cursor: Any, model: type[models.Model], column: str, name_lookup: bool) -> str:
    """SELECT value, customer id, name, deleted_at[, kind] of the rows holding the values.

    The values come as one parameter, a JSON array (see _lookups). They
    drive the join, one probe of the column's index each; on SQLite the index is named with
    INDEXED BY: statistics of a column that is mostly empty (contacts' phone_norm, the
    credit code) make the planner scan the table instead, once per value. Without such
    an index, `IN (SELECT …)`, whose worst plan is one scan. deleted_at is checked in
    Python: filtering on it in SQL lets SQLite pick the deleted_at index and scan every
    live customer instead of using the lookup's index.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    customers = quote(Customer._meta.db_table)
    extra = ", c.kind" if name_lookup else ""
    alias = "k" if model is Contact else "c"
    join_customer = f" JOIN {customers} AS c ON c.id = k.customer_id" if model is Contact else ""
    if connection.vendor == "postgresql":
        # One index probe per value, as on SQLite: a plain join let the planner, misled by the
        # many empty credit codes and landline numbers, sort every customer for a merge join
        # (1.2 s a chunk at a million). OFFSET 0 keeps the subquery from being merged back.
        return (
            f"SELECT j.value, m.* FROM json_array_elements_text(%s::json) AS j(value) CROSS JOIN LATERAL "
            f"(SELECT c.id, c.name, c.deleted_at{extra} FROM {table} AS {alias}{join_customer} "
            f"WHERE {alias}.{quote(column)} = j.value OFFSET 0) AS m"
        )
    index = _sqlite_index(cursor, model._meta.db_table, model._meta.get_field(column).column)
    if index is None:
        return (
            f"SELECT {alias}.{quote(column)}, c.id, c.name, c.deleted_at{extra} FROM {table} AS {alias}"
            f"{join_customer} WHERE {alias}.{quote(column)} IN (SELECT value FROM json_each(%s))"
        )
    return (
        f"SELECT j.value, c.id, c.name, c.deleted_at{extra} FROM json_each(%s) AS j "
        f"CROSS JOIN {table} AS {alias} INDEXED BY {quote(index)} ON {alias}.{quote(column)} = j.value{join_customer}"
    )


def _sqlite_index(cursor: Any, table: str, column: str) -> str | None:
    """A full (not partial) index of `table` whose first column is `column`."""
    cursor.execute(f"PRAGMA index_list({connection.ops.quote_name(table)})")
    for _seq, name, _unique, _origin, partial in cursor.fetchall():
        if partial:
            continue
        cursor.execute(f"PRAGMA index_info({connection.ops.quote_name(name)})")
        columns = [row[2] for row in cursor.fetchall()]
        if columns[:1] == [column]:
            return name
    return None


def _lookups(wanted: dict[str, list[str]], sqls: dict[tuple[str, str], str]) -> Iterator[tuple[Any, ...]]:
    """(kind, value, id, name, deleted_at[, kind of customer]) of every customer holding a wanted value.

    `sqls` keeps the statements from chunk to chunk of one import. The values go as JSON
    arrays on both databases, each made once for all the lookups of its kind: psycopg
    took 31 ms to send 20,000 values as a text[], json.dumps 2 ms (about 1 s of an
    import of 100,000 rows on PostgreSQL).
    """
    if connection.vendor not in ("sqlite", "postgresql"):
        yield from _orm_lookups(wanted)
        return
    arrays = {kind: [json.dumps(chunk, ensure_ascii=False) for chunk in _chunks(values, LOOKUP_CHUNK)]
              for kind, values in wanted.items()}
    with connection.cursor() as cursor:
        for kind, model, column in _LOOKUPS:
            if not arrays[kind]:
                continue
            key = (model._meta.db_table, column)
            if key not in sqls:
                sqls[key] = _lookup_sql(cursor, model, column, kind == "name")
            for array in arrays[kind]:
                cursor.execute(sqls[key], [array])
                for row in cursor.fetchall():
                    yield (kind, *row)


def _orm_lookups(wanted: dict[str, list[str]]) -> Iterator[tuple[Any, ...]]:
    customers = Customer.objects.order_by()
    contacts = Contact.objects.order_by()
    lookups: list[tuple[str, QuerySet, str, tuple[str, ...]]] = [
        ("credit_code", customers, "credit_code", ("credit_code", "id", "name", "deleted_at")),
        ("phone", customers, "phone_norm", ("phone_norm", "id", "name", "deleted_at")),
        ("phone", contacts, "mobile_norm", ("mobile_norm", "customer_id", "customer__name", "customer__deleted_at")),
        ("phone", contacts, "phone_norm", ("phone_norm", "customer_id", "customer__name", "customer__deleted_at")),
        ("name", customers, "name_norm", ("name_norm", "id", "name", "deleted_at", "kind")),
    ]
    for kind, qs, lookup, fields in lookups:
        for chunk in _chunks(wanted[kind], LOOKUP_CHUNK):
            for row in qs.filter(**{f"{lookup}__in": chunk}).values_list(*fields):
                yield (kind, *row)


def _key_label(kind: str) -> str:
    return {"credit_code": _("credit code"), "phone": _("phone"), "name": _("name")}[kind]


def _collision(
    keys: list[_Key], existing: dict[tuple[str, str], tuple[int, str]], seen: dict[tuple[str, str], int],
) -> tuple[str, str, str] | None:
    """(column field, cell, reason) of the first key already taken, in the database or the file."""
    for key, column, cell in keys:
        if key in existing:
            pk, name = existing[key]
            return column, cell, _("A customer with the same %(field)s already exists: “%(name)s” (#%(id)d).") % {
                "field": _key_label(key[0]), "name": name, "id": pk,
            }
        if key in seen:
            return column, cell, _("Same %(field)s as row %(row)d of this file.") % {
                "field": _key_label(key[0]), "row": seen[key],
            }
    return None


def _drop_duplicates(
    rows: list[_Row], wanted: dict[str, list[str]], report: _Report, seen: dict[tuple[str, str], int],
    own: set[int], sqls: dict[tuple[str, str], str] | None = None,
) -> list[_Row]:
    """The rows that collide with nobody, in the database or earlier in the file.

    `wanted` holds the rows' keys by kind (_wanted), `seen` the keys of the rows of the
    file kept so far, `own` the ids of the customers the import created so far (rows
    come chunk by chunk).
    """
    existing = _existing(wanted, own, sqls)
    fresh = []
    for row in rows:
        keys = row[KEYS]
        for key, _column, _cell in keys:
            if key in existing or key in seen:
                report.duplicate(row[NUMBER], *_collision(keys, existing, seen))
                break
        else:
            number = row[NUMBER]
            for key, _column, _cell in keys:
                seen.setdefault(key, number)
            fresh.append(row)
    return fresh


# --- writing -------------------------------------------------------------------------


def _tag_ids(names: set[str], known: dict[str, int] | None = None) -> dict[str, int]:
    """Tag name -> id, creating the missing tags; `known` caches them between chunks."""
    ids: dict[str, int] = known if known is not None else {}
    ordered = sorted(n for n in names if n not in ids)
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
    model: type[models.Model], attnames: tuple[str, ...], rows: list[tuple[Any, ...]], constants: dict[str, Any],
    *, returning: bool = False,
) -> list[int]:
    """INSERT rows in bulk; the new ids in row order if `returning`.

    The import's hot path. Django's bulk_create spends ~200 µs a row building and
    preparing model instances; this a few. Every row holds the values of `attnames`
    ready for the database (text, ids, None: see _Values); the other columns take
    `constants` or the field's default, prepared once.
    """
    if not rows:
        return []
    by_attname = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    varying = [by_attname[a] for a in attnames]
    fixed = [f for f in by_attname.values() if f.attname not in attnames]
    fixed_values = tuple(f.get_db_prep_save(_constant(f, constants), connection) for f in fixed)
    insert = _copy_rows if connection.vendor == "postgresql" else _insert_values
    return insert(
        model, [f.column for f in varying], [f.column for f in fixed], fixed_values, rows, len(rows), returning,
    )


def _insert_values(
    model: type[models.Model], columns: list[str], fixed_columns: list[str], fixed: tuple[Any, ...],
    rows: Iterable[tuple[Any, ...]], count: int, returning: bool,
) -> list[int]:
    """Multi-row INSERT … SELECT … FROM (VALUES …), up to ~32,000 parameters a statement.

    The `fixed` values, the same for every row, are bound once a statement:
    binding parameters is most of the cost of an insert on SQLite (a third less time).
    """
    quote = connection.ops.quote_name
    max_params = 32000
    mark = "%s"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        max_params = min(max_params, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        mark = "?"  # Django's cursor rewrites every %s to ? with a regex: 40% of the time
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    # VALUES names its columns column1, column2, … on SQLite and PostgreSQL alike.
    picked = [f"column{i + 1}" for i in range(len(columns))] + [mark] * len(fixed)
    head = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, [*columns, *fixed_columns]))}) "
        f"SELECT {', '.join(picked)} FROM (VALUES "
    )
    tail = ") AS v" + (f" RETURNING {quote(model._meta.pk.column)}" if returning else "")
    per_statement = max(1, (max_params - len(fixed)) // len(columns))
    rows = iter(rows)
    ids: list[int] = []
    cursor_context: Any = closing(connection.connection.cursor()) if mark == "?" else connection.cursor()
    with cursor_context as cursor:
        for _start in range(0, count, per_statement):
            batch = list(islice(rows, per_statement))
            params = list(fixed)
            params.extend(chain.from_iterable(batch))
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, params)
            if returning:
                # Ids come from one sequence in VALUES order; sorting undoes any
                # reordering of the RETURNING rows.
                ids.extend(sorted(r[0] for r in cursor.fetchall()))
    return ids


def _copy_rows(
    model: type[models.Model], columns: list[str], fixed_columns: list[str], fixed: tuple[Any, ...],
    rows: Iterable[tuple[Any, ...]], count: int, returning: bool,
) -> list[int]:
    """PostgreSQL COPY; ids are reserved from the table's sequence first when wanted."""
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    columns = [*columns, *fixed_columns]
    rows = ((*row, *fixed) for row in rows)
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


def _create(
    rows: list[_Row], *, by: User, note: str, owner: User | None, now: dt.datetime, tags: dict[str, int],
) -> list[int]:
    """Insert the rows with their contacts, tags and history entries; the new ids."""
    ids = _insert(Customer, _CUSTOMER_KEYS, [row[CUSTOMER] for row in rows], {
        "owner_id": owner.pk if owner else None,
        "team_id": owner.department_id if owner else by.department_id,
        "claimed_at": now if owner else None, "created_by_id": by.pk,
        "created_at": now, "updated_at": now,
    }, returning=True)
    _insert(Contact, (*_CONTACT_KEYS, "customer_id"),
            [(*r[CONTACT], pk) for pk, r in zip(ids, rows, strict=True) if r[CONTACT]], {"created_at": now})
    tag_ids = _tag_ids({t for row in rows for t in row[TAGS]}, tags)
    _insert(Customer.tags.through, ("customer_id", "tag_id"),
            [(pk, tag_ids[t]) for pk, r in zip(ids, rows, strict=True) for t in r[TAGS]], {})
    # One entry per customer, so each customer's history shows where it came from.
    _insert(AuditEntry, ("object_id", "customer_id"), [(pk, pk) for pk in ids], {
        "at": now, "actor_id": by.pk, "action": "customer.imported", "object_type": "customer",
        "changes": {}, "note": note,
    })
    return ids


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


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while an import runs.

    An import makes millions of small objects and no cycles; the collector, triggered
    by the allocations, walked every one of them again and again (a third of the time
    of validating 100,000 rows). Imports in other threads share the pause.
    """
    global _gc_pausers
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled[0] = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled[0]:
                gc.enable()


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = [True]


# A chunk of validated rows: (rows that were not blank, the valid ones, their keys to
# look up (_wanted), and what the validation added to the report: problems, rejected
# rows, rows with errors).
_Chunk = tuple[int, list[_Row], dict[str, list[str]], list[dict[str, Any]], list[tuple[list[str], str]], int]


def _parse_here(table: _Table, first: int, report: _Report, values_of: _Values) -> Iterator[_Chunk]:
    """Validate the rows chunk by chunk in this process."""
    source = table.rows(first)
    begin = first
    while chunk := list(islice(source, PIPELINE_ROWS)):
        problems, rejected, error_rows = len(report.problems), len(report.rejected), report.error_rows
        rows: list[_Row] = []
        total = _parse_rows(chunk, begin, report, values_of, rows)
        begin += len(chunk)
        yield (
            total, rows, _wanted(rows),
            report.problems[problems:], report.rejected[rejected:], report.error_rows - error_rows,
        )


def _parse_in_child(table: _Table, first: int, report: _Report, values_of: _Values) -> Iterator[_Chunk]:
    """Validate the rows in a forked process, chunk by chunk, while this one writes.

    Validation is pure Python and per row; the duplicate lookups and inserts need this
    process (its transaction). A forked child shares the table without copying it, makes
    its rows Python objects (_Table) and sends each chunk back pickled (plain tuples,
    ~2.5 µs a row to load), so on two cores the validation of a chunk overlaps the writing of the one before. (A thread
    would not: the writing needs the GIL as much as the validation does.) A thread of
    this process drains the pipe as the chunks come, so the child never waits for the
    writing. The child touches neither the database connection nor anything else of
    this process and leaves with os._exit; a child that fails fails the import (a short
    read, a non-zero exit status), inside its transaction.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                for chunk in _parse_here(table, first, report, values_of):
                    data = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
                    out.write(len(data).to_bytes(8, "little"))
                    out.write(data)
            status = 0
        except BaseException:  # noqa: BLE001 -- the parent reports it
            with suppress(BaseException):
                traceback.print_exc()
        finally:
            os._exit(status)
    os.close(write_end)
    frames: queue.SimpleQueue[bytes | BaseException | None] = queue.SimpleQueue()
    pump = threading.Thread(target=_pump, args=(read_end, frames), name="kehu-import-pipe", daemon=True)
    pump.start()
    done = False
    try:
        while (frame := frames.get()) is not None:
            if isinstance(frame, BaseException):
                raise frame
            yield pickle.loads(frame)
        done = True
    finally:
        if not done:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _pid, status = os.waitpid(pid, 0)
        pump.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"The process validating the import failed (status {status}).")


def _pump(fd: int, frames: queue.SimpleQueue[bytes | BaseException | None]) -> None:
    """Read length-prefixed frames from `fd` into `frames` until the end (then None)."""
    try:
        with os.fdopen(fd, "rb", buffering=0) as source:
            while head := _read_exactly(source, 8):
                frames.put(_read_exactly(source, int.from_bytes(head, "little")))
    except BaseException as exc:  # noqa: BLE001 -- handed to the consumer
        frames.put(exc)
    finally:
        frames.put(None)


def _read_exactly(source: Any, size: int) -> bytes:
    """`size` bytes, or b"" at a clean end; a short frame is an error."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = source.readinto(view[got:])
        if not n:
            if got == 0:
                return b""
            raise EOFError("The validating process stopped in the middle of a chunk.")
        got += n
    return bytes(buffer)


def import_customers(
    *, path: Path, by: User, dry_run: bool = False, file_name: str | None = None,
) -> ImportJob:
    """Import customers from `path`; with dry_run only the report (the job) is saved.

    Raises InvalidInput when the file as a whole is unusable (missing, unknown format,
    no name column); bad rows are reported in the job, never raised.
    """
    path = Path(path)
    file_name = file_name or path.name
    table = _open_table(path, file_name)
    head = table.head(HEADER_SEARCH_ROWS)
    start = _find_header(head)
    headers = [_text(c).replace("\x00", "") for c in head[start]]
    columns, unknown = _map_columns(headers)
    report = _Report(headers=headers, columns=columns)
    for title in unknown:
        report.add(start + 1, title, "", _("Unknown or repeated column, ignored."))
    note = (_("Imported from %(file)s") % {"file": file_name})[:255]
    owner, now = _default_owner(by), timezone.now()
    seen: dict[tuple[str, str], int] = {}  # key -> row of the file that holds it
    own: set[int] = set()  # ids created by this import
    tags: dict[str, int] = {}
    sqls: dict[tuple[str, str], str] = {}  # duplicate lookups, made once
    # SQLite writes each chunk as it comes, while the next one is validated. PostgreSQL
    # writes in its own process anyway, and its planner, without statistics for the rows
    # this import adds, would scan them for every lookup of the chunks after (5 s at
    # 100,000 rows): it looks every chunk up first and writes them all at the end.
    write_as_they_come = connection.vendor != "postgresql"
    later: list[_Row] = []
    total = created = 0
    parse = _parse_in_child if _validate_in_child(len(table) - start - 1) else _parse_here
    with _gc_paused():
        chunks = parse(table, start + 1, _Report(headers=headers, columns=columns), _Values())
        try:
            with _one_transaction(dry_run):
                for rows_seen, rows, wanted, problems, rejected, error_rows in chunks:
                    total += rows_seen
                    report.problems.extend(problems)
                    report.rejected.extend(rejected)
                    report.error_rows += error_rows
                    fresh = _drop_duplicates(rows, wanted, report, seen, own, sqls)
                    created += len(fresh)
                    if dry_run or not fresh:
                        continue
                    if write_as_they_come:
                        own.update(_create(fresh, by=by, note=note, owner=owner, now=now, tags=tags))
                    else:
                        later.extend(fresh)
                if later:
                    _create(later, by=by, note=note, owner=owner, now=now, tags=tags)
        finally:
            chunks.close()
    del table
    report.problems.sort(key=lambda p: p["row"])
    return ImportJob.objects.create(
        by=by if by.pk else None, file_name=file_name[:255], dry_run=dry_run, total_rows=total,
        created_count=created, error_count=report.error_rows, duplicate_count=report.duplicate_rows,
        problems=report.problems[:MAX_STORED_PROBLEMS],
        error_file=_write_error_file(report, file_name) if report.problems else "",
    )


@contextmanager
def _one_transaction(dry_run: bool) -> Iterator[None]:
    """The whole import in one transaction, whose commit leaves SQLite's copying back of the
    written pages to the checkpoint thread (kehu.core.sqlite.checkpoint)."""
    if dry_run:
        yield
        return
    with copied_back_later(connection), transaction.atomic():
        yield


def _validate_in_child(rows: int) -> bool:
    """Whether to validate in a second process: a big file, a second core, fork()."""
    return rows >= PARALLEL_MIN_ROWS and hasattr(os, "fork") and (os.cpu_count() or 1) > 1


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


def big_imports_since(moment: dt.datetime) -> bool:
    """Has an import created enough customers since `moment` to change the shape the query
    planner relies on? The sweep then refreshes its statistics within a minute. The import
    does not wait for that itself: a full ANALYZE takes seconds at a million customers."""
    return ImportJob.objects.filter(created_at__gt=moment, dry_run=False,
                                    created_count__gte=STATS_REFRESH_ROWS).exists()
