"""Outbound workflows, one module per process: campaigns, call lists, calls, do-not-call list."""

from kehu.outbound.services.calls import (
    LEASE,
    OutsideCallingHours,
    attempt_record,
    check_can_work,
    entry_held,
    entry_next,
    entry_release,
)
from kehu.outbound.services.campaigns import campaign_create, campaign_set_status, campaign_update
from kehu.outbound.services.dnc import can_remove_dnc, dnc_add, dnc_remove
from kehu.outbound.services.targets import (
    LoadReport,
    entries_from_file,
    entries_from_filter,
    entries_from_rows,
    entries_load,
)

__all__ = [
    "LEASE", "LoadReport", "OutsideCallingHours", "attempt_record", "campaign_create", "campaign_set_status",
    "campaign_update", "can_remove_dnc", "check_can_work", "dnc_add", "dnc_remove", "entries_from_file",
    "entries_from_filter", "entries_from_rows", "entries_load", "entry_held", "entry_next", "entry_release",
]
