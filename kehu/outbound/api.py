"""JSON API of the outbound app. Handlers parse, call one service, respond."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Outbound campaigns"])
