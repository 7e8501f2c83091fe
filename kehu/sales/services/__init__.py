"""Workflows of customer development, one module per process."""

from kehu.sales.services.leads import (
    lead_claim,
    lead_convert,
    lead_create,
    lead_duplicates,
    lead_release,
    lead_update,
)
from kehu.sales.services.opportunities import (
    forecast,
    opportunity_create,
    opportunity_move,
    opportunity_reopen,
)

__all__ = [
    "forecast", "lead_claim", "lead_convert", "lead_create", "lead_duplicates", "lead_release",
    "lead_update", "opportunity_create", "opportunity_move", "opportunity_reopen",
]
