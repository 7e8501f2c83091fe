"""API shapes shared by every app's router."""

from __future__ import annotations

from ninja import Schema


class Message(Schema):
    """Every API error: what is wrong, on which field, and for a duplicate the existing record."""

    message: str
    field: str = ""
    existing_id: int | None = None
