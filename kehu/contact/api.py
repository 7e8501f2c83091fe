"""JSON API of the contact center app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Contact center"])
