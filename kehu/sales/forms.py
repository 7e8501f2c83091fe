"""Console forms: they render and pre-check fields; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.sales.models import LEAD_SOURCES, Answer, LeadStatus, Pipeline

EDITABLE_STATUSES = [(v, label) for v, label in LeadStatus.choices if v != LeadStatus.CONVERTED]


class LeadForm(forms.Form):
    company = forms.CharField(label=_("Company or person"), max_length=200)
    source = forms.ChoiceField(label=_("Source"), choices=LEAD_SOURCES, initial="other")
    contact_name = forms.CharField(label=_("Contact name"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    to_pool = forms.BooleanField(label=_("Put into the lead pool (no owner)"), required=False)


class QualifyForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=EDITABLE_STATUSES)
    money = forms.ChoiceField(label=_("Money (budget)"), choices=Answer.choices)
    money_note = forms.CharField(label=_("Money note"), max_length=255, required=False)
    authority = forms.ChoiceField(label=_("Authority (decides)"), choices=Answer.choices)
    authority_note = forms.CharField(label=_("Authority note"), max_length=255, required=False)
    need = forms.ChoiceField(label=_("Need"), choices=Answer.choices)
    need_note = forms.CharField(label=_("Need note"), max_length=255, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConvertForm(forms.Form):
    pipeline = forms.ModelChoiceField(label=_("Pipeline"), queryset=Pipeline.objects.all(), empty_label=None)
    title = forms.CharField(label=_("Opportunity"), max_length=200, required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=14, decimal_places=2,
                                required=False)
    expected_close = forms.DateField(label=_("Expected close"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
