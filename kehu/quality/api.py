"""JSON API of the quality app. Handlers parse, call one service, respond."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Quality monitoring"])
