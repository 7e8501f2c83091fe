"""The live wallboard: today's figures for the floor and per queue, agents by state.

Every figure comes from SQL aggregates over `Interaction` (one grouped query for the day,
one for the calls waiting now) and from per-agent subqueries over the `AgentState` log,
so recomputing costs the same few queries whether the day has 200 or 200,000 calls.
The conventions (what counts as offered, how abandons enter the service level, how
occupancy is approximated) are written out in docs/wallboard.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import Role, User
from kehu.contact.cti import STALE_AFTER
from kehu.contact.models import (
    AbandonRule,
    AgentState,
    AgentStateKind,
    Direction,
    Interaction,
    Queue,
)

# An agent whose last state is older than this is shown as logged out (a lost logout).
STALE_STATE = dt.timedelta(hours=12)
WATCHER_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def can_watch(user: Any) -> bool:
    """Supervisors, managers and administrators watch the floor; agents get 403."""
    return bool(user.is_authenticated and (user.is_superuser or getattr(user, "role", "") in WATCHER_ROLES))


def _default(name: str) -> Any:
    return Queue._meta.get_field(name).get_default()


# --- the measures ---------------------------------------------------------------------------

INBOUND = Q(direction=Direction.IN)
ANSWERED = Q(answered_at__isnull=False)
HANDLE = F("talk_s") + F("hold_s") + F("wrap_s")


ENDED = Q(ended_at__isnull=False)


def _aggregates(*, split_direction: bool = False) -> tuple[dict[str, Any], Any]:
    """Additive counts and sums per group, and the abandon rule of each interaction's queue
    (the interaction's own queue also gives T and N).

    With `split_direction` the rows are grouped by direction as well: no aggregate then needs
    its own test of the direction, and the caller derives the abandons the rule counts from
    its queue (`Counts.with_rule`) — the wallboard's fast path, two aggregates fewer a row.
    """
    answer_within = Coalesce(F("queue__service_level_s"), Value(_default("service_level_s")))
    short_s = Coalesce(F("queue__short_abandon_s"), Value(_default("short_abandon_s")))
    rule = Coalesce(F("queue__abandon_rule"), Value(_default("abandon_rule")))
    inbound = Q() if split_direction else INBOUND
    abandoned = inbound & Q(abandoned=True)
    long_abandon = Q(abandoned_after_s__isnull=True) | Q(abandoned_after_s__gte=short_s)
    handled = ANSWERED & ENDED
    aggregates = {
        "offered": Count("pk", filter=inbound or None),
        "answered": Count("pk", filter=inbound & ANSWERED),
        "answered_in_sl": Count("pk", filter=inbound & ANSWERED & Q(wait_s__lte=answer_within)),
        "abandoned": Count("pk", filter=abandoned),
        "short_abandoned": Count("pk", filter=abandoned & ~long_abandon),
        "wait_answered_s": Sum("wait_s", filter=inbound & ANSWERED, default=0.0),
        # AHT is over calls answered and ended: a call still in talk has no handling time yet.
        "handled": Count("pk", filter=inbound & handled),
        "handle_s": Sum(HANDLE, filter=inbound & handled, default=0.0, output_field=FloatField()),
    }
    if not split_direction:
        counted = Q(rule_=AbandonRule.ALL) | (Q(rule_=AbandonRule.SHORT) & long_abandon)
        aggregates["sl_abandoned"] = Count("pk", filter=abandoned & counted)
        # Occupancy's work: the handling time of every answered, ended call, outbound too.
        aggregates["work_s"] = Sum(HANDLE, filter=handled, default=0.0, output_field=FloatField())
    return aggregates, rule


@dataclass
class Counts:
    """Raw sums of a group of interactions; they add up, the rates do not."""

    offered: int = 0
    answered: int = 0
    answered_in_sl: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    sl_abandoned: int = 0
    wait_answered_s: float = 0.0
    handled: int = 0
    handle_s: float = 0.0
    work_s: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def with_rule(self, queue: Queue | None) -> Counts:
        """The abandons the queue's rule counts against the service level, from the totals."""
        rule = queue.abandon_rule if queue else _default("abandon_rule")
        self.sl_abandoned = {AbandonRule.ALL: self.abandoned,
                             AbandonRule.SHORT: self.abandoned - self.short_abandoned}.get(rule, 0)
        return self


def _ratio(num: float, den: float) -> float | None:
    """None, shown as “—”, when there is nothing to divide by."""
    return num / den if den else None


@dataclass
class Measures:
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    service_level: float | None  # answered within T ÷ (answered + abandons the rule counts)
    answer_rate: float | None  # answered ÷ offered
    abandon_rate: float | None  # abandoned ÷ offered
    asa_s: float | None  # wait of the answered calls ÷ answered
    aht_s: float | None  # (talk + hold + wrap-up) of the answered, ended calls ÷ their number

    @classmethod
    def of(cls, c: Counts) -> Measures:
        return cls(
            offered=c.offered, answered=c.answered, abandoned=c.abandoned,
            short_abandoned=c.short_abandoned,
            service_level=_ratio(c.answered_in_sl, c.answered + c.sl_abandoned),
            answer_rate=_ratio(c.answered, c.offered), abandon_rate=_ratio(c.abandoned, c.offered),
            asa_s=_ratio(c.wait_answered_s, c.answered), aht_s=_ratio(c.handle_s, c.handled),
        )


def _rows_to_counts(rows: Iterable[dict[str, Any]], names: list[str],
                    aggregates: dict[str, Any]) -> dict[tuple[Any, ...], Counts]:
    out: dict[tuple[Any, ...], Counts] = {}
    for row in rows:
        key = tuple(row[n] for n in names)
        out[key] = out.get(key, Counts()) + Counts(**{k: row[f"agg_{k}"] or 0 for k in aggregates})
    return out


def counts_by(qs: QuerySet[Interaction], *keys: Any, **named: Any) -> dict[tuple[Any, ...], Counts]:
    """One grouped query: Counts per value of the keys (field names or named expressions)."""
    aggregates, rule = _aggregates()
    # Prefixed aliases: an alias "abandoned" would shadow the field in the other filters.
    rows = (qs.annotate(rule_=rule, **named).values(*keys, *named)
            .annotate(**{f"agg_{k}": v for k, v in aggregates.items()}))
    return _rows_to_counts(rows, [*keys, *named], aggregates)


def floor_work(qs: QuerySet[Interaction]) -> float:
    """The handling time of every answered, ended call (occupancy's work), one sum on the
    covering index walked as in `counts_per_queue`."""
    work = Sum(HANDLE, filter=ANSWERED & ENDED, default=0.0, output_field=FloatField())
    directions = qs.filter(direction__in=Direction.values)
    ids = list(Queue.objects.values_list("pk", flat=True))
    return float(directions.filter(queue_id__in=ids).aggregate(w=work)["w"]
                 + directions.filter(queue__isnull=True).aggregate(w=work)["w"])


def counts_per_queue(qs: QuerySet[Interaction], queues: list[Queue],
                     with_unqueued: bool = True) -> tuple[dict[int | None, Counts], float]:
    """Inbound Counts per queue and the work of all answered calls (occupancy's numerator).

    Grouped by (queue, direction) with both named, so every database walks the covering
    (queue, direction, offered_at, …) index one queue and direction at a time: no statistics
    needed to choose it, no sort for the GROUP BY, no test of the direction in each sum.
    """
    aggregates, _rule = _aggregates(split_direction=True)
    named = {f"agg_{k}": v for k, v in aggregates.items()}
    directions = qs.filter(direction__in=Direction.values)
    parts = [directions.filter(queue_id__in=[q.pk for q in queues])]
    if with_unqueued:
        parts.append(directions.filter(queue__isnull=True))
    by_queue = {q.pk: q for q in queues}
    counts: dict[int | None, Counts] = {}
    work = 0.0
    for part in parts:
        for (queue_id, direction), c in _rows_to_counts(
                part.values("queue_id", "direction").annotate(**named), ["queue_id", "direction"],
                aggregates).items():
            work += c.handle_s
            if direction == Direction.IN:
                counts[queue_id] = c.with_rule(by_queue.get(queue_id))
    for c in counts.values():
        c.work_s = 0.0  # the floor's work is returned apart: agents are not tied to queues
    return counts, work


# --- agents -----------------------------------------------------------------------------------

STATE_ORDER = ["ready", "not_ready", "on_call", "wrap_up", "logged_out"]


@dataclass
class AgentRow:
    id: int
    username: str
    name: str
    state: str  # one of STATE_ORDER
    reason: str
    since: dt.datetime | None


def _state_bucket(state: str | None) -> str:
    if state in (AgentStateKind.READY, AgentStateKind.ON_CALL, AgentStateKind.WRAP_UP):
        return str(state)
    if state in (AgentStateKind.NOT_READY, AgentStateKind.LOGIN):  # logged in, not yet ready
        return "not_ready"
    return "logged_out"


def agents_now(now: dt.datetime, since: dt.datetime) -> list[AgentRow]:
    """Every agent with their current state: the latest row of the log (within STALE_STATE).

    The agents are the active users who are agents by role, have an extension, or changed
    state since `since`. One query, a subquery per agent on the (agent, at) index.
    """
    latest = (AgentState.objects.filter(agent=OuterRef("pk"), at__gte=now - STALE_STATE, at__lte=now)
              .order_by("-at", "-id"))
    lately = AgentState.objects.filter(agent=OuterRef("pk"), at__gte=since, at__lte=now)
    users = (User.objects.filter(is_active=True)
             .filter(Q(role=Role.AGENT) | Q(extension__isnull=False) | Exists(lately))
             .annotate(state_=Subquery(latest.values("state")[:1]),
                       reason_=Subquery(latest.values("reason")[:1]),
                       since_=Subquery(latest.values("at")[:1]))
             .order_by("username")
             .values("pk", "username", "display_name", "state_", "reason_", "since_"))
    rows = []
    for u in users:
        bucket = _state_bucket(u["state_"])
        rows.append(AgentRow(id=u["pk"], username=u["username"], name=u["display_name"] or u["username"],
                             state=bucket, reason=(u["reason_"] or "") if bucket == "not_ready" else "",
                             since=u["since_"] if bucket != "logged_out" else None))
    return rows


def sessions(start: dt.datetime, end: dt.datetime,
             agent_ids: set[int] | None = None) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """Logged-in spans of each agent within [start, end].

    Approximation (docs/wallboard.md): a span runs from a `login` — or from the agent's first
    state seen from STALE_STATE before `start`, when the agent has no login — to the next
    `logout`, or to `end`. Only logins, logouts and one first state per agent are read, never
    every state of the day.
    """
    lookback = start - STALE_STATE
    marks: dict[int, list[tuple[dt.datetime, str]]] = {}
    for agent_id, state, at in (AgentState.objects
                                .filter(state__in=[AgentStateKind.LOGIN, AgentStateKind.LOGOUT],
                                        at__gte=lookback, at__lte=end)
                                .values_list("agent_id", "state", "at")):
        marks.setdefault(agent_id, []).append((at, state))
    ids = set(marks) | (agent_ids or set())
    first = (AgentState.objects.filter(agent=OuterRef("pk"), at__gte=lookback, at__lte=end)
             .order_by("at", "id").values("at")[:1])
    for agent_id, first_at in (User.objects.filter(pk__in=ids).annotate(first_=Subquery(first))
                               .values_list("pk", "first_")):
        if first_at is not None:
            marks.setdefault(agent_id, []).append((first_at, "first"))
    out: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for agent_id, agent_marks in marks.items():
        spans, began = [], None
        # At equal times the first state opens before a logout closes.
        for at, kind in sorted(agent_marks, key=lambda m: (m[0], m[1] != "first", m[1] == "logout")):
            if kind in ("first", AgentStateKind.LOGIN) and began is None:
                began = at
            elif kind == AgentStateKind.LOGOUT and began is not None:
                spans.append((began, at))
                began = None
        if began is not None:
            spans.append((began, end))
        clipped = [(max(a, start), min(b, end)) for a, b in spans if b > start and a < end]
        if clipped:
            out[agent_id] = clipped
    return out


def logged_in_s(spans: dict[int, list[tuple[dt.datetime, dt.datetime]]]) -> float:
    return sum((b - a).total_seconds() for agent_spans in spans.values() for a, b in agent_spans)


# --- the board ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    sl_target_pct: int
    sl_alarm_pct: int
    abandon_warn_pct: int
    abandon_alarm_pct: int
    wait_warn_s: int
    wait_alarm_s: int
    waiting_warn: int
    waiting_alarm: int

    @classmethod
    def of(cls, queue: Queue | None) -> Thresholds:
        """A queue's own; the floor's (no queue) are the defaults of a new queue."""
        return cls(**{f.name: getattr(queue, f.name) if queue else _default(f.name) for f in fields(cls)})


def _high_is_bad(value: float | None, warn: float, alarm: float) -> str:
    if value is None:
        return "none"
    return "alarm" if value >= alarm else "warn" if value >= warn else "ok"


@dataclass
class Tile:
    value: float | None
    status: str  # ok / warn / alarm / none


@dataclass
class Line:
    """The figures of the floor or of one queue."""

    measures: Measures
    waiting: int
    longest_wait_s: float | None
    tiles: dict[str, str]
    queue: Queue | None = None


def _line(counts: Counts, waiting: int, oldest: dt.datetime | None, now: dt.datetime,
          queue: Queue | None) -> Line:
    m = Measures.of(counts)
    longest = max(0.0, (now - oldest).total_seconds()) if oldest else None
    t = Thresholds.of(queue)
    sl = None if m.service_level is None else m.service_level * 100
    tiles = {
        "service_level": "none" if sl is None else
        "ok" if sl >= t.sl_target_pct else "warn" if sl >= t.sl_alarm_pct else "alarm",
        "abandon_rate": _high_is_bad(None if m.abandon_rate is None else m.abandon_rate * 100,
                                     t.abandon_warn_pct, t.abandon_alarm_pct),
        "longest_wait": _high_is_bad(longest or 0.0, t.wait_warn_s, t.wait_alarm_s),
        "waiting": _high_is_bad(waiting, t.waiting_warn, t.waiting_alarm),
    }
    return Line(measures=m, waiting=waiting, longest_wait_s=longest, tiles=tiles, queue=queue)


@dataclass
class Board:
    now: dt.datetime
    start: dt.datetime
    queue: Queue | None
    total: Line
    occupancy: float | None
    logged_in_s: float
    agents: list[AgentRow]
    queues: list[Line] = field(default_factory=list)

    def agents_by_state(self) -> dict[str, Any]:
        counts: dict[str, Any] = {s: 0 for s in STATE_ORDER}
        reasons: dict[str, int] = {}
        for a in self.agents:
            counts[a.state] += 1
            if a.state == "not_ready":
                reasons[a.reason] = reasons.get(a.reason, 0) + 1
        counts["not_ready_reasons"] = dict(sorted(reasons.items(), key=lambda r: (-r[1], r[0])))
        return counts


def day_start(now: dt.datetime) -> dt.datetime:
    """Local midnight of `now` in the server's time zone (settings.TIME_ZONE)."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time()))


def wallboard(*, queue: Queue | None = None, now: dt.datetime | None = None) -> Board:
    """Today so far (local midnight to now) for the floor, or for one queue."""
    now = now or timezone.now()
    start = day_start(now)
    today = Interaction.objects.filter(offered_at__gte=start, offered_at__lte=now)
    waiting_qs = Interaction.objects.filter(INBOUND, answered_at__isnull=True, ended_at__isnull=True,
                                            abandoned=False, offered_at__gte=now - STALE_AFTER,
                                            offered_at__lte=now)
    if queue is not None:
        waiting_qs = waiting_qs.filter(queue=queue)
        per_queue, _work = counts_per_queue(today, [queue], with_unqueued=False)
        # Occupancy is the floor's: agents are not tied to queues, so a queue's board shows it too.
        work = floor_work(today)
    else:
        per_queue, work = counts_per_queue(today, list(Queue.objects.all()))
    waiting = {r["queue_id"]: (r["n"], r["oldest"])
               for r in waiting_qs.values("queue_id").annotate(n=Count("pk"), oldest=Min("offered_at"))}
    queues = {q.pk: q for q in Queue.objects.filter(pk__in=set(per_queue) | set(waiting))} \
        if queue is None else {queue.pk: queue}
    lines = []
    for queue_id in sorted(set(per_queue) | set(waiting), key=lambda i: (i is None, i or 0)):
        q = queues.get(queue_id)
        n, oldest = waiting.get(queue_id, (0, None))
        lines.append(_line(per_queue.get(queue_id, Counts()), n, oldest, now, q))
    total_counts = sum(per_queue.values(), Counts())
    oldest_all = min((o for _n, o in waiting.values() if o), default=None)
    total = _line(total_counts, sum(n for n, _o in waiting.values()), oldest_all, now, queue)
    agents = agents_now(now, start)
    spans = sessions(start, now, {a.id for a in agents if a.state != "logged_out"})
    logged = logged_in_s(spans)
    return Board(now=now, start=start, queue=queue, total=total, occupancy=_ratio(work, logged),
                 logged_in_s=logged, agents=agents, queues=lines)


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def line_json(line: Line) -> dict[str, Any]:
    m = line.measures
    return {
        "offered": m.offered, "answered": m.answered, "abandoned": m.abandoned,
        "short_abandoned": m.short_abandoned, "waiting": line.waiting,
        "longest_wait_s": _round(line.longest_wait_s, 1),
        "service_level": _round(m.service_level), "answer_rate": _round(m.answer_rate),
        "abandon_rate": _round(m.abandon_rate), "asa_s": _round(m.asa_s, 1), "aht_s": _round(m.aht_s, 1),
        "tiles": line.tiles,
    }


def board_json(board: Board) -> dict[str, Any]:
    """The API's answer: the same figures as the page, rates as fractions, times in seconds."""
    out: dict[str, Any] = {
        "as_of": board.now.isoformat(), "since": board.start.isoformat(),
        "queue": board.queue.code if board.queue else None,
        **line_json(board.total),
        "occupancy": _round(board.occupancy), "logged_in_s": round(board.logged_in_s, 1),
        "agents_by_state": board.agents_by_state(),
        "agents": [{"username": a.username, "name": a.name, "state": a.state, "reason": a.reason,
                    "since": a.since.isoformat() if a.since else None} for a in board.agents],
        "queues": [],
    }
    for line in board.queues:
        q = line.queue
        out["queues"].append({"code": q.code if q else None, "name": q.name if q else None,
                              "service_level_s": q.service_level_s if q else _default("service_level_s"),
                              "abandon_rule": q.abandon_rule if q else _default("abandon_rule"),
                              **line_json(line)})
    return out


# --- the page -----------------------------------------------------------------------------------

REFRESH_S = 5
DASH = "—"


def pct(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f}%"


def secs(value: float | None) -> str:
    return DASH if value is None else f"{value:.0f} s" if value >= 10 else f"{value:.1f} s"


def clock(value: float | None) -> str:
    """A wait as m:ss (or h:mm:ss)."""
    if value is None:
        return DASH
    s = int(value)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _tiles(line: Line, occupancy: float | None) -> list[dict[str, str]]:
    m, t = line.measures, line.tiles
    return [
        {"id": "waiting", "label": _("Calls waiting"), "value": str(line.waiting), "status": t["waiting"]},
        {"id": "longest_wait", "label": _("Longest wait"), "value": clock(line.longest_wait_s),
         "status": t["longest_wait"]},
        {"id": "service_level", "label": _("Service level"), "value": pct(m.service_level),
         "status": t["service_level"]},
        {"id": "offered", "label": _("Calls offered"), "value": str(m.offered), "status": "none"},
        {"id": "answer_rate", "label": _("Answer rate"), "value": pct(m.answer_rate), "status": "none"},
        {"id": "abandon_rate", "label": _("Abandonment"), "value": pct(m.abandon_rate), "status": t["abandon_rate"]},
        {"id": "asa", "label": _("ASA"), "value": secs(m.asa_s), "status": "none"},
        {"id": "aht", "label": _("AHT"), "value": secs(m.aht_s), "status": "none"},
        {"id": "occupancy", "label": _("Occupancy"), "value": pct(occupancy), "status": "none"},
    ]


def state_labels() -> dict[str, str]:
    return {"ready": _("Ready"), "not_ready": _("Not ready"), "on_call": _("On call"),
            "wrap_up": _("Wrap-up"), "logged_out": _("Logged out")}


def page_context(board: Board) -> dict[str, Any]:
    """What the templates show, formatted (templates cannot divide or multiply)."""
    labels = state_labels()
    by_state = board.agents_by_state()
    queue_rows = []
    for line in sorted(board.queues, key=lambda x: (x.queue is None, x.queue.code if x.queue else "")):
        m = line.measures
        queue_rows.append({
            "code": line.queue.code if line.queue else "", "name": str(line.queue) if line.queue else _("(no queue)"),
            "waiting": line.waiting, "longest_wait": clock(line.longest_wait_s), "offered": m.offered,
            "answered": m.answered, "abandoned": m.abandoned, "service_level": pct(m.service_level),
            "answer_rate": pct(m.answer_rate), "abandon_rate": pct(m.abandon_rate), "asa": secs(m.asa_s),
            "aht": secs(m.aht_s), "tiles": line.tiles,
        })
    return {
        "board": board, "tiles": _tiles(board.total, board.occupancy), "queue_rows": queue_rows,
        "states": [{"id": s, "label": labels[s], "count": by_state[s]} for s in STATE_ORDER],
        "reasons": [{"reason": r or _("no reason given"), "count": n}
                    for r, n in by_state["not_ready_reasons"].items()],
        "agents": [{"name": a.name, "state": a.state, "label": labels[a.state], "reason": a.reason,
                    "since": a.since} for a in board.agents if a.state != "logged_out"],
    }
