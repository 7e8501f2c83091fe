"""HTML forms of the workforce pages. Percentages are typed as planners say them (80)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehu.contact.models import Queue
from kehu.workforce.models import IntervalLength, SlotKind
from kehu.workforce.services.forecasts import MAX_DAYS, MAX_HISTORY_WEEKS
from kehu.workforce.services.rosters import SlotIn


def _tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


class ForecastForm(forms.Form):
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=Queue.objects.all(),
                                   empty_label=None)
    start_date = forms.DateField(label=_("First day"), initial=_tomorrow,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("Days"), initial=7, min_value=1, max_value=MAX_DAYS)
    interval_min = forms.TypedChoiceField(label=_("Interval"), choices=IntervalLength.choices,
                                          coerce=int, initial=30)
    history_weeks = forms.IntegerField(label=_("History weeks"), initial=8, min_value=1,
                                       max_value=MAX_HISTORY_WEEKS)
    target_sl = forms.DecimalField(label=_("Target service level (%)"), initial=80,
                                   min_value=1, max_value=99, decimal_places=1)
    answer_s = forms.DecimalField(label=_("Answered within (seconds)"), required=False,
                                  min_value=0, max_value=3600, decimal_places=1,
                                  help_text=_("Empty: the queue's own."))
    shrinkage = forms.DecimalField(label=_("Shrinkage (%)"), initial=0, min_value=0,
                                   max_value=95, decimal_places=1,
                                   help_text=_("Only what the roster does not show: breaks and "
                                               "meetings are subtracted there."))
    max_occupancy = forms.DecimalField(label=_("Maximum occupancy (%)"), initial=100,
                                       min_value=1, max_value=100, decimal_places=1)

    def service_args(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "queue": d["queue"], "start_date": d["start_date"], "days": d["days"],
            "interval_min": d["interval_min"], "history_weeks": d["history_weeks"],
            "target_sl": float(d["target_sl"]) / 100,
            "answer_s": None if d["answer_s"] is None else float(d["answer_s"]),
            "shrinkage": float(d["shrinkage"]) / 100,
            "max_occupancy": float(d["max_occupancy"]) / 100,
        }


_KIND_WORDS = {
    "break": SlotKind.BREAK, "休息": SlotKind.BREAK, "小休": SlotKind.BREAK,
    "meal": SlotKind.MEAL, "lunch": SlotKind.MEAL, "用餐": SlotKind.MEAL, "午餐": SlotKind.MEAL,
    "meeting_before": SlotKind.MEETING_BEFORE, "班前会": SlotKind.MEETING_BEFORE,
    "meeting_after": SlotKind.MEETING_AFTER, "班后会": SlotKind.MEETING_AFTER,
}
_LINE = re.compile(r"^(\S+)\s+(\d{1,2})[:：](\d{2})\s+(\d+)$")


class ShiftForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=60)
    start = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("End"), widget=forms.TimeInput(attrs={"type": "time"}),
                          help_text=_("At or before the start: the shift ends the next day."))
    slots = forms.CharField(
        label=_("Breaks and meetings"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "班前会 08:45 15\nmeal 12:00 60"}),
        help_text=_("One a line: kind (break, meal, meeting_before, meeting_after or 休息, 用餐, "
                    "班前会, 班后会), start, minutes."),
    )

    def clean_slots(self) -> list[SlotIn]:
        out = []
        for n, line in enumerate(self.cleaned_data["slots"].splitlines(), start=1):
            if not line.strip():
                continue
            m = _LINE.match(line.strip())
            kind = _KIND_WORDS.get(m.group(1).lower()) if m else None
            if m is None or kind is None or int(m.group(2)) > 23 or int(m.group(3)) > 59:
                raise forms.ValidationError(
                    _("Line %(n)s: write kind, start and minutes, e.g. “meal 12:00 60”."),
                    params={"n": n},
                )
            out.append(SlotIn(kind=kind, start=dt.time(int(m.group(2)), int(m.group(3))),
                              duration_min=int(m.group(4))))
        return out
