from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.accounts.models import Department, User
from kehu.customers.choices import ValueTier


class WinBackFilterForm(forms.Form):
    team = forms.ModelChoiceField(Department.objects.order_by("name"), label=_("Team"), required=False)
    owner = forms.ModelChoiceField(User.objects.filter(is_active=True).order_by("username"),
                                   label=_("Owner"), required=False)
    tier = forms.ChoiceField(label=_("Value tier"), required=False,
                             choices=[("", _("All tiers")), *ValueTier.choices])
