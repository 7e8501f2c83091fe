from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.surveys import logic

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
