"""JSON API of the agent assist app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Agent assist"])
