"""Shift templates and the roster: one entry (a shift or a day off) per agent and day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput
from kehu.workforce.access import require_planner
from kehu.workforce.models import (
    DAY_MIN,
    MEETING_REACH_MIN,
    ScheduleEntry,
    Shift,
    ShiftSlot,
    SlotKind,
    minute_of,
)

MAX_SHIFT_MIN = 16 * 60


@dataclass(frozen=True)
class SlotIn:
    kind: str
    start: dt.time
    duration_min: int


def _clock(minutes: int) -> str:
    m = minutes % DAY_MIN
    return f"{m // 60:02d}:{m % 60:02d}"


def check_shift(start: dt.time, end: dt.time, slots: list[SlotIn]) -> None:
    """Raise InvalidInput for a shift that cannot be worked as written."""
    probe = Shift(start=start, end=end)
    if minute_of(start) == minute_of(end):
        raise InvalidInput(_("A shift cannot end when it starts: give it a length."), field="end")
    s0, s1 = probe.span()
    if s1 - s0 > MAX_SHIFT_MIN:
        raise InvalidInput(
            _("A shift can last at most %(h)s hours.") % {"h": MAX_SHIFT_MIN // 60}, field="end"
        )
    spans = []
    for n, slot in enumerate(slots):
        field = f"slots.{n}"
        if slot.kind not in SlotKind.values:
            raise InvalidInput(_("Unknown kind of break."), field=f"{field}.kind")
        if slot.duration_min <= 0:
            raise InvalidInput(
                _("A break or meeting must last at least a minute."), field=f"{field}.duration_min"
            )
        a, b = ShiftSlot(start=slot.start, duration_min=slot.duration_min).span_in(s0)
        label = str(SlotKind(slot.kind).label).lower()
        if slot.kind == SlotKind.MEETING_BEFORE:
            ok = s0 - MEETING_REACH_MIN <= a and b <= s1
        elif slot.kind == SlotKind.MEETING_AFTER:
            ok = s0 <= a and b <= s1 + MEETING_REACH_MIN
        else:
            ok = s0 <= a and b <= s1
        if not ok:
            raise InvalidInput(
                _("The %(kind)s at %(start)s lies outside the shift %(from)s–%(to)s.")
                % {"kind": label, "start": _clock(a), "from": _clock(s0), "to": _clock(s1)},
                field=f"{field}.start",
            )
        spans.append((a, b, n, label))
    spans.sort()
    for (a1, b1, _n1, l1), (a2, _b2, n2, l2) in zip(spans, spans[1:], strict=False):
        if a2 < b1:
            raise InvalidInput(
                _("The %(second)s at %(start2)s overlaps the %(first)s at %(start1)s.")
                % {"second": l2, "start2": _clock(a2), "first": l1, "start1": _clock(a1)},
                field=f"slots.{n2}.start",
            )


def shift_save(
    *, code: str, name: str, start: dt.time, end: dt.time, slots: list[SlotIn], by: Any,
    shift: Shift | None = None,
) -> Shift:
    """Create a shift template, or replace one's times and breaks."""
    require_planner(by)
    code, name = code.strip(), name.strip()
    if not code:
        raise InvalidInput(_("Give the shift a code."), field="code")
    if not name:
        raise InvalidInput(_("Give the shift a name."), field="name")
    check_shift(start, end, slots)
    clash = Shift.objects.filter(code=code)
    if shift is not None:
        clash = clash.exclude(pk=shift.pk)
    if clash.exists():
        raise Conflict(_("Another shift has the code %(code)s.") % {"code": code}, field="code")
    with transaction.atomic():
        created = shift is None
        shift = shift or Shift()
        shift.code, shift.name, shift.start, shift.end = code, name, start, end
        shift.save()
        shift.slots.all().delete()
        ShiftSlot.objects.bulk_create(
            ShiftSlot(shift=shift, kind=s.kind, start=s.start, duration_min=s.duration_min)
            for s in slots
        )
        log_action("workforce.shift.created" if created else "workforce.shift.changed",
                   actor=by, obj=shift,
                   changes={"code": code, "start": start.isoformat(), "end": end.isoformat(),
                            "slots": len(slots)})
    return shift


def _neighbour_clash(agent: Any, day: dt.date, shift: Shift) -> str:
    """Why `shift` on `day` collides with the agent's shifts of the days around it, or ''."""
    s0, s1 = shift.span()
    around = (
        ScheduleEntry.objects.filter(
            agent=agent, date__in=[day - dt.timedelta(days=1), day + dt.timedelta(days=1)],
            shift__isnull=False,
        ).select_related("shift")
    )
    for entry in around:
        assert entry.shift is not None
        o0, o1 = entry.shift.span()
        offset = DAY_MIN if entry.date > day else -DAY_MIN
        if o0 + offset < s1 and s0 < o1 + offset:
            return _("It overlaps the shift %(shift)s of %(date)s.") % {
                "shift": entry.shift, "date": entry.date.isoformat()
            }
    return ""


def schedule_set(
    *, agent: Any, day: dt.date, shift: Shift | None, by: Any, replace: bool = False
) -> ScheduleEntry:
    """Put `agent` on `shift` on `day` (None: a day off). An agent works one shift a day: a
    second one is refused unless `replace` says the existing entry is being changed."""
    require_planner(by)
    if not agent.is_active:
        raise InvalidInput(_("%(agent)s is not an active user.") % {"agent": agent}, field="agent")
    if shift is not None and not shift.active:
        raise InvalidInput(_("The shift %(shift)s is retired.") % {"shift": shift}, field="shift")
    with transaction.atomic():
        entry = ScheduleEntry.objects.select_for_update().filter(agent=agent, date=day).first()
        if entry is not None and entry.shift_id == (shift.pk if shift else None):
            return entry
        if entry is not None and not replace:
            raise Conflict(
                _("%(agent)s already has %(what)s on %(date)s: one shift a day. Change that "
                  "entry instead.")
                % {"agent": agent, "what": entry.shift or _("a day off"), "date": day.isoformat()},
                field="shift",
            )
        if shift is not None:
            clash = _neighbour_clash(agent, day, shift)
            if clash:
                raise InvalidInput(clash, field="shift")
        before = str(entry.shift or _("day off")) if entry else ""
        try:
            with transaction.atomic():
                if entry is None:
                    entry = ScheduleEntry.objects.create(
                        agent=agent, date=day, shift=shift, updated_by=by
                    )
                else:
                    entry.shift, entry.updated_by = shift, by
                    entry.save(update_fields=["shift", "updated_by", "updated_at"])
        except IntegrityError as exc:
            raise Conflict(
                _("%(agent)s was just given another shift on %(date)s; reload and try again.")
                % {"agent": agent, "date": day.isoformat()},
                field="shift",
            ) from exc
        log_action("workforce.schedule.set", actor=by, obj=entry, changes={
            "agent": str(agent), "date": day, "shift": [before, str(shift or _("day off"))],
        })
    return entry


def schedule_clear(*, agent: Any, day: dt.date, by: Any) -> bool:
    """Remove the agent's entry of the day; False when there was none."""
    require_planner(by)
    with transaction.atomic():
        entry = ScheduleEntry.objects.filter(agent=agent, date=day).select_related("shift").first()
        if entry is None:
            return False
        log_action("workforce.schedule.cleared", actor=by, obj=entry, changes={
            "agent": str(agent), "date": day, "shift": [str(entry.shift or _("day off")), ""],
        })
        entry.delete()
    return True
