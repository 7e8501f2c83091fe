"""Assist engine: reads a customer's words and names emotion, type, request kind and urgency.

Pure Python + numpy/scipy (+ rjieba and OpenCC) at run time; scikit-learn only to train.
See docs/assist.md.
"""

from kehu.engines.assist.model import Analysis, AssistModel, load_model
from kehu.engines.assist.training import (
    evaluate,
    held_out_split,
    read_jsonl,
    retrain,
    shipped_corpus,
    train_model,
)

__all__ = [
    "Analysis",
    "AssistModel",
    "evaluate",
    "held_out_split",
    "load_model",
    "read_jsonl",
    "retrain",
    "shipped_corpus",
    "train_model",
]
