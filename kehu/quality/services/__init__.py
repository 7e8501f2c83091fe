"""Workflows of quality monitoring, one module per process; every change is audited."""

from kehu.quality.services.flow import evaluation_acknowledge, evaluation_appeal, evaluation_decide
from kehu.quality.services.library import library_add
from kehu.quality.services.sampling import SampleResult, evaluations_sample, parse_week
from kehu.quality.services.scoring import (
    evaluation_create,
    evaluation_record,
    evaluation_score,
    remark_add,
)

__all__ = [
    "SampleResult", "evaluation_acknowledge", "evaluation_appeal", "evaluation_create", "evaluation_decide",
    "evaluation_record", "evaluation_score", "evaluations_sample", "library_add", "parse_week", "remark_add",
]
