"""Quality monitoring (质检): scoring forms, sampling, scores, appeals, coaching library."""

from __future__ import annotations
