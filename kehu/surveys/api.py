"""JSON API of the satisfaction measurement app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Satisfaction measurement"])
