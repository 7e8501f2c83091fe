"""Outbound campaigns (呼出): call lists, attempts, retries, do-not-call list."""

from __future__ import annotations
