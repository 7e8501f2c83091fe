"""JSON API of the insights app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Insights"])
