"""Workflows of the service desk, one module per process."""

from kehu.service.services.dispatch import ticket_dispatch, work_order_answer
from kehu.service.services.sla import escalation_acknowledge, escalations_for, sla_sweep
from kehu.service.services.tickets import (
    ANSWER_RELATED,
    complaint_step_record,
    next_ticket_number,
    ticket_accept,
    ticket_attach,
    ticket_close,
    ticket_create,
    ticket_link,
    ticket_make_master,
    ticket_merge,
    ticket_reopen,
    ticket_reply,
    ticket_resolve,
    ticket_start,
    ticket_update,
)
from kehu.service.services.visits import plan_return_visit, return_visit_record

__all__ = [
    "ANSWER_RELATED", "complaint_step_record", "escalation_acknowledge", "escalations_for", "next_ticket_number",
    "plan_return_visit", "return_visit_record", "sla_sweep", "ticket_accept", "ticket_attach",
    "ticket_close", "ticket_create", "ticket_dispatch", "ticket_link", "ticket_make_master",
    "ticket_merge", "ticket_reopen", "ticket_reply", "ticket_resolve", "ticket_start", "ticket_update",
    "work_order_answer",
]
