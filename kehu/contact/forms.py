"""HTML forms of the contact center console."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.contact.staffing import Params

INTERVALS = [(15, _("15 minutes")), (30, _("30 minutes")), (60, _("60 minutes"))]
EXAMPLE = "08:00 120 200\n08:30 180 210\n09:00 240 205"


def _percent(label: str, initial: int, lo: int, hi: int, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        initial=initial,
        min_value=lo,
        max_value=hi,
        decimal_places=2,
        help_text=help_text,
    )


class StaffingForm(forms.Form):
    """A day's forecast (typed or uploaded) and the targets shared by its intervals.

    Percentages are typed as planners say them (80, not 0.8); `params()` turns them into the
    engine's fractions, whose own checks (e.g. a 100% target) still apply.
    """

    forecast = forms.CharField(
        label=_("Forecast"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": EXAMPLE, "spellcheck": "false"}),
        help_text=_("One line per interval: start, calls, AHT in seconds, e.g. “08:00 120 200”."),
    )
    file = forms.FileField(
        label=_("Or upload a file"),
        required=False,
        help_text=_(".csv or .xlsx with the columns start, calls, aht."),
    )
    interval_min = forms.TypedChoiceField(
        label=_("Interval"), choices=INTERVALS, coerce=int, initial=30
    )
    target_sl = _percent(_("Target service level (%)"), 80, 1, 99)
    answer_s = forms.DecimalField(
        label=_("Answered within (seconds)"),
        initial=20,
        min_value=0,
        max_value=3600,
        decimal_places=1,
    )
    shrinkage = _percent(_("Shrinkage (%)"), 30, 0, 95)
    max_occupancy = _percent(_("Maximum occupancy (%)"), 85, 1, 100)
    patience_s = forms.DecimalField(
        label=_("Mean patience (seconds, optional)"),
        required=False,
        min_value=Decimal("0.1"),
        max_value=86400,
        decimal_places=1,
        help_text=_("Given: Erlang A, callers who wait too long hang up."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("forecast") and not data.get("file"):
            raise forms.ValidationError(_("Type a forecast or upload a file."))
        return data

    def params(self) -> Params:
        d = self.cleaned_data
        patience = d.get("patience_s")
        return Params(
            interval_min=d["interval_min"],
            target_sl=float(d["target_sl"]) / 100,
            answer_s=float(d["answer_s"]),
            shrinkage=float(d["shrinkage"]) / 100,
            max_occupancy=float(d["max_occupancy"]) / 100,
            patience_s=None if patience is None else float(patience),
        )


class CdrForm(forms.Form):
    """A telephone system's CSV export and how its columns map to interaction fields."""

    file = forms.FileField(label=_("CDR file (CSV)"))
    mapping = forms.CharField(
        label=_("Column mapping (JSON)"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_('For example {"uniqueid": "external_id", "start": "offered_at", "answer": '
                    '"answered_at", "end": "ended_at", "src": "caller", "agent": "agent"}.'),
    )
