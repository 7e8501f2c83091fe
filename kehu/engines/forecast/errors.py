"""The one exception of the forecast engine."""

from __future__ import annotations

from typing import Any


class ForecastError(ValueError):
    """History the engine cannot forecast from, or arrays of the wrong shape.

    `code` names the problem so an application can say it in the user's language:
    ``shape`` (arrays disagree), ``negative`` (negative counts), ``no_full_week``
    (no week without a missing day), ``no_volume`` (nothing ever offered).
    """

    def __init__(self, message: str, *, code: str, **params: Any):
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params
