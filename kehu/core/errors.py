"""Errors that services raise and views/API handlers turn into user messages."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str = "", errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.errors = {k: str(v) for k, v in (errors or {}).items()}


class InvalidInput(ServiceError):
    """Some fields are wrong; `errors` maps each to what is wrong with it."""

    status = 422


class Conflict(ServiceError):
    status = 409

    def __init__(self, message: str, *, field: str = "", existing_id: int | None = None):
        super().__init__(message, field=field)
        self.existing_id = existing_id


class NotAllowed(ServiceError):
    status = 403
