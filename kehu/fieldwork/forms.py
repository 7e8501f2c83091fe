"""Console forms: they render and pre-check fields; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.fieldwork.models import Appointment, PeriodKind, ReportKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitForm(forms.Form):
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int)
    rep = forms.TypedChoiceField(label=_("Rep"), coerce=int)
    contact = forms.ChoiceField(label=_("Contact"), required=False)
    opportunity = forms.ChoiceField(label=_("Opportunity"), required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=255)
    planned_date = forms.DateField(label=_("Planned date"), widget=DATE)
    appointment = forms.ChoiceField(label=_("Phone appointment"), choices=Appointment.choices)

    def __init__(self, *args: object, customers: list[tuple[int, str]], reps: list[tuple[int, str]],
                 contacts: list[tuple[str, str]], opportunities: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["customer"].choices = customers
        # Choosing another customer reloads the form with that customer's contacts and opportunities.
        self.fields["customer"].widget.attrs["onchange"] = "location.search = '?customer=' + this.value"
        self.fields["rep"].choices = reps
        self.fields["contact"].choices = [("", "—"), *contacts]
        self.fields["opportunity"].choices = [("", "—"), *opportunities]


class AppointmentForm(forms.Form):
    appointment = forms.ChoiceField(label=_("Phone appointment"), choices=Appointment.choices)
    planned_date = forms.DateField(label=_("Move to day"), required=False, widget=DATE)


class CheckInForm(forms.Form):
    location = forms.CharField(label=_("Location (optional)"), max_length=255, required=False)


class RecordForm(forms.Form):
    met_whom = forms.CharField(label=_("Who was met"), max_length=200, required=False)
    needs = forms.CharField(label=_("Needs found"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    objections = forms.CharField(label=_("Objections"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))
    next_visit_date = forms.DateField(label=_("Next visit date"), required=False, widget=DATE)
    next_visit_content = forms.CharField(label=_("Next visit content"), max_length=255, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=255, required=False)


class NewReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    date = forms.DateField(label=_("Day (any day of the week for a weekly report)"), widget=DATE)


class ReportBodyForm(forms.Form):
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8}))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}))


class TargetForm(forms.Form):
    rep = forms.TypedChoiceField(label=_("Rep"), coerce=int)
    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    date = forms.DateField(label=_("Any day of the period"), widget=DATE)
    new_customers = forms.IntegerField(label=_("New customers"), initial=0)
    visits = forms.IntegerField(label=_("Visits"), initial=0)
    won_amount = forms.DecimalField(label=_("Won amount (yuan)"), initial=0, max_digits=14, decimal_places=2)

    def __init__(self, *args: object, reps: list[tuple[int, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["rep"].choices = reps
