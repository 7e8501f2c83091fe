"""The one helper through which every state change is recorded."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from kehu.core.inserts import insert_row
from kehu.core.models import AuditEntry


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value, readable in the history tab."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def log_action(action: str, **fields: Any) -> AuditEntry:
    """Record `action` (namespaced, e.g. "customer.claimed"); fields as for `audit_entry`."""
    # insert_row: AuditEntry has no signals, and every action writes one (see core.inserts).
    return insert_row(audit_entry(action, **fields))


def audit_entry(
    action: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    customer_id: int | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """The entry for `action` done by `actor` to `obj`, not yet written (`log_action` writes it;
    `insert_family` with an obj not yet written)."""
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        customer_id=customer_id,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        note=note[:255],
    )
