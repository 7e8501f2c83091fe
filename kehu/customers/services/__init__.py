"""Workflows of the customer archive, one module per process."""

from kehu.customers.services.archive import (
    contact_create,
    contact_delete,
    contact_update,
    customer_create,
    customer_delete,
    customer_merge,
    customer_restore,
    customer_unmask,
    customer_update,
    equipment_create,
    find_duplicate,
    ledger_entry_create,
    trash_purge,
)
from kehu.customers.services.followups import followup_create, reminders_for
from kehu.customers.services.pool import customer_claim, customer_release, pool_sweep

__all__ = [
    "contact_create", "contact_delete", "contact_update", "customer_claim", "customer_create",
    "customer_delete", "customer_merge", "customer_release", "customer_restore", "customer_unmask",
    "customer_update", "equipment_create", "find_duplicate", "followup_create", "ledger_entry_create",
    "pool_sweep", "reminders_for", "trash_purge",
]
