"""JSON API of the fieldwork app. Handlers parse, call one service, respond."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Visits and work reports"])
