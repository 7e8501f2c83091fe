"""JSON API of the knowledge base app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Knowledge base"])
