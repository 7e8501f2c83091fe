"""Staffing: the adapter between the contact center app and the Erlang engine.

It turns what a planner typed (the CLI's flags, the API's JSON, the page's form and
forecast) into engine inputs, turns the engine's answers into plain JSON-ready dicts, and
says the engine's errors in the user's language with the app's field names.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from kehu.core.errors import InvalidInput
from kehu.engines.erlang import MAX_AGENTS, Staffing, StaffingError, Targets, solve, solve_many

DEFAULT_TARGET_SL = 0.8
DEFAULT_ANSWER_S = 20.0
MAX_INTERVALS = 1440  # one a minute for a whole day
MAX_UPLOAD_BYTES = 2 * 1024 * 1024

# Engine field → the app's field (the app asks for minutes where the engine takes seconds).
_FIELDS = {"interval_s": "interval_min"}


@dataclass(frozen=True)
class Params:
    """The shared inputs of a plan, in the units the app's users type."""

    interval_min: float = 30.0
    target_sl: float | None = None
    answer_s: float = DEFAULT_ANSWER_S
    target_asa_s: float | None = None
    shrinkage: float = 0.0
    max_occupancy: float = 1.0
    patience_s: float | None = None

    def targets(self) -> Targets:
        # 80% in 20 s, the industry's usual target, when the planner names none.
        sl = self.target_sl
        if sl is None and self.target_asa_s is None:
            sl = DEFAULT_TARGET_SL
        return Targets(
            interval_s=float(self.interval_min) * 60,
            answer_s=self.answer_s,
            target_sl=sl,
            target_asa_s=self.target_asa_s,
            shrinkage=self.shrinkage,
            max_occupancy=self.max_occupancy,
            patience_s=self.patience_s,
        )

    def echo(self) -> dict[str, Any]:
        t = self.targets()
        return {
            "interval_min": self.interval_min,
            "target_sl": t.target_sl,
            "answer_s": self.answer_s,
            "target_asa_s": self.target_asa_s,
            "shrinkage": self.shrinkage,
            "max_occupancy": self.max_occupancy,
            "patience_s": self.patience_s,
        }


@dataclass(frozen=True)
class Interval:
    """One line of a day's forecast."""

    start: str
    calls: float
    aht_s: float
    line: int = 0  # where a typed or uploaded forecast gave it (1-based), for problem reports


def _messages() -> dict[str, str]:
    return {
        "not_a_number": _("Enter a number."),
        "interval": _("The interval must be longer than zero."),
        "answer": _("The answer time cannot be negative."),
        "no_target": _("Give a service-level target or an ASA target."),
        "two_targets": _("Give a service-level target or an ASA target, not both."),
        "target_sl": _("The service-level target must lie strictly between 0 and 1 (e.g. 0.8)."),
        "target_asa": _("The ASA target must be longer than zero."),
        "asa_with_patience": _(
            "An ASA target needs Erlang C: with a patience, use a service-level target."
        ),
        "shrinkage": _("Shrinkage must be at least 0 and below 1 (e.g. 0.3)."),
        "max_occupancy": _("The maximum occupancy must be above 0 and at most 1 (e.g. 0.85)."),
        "patience": _("The mean patience must be longer than zero."),
        "calls": _("The number of calls cannot be negative."),
        "aht": _("The average handling time must be longer than zero."),
        "too_much_load": _(
            "This load needs more than %(max)s agents in one interval; check the calls and AHT."
        )
        % {"max": f"{MAX_AGENTS:,}"},
    }


def error_message(exc: StaffingError) -> str:
    return _messages().get(exc.code, exc.message)


def invalid(exc: StaffingError, prefix: str = "") -> InvalidInput:
    """The engine's error as the app's 422, naming the app's field."""
    field = _FIELDS.get(exc.field, exc.field)
    if prefix and "index" in exc.params:
        field = f"{prefix}.{exc.params['index']}.{field}"
    return InvalidInput(error_message(exc), field=field)


def result(s: Staffing) -> dict[str, Any]:
    return {
        "agents": s.agents,
        "scheduled": s.scheduled,
        "service_level": s.service_level,
        "prob_wait": s.prob_wait,
        "asa_s": s.asa_s,
        "occupancy": s.occupancy,
        "load_erlangs": s.load_erlangs,
        "model": s.model,
        "prob_abandon": s.prob_abandon,
        "binding": s.binding,
    }


def staffing_one(*, calls: float, aht_s: float, params: Params) -> dict[str, Any]:
    """One interval: the answer plus the inputs echoed. Raises InvalidInput."""
    try:
        s = solve(calls, aht_s, params.targets())
    except StaffingError as exc:
        raise invalid(exc) from exc
    return {**result(s), "calls": calls, "aht_s": aht_s, **params.echo()}


def staffing_day(*, intervals: list[Interval], params: Params) -> dict[str, Any]:
    """A day's intervals solved at once, with the day's peaks. Raises InvalidInput."""
    if not intervals:
        raise InvalidInput(_("Give at least one interval."), field="intervals")
    if len(intervals) > MAX_INTERVALS:
        raise InvalidInput(
            _("At most %(n)s intervals at a time.") % {"n": MAX_INTERVALS}, field="intervals"
        )
    try:
        plan = solve_many(
            [i.calls for i in intervals], [i.aht_s for i in intervals], params.targets()
        )
    except StaffingError as exc:
        raise invalid(exc, prefix="intervals") from exc
    rows = [
        {"start": i.start, "calls": i.calls, "aht_s": i.aht_s, **result(s)}
        for i, s in zip(intervals, plan.rows(), strict=True)
    ]
    hours = float(params.interval_min) / 60
    return {
        "intervals": rows,
        "peak_agents": max(r["agents"] for r in rows),
        "peak_scheduled": max(r["scheduled"] for r in rows),
        "agent_hours": sum(r["agents"] for r in rows) * hours,
        "scheduled_hours": sum(r["scheduled"] for r in rows) * hours,
        "model": plan.model,
        **params.echo(),
    }


def intervals_from(
    items: list[tuple[str, float, float | None]], default_aht_s: float | None
) -> list[Interval]:
    """API intervals (start, calls, AHT or None for the request's AHT). Raises InvalidInput."""
    out = []
    for n, (start, calls, aht_s) in enumerate(items):
        normal = normalise_start(start)
        if normal is None:
            raise InvalidInput(
                _("“%(value)s” is not a time such as 08:30") % {"value": start},
                field=f"intervals.{n}.start",
            )
        aht = aht_s if aht_s is not None else default_aht_s
        if aht is None:
            raise InvalidInput(
                _("Give aht_s for the interval or for the whole request."),
                field=f"intervals.{n}.aht_s",
            )
        out.append(Interval(start=normal, calls=calls, aht_s=aht))
    return out


def feasible(intervals: list[Interval], params: Params) -> tuple[list[Interval], list[str]]:
    """Split off the lines whose load no sane staffing carries, so the rest still get planned."""
    limit = MAX_AGENTS * params.max_occupancy * 0.99
    seconds = float(params.interval_min) * 60
    ok, problems = [], []
    for i in intervals:
        if seconds > 0 and i.calls / seconds * i.aht_s > limit:
            problems.append(
                _("Line %(n)s: %(problem)s")
                % {"n": i.line, "problem": _messages()["too_much_load"]}
            )
        else:
            ok.append(i)
    return ok, problems


# --- a day's forecast typed or uploaded ---------------------------------------------------

_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")
_SPLIT = re.compile(r"[\s,;，；\t]+")


def normalise_start(text: str) -> str | None:
    """ "8:00" → "08:00"; None when it is not a time of day."""
    m = _TIME.match(text.strip())
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else None


def _number(text: Any) -> float | None:
    try:
        value = float(str(text).strip().replace("，", ""))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def parse_row(cells: list[Any]) -> tuple[Interval | None, str]:
    """One forecast row (start, calls, AHT s) or why it is unusable."""
    cells = [c for c in cells if str(c).strip() != ""]
    if len(cells) != 3:
        return None, _("expected three values: start time, calls, AHT in seconds")
    raw_start = cells[0]
    if isinstance(raw_start, dt.time | dt.datetime):
        raw_start = raw_start.strftime("%H:%M")
    start = normalise_start(str(raw_start))
    if start is None:
        return None, _("“%(value)s” is not a time such as 08:30") % {"value": cells[0]}
    calls, aht = _number(cells[1]), _number(cells[2])
    if calls is None or calls < 0:
        return None, _("calls must be a number, 0 or more (got “%(value)s”)") % {"value": cells[1]}
    if aht is None or aht <= 0:
        return None, _("AHT must be a number of seconds above 0 (got “%(value)s”)") % {
            "value": cells[2]
        }
    return Interval(start=start, calls=calls, aht_s=aht), ""


def _is_header(cells: list[Any]) -> bool:
    return (
        bool(cells)
        and normalise_start(str(cells[0])) is None
        and not isinstance(cells[0], dt.time | dt.datetime)
        and any(w in str(cells[0]).lower() for w in ("start", "time", "时间", "开始", "时段"))
    )


def parse_rows(rows: list[list[Any]]) -> tuple[list[Interval], list[str]]:
    """The usable intervals and one problem line per unusable row (1-based line numbers)."""
    intervals: list[Interval] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, cells in enumerate(rows, start=1):
        if not any(str(c).strip() for c in cells):
            continue
        if number == 1 and _is_header(cells):
            continue
        interval, problem = parse_row(cells)
        if interval and interval.start in seen:
            interval, problem = None, _("%(start)s is given twice") % {"start": interval.start}
        if interval is None:
            problems.append(_("Line %(n)s: %(problem)s") % {"n": number, "problem": problem})
            continue
        seen.add(interval.start)
        intervals.append(
            Interval(start=interval.start, calls=interval.calls, aht_s=interval.aht_s, line=number)
        )
    return intervals, problems


def parse_text(text: str) -> tuple[list[Interval], list[str]]:
    return parse_rows([_SPLIT.split(line.strip()) for line in text.splitlines()])


def read_upload(name: str, content: bytes) -> list[list[Any]]:
    """Rows of an uploaded .csv or .xlsx forecast. Raises InvalidInput when unreadable."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("The file is larger than 2 MB."), field="file")
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix in ("xlsx", "xlsm", "xls"):
        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
            return sheet.to_python(skip_empty_area=True)
        except (CalamineError, OSError, ValueError, IndexError) as exc:
            raise InvalidInput(
                _("The file cannot be read as a spreadsheet."), field="file"
            ) from exc
    if suffix in ("csv", "txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return list(csv.reader(io.StringIO(content.decode(encoding), newline="")))
            except (UnicodeDecodeError, csv.Error):
                continue
        raise InvalidInput(_("The CSV file cannot be read: use UTF-8 or GBK."), field="file")
    raise InvalidInput(
        _("Use a .csv or .xlsx file with the columns start, calls, aht."), field="file"
    )


def _columns(header: list[Any]) -> list[int] | None:
    """Positions of start, calls and AHT in a header row, when it names them."""
    names = [str(c).strip().lower() for c in header]
    wanted = [
        ("start", "time", "开始", "时段"),
        ("calls", "volume", "话务量", "来电"),
        ("aht", "aht_s"),
    ]
    found = []
    for options in wanted:
        idx = next(
            (i for i, n in enumerate(names) if n in options or n.split(" ")[0] in options), None
        )
        if idx is None:
            return None
        found.append(idx)
    return found


def parse_upload(name: str, content: bytes) -> tuple[list[Interval], list[str]]:
    rows = read_upload(name, content)
    cols = _columns(rows[0]) if rows else None
    if cols is None:
        return parse_rows(rows)
    picked = [[row[i] if i < len(row) else "" for i in cols] for row in rows]
    picked[0] = ["start"]  # the header row, skipped by parse_rows
    intervals, problems = parse_rows(picked)
    return intervals, problems
