"""The one exception of the PLS engine: what is wrong with the model or the data."""

from __future__ import annotations

from typing import Any


class ModelError(ValueError):
    """A model or data set the engine cannot estimate.

    `code` names the kind of problem and `params` its details (construct, item, row), so an
    application can show the message in the user's language; `field` says where it lies
    ("model", "data" or an option name).
    """

    def __init__(self, message: str, *, code: str, field: str = "model", **params: Any):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.params = params
