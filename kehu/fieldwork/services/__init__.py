"""Workflows of the fieldwork app, one module per process."""

from kehu.fieldwork.services.reports import (
    report_comment,
    report_draft,
    report_refresh,
    report_submit,
    report_update,
    supervisor_of,
)
from kehu.fieldwork.services.targets import target_set, targets_with_attainment
from kehu.fieldwork.services.visits import (
    visit_cancel,
    visit_check_in,
    visit_move,
    visit_plan,
    visit_record,
    visit_set_appointment,
)

__all__ = [
    "report_comment", "report_draft", "report_refresh", "report_submit", "report_update", "supervisor_of",
    "target_set", "targets_with_attainment", "visit_cancel", "visit_check_in", "visit_move", "visit_plan",
    "visit_record", "visit_set_appointment",
]
