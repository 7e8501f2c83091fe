"""Assist engine: reads a customer's words and names emotion, type, request kind and urgency.

Pure Python + numpy/scipy (+ rjieba and OpenCC) at run time; scikit-learn only to train.
See docs/assist.md.

The names below load on first use: the Django apps import `labels` at start-up, and that
must not cost every process half a second of numpy, scipy and the segmenter.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "Analysis": "model", "AssistModel": "model", "load_model": "model",
    "evaluate": "training", "held_out_split": "training", "read_jsonl": "training",
    "retrain": "training", "shipped_corpus": "training", "train_model": "training",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
