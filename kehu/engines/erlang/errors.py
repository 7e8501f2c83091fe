"""The one exception of the staffing engine: an input it cannot plan for."""

from __future__ import annotations

from typing import Any


class StaffingError(ValueError):
    """Staffing inputs out of range, or a load no sane number of agents can carry.

    `code` names the problem and `params` its details so an application can say it in the
    user's language; `field` names the input at fault (``calls``, ``aht_s``, ``interval_s``,
    ``target_sl``, ``answer_s``, ``target_asa_s``, ``shrinkage``, ``max_occupancy``,
    ``patience_s``).
    """

    def __init__(self, message: str, *, code: str, field: str, **params: Any):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.params = params
