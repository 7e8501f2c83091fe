"""HTML forms of the knowledge base. They carry input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kehu.accounts.models import User
from kehu.customers.forms import ServiceForm
from kehu.knowledge.models import (
    CUSTOMER_TYPES,
    REQUEST_KINDS,
    Article,
    Category,
    Channel,
    Kind,
    Stage,
    TemplateKind,
)


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class ArticleForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=200, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=400,
                           help_text=_("Separated by commas."))
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}), max_length=20000,
                           help_text=_("For an FAQ entry: the one agreed answer. For a template: variables "
                                       "such as {customer.name}, {ticket.number}."))
    stage = forms.ChoiceField(label=_("Stage"), choices=_blank(Stage.choices), required=False)
    scenario = forms.SlugField(label=_("Difficult scenario"), max_length=50, required=False)
    customer_type = forms.ChoiceField(label=_("Customer type"), choices=_blank(CUSTOMER_TYPES), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.ANY)
    request_kind = forms.ChoiceField(label=_("Request kind"), choices=_blank(REQUEST_KINDS), required=False)
    question = forms.CharField(label=_("Question"), max_length=300, required=False)
    variants = forms.CharField(label=_("Other ways to ask"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 4}), help_text=_("One question per line."))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    review_date = forms.DateField(label=_("Review by"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    template_kind = forms.ChoiceField(label=_("Template kind"), choices=_blank(TemplateKind.choices),
                                      required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    note = forms.CharField(label=_("Note on this change"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.select_related("parent")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]

    def tag_names(self) -> list[str]:
        raw = self.cleaned_data.get("tags", "").replace("，", ",")
        return [t.strip() for t in raw.split(",") if t.strip()]

    def service_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("tags", "note")}

    @classmethod
    def initial_for(cls, article: Article) -> dict[str, Any]:
        """The form's starting values: the pending edit if there is one, else the live text."""
        pending = article.pending_version()
        data = {f: getattr(article, f) for f in cls.base_fields if f not in ("tags", "note", "category", "owner")}
        data.update(category=article.category_id, owner=article.owner_id,
                    tags=", ".join(article.tags.values_list("name", flat=True)))
        if pending is not None:
            fields = dict(pending.fields)
            data.update({k: v for k, v in fields.items() if k in cls.base_fields and k != "tags"})
            data.update(title=pending.title, body=pending.body, category=fields.get("category_id"),
                        tags=", ".join(fields.get("tags", [])))
        return data


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Why it is sent back"), max_length=255)
