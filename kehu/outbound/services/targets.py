"""Building a call list: from a customer filter, an uploaded file or rows sent by the API.

Every source becomes the same targets (row number, name, phone as typed, customer, note),
then one path checks the phones, drops duplicates (within the list, against the numbers
already on it) and do-not-call numbers, assigns agents and inserts in batches. Each row
that is left out is reported with its row number, the value and why; the rest are kept.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.core.phones import PhoneError, normalize_phone
from kehu.customers.models import Customer
from kehu.outbound.models import AssignmentMode, Campaign, CampaignEntry, CampaignStatus, DoNotCall

CHUNK = 2000
MAX_PROBLEMS = 2000  # listed row by row; the counts stay complete
FILTER_KEYS = ("q", "kind", "value_tier", "time_state", "need_type", "behaviour_type", "relation", "source",
               "province", "city", "district", "owner", "team", "tag", "segment")
HEADERS = {
    "name": {"name", "姓名", "名称", "客户", "客户名称", "客户姓名", "联系人", "customer", "customername"},
    "phone": {"phone", "电话", "手机", "手机号", "手机号码", "电话号码", "联系电话", "号码", "mobile", "phonenumber", "tel"},
    "code": {"code", "customercode", "customerid", "客户编号", "编号", "客户代码", "客户id", "信用代码",
             "统一社会信用代码"},
    "note": {"note", "notes", "remark", "备注", "说明"},
}
_HEADER_NOISE = re.compile(r"[\s_*＊:：\-]+")


@dataclass
class Target:
    row: int
    name: str
    phone: str
    note: str = ""
    customer_id: int | None = None
    owner_id: int | None = None
    code: str = ""


@dataclass
class Problem:
    row: int
    value: str
    reason: str


@dataclass
class LoadReport:
    added: int = 0
    bad_phones: int = 0
    duplicates: int = 0
    do_not_call: int = 0
    unknown_customers: int = 0
    problems: list[Problem] = field(default_factory=list)

    def note(self, row: int, value: str, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, value, reason))


def _check(campaign: Campaign, by: User) -> None:
    if not campaign.is_managed_by(by):
        raise NotAllowed(_("Only the campaign's creator or a manager can change its call list."))
    if campaign.status == CampaignStatus.FINISHED:
        raise Conflict(_("This campaign has finished; its call list can no longer change."))


# --- sources -------------------------------------------------------------------------


def filter_params(raw: str | dict[str, Any], *, by: User) -> dict[str, str]:
    """The customer list's filters from its query string (or a dict), "owner=me" resolved."""
    if isinstance(raw, str):
        query = QueryDict(raw.lstrip("?"))
        raw = {k: query.get(k, "") for k in query}
    params = {k: str(raw.get(k) or "").strip()[:100] for k in FILTER_KEYS if raw.get(k) not in (None, "")}
    owner = params.get("owner", "")
    if owner == "me":
        params["owner"] = str(by.pk)
    elif owner and owner != "pool" and not (owner.isdigit() and len(owner) < 18):
        raise InvalidInput(_("Unknown owner in the filter."), field="owner")
    for key in ("team",):
        if params.get(key) and not (params[key].isdigit() and len(params[key]) < 18):
            raise InvalidInput(_("Unknown team in the filter."), field=key)
    return params


def targets_from_filter(params: dict[str, str], *, by: User) -> Iterator[Target]:
    """The customers the user sees that match the customer list's filters, in list order."""
    qs = Customer.objects.visible_to(by).filtered(params)
    rows = qs.values_list("id", "name", "phone", "owner_id")
    for number, (pk, name, phone, owner_id) in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
        yield Target(row=number, name=name, phone=phone, customer_id=pk, owner_id=owner_id)


def _fold(header: Any) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", str(header or ""))).casefold()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header(table: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The first row (of the first 20) naming a phone column, and where each known column is."""
    wanted = {_fold(h): key for key, names in HEADERS.items() for h in names}
    for index, header in enumerate(table[:20]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(header):
            key = wanted.get(_fold(cell))
            if key and key not in columns:
                columns[key] = position
        if "phone" in columns:
            return index, columns
    raise InvalidInput(_("No phone column found: name a column “phone” or “电话”."), field="file")


def targets_from_table(table: list[list[Any]]) -> list[Target]:
    """Rows under a header that names at least the phone column; rows numbered as in the sheet."""
    index, columns = _header(table)

    def get(cells: list[Any], key: str) -> str:
        position = columns.get(key)
        return _cell(cells[position]) if position is not None and position < len(cells) else ""

    targets = []
    for number, cells in enumerate(table[index + 1:], start=index + 2):
        if not any(_cell(c) for c in cells):
            continue
        targets.append(Target(row=number, name=get(cells, "name")[:200], phone=get(cells, "phone"),
                              note=get(cells, "note")[:255], code=get(cells, "code")))
    return targets


def targets_from_rows(rows: list[dict[str, Any]]) -> list[Target]:
    """Rows sent as JSON by the API, numbered from 1."""
    targets = []
    for number, row in enumerate(rows, start=1):
        targets.append(Target(row=number, name=str(row.get("name") or "").strip()[:200],
                              phone=str(row.get("phone") or "").strip(),
                              note=str(row.get("note") or "").strip()[:255], code=str(row.get("code") or "").strip()))
    return targets


def _link_customers(targets: list[Target], *, by: User, report: LoadReport) -> None:
    """Fill customer and owner from a customer code (the customer's number or credit code)."""
    codes = {t.code for t in targets} - {""}
    if not codes:
        return
    ids = [int(c) for c in codes if c.isdigit() and len(c) < 18]
    visible = Customer.objects.visible_to(by)
    found: dict[str, tuple[int, int | None]] = {}
    for chunk in _chunks(ids):
        for pk, owner_id in visible.filter(pk__in=chunk).values_list("id", "owner_id"):
            found[str(pk)] = (pk, owner_id)
    credit = [c.upper() for c in codes if len(c) == 18]
    for chunk in _chunks(credit):
        for pk, owner_id, code in visible.filter(credit_code__in=chunk).values_list("id", "owner_id", "credit_code"):
            found.setdefault(code, (pk, owner_id))
    for target in targets:
        code = target.code
        if not code:
            continue
        hit = found.get(code) or found.get(code.upper())
        if hit:
            target.customer_id, target.owner_id = hit
        else:
            report.unknown_customers += 1
            report.note(target.row, code, _("No customer with this code that you can see: "
                                            "the row is kept without a customer."))


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# --- the one path every source takes ----------------------------------------------------


def _phone_reason(code: str) -> str:
    if code == "empty":
        return _("The phone number is empty.")
    if code == "foreign":
        return _("A foreign number: only Chinese numbers can be called.")
    return _("Not a phone number.")


def _assigner(campaign: Campaign) -> Any:
    agents = list(campaign.agents.order_by("id").values_list("id", flat=True))
    if campaign.assignment == AssignmentMode.QUEUE or not agents:
        return lambda target: None
    if campaign.assignment == AssignmentMode.OWNER:
        members = set(agents)
        return lambda target: target.owner_id if target.owner_id in members else None
    # Even split: continue the rotation from the agent who has the fewest entries.
    counts = dict.fromkeys(agents, 0)
    for agent_id, in CampaignEntry.objects.filter(campaign=campaign, agent_id__in=agents).values_list("agent_id"):
        counts[agent_id] += 1
    order = sorted(agents, key=lambda a: (counts[a], a))
    cycle = itertools.cycle(order)
    return lambda target: next(cycle)


def entries_load(*, campaign: Campaign, by: User, targets: Iterable[Target]) -> LoadReport:
    """Put targets on the campaign's call list; returns what was added and what was left out, row by row."""
    _check(campaign, by)
    report = LoadReport()
    targets = list(targets)
    _link_customers(targets, by=by, report=report)
    seen: dict[str, int] = {}
    valid: list[tuple[Target, str]] = []
    for target in targets:
        try:
            phone = normalize_phone(target.phone)
        except PhoneError as exc:
            report.bad_phones += 1
            report.note(target.row, target.phone, _phone_reason(str(exc)))
            continue
        if phone in seen:
            report.duplicates += 1
            report.note(target.row, target.phone, _("Same number as row %(row)d.") % {"row": seen[phone]})
            continue
        seen[phone] = target.row
        valid.append((target, phone))
    phones = [phone for _t, phone in valid]
    blocked: set[str] = set()
    listed: set[str] = set()
    for chunk in _chunks(phones):
        blocked.update(DoNotCall.objects.filter(phone_norm__in=chunk).values_list("phone_norm", flat=True))
        listed.update(CampaignEntry.objects.filter(campaign=campaign, phone_norm__in=chunk)
                      .values_list("phone_norm", flat=True))
    assign = _assigner(campaign)
    new: list[CampaignEntry] = []
    for target, phone in valid:
        if phone in blocked:
            report.do_not_call += 1
            report.note(target.row, target.phone, _("On the do-not-call list."))
        elif phone in listed:
            report.duplicates += 1
            report.note(target.row, target.phone, _("Already on this campaign's call list."))
        else:
            new.append(CampaignEntry(campaign=campaign, customer_id=target.customer_id, name=target.name,
                                     phone_norm=phone, note=target.note, agent_id=assign(target)))
    with transaction.atomic():
        for chunk in _chunks(new):
            CampaignEntry.objects.bulk_create(chunk)
        report.added = len(new)
        log_action("outbound.entries.added", actor=by, obj=campaign, changes={"entries": [None, report.added]},
                   note=_("%(added)d added, %(bad)d bad phones, %(dup)d duplicates, %(dnc)d do-not-call") % {
                       "added": report.added, "bad": report.bad_phones, "dup": report.duplicates,
                       "dnc": report.do_not_call})
    return report


def entries_from_filter(*, campaign: Campaign, by: User, params: str | dict[str, Any]) -> LoadReport:
    """The customers of a customer-list filter, within the user's own scope."""
    _check(campaign, by)
    return entries_load(campaign=campaign, by=by, targets=targets_from_filter(filter_params(params, by=by), by=by))


def entries_from_file(*, campaign: Campaign, by: User, path: Path, file_name: str = "") -> LoadReport:
    """An uploaded .xlsx or .csv with columns name, phone and optionally customer code and note."""
    from kehu.customers.imports import read_table

    _check(campaign, by)
    return entries_load(campaign=campaign, by=by, targets=targets_from_table(read_table(path, file_name)))


def entries_from_rows(*, campaign: Campaign, by: User, rows: list[dict[str, Any]]) -> LoadReport:
    return entries_load(campaign=campaign, by=by, targets=targets_from_rows(rows))
