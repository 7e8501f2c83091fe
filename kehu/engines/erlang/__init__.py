"""Erlang C / Erlang A staffing: pure numpy/scipy, no Django.

from kehu.engines.erlang import Targets, solve
solve(100, 180, Targets(interval_s=1800, target_sl=0.8, answer_s=20,
                        max_occupancy=0.85, shrinkage=0.3))  # 14 agents, 20 scheduled
"""

from kehu.engines.erlang.errors import StaffingError
from kehu.engines.erlang.queues import Measures, erlang_a, erlang_c
from kehu.engines.erlang.solve import (
    MAX_AGENTS,
    Plan,
    Staffing,
    Targets,
    measures,
    solve,
    solve_many,
)

__all__ = [
    "MAX_AGENTS",
    "Measures",
    "Plan",
    "Staffing",
    "StaffingError",
    "Targets",
    "erlang_a",
    "erlang_c",
    "measures",
    "solve",
    "solve_many",
]
