"""HTML forms of the service desk console. Rules live in the services; the forms carry input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.accounts.models import Department
from kehu.customers.forms import ServiceForm
from kehu.service.choices import ComplaintStepCode, Priority, TicketChannel, TicketKind
from kehu.service.models import ComplaintGrade, TicketCategory


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class TicketForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=TicketKind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=TicketChannel.choices, initial=TicketChannel.PHONE)
    phone = forms.CharField(label=_("Caller phone"), required=False, max_length=160,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))
    caller_name = forms.CharField(label=_("Caller"), required=False, max_length=240)
    caller_email = forms.CharField(label=_("Caller e-mail"), required=False, max_length=1000)
    customer_id = forms.IntegerField(label=_("Customer"), required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=pgettext_lazy("ticket", "Title"), required=False, max_length=800)
    description = forms.CharField(label=_("What the customer says"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    grade = forms.ChoiceField(label=_("Complaint grade"), required=False)
    category_id = forms.ChoiceField(label=_("Category"), required=False)
    fault_location = forms.CharField(label=_("Fault location"), required=False, max_length=1000)
    safety_note = forms.CharField(label=_("Safety note"), required=False, max_length=1000)
    anonymous = forms.BooleanField(label=_("Anonymous report"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = _blank(ComplaintGrade.objects.values_list("code", "name"))
        self.fields["category_id"].choices = _blank((c.pk, str(c)) for c in TicketCategory.objects.select_related("parent"))


class ReplyForm(ServiceForm):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))
    internal = forms.BooleanField(label=_("Internal note (the customer does not see it)"), required=False)


class StepForm(ServiceForm):
    step = forms.ChoiceField(choices=ComplaintStepCode.choices)
    note = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DispatchForm(ServiceForm):
    units = forms.ModelMultipleChoiceField(label=_("Responsible units"), queryset=Department.objects.all())
    due_hours = forms.IntegerField(label=_("Due within (hours)"), min_value=1, max_value=24 * 60, initial=24)
    instructions = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(ServiceForm):
    solution = forms.CharField(label=_("Solution"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(ServiceForm):
    customer_agreed = forms.BooleanField(label=_("The customer agreed with the solution"), required=False)
    reason = forms.CharField(label=_("Otherwise, why it closes"), required=False, max_length=1000)


class VisitForm(ServiceForm):
    reached = forms.TypedChoiceField(label=_("Customer reached"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Reached")), ("no", _("Not reached"))])
    satisfaction = forms.TypedChoiceField(label=_("Satisfaction"), required=False, coerce=int, empty_value=None,
                                          choices=[("", "—"), *[(i, str(i)) for i in range(5, 0, -1)]])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(ServiceForm):
    answer = forms.CharField(label=_("What the unit did"), widget=forms.Textarea(attrs={"rows": 3}))
