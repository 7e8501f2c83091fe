"""JSON API of the customer development app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Customer development"])
