"""API shapes shared by every app's router."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from ninja import Schema

# The largest primary key: SQLite fails on larger integers rather than finding nothing, so a
# bigger id in a path or body is answered as not found.
MAX_ID = 2**63 - 1


class Message(Schema):
    """Every API error: what is wrong, on which field, and for a duplicate the existing record."""

    message: str
    field: str = ""
    existing_id: int | None = None


# The error answers most write endpoints declare.
ERRORS: dict[int, Any] = {400: Message, 403: Message, 404: Message, 409: Message, 422: Message}


def id_or_404(value: int | None) -> int:
    """A path or body id that can exist, or Http404."""
    if value is None or not 0 < value <= MAX_ID:
        raise Http404
    return value
