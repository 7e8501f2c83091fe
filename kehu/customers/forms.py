"""HTML forms of the customer console.

The forms only render fields and carry what the user typed; the rules live in the
services (kehu.customers.validation), whose InvalidInput errors are put back on the
form with `add_service_errors`, so the web, the API and imports refuse the same input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.core.errors import ServiceError
from kehu.customers.choices import (
    BehaviourType,
    Channel,
    CustomerKind,
    LedgerKind,
    NeedType,
    Relation,
    Source,
    TimeState,
    ValueTier,
)


def _choices(choices: type, blank: bool = True) -> list[tuple[str, Any]]:
    return ([("", "—")] if blank else []) + list(choices.choices)


class DateInput(forms.DateInput):
    input_type = "date"


def _text(label: Any, *, max_length: int = 255, required: bool = False, **attrs: Any) -> forms.CharField:
    # Lengths are checked by the services; the limit here only stops absurd input early.
    return forms.CharField(label=label, required=required, max_length=max_length * 4,
                           widget=forms.TextInput(attrs=attrs) if attrs else None)


def _date(label: Any) -> forms.CharField:
    # A CharField, so the services' date parser (and its message) decides what is a date.
    return forms.CharField(label=label, required=False, widget=DateInput())


class ServiceForm(forms.Form):
    """A form whose validation errors may also come from a service."""

    def add_service_errors(self, exc: ServiceError) -> None:
        errors = dict(exc.errors)
        if not errors:
            self.add_error(None, exc.message)
            return
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "merge_into", "to_pool")}

    def service_options(self) -> dict[str, Any]:
        """Keyword arguments for the service besides `data`."""
        return {}


class CustomerForm(ServiceForm):
    kind = forms.ChoiceField(label=_("kind"), choices=_choices(CustomerKind, blank=False), required=False)
    name = _text(_("name"), max_length=200)
    phone = _text(_("phone"), max_length=40, inputmode="tel")
    credit_code = _text(_("unified social credit code"), max_length=18)
    email = _text(_("e-mail"), max_length=254, inputmode="email")
    industry = _text(_("industry"), max_length=60)
    province = _text(_("province"), max_length=30)
    city = _text(_("city"), max_length=30)
    district = _text(_("district"), max_length=30)
    address = _text(_("address"))
    source = forms.ChoiceField(label=_("source"), choices=_choices(Source), required=False)
    value_tier = forms.ChoiceField(label=_("value tier"), choices=_choices(ValueTier), required=False)
    time_state = forms.ChoiceField(label=_("time state"), choices=_choices(TimeState, blank=False), required=False)
    relation = forms.ChoiceField(label=_("internal/external"), choices=_choices(Relation, blank=False),
                                 required=False)
    need_type = forms.ChoiceField(label=_("need type"), choices=_choices(NeedType), required=False)
    behaviour_type = forms.ChoiceField(label=_("behavioural type"), choices=_choices(BehaviourType),
                                       required=False)
    tags = _text(_("tags"), max_length=400, placeholder=_("separated by commas"))
    notes = forms.CharField(label=_("notes"), required=False, max_length=40000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    # Optimistic lock on edit; confirmed merge on create.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    merge_into = forms.IntegerField(required=False, widget=forms.HiddenInput)

    PROFILE = ["kind", "name", "phone", "email", "credit_code", "industry"]
    REGION = ["province", "city", "district", "address"]
    CLASSIFICATION = ["source", "value_tier", "time_state", "relation", "need_type", "behaviour_type", "tags"]

    def __init__(self, *args: Any, with_pool_choice: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_pool_choice:
            self.fields["to_pool"] = forms.BooleanField(
                label=_("Put into the pool (no owner)"), required=False
            )

    def group(self, names: list[str]) -> list[forms.BoundField]:
        return [self[n] for n in names]

    def profile_fields(self) -> list[forms.BoundField]:
        return self.group(self.PROFILE)

    def region_fields(self) -> list[forms.BoundField]:
        return self.group(self.REGION)

    def classification_fields(self) -> list[forms.BoundField]:
        return self.group(self.CLASSIFICATION)

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        data["tags"] = [t.strip() for t in data.get("tags", "").replace("，", ",").split(",") if t.strip()]
        return data


class ContactForm(ServiceForm):
    name = _text(_("name"), max_length=60)
    title = _text(_("title"), max_length=60)
    mobile = _text(_("mobile"), max_length=40, inputmode="tel")
    phone = _text(_("office phone"), max_length=40, inputmode="tel")
    email = _text(_("e-mail"), max_length=254)
    wechat = _text(_("WeChat id"), max_length=60)
    birthday = _date(_("birthday"))
    is_decision_maker = forms.BooleanField(label=_("decision maker"), required=False)
    notes = _text(_("notes"))
    confirm_duplicate = forms.BooleanField(label=_("Add it even though another customer has this number"),
                                           required=False)

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "confirm_duplicate"}

    def service_options(self) -> dict[str, Any]:
        return {"confirm_duplicate": self.cleaned_data["confirm_duplicate"]}


class FollowUpForm(ServiceForm):
    channel = forms.ChoiceField(label=_("channel"), choices=_choices(Channel), required=False)
    contact_id = forms.TypedChoiceField(label=_("contact"), required=False, coerce=int, empty_value=None)
    content = forms.CharField(label=_("content"), required=False, max_length=40000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    outcome = _text(_("outcome"))
    next_date = _date(_("next follow-up"))

    def __init__(self, *args: Any, contacts: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_id"].choices = [("", "—")] + [(c.pk, c.name) for c in contacts]


class EquipmentForm(ServiceForm):
    name = _text(_("product"), max_length=100)
    model = _text(_("model"), max_length=60)
    serial_number = _text(_("serial number"), max_length=60)
    installed_on = _date(_("in use since"))
    warranty_until = _date(_("warranty until"))
    notes = _text(_("notes"))


class LedgerForm(ServiceForm):
    kind = forms.ChoiceField(label=_("kind"), choices=_choices(LedgerKind), required=False)
    amount = _text(_("amount"), max_length=20, inputmode="decimal")
    date = _date(_("date"))
    due_date = _date(_("due date"))
    reference = _text(_("reference"), max_length=60)
    note = _text(_("note"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Dry run: check only, save nothing"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return upload
