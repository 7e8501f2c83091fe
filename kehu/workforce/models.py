"""Forecasting of volume and handle time, shifts and rosters (排班)."""

from __future__ import annotations
