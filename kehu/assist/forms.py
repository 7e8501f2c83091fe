"""The panel's one-click verdict on a label."""

from __future__ import annotations

from django import forms

from kehu.assist.models import LabelField
from kehu.core.schemas import MAX_ID


class FeedbackForm(forms.Form):
    field = forms.ChoiceField(choices=LabelField.choices)
    correct = forms.CharField(max_length=40)
    predicted = forms.CharField(max_length=40, required=False)
    model_version = forms.CharField(max_length=80, required=False)
    ticket = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    customer = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
