from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.accounts.models import Department
from kehu.customers.choices import TimeState, ValueTier
from kehu.surveys import logic
from kehu.surveys.models import SchemeChoice

TYPE_CHOICES = [
    ("rating", _("Rating scale")), ("single", _("Single choice")), ("multiple", _("Multiple choice")),
    ("matrix", _("Matrix of items on one scale")), ("nps", _("NPS (0–10 recommend)")),
    ("text", _("Open text")), ("number", _("Number")), ("date", _("Date")),
]
SCALE_CHOICES = [("1-5", "1–5"), ("1-7", "1–7"), ("0-10", "0–10"), ("1-10", "1–10")]
OP_CHOICES = [
    ("", "—"), ("eq", _("is")), ("ne", _("is not")), ("in", _("is one of")), ("gte", _("is at least")),
    ("lte", _("is at most")), ("answered", _("is answered")),
]


class SurveyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    intro = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class QuestionForm(forms.Form):
    section = forms.CharField(label=_("Section"), max_length=100, required=False,
                              help_text=_("A new name starts a new section."))
    type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES)
    code = forms.RegexField(label=_("Code"), regex=r"^[A-Za-z][A-Za-z0-9_]{0,19}$", required=False,
                            help_text=_("Letters and digits, e.g. SAT1; empty: Q1, Q2, …"))
    text_zh = forms.CharField(label=_("Question (Chinese)"), max_length=500)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    scale = forms.ChoiceField(label=_("Scale"), choices=SCALE_CHOICES, required=False, initial="1-5")
    options = forms.CharField(label=_("Options / matrix items"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One per line; 'code=text' to set the code."))
    csat = forms.BooleanField(label=_("This is the CSAT question"), required=False)
    show_if_q = forms.CharField(label=_("Show only if question"), max_length=20, required=False)
    show_if_op = forms.ChoiceField(label=_("condition"), choices=OP_CHOICES, required=False)
    show_if_value = forms.CharField(label=_("value"), max_length=100, required=False,
                                    help_text=_("For 'is one of': values separated by commas."))
    end_if_op = forms.ChoiceField(label=_("End the interview (screen out) if the answer"), choices=OP_CHOICES,
                                  required=False)
    end_if_value = forms.CharField(label=_("value"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("type")
        if kind in ("single", "multiple", "matrix") and len(_lines(data.get("options", ""))) < (
                1 if kind == "matrix" else 2):
            self.add_error("options", _("List the options, one per line."))
        if data.get("show_if_op") and not data.get("show_if_q"):
            self.add_error("show_if_q", _("Which question decides?"))
        return data

    def question(self) -> dict[str, Any]:
        d = self.cleaned_data
        q: dict[str, Any] = {"code": d["code"], "type": d["type"], "required": d["required"],
                             "text": {"zh": d["text_zh"], **({"en": d["text_en"]} if d["text_en"] else {})}}
        if d["type"] in ("rating", "matrix"):
            low, high = (int(x) for x in (d["scale"] or "1-5").split("-"))
            q.update(min=low, max=high)
        if d["type"] in ("single", "multiple"):
            q["options"] = _coded(d["options"])
        if d["type"] == "matrix":
            q["items"] = _coded(d["options"], prefix="i")
        if d["csat"]:
            q["csat"] = True
        if d["show_if_op"]:
            q["show_if"] = [{"q": d["show_if_q"], "op": d["show_if_op"], "value": _value(d["show_if_value"],
                                                                                         d["show_if_op"])}]
        if d["end_if_op"]:
            q["end_if"] = [{"op": d["end_if_op"], "value": _value(d["end_if_value"], d["end_if_op"])}]
        return q


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _coded(text: str, prefix: str = "") -> list[dict[str, Any]]:
    out = []
    for i, line in enumerate(_lines(text), start=1):
        code, sep, label = line.partition("=")
        if not sep:
            code, label = f"{prefix}{i}", line
        out.append({"code": code.strip(), "text": {"zh": label.strip()}})
    return out


def _value(raw: str, op: str) -> Any:
    if op == "in":
        return [v.strip() for v in raw.replace("，", ",").split(",") if v.strip()]
    return raw.strip()


def raw_answers(definition: dict[str, Any], data: Any) -> dict[str, Any]:
    """The answers in a submitted form (inputs named q-<code>, q-<code>-<item> for a matrix)."""
    raw: dict[str, Any] = {}
    for q in logic.questions(definition):
        name = f"q-{q['code']}"
        if q["type"] == "multiple":
            if name in data or f"{name}-seen" in data:
                raw[q["code"]] = data.getlist(name)
        elif q["type"] == "matrix":
            items = {i["code"]: data.get(f"{name}-{i['code']}", "") for i in q["items"]}
            if any(items.values()) or f"{name}-seen" in data:
                raw[q["code"]] = {k: v for k, v in items.items() if v}
        elif name in data:
            raw[q["code"]] = data.get(name, "")
    return raw


class TicketRuleForm(forms.Form):
    kinds = forms.MultipleChoiceField(label=_("Ticket kinds"), required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text=_("None ticked: every kind."))
    delay_hours = forms.IntegerField(label=_("Hours after closing"), min_value=0, max_value=24 * 90, initial=24)
    cap_per_customer = forms.IntegerField(label=_("At most this many invitations per customer"), min_value=1,
                                          max_value=100, initial=1)
    cap_days = forms.IntegerField(label=_("within days"), min_value=1, max_value=3650, initial=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kehu.service.choices import TicketKind

        self.fields["kinds"].choices = TicketKind.choices


class CsiModelForm(forms.Form):
    """The model's settings; constructs, item mapping and paths come as lists beside it."""

    name = forms.CharField(label=_("Model name"), max_length=200, initial=_("Customer satisfaction index"))
    target = forms.CharField(label=_("Target construct"), max_length=60)
    scheme = forms.ChoiceField(label=_("Weighting scheme"), choices=SchemeChoice.choices, initial="path")
    scaled = forms.BooleanField(label=_("Standardise items (unticked: unscaled, as ACSI)"), required=False,
                                initial=True)
    bootstrap = forms.IntegerField(label=_("Bootstrap resamples"), min_value=0, max_value=5000, initial=0,
                                   help_text=_("0: no significance tests; 500 or more for reliable ones."))
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, max_value=2**31 - 1, initial=0)


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("to"), required=False)


class SampleForm(forms.Form):
    value_tier = forms.ChoiceField(label=_("Value tier"), required=False,
                                   choices=[("", "—"), *ValueTier.choices])
    time_state = forms.ChoiceField(label=_("Time state"), required=False,
                                   choices=[("", "—"), *TimeState.choices])
    province = forms.CharField(label=_("Province"), max_length=30, required=False)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    tag = forms.CharField(label=_("Tag"), max_length=40, required=False)
    team = forms.ModelChoiceField(label=_("Owner team"), required=False, queryset=Department.objects.all())
    n = forms.IntegerField(label=_("Sample size"), min_value=0, max_value=1_000_000, required=False)
    stratify = forms.ChoiceField(label=_("Design"), required=False, choices=[
        ("", _("Simple random sample")), ("tier", _("Stratified by value tier")),
        ("region", _("Stratified by province"))])
    allocation = forms.ChoiceField(label=_("Allocation"), required=False, choices=[
        ("proportional", _("Proportional to stratum size")), ("quota", _("Quotas per stratum"))])
    quotas = forms.CharField(label=_("Quotas"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("One per line, stratum=number, e.g. key=20 or 广东=50."))
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, max_value=2**31 - 1, initial=0,
                              required=False)
    send = forms.BooleanField(label=_("Send the invitations by e-mail where an address is known"),
                              required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("allocation") == "quota" and data.get("stratify") and not data.get("quotas"):
            self.add_error("quotas", _("List the quotas, one stratum per line."))
        elif data.get("allocation") != "quota" or not data.get("stratify"):
            if not data.get("n"):
                self.add_error("n", _("Say how many customers to draw."))
        return data

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: (d[k].pk if k == "team" else d[k]) for k in ("value_tier", "time_state", "province", "city",
                                                                 "tag", "team") if d.get(k)}
