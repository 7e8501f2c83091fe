"""The assist panel beside a ticket (or on a customer's page): what the customer's words
say and what to answer.

Loaded by htmx; an agent's ✓ or correction posts back here and the panel is drawn again
with the verdict (and, for the type, the matching strategy card).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kehu.assist import services
from kehu.assist.forms import FeedbackForm
from kehu.assist.models import AssistCorrection, LabelField
from kehu.core.errors import ServiceError
from kehu.core.schemas import MAX_ID
from kehu.customers.models import Customer
from kehu.service.models import Ticket

SCORE_KEYS = {"emotion": "emotion_score", "type": "type_scores", "kind": "kind_scores",
              "urgency": "urgency_score"}


@dataclass
class Subject:
    """What the panel is about: a ticket (and its customer, when the user may see who
    reported it) or a customer alone."""

    ticket: Ticket | None
    customer: Customer | None

    def url(self) -> str:
        return self.ticket.get_absolute_url() if self.ticket else self.customer.get_absolute_url()


def _id(raw: Any) -> int:
    if not (str(raw).isdecimal() and 0 < int(raw) <= MAX_ID):
        raise Http404
    return int(raw)


def _subject(request: HttpRequest, params: Any) -> Subject:
    if params.get("ticket"):
        qs = Ticket.objects.visible_to(request.user).select_related("customer")
        ticket = get_object_or_404(qs, pk=_id(params["ticket"]))
        return Subject(ticket, ticket.customer if ticket.reporter_visible_to(request.user) else None)
    if params.get("customer"):
        return Subject(None, get_object_or_404(Customer.objects.visible_to(request.user),
                                               pk=_id(params["customer"])))
    raise Http404


def _score(data: dict[str, Any], field: str) -> float | None:
    value = data.get(SCORE_KEYS[field])
    if isinstance(value, dict):
        value = value.get(data[field])
    return float(value) if isinstance(value, int | float) else None


def _rows(data: dict[str, Any], predicted: dict[str, str], verdicts: dict[str, AssistCorrection],
          on_record: str) -> list[dict[str, Any]]:
    """One row per label: the value in use, the model's guess, its reasons, the verdict."""
    return [{
        "field": field, "name": LabelField(field).label, "code": data[field],
        "label": data.get(f"{field}_label", data[field]), "score": _score(data, field),
        "predicted": predicted.get(field, data[field]), "reasons": data.get("reasons", {}).get(field, []),
        "verdict": verdicts.get(field), "on_record": field == "type" and bool(on_record),
        "predicted_label": services.vocabulary(field).get(predicted.get(field, ""), ""),
        "choices": services.vocabulary(field).items(),
    } for field in ("type", "emotion", "kind", "urgency")]


def _text(request: HttpRequest, subject: Subject) -> str:
    if subject.ticket:
        return services.ticket_text(subject.ticket)
    return services.customer_text(subject.customer, request.user)


def _render_panel(request: HttpRequest, subject: Subject, notice: str = "", error: str = "") -> HttpResponse:
    verdicts = services.confirmed_labels(ticket=subject.ticket, customer=subject.customer)
    overrides = {f: c.correct for f, c in verdicts.items()}
    # A type agents confirmed earlier is on the customer's record: it outweighs one message.
    on_record = subject.customer.behaviour_type if subject.customer and "type" not in verdicts else ""
    if on_record:
        overrides["type"] = on_record
    assisted = services.assist_run(text=_text(request, subject), ticket=subject.ticket, overrides=overrides)
    return render(request, "assist/_panel.html", {
        "subject": subject, "data": assisted.data, "rec": assisted.recommendation,
        "rows": _rows(assisted.data, assisted.predicted, verdicts, on_record),
        "notice": notice, "error": error,
    })


@login_required
@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    """`?ticket=<id>` beside a ticket, `?customer=<id>` on a customer's page."""
    return _render_panel(request, _subject(request, request.GET))


@login_required
@require_POST
def feedback(request: HttpRequest) -> HttpResponse:
    """Store an agent's ✓ or correction for one label of the panel's analysis."""
    subject = _subject(request, request.POST)
    form = FeedbackForm(request.POST)
    notice, error = "", ""
    if not form.is_valid():
        error = _("That verdict could not be read; choose a value and try again.")
    else:
        d = form.cleaned_data
        try:
            c = services.correction_record(
                by=request.user, field=d["field"], correct=d["correct"], predicted=d["predicted"],
                ticket=subject.ticket, customer=subject.customer, model_version=d["model_version"],
                text="" if subject.ticket else _text(request, subject))
        except ServiceError as exc:
            error = exc.message
        else:
            notice = _("Thank you: confirmed.") if c.confirms else _("Thank you: correction saved.")
    if not request.headers.get("HX-Request"):
        return redirect(subject.url())
    return _render_panel(request, subject, notice=notice, error=error)
