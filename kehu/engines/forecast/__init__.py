"""Volume and handle-time forecasting by week and interval, plus roster coverage counting.

Pure numpy, no Django. History comes in as whole weeks aligned on the day the forecast
horizon starts from: ``volume[w, p, s]`` is the offered calls of week ``w`` (0 = oldest),
day position ``p`` (0..6, the same weekday in every week) and interval ``s`` of the day.

    from kehu.engines.forecast import fit, backtest
    model = fit(volume, handled, handle_s)
    calls, aht = model.predict([1, 2])   # the next two weeks, shape (2, 7, slots)
    errors = backtest(volume, handled, handle_s, holdout_weeks=2)
"""

from kehu.engines.forecast.coverage import Slot, Stint, productive_counts
from kehu.engines.forecast.errors import ForecastError
from kehu.engines.forecast.model import (
    MIN_TREND_WEEKS,
    Backtest,
    Model,
    WeekError,
    backtest,
    fit,
    mape,
    wape,
)

__all__ = [
    "MIN_TREND_WEEKS",
    "Backtest",
    "ForecastError",
    "Model",
    "Slot",
    "Stint",
    "WeekError",
    "backtest",
    "fit",
    "mape",
    "productive_counts",
    "wape",
]
