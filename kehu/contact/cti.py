"""Telephone events (CTI): store each once, rebuild the calls they describe, log agent states.

A call is always rebuilt from *all* its stored events in time order, so events may arrive
late, twice or out of order and the interaction still ends up the same (see docs/cti.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kehu.accounts.models import User
from kehu.contact.models import (
    AgentExtension,
    AgentState,
    AgentStateKind,
    CtiEvent,
    Direction,
    Interaction,
    InteractionKind,
    Queue,
    Source,
)
from kehu.core.phones import try_normalize_phone
from kehu.customers.models import Customer

CALL_TYPES = {"ringing", "answered", "held", "unheld", "transferred", "hangup", "timeout"}
AGENT_TYPES = {"login", "ready", "not_ready", "wrap_up", "logout"}
POSTABLE_TYPES = (CALL_TYPES - {"timeout"}) | AGENT_TYPES
MAX_BATCH = 1000
MAX_DURATION_S = 24 * 3600.0
# A call with no event for this long is closed by the sweep (a lost hangup).
STALE_AFTER = dt.timedelta(hours=4)
TEXT_LIMITS = {"call_id": 100, "agent": 150, "queue": 40, "caller": 40, "reason": 100,
               "target": 60, "outcome": 40, "recording_url": 500}


@dataclass
class Parsed:
    event_id: str
    type: str
    at: dt.datetime
    call_id: str
    agent: str
    payload: dict[str, Any]
    error: str = ""


@dataclass
class Report:
    accepted: int = 0
    duplicates: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)

    def problem(self, event_id: str, message: str) -> None:
        self.problems.append({"id": event_id, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "problems": self.problems}


def can_post_cti(user: Any) -> bool:
    """Telephone data comes from an integration's token or a supervisor, not from agents."""
    return bool(user.is_superuser or user.is_staff
                or getattr(user, "role", "") in ("admin", "manager", "supervisor"))


# --- parsing --------------------------------------------------------------------------------

def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    return str(value).strip()[: TEXT_LIMITS.get(key, 100)]


def _when(raw: dict[str, Any], now: dt.datetime) -> tuple[dt.datetime, str]:
    """The event's own time; receipt time (and a note) when it is missing or unreadable."""
    value = raw.get("at")
    if value in (None, ""):
        return now, ""
    try:
        at = parse_datetime(str(value)) if not isinstance(value, (int, float)) else \
            dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        at = None
    if at is None:
        return now, f"Unreadable time {str(value)[:40]!r}: the time of receipt was used."
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return at, ""


def parse_event(raw: Any, now: dt.datetime) -> tuple[Parsed | None, str]:
    """One event, or None and why it cannot even be stored (no usable id)."""
    if not isinstance(raw, dict):
        return None, "An event must be a JSON object."
    event_id = str(raw.get("id") or "").strip()
    if not event_id or len(event_id) > 100:
        return None, "Every event needs an id (1 to 100 characters)."
    kind = str(raw.get("type") or "").strip().lower()
    at, note = _when(raw, now)
    parsed = Parsed(event_id=event_id, type=kind[:20], at=at, call_id=_text(raw, "call_id"),
                    agent=_text(raw, "agent"), payload=raw, error=note)
    if kind not in POSTABLE_TYPES:
        parsed.error = f"Unknown event type {kind[:20]!r}; stored, not applied."
    elif kind in CALL_TYPES and not parsed.call_id:
        parsed.error = "A call event needs a call_id; stored, not applied."
    elif kind in AGENT_TYPES and not parsed.agent:
        parsed.error = "An agent event needs an agent (username or extension); stored, not applied."
    return parsed, ""


def _agents(keys: set[str]) -> dict[str, User]:
    """Agents by username or extension number (an extension wins: that is what a PBX knows)."""
    keys.discard("")
    if not keys:
        return {}
    found = {u.username: u for u in User.objects.filter(username__in=keys, is_active=True)}
    for ext in AgentExtension.objects.filter(number__in=keys).select_related("user"):
        found[ext.number] = ext.user
    return found


# --- folding a call's events into an interaction ------------------------------------------

def _seconds(a: dt.datetime | None, b: dt.datetime | None) -> float | None:
    return None if a is None or b is None else (b - a).total_seconds()


def _first(events: list[CtiEvent], kind: str) -> CtiEvent | None:
    return next((e for e in events if e.type == kind), None)


def _hold_s(events: list[CtiEvent], ended: dt.datetime | None) -> float:
    """Sum of held→unheld spans in time order; a hold still open at the end lasts to hangup."""
    total, start = 0.0, None
    for e in events:
        if e.type == "held" and start is None:
            start = e.occurred_at
        elif e.type == "unheld" and start is not None:
            total += (e.occurred_at - start).total_seconds()
            start = None
    if start is not None and ended is not None:
        total += max(0.0, (ended - start).total_seconds())
    return total


def _wrap_s(events: list[CtiEvent]) -> float:
    """From the agent's wrap_up for this call to the next ready (both carrying the call_id)."""
    start = _first(events, "wrap_up")
    if start is None:
        return 0.0
    end = next((e for e in events if e.type == "ready" and e.occurred_at >= start.occurred_at), None)
    return max(0.0, _seconds(start.occurred_at, end.occurred_at) or 0.0) if end else 0.0


def _payload_value(events: list[CtiEvent], key: str, last: bool = False) -> str:
    values = [str(e.payload.get(key) or "").strip() for e in events]
    values = [v for v in values if v]
    return (values[-1] if last else values[0])[: TEXT_LIMITS.get(key, 100)] if values else ""


def _checked(value: float | None, name: str, problems: list[str]) -> float:
    """Durations are never negative nor longer than a day: clamp and say so."""
    if value is None:
        return 0.0
    if value < 0:
        problems.append(f"{name} was negative ({value:.0f} s): set to 0.")
        return 0.0
    if value > MAX_DURATION_S:
        problems.append(f"{name} was longer than 24 h ({value:.0f} s): capped.")
        return MAX_DURATION_S
    return value


def fold(events: list[CtiEvent]) -> dict[str, Any]:
    """The interaction's fields from its events (sorted by time), whatever order they came in."""
    ringing, answered = _first(events, "ringing"), _first(events, "answered")
    hangup, timeout = _first(events, "hangup"), _first(events, "timeout")
    call_events = [e for e in events if e.type in CALL_TYPES] or events
    offered = ringing.occurred_at if ringing else call_events[0].occurred_at
    answered_at = answered.occurred_at if answered else None
    end_event = hangup or timeout
    ended = end_event.occurred_at if end_event else None
    problems: list[str] = []
    if ended is not None and ended < offered:
        problems.append("The call ended before it was offered.")
    if answered_at is not None and answered_at < offered:
        problems.append("The call was answered before it was offered.")
    hold = _hold_s(events, ended)
    talk = None if answered_at is None or ended is None else _seconds(answered_at, ended) - hold
    wait = _seconds(offered, answered_at or ended)
    abandoned = ended is not None and answered_at is None
    transfer = _payload_value([e for e in events if e.type == "transferred"], "target", last=True)
    fields = {
        "offered_at": offered, "answered_at": answered_at, "ended_at": ended,
        "wait_s": _checked(wait, "Wait", problems), "talk_s": _checked(talk, "Talk", problems),
        "hold_s": _checked(hold, "Hold", problems), "wrap_s": _checked(_wrap_s(events), "Wrap-up", problems),
        "abandoned": abandoned, "transferred_to": transfer,
        "recording_url": _payload_value(events, "recording_url", last=True),
    }
    fields["abandoned_after_s"] = fields["wait_s"] if abandoned else None
    explicit = _payload_value([e for e in events if e.type == "hangup"], "outcome")
    fields["outcome"] = explicit or _outcome(fields, hangup is None and timeout is not None)
    if hangup is None and timeout is not None:
        problems.append("No hangup arrived: closed by timeout.")
    fields["problem"] = " ".join(problems)[:200]
    return fields


def _outcome(fields: dict[str, Any], timed_out: bool) -> str:
    if fields["ended_at"] is None:
        return ""
    if timed_out:
        return "timeout"
    if fields["abandoned"]:
        return "abandoned"
    return "transferred" if fields["transferred_to"] else "answered"


def _describe(events: list[CtiEvent], agents: dict[str, User]) -> dict[str, Any]:
    """Who, from where and through which queue: the first value given wins, except the
    agent, who is the one that answered (else the one it last rang for)."""
    answering = [e for e in events if e.type == "answered" and e.agent_key in agents]
    ringing = [e for e in events if e.type == "ringing" and e.agent_key in agents]
    chosen = (answering[:1] or ringing[-1:])
    kind = _payload_value(events, "kind").lower()
    direction = _payload_value(events, "direction").lower()
    return {
        "agent": agents[chosen[0].agent_key] if chosen else None,
        "caller": _payload_value(events, "caller"),
        "queue_code": _payload_value(events, "queue"),
        "kind": kind if kind in InteractionKind.values else InteractionKind.CALL,
        "direction": direction if direction in Direction.values else Direction.IN,
    }


def _queue(code: str, cache: dict[str, Queue]) -> Queue | None:
    if not code:
        return None
    if code not in cache:
        cache[code] = Queue.objects.get_or_create(code=code, defaults={"name": code})[0]
    return cache[code]


UPDATED_FIELDS = ["offered_at", "answered_at", "ended_at", "wait_s", "talk_s", "hold_s", "wrap_s",
                  "abandoned", "abandoned_after_s", "transferred_to", "recording_url", "outcome",
                  "problem", "kind", "direction", "agent", "queue", "caller", "caller_norm", "customer"]


def _locked_interactions(call_ids: list[str]) -> dict[str, Interaction]:
    """The calls' rows, created when new and locked in id order, so two batches with events
    of one call rebuild it in turn (and never deadlock each other)."""
    def lock() -> dict[str, Interaction]:
        rows = (Interaction.objects.select_for_update()
                .filter(source=Source.CTI, external_id__in=call_ids).order_by("external_id"))
        return {i.external_id: i for i in rows}

    found = lock()
    missing = [c for c in call_ids if c not in found]
    if missing:
        now = timezone.now()
        # Another request may be creating the same call: it is then skipped here and locked below.
        Interaction.objects.bulk_create(
            [Interaction(source=Source.CTI, external_id=c, offered_at=now) for c in missing],
            ignore_conflicts=True)
        found = lock()
    return found


def _events_by_call(call_ids: list[str]) -> dict[str, list[CtiEvent]]:
    grouped: dict[str, list[CtiEvent]] = {c: [] for c in call_ids}
    rows = CtiEvent.objects.filter(call_id__in=call_ids).order_by("occurred_at", "id")
    for event in rows:
        if event.type in CALL_TYPES or event.type in ("wrap_up", "ready"):
            grouped[event.call_id].append(event)
    return grouped


def _apply(interaction: Interaction, events: list[CtiEvent], agents: dict[str, User],
           queues: dict[str, Queue]) -> None:
    who = _describe(events, agents)
    for name, value in fold(events).items():
        setattr(interaction, name, value)
    interaction.kind, interaction.direction = who["kind"], who["direction"]
    interaction.agent = who["agent"]
    interaction.queue = _queue(who["queue_code"], queues)
    if who["caller"] != interaction.caller:
        _match_caller(interaction, who["caller"])


def rebuild_calls(call_ids: list[str], agents: dict[str, User],
                  queues: dict[str, Queue]) -> dict[str, Interaction]:
    """Recompute these interactions, each from every stored event of its call."""
    call_ids = sorted(set(call_ids))
    interactions = _locked_interactions(call_ids)
    grouped = _events_by_call(call_ids)
    missing = {e.agent_key for events in grouped.values() for e in events} - set(agents)
    agents.update(_agents(missing))
    for call_id, events in grouped.items():
        if events and call_id in interactions:
            _apply(interactions[call_id], events, agents, queues)
            # One UPDATE per call: bulk_update's CASE expressions cost more to compile than
            # a batch's handful of plain updates cost to run.
            interactions[call_id].save(update_fields=UPDATED_FIELDS)
    return interactions


def _match_caller(interaction: Interaction, caller: str) -> None:
    """The customer whose phone (or a contact's) is the caller's number."""
    interaction.caller = caller
    interaction.caller_norm = try_normalize_phone(caller)[:40] if caller else ""
    ids = Customer.objects.phone_matches(interaction.caller_norm, limit=1) if interaction.caller_norm else []
    interaction.customer_id = ids[0] if ids else None


# --- ingestion ------------------------------------------------------------------------------

def _parse_batch(raw: Any, report: Report, now: dt.datetime) -> list[Parsed]:
    items = raw if isinstance(raw, list) else [raw]
    if len(items) > MAX_BATCH:
        report.problem("", f"At most {MAX_BATCH} events per request; send the rest in another.")
        items = items[:MAX_BATCH]
    parsed: dict[str, Parsed] = {}
    for index, item in enumerate(items):
        event, why = parse_event(item, now)
        if event is None:
            report.problem(str(item.get("id", "")) if isinstance(item, dict) else "", f"#{index + 1}: {why}")
        elif event.event_id in parsed:
            report.duplicates += 1
        else:
            parsed[event.event_id] = event
    return list(parsed.values())


def _store(events: list[Parsed]) -> list[CtiEvent]:
    # Inserted in id order: two requests resending overlapping batches then take the unique
    # index entries in the same order and queue behind each other instead of deadlocking.
    rows = [CtiEvent(event_id=e.event_id, type=e.type, call_id=e.call_id, agent_key=e.agent,
                     payload=e.payload, occurred_at=e.at, processed=not e.error, error=e.error[:300])
            for e in sorted(events, key=lambda e: e.event_id)]
    try:
        with transaction.atomic():
            return CtiEvent.objects.bulk_create(rows)
    except IntegrityError:
        pass
    # Another request stored some of the same ids meanwhile: store one by one, skip those.
    stored = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            stored.append(row)
        except IntegrityError:
            row.pk = None
    return stored


def _log_states(rows: list[CtiEvent], agents: dict[str, User]) -> None:
    states = []
    for row in rows:
        user = agents.get(row.agent_key)
        if user is None or row.error:
            continue
        if row.type in AGENT_TYPES:
            reason = str(row.payload.get("reason") or "")[:100] if row.type == "not_ready" else ""
            states.append(AgentState(agent=user, state=row.type, reason=reason, at=row.occurred_at, event=row))
        elif row.type == "answered":
            states.append(AgentState(agent=user, state=AgentStateKind.ON_CALL, at=row.occurred_at, event=row))
    AgentState.objects.bulk_create(states)


def _unknown_agents(rows: list[CtiEvent], agents: dict[str, User], report: Report) -> None:
    for row in rows:
        if row.agent_key and row.agent_key not in agents and not row.error:
            row.error = f"Unknown agent {row.agent_key!r}: stored; the call is kept without an agent."
            report.problem(row.event_id, row.error)
    flagged = [r.pk for r in rows if r.error.startswith("Unknown agent")]
    if flagged:
        CtiEvent.objects.filter(pk__in=flagged).update(processed=False, error="Unknown agent.")


@transaction.atomic
def events_ingest(raw: Any) -> dict[str, Any]:
    """Store a batch of events (or one), apply the new ones, report what was odd."""
    now = timezone.now()
    report = Report()
    parsed = _parse_batch(raw, report, now)
    known = set(CtiEvent.objects.filter(event_id__in=[p.event_id for p in parsed])
                .values_list("event_id", flat=True))
    fresh = [p for p in parsed if p.event_id not in known]
    rows = _store(fresh)
    report.duplicates += len(known) + len(fresh) - len(rows)
    report.accepted = len(rows)
    for row in rows:
        if row.error:
            report.problem(row.event_id, row.error)
    agents = _agents({r.agent_key for r in rows})
    _unknown_agents(rows, agents, report)
    _log_states(rows, agents)
    last_event = {r.call_id: r.event_id for r in rows if r.call_id}
    rebuilt = rebuild_calls(list(last_event), agents, {})
    for call_id, event_id in sorted(last_event.items()):
        if call_id in rebuilt and rebuilt[call_id].problem:
            report.problem(event_id, rebuilt[call_id].problem)
    return report.as_dict()


def close_stale_calls(*, now: dt.datetime | None = None) -> int:
    """Close calls that heard nothing for STALE_AFTER (a lost hangup) at their last event.

    A `timeout` event is stored like any other, so a hangup that turns up later still wins.
    """
    now = now or timezone.now()
    closed = 0
    open_calls = Interaction.objects.filter(source=Source.CTI, ended_at__isnull=True,
                                            offered_at__lt=now - STALE_AFTER)
    for interaction in open_calls.only("pk", "external_id")[:10_000]:
        last = (CtiEvent.objects.filter(call_id=interaction.external_id)
                .order_by("-occurred_at").values_list("occurred_at", flat=True).first())
        if last is None or last >= now - STALE_AFTER:
            continue
        with transaction.atomic():
            CtiEvent.objects.get_or_create(
                event_id=f"timeout:{interaction.external_id}"[:100],
                defaults={"type": "timeout", "call_id": interaction.external_id, "occurred_at": last,
                          "processed": True, "payload": {"reason": "no hangup"}})
            rebuild_calls([interaction.external_id], {}, {})
        closed += 1
    return closed
