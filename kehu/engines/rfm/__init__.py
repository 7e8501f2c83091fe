"""RFM scores, the value pyramid, lifecycle states and churn risk (pure numpy).

Input is one row per customer as parallel arrays (see `CustomerArrays`); output is a
`Result` of parallel arrays plus per-customer reason lists. No Django, no kehu imports:
the insights app turns database aggregates into these arrays and writes the result back.
"""

from kehu.engines.rfm.core import (
    Config,
    CustomerArrays,
    PyramidCutoffs,
    Result,
    analyse,
    churn,
    lifecycle,
    pyramid,
    quantile_scores,
    segments,
)

__all__ = [
    "Config", "CustomerArrays", "PyramidCutoffs", "Result", "analyse", "churn", "lifecycle",
    "pyramid", "quantile_scores", "segments",
]
