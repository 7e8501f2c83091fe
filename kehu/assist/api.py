"""JSON API of the agent assist app: analyse a text, take an agent's verdict on a label."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from kehu.assist import services
from kehu.assist.models import AssistCorrection
from kehu.assist.schemas import AssistIn, AssistOut, FeedbackIn, FeedbackOut
from kehu.core.schemas import Message
from kehu.customers.models import Customer
from kehu.service.models import Ticket

router = Router(tags=["Agent assist"])


def _ticket(request: HttpRequest, ticket_id: int | None) -> Ticket | None:
    if ticket_id is None:
        return None
    return get_object_or_404(Ticket.objects.visible_to(request.user).select_related("customer"), pk=ticket_id)


def _customer(request: HttpRequest, customer_id: int | None) -> Customer | None:
    if customer_id is None:
        return None
    return get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)


@router.post("/assist", response={200: AssistOut, 404: Message, 422: Message},
             summary="Read a customer's words: emotion, type, request kind, urgency and what to say")
def assist(request: HttpRequest, payload: AssistIn) -> dict[str, Any]:
    return services.assist_analyse(text=payload.text, user=request.user,
                                   ticket=_ticket(request, payload.ticket_id),
                                   customer=_customer(request, payload.customer_id))


def feedback_out(c: AssistCorrection) -> dict[str, Any]:
    customer_type = None
    if c.customer_id is not None and c.field == "type":
        customer_type = Customer.objects.filter(pk=c.customer_id).values_list(
            "behaviour_type", flat=True).first()
    return {"id": c.pk, "field": c.field, "predicted": c.predicted, "correct": c.correct,
            "model_version": c.model_version, "ticket_id": c.ticket_id, "customer_id": c.customer_id,
            "created_by": c.created_by.username if c.created_by else "",
            "created_at": c.created_at.isoformat(), "customer_type": customer_type}


@router.post("/assist/feedback", response={201: FeedbackOut, 404: Message, 422: Message},
             summary="Confirm or correct one label (the customer's type is stored on the customer)")
def feedback(request: HttpRequest, payload: FeedbackIn) -> Status:
    correction = services.correction_record(
        by=request.user, field=payload.field, correct=payload.correct, predicted=payload.predicted,
        text=payload.text, ticket=_ticket(request, payload.ticket_id),
        customer=_customer(request, payload.customer_id), model_version=payload.model_version)
    return Status(201, feedback_out(correction))
