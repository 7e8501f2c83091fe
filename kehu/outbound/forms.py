"""Forms of the outbound pages; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.accounts.models import User
from kehu.knowledge.models import Article
from kehu.outbound.models import AssignmentMode, CampaignType, Outcome
from kehu.surveys.models import Survey

WEEKDAYS = [("1", _("Mon")), ("2", _("Tue")), ("3", _("Wed")), ("4", _("Thu")), ("5", _("Fri")),
            ("6", _("Sat")), ("7", _("Sun"))]


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=CampaignType.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    script = forms.ModelChoiceField(label=_("Script"), required=False, queryset=Article.objects.none())
    survey = forms.ModelChoiceField(label=_("Survey (phone survey campaigns)"), required=False,
                                    queryset=Survey.objects.none())
    max_attempts = forms.IntegerField(label=_("Maximum attempts"), min_value=1, max_value=20, initial=3)
    retry_minutes = forms.IntegerField(label=_("Minutes between attempts"), min_value=0, max_value=43200,
                                       initial=120)
    call_from = forms.TimeField(label=_("Calling hours from"), initial="09:00",
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    call_until = forms.TimeField(label=_("Calling hours until"), initial="20:00",
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    weekdays = forms.MultipleChoiceField(label=_("Calling days"), choices=WEEKDAYS, initial=list("12345"),
                                         widget=forms.CheckboxSelectMultiple)
    assignment = forms.ChoiceField(label=_("Assignment"), choices=AssignmentMode.choices)
    agents = forms.ModelMultipleChoiceField(label=_("Agents"), required=False,
                                            queryset=User.objects.filter(is_active=True).order_by("username"),
                                            widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["script"].queryset = Article.objects.visible_to(user).filter(kind="script").order_by("title")
        self.fields["survey"].queryset = Survey.objects.visible_to(user)

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["weekdays"] = "".join(data["weekdays"])
        data["agents"] = list(data["agents"])
        return data


class FileForm(forms.Form):
    file = forms.FileField(label=_("Call list (.xlsx or .csv: name, phone, customer code, note)"))


class FilterForm(forms.Form):
    filter = forms.CharField(label=_("Customer filter"), max_length=1000, required=False,
                             help_text=_("The query string of the customer list, e.g. value_tier=key&owner=me; "
                                         "empty: every customer you can see."))


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    callback_at = forms.DateTimeField(label=_("Call back at"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    promised_pay_on = forms.DateField(label=_("Promised to pay on"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount"), required=False, max_digits=14, decimal_places=2, min_value=0)
    do_not_call = forms.BooleanField(label=_("The customer asked not to be called again"), required=False)


class DncForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=40)
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)
