"""Forms of the public request page (/help/): what a customer may type, checked in their language.

The ticket rules themselves live in kehu.service.validation (via ticket_create); these forms
catch what a customer gets wrong before anything is saved, so every error comes back on the
form with all typed fields kept.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kehu.core.errors import ServiceError
from kehu.core.phones import PhoneError, normalize_phone
from kehu.service.choices import TicketKind
from kehu.service.services.attachments import attachment_problem, safe_filename
from kehu.service.validation import MAX_DESCRIPTION, TEXT_LIMITS

# What a customer may ask for; emergency repairs go to the hotline, "other" is for agents.
PUBLIC_KINDS = (TicketKind.INQUIRY, TicketKind.REPAIR, TicketKind.COMPLAINT, TicketKind.REPORT,
                TicketKind.SUGGESTION)
MAX_FILES = 5
MAX_REPLY = 20_000

# The service's field names → this form's, so a service error lands on the right field.
SERVICE_FIELDS = {"caller_phone": "phone", "phone": "phone", "caller_email": "email",
                  "caller_name": "name", "title": "title", "description": "description", "kind": "kind"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose…"))] + [(k.value, k.label) for k in PUBLIC_KINDS],
    )
    title = forms.CharField(label=_("Subject"), required=False, max_length=TEXT_LIMITS["title"],
                            help_text=_("Optional; the start of your description is used otherwise."))
    description = forms.CharField(label=_("Description"), max_length=MAX_DESCRIPTION,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=_("Your name"), required=False, max_length=TEXT_LIMITS["caller_name"],
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    anonymous = forms.BooleanField(
        label=_("Report anonymously"), required=False,
        help_text=_("Only for reports: your name and contact details are shown only to authorised staff."),
    )
    files = MultipleFileField(label=_("Attachments"), required=False)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone:
            try:
                normalize_phone(phone)
            except PhoneError:
                # PhoneError carries a code ("unrecognised"), not a sentence for customers.
                raise forms.ValidationError(
                    _("Enter a phone number we can call, e.g. 138 1234 5678 or 0571-8765 4321."),
                ) from None
        return phone

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most %(n)d files, please.") % {"n": MAX_FILES})
        # The same name and check as attachment_add, so nothing is refused after the ticket exists.
        problems = [attachment_problem(safe_filename(f.name or ""), f.size or 0) for f in files]
        problems = [p for p in problems if p]
        if problems:
            raise forms.ValidationError(problems)
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.has_error("phone") and not self.has_error("email") \
                and not cleaned.get("phone") and not cleaned.get("email"):
            self.add_error("phone", _("Give a phone number or an e-mail address, so we can reach you "
                                      "and you can follow your request."))
        # Anonymity is a promise made for reports only; other kinds keep the caller visible.
        cleaned["anonymous"] = bool(cleaned.get("anonymous")) and cleaned.get("kind") == TicketKind.REPORT
        return cleaned

    def ticket_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"kind": data["kind"], "channel": "web", "title": data["title"],
                "description": data["description"], "caller_name": data["name"],
                "caller_phone": data["phone"], "caller_email": data["email"], "anonymous": data["anonymous"]}

    def add_service_errors(self, exc: ServiceError) -> None:
        if not exc.errors:
            self.add_error(None, exc.message)
        for field, message in exc.errors.items():
            self.add_error(SERVICE_FIELDS.get(field), message)


class ProofForm(forms.Form):
    contact = forms.CharField(label=_("The phone number or e-mail address you gave"), max_length=254,
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=32,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}))

    def clean_code(self) -> str:
        # People copy codes with spaces or dashes, and in either case.
        code = re.sub(r"[\s\-]+", "", self.cleaned_data["code"]).upper()
        if not re.fullmatch(r"[0-9A-Z]{4,32}", code):
            raise forms.ValidationError(_("A tracking code has only letters and digits, e.g. 3FA94C0B12."))
        return code


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=MAX_REPLY,
                           widget=forms.Textarea(attrs={"rows": 4}))
