"""CDR import: a telephone system's CSV export, columns mapped to interaction fields.

Bad rows are reported one by one with the reason and the good rows kept; a call already
imported (same external id) is skipped, so importing a file twice counts nothing twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.contact.cti import MAX_DURATION_S
from kehu.contact.models import (
    AgentExtension,
    Direction,
    Interaction,
    InteractionKind,
    Queue,
    Source,
)
from kehu.core.errors import InvalidInput
from kehu.core.phones import try_normalize_phone
from kehu.customers.models import Customer

MAX_BYTES = 20 * 1024 * 1024
TIME_FIELDS = ("offered_at", "answered_at", "ended_at")
SECOND_FIELDS = ("wait_s", "talk_s", "hold_s", "wrap_s")
TEXT_FIELDS = {"external_id": 100, "caller": 40, "agent": 150, "queue": 40, "direction": 3,
               "kind": 10, "outcome": 40, "recording_url": 500, "transferred_to": 60, "abandoned": 10}
FIELDS = set(TIME_FIELDS) | set(SECOND_FIELDS) | set(TEXT_FIELDS)
TRUE_WORDS = {"1", "true", "yes", "y", "是", "放弃", "abandoned"}


@dataclass
class CdrResult:
    imported: int = 0
    skipped_existing: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "skipped_existing": self.skipped_existing,
                "problems": self.problems}


def parse_mapping(text: str) -> dict[str, str]:
    """{"CSV column": "field"}; unknown fields and a missing id or start time are refused."""
    try:
        mapping = json.loads(text)
    except (ValueError, TypeError):
        raise InvalidInput(_("The mapping is not valid JSON."), field="mapping") from None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise InvalidInput(_("The mapping must be a JSON object of column → field."), field="mapping")
    unknown = sorted(set(mapping.values()) - FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields in the mapping: %(fields)s. Known: %(known)s.")
                           % {"fields": ", ".join(unknown), "known": ", ".join(sorted(FIELDS))},
                           field="mapping")
    for needed in ("external_id", "offered_at"):
        if needed not in mapping.values():
            raise InvalidInput(_("The mapping needs a column for %(field)s.") % {"field": needed},
                               field="mapping")
    return mapping


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(_("The file is neither UTF-8 nor GB18030 text."), field="file")


def _time(value: str) -> dt.datetime:
    at = parse_datetime(value.strip().replace("/", "-"))
    if at is None:
        raise ValueError(_("unreadable time %(value)r") % {"value": value[:40]})
    return timezone.make_aware(at) if timezone.is_naive(at) else at


def _number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(_("not a number: %(value)r") % {"value": value[:40]}) from None
    if not 0 <= number <= MAX_DURATION_S:
        raise ValueError(_("duration out of range (0 to 24 h): %(value)s") % {"value": value[:40]})
    return number


def _row_values(row: dict[str, str], mapping: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, name in mapping.items():
        raw = (row.get(column) or "").strip()
        if not raw:
            continue
        if name in TIME_FIELDS:
            values[name] = _time(raw)
        elif name in SECOND_FIELDS:
            values[name] = _number(raw)
        else:
            values[name] = raw[: TEXT_FIELDS[name]]
    if not values.get("external_id"):
        raise ValueError(_("no call id"))
    if "offered_at" not in values:
        raise ValueError(_("no start time"))
    return values


def _derive(values: dict[str, Any]) -> dict[str, Any]:
    """Durations the export left out, from its times; impossible times refuse the row."""
    offered, answered, ended = (values.get(k) for k in TIME_FIELDS)
    for later, name in ((answered, _("answer time")), (ended, _("end time"))):
        if later is not None and later < offered:
            raise ValueError(_("%(name)s is before the start time") % {"name": name})
        if later is not None and (later - offered).total_seconds() > MAX_DURATION_S:
            raise ValueError(_("%(name)s is more than 24 h after the start") % {"name": name})
    if answered and ended and ended < answered:
        raise ValueError(_("end time is before the answer time"))
    flag = str(values.pop("abandoned", "")).strip().lower()
    abandoned = flag in TRUE_WORDS if flag else bool(ended and not answered)
    if "wait_s" not in values and (answered or ended):
        values["wait_s"] = ((answered or ended) - offered).total_seconds()
    if "talk_s" not in values and answered and ended:
        values["talk_s"] = max(0.0, (ended - answered).total_seconds() - values.get("hold_s", 0.0))
    values["abandoned"] = abandoned
    values["abandoned_after_s"] = values.get("wait_s", 0.0) if abandoned else None
    return values


def _lookups(rows: list[dict[str, Any]]) -> tuple[dict[str, User], dict[str, Queue]]:
    keys = {r["agent"] for r in rows if r.get("agent")}
    agents = {u.username: u for u in User.objects.filter(username__in=keys)}
    agents.update({e.number: e.user for e in AgentExtension.objects.filter(number__in=keys).select_related("user")})
    queues = {q.code: q for q in Queue.objects.filter(code__in={r["queue"] for r in rows if r.get("queue")})}
    return agents, queues


def _interaction(values: dict[str, Any], agents: dict[str, User], queues: dict[str, Queue]) -> Interaction:
    code = values.pop("queue", "")
    if code and code not in queues:
        queues[code] = Queue.objects.get_or_create(code=code, defaults={"name": code})[0]
    agent_key = values.pop("agent", "")
    direction = str(values.pop("direction", "")).lower()
    kind = str(values.pop("kind", "")).lower()
    outcome = values.pop("outcome", "")
    caller = values.get("caller", "")
    norm = try_normalize_phone(caller)[:40] if caller else ""
    ids = Customer.objects.phone_matches(norm, limit=1) if norm else []
    return Interaction(
        **values, source=Source.CDR, queue=queues.get(code), agent=agents.get(agent_key),
        direction=direction if direction in Direction.values else Direction.IN,
        kind=kind if kind in InteractionKind.values else InteractionKind.CALL,
        caller_norm=norm, customer_id=ids[0] if ids else None,
        outcome=outcome or ("abandoned" if values["abandoned"] else "answered"),
        problem="" if not agent_key or agent_key in agents else f"Unknown agent {agent_key[:60]!r}.",
    )


def cdr_import(*, data: bytes, mapping: dict[str, str]) -> dict[str, Any]:
    """Import the CSV in `data`; returns counts and the problems row by row (row 2 = first data row)."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 20 MB; split it."), field="file")
    reader = csv.DictReader(io.StringIO(_decode(data)))
    missing = sorted(set(mapping) - set(reader.fieldnames or []))
    if missing:
        raise InvalidInput(_("Columns named in the mapping are not in the file: %(cols)s.")
                           % {"cols": ", ".join(missing)}, field="mapping")
    result, good, seen = CdrResult(), [], set()
    for number, row in enumerate(reader, start=2):
        try:
            values = _derive(_row_values(row, mapping))
        except ValueError as exc:
            result.problems.append({"row": number, "message": str(exc)})
            continue
        if values["external_id"] in seen:
            result.problems.append({"row": number, "message": _("the same call id appears earlier in the file")})
            continue
        seen.add(values["external_id"])
        good.append(values)
    _save(good, result)
    return result.as_dict()


@transaction.atomic
def _save(good: list[dict[str, Any]], result: CdrResult) -> None:
    existing = set(Interaction.objects.filter(source=Source.CDR, external_id__in=[v["external_id"] for v in good])
                   .values_list("external_id", flat=True))
    fresh = [v for v in good if v["external_id"] not in existing]
    result.skipped_existing = len(good) - len(fresh)
    agents, queues = _lookups(fresh)
    rows = [_interaction(dict(v), agents, queues) for v in fresh]
    Interaction.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    result.imported = len(rows)
