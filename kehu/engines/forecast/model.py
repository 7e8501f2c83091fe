"""Weekly total with a linear trend × the week's interval profile; AHT per interval; backtest.

The model, for week ``w`` (0 = oldest), day position ``p`` and interval ``s``::

    calls[w, p, s] = total(w) × share[p, s]        total(w) = level + slope × (w − last)

* ``share`` is the interval profile of the week: each interval's part of the calls of the
  complete weeks (weeks without a missing day), summed over those weeks, so busy weeks
  weigh more; the shares of a week add up to 1.
* ``total(w)`` is each week's total (a week with missing days is scaled up by the share its
  observed days usually carry) fitted by least squares on the week number, weighted by
  the observed share. With fewer than three usable weeks there is no trend: the forecast
  repeats the average week and says so in ``warnings``.
* A negative extrapolated total is clipped to zero.
* AHT per (day position, interval) is the handle time of the history over the answered
  calls of that interval; where none were answered, the same interval of every day;
  then the whole history's AHT.

Missing days are NaN (a whole day); a zero is a real zero (nothing offered).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from kehu.engines.forecast.errors import ForecastError

Array = np.ndarray
MIN_TREND_WEEKS = 3


@dataclass(frozen=True)
class Model:
    """A fitted forecast: predict whole weeks after the history."""

    share: Array  # (7, slots), sums to 1
    level: float  # fitted total of the last history week
    slope: float  # change of the weekly total per week
    aht_s: Array | None  # (7, slots) seconds, or None without handle data
    weeks: int  # history weeks given
    usable_weeks: int  # weeks with at least one observed day
    warnings: tuple[str, ...] = field(default=())

    def totals(self, weeks_ahead: Iterable[int]) -> Array:
        h = np.asarray(list(weeks_ahead), float)
        return np.maximum(self.level + self.slope * h, 0.0)

    def predict(self, weeks_ahead: Iterable[int]) -> tuple[Array, Array | None]:
        """Calls (and AHT) for each week ahead (1 = the week right after the history):
        arrays of shape (len(weeks_ahead), 7, slots)."""
        totals = self.totals(weeks_ahead)
        calls = totals[:, None, None] * self.share[None, :, :]
        aht = None if self.aht_s is None else np.broadcast_to(self.aht_s, calls.shape).copy()
        return calls, aht


@dataclass(frozen=True)
class WeekError:
    """How one held-out week was forecast (percentages; None when nothing to compare)."""

    weeks_ago: int  # 1 = the last history week
    actual: float
    forecast: float
    mape: float | None
    wape: float | None


@dataclass(frozen=True)
class Backtest:
    weeks: tuple[WeekError, ...]
    mape: float | None
    wape: float | None
    forecast: Array  # (holdout, 7, slots) the forecast of the held-out weeks
    warnings: tuple[str, ...]


def _as_history(volume: Array) -> Array:
    v = np.asarray(volume, float)
    if v.ndim != 3 or v.shape[1] != 7 or v.shape[2] < 1 or v.shape[0] < 1:
        raise ForecastError(
            "History must have the shape (weeks, 7, intervals).", code="shape", shape=v.shape
        )
    if np.any(v[~np.isnan(v)] < 0):
        raise ForecastError("Call counts cannot be negative.", code="negative")
    # A day with any missing interval counts as missing as a whole.
    missing_day = np.isnan(v).any(axis=2)
    v = v.copy()
    v[missing_day] = np.nan
    return v


def _same_shape(a: Array | None, like: Array, name: str) -> Array | None:
    if a is None:
        return None
    out = np.asarray(a, float)
    if out.shape != like.shape:
        raise ForecastError(f"{name} must have the shape of the calls.", code="shape")
    if np.any(out[~np.isnan(out)] < 0):
        raise ForecastError(f"{name} cannot be negative.", code="negative")
    return out


def _aht(handled: Array, handle_s: Array, observed: Array) -> Array:
    n = np.where(observed[:, :, None], np.nan_to_num(handled), 0.0)
    h = np.where(observed[:, :, None], np.nan_to_num(handle_s), 0.0)
    total_n, total_h = n.sum(), h.sum()
    if total_n <= 0:
        raise ForecastError("No call of the history was answered.", code="no_handled")
    by_cell_n, by_cell_h = n.sum(axis=0), h.sum(axis=0)  # (7, slots)
    by_slot_n, by_slot_h = n.sum(axis=(0, 1)), h.sum(axis=(0, 1))  # (slots,)
    overall = total_h / total_n
    with np.errstate(invalid="ignore", divide="ignore"):
        slot = np.where(by_slot_n > 0, by_slot_h / by_slot_n, overall)
        cell = np.where(by_cell_n > 0, by_cell_h / by_cell_n, slot[None, :])
    return cell


def fit(
    volume: Array,
    handled: Array | None = None,
    handle_s: Array | None = None,
    *,
    trend: bool = True,
    min_trend_weeks: int = MIN_TREND_WEEKS,
) -> Model:
    """Fit the profile and the weekly trend; ``handled``/``handle_s`` give the AHT.

    The trend needs ``min_trend_weeks`` usable weeks: a line through two noisy weeks swings
    wildly, so with fewer the forecast repeats the weighted average week (warning
    ``no_trend``)."""
    v = _as_history(volume)
    n_weeks = v.shape[0]
    observed = ~np.isnan(v).any(axis=2)  # (weeks, 7)
    complete = observed.all(axis=1)
    if not complete.any():
        raise ForecastError("No week of the history is complete.", code="no_full_week")
    full = v[complete]
    grand = full.sum()
    if grand <= 0:
        raise ForecastError("The history has no calls.", code="no_volume")
    share = full.sum(axis=0) / grand

    # Each week's total, a week with missing days scaled up by its observed days' share.
    day_share = share.sum(axis=1)  # (7,)
    weight = (observed * day_share[None, :]).sum(axis=1)  # (weeks,)
    sums = np.nansum(v, axis=(1, 2))
    usable = weight > 0
    totals = np.where(usable, sums / np.where(usable, weight, 1.0), 0.0)

    warnings: list[str] = []
    t = np.arange(n_weeks, dtype=float) - (n_weeks - 1)  # 0 = the last history week
    if trend and usable.sum() >= max(min_trend_weeks, 2):
        w = weight[usable]
        x, y = t[usable], totals[usable]
        xm, ym = np.average(x, weights=w), np.average(y, weights=w)
        sxx = np.sum(w * (x - xm) ** 2)
        slope = float(np.sum(w * (x - xm) * (y - ym)) / sxx) if sxx > 0 else 0.0
        level = float(ym - slope * xm)
    else:
        if trend:
            warnings.append("no_trend")
        slope = 0.0
        level = float(np.average(totals[usable], weights=weight[usable]))
    if level + slope < 0:
        warnings.append("clipped_to_zero")

    aht = None
    if handled is not None and handle_s is not None:
        handled_a = _same_shape(handled, v, "handled")
        handle_a = _same_shape(handle_s, v, "handle_s")
        assert handled_a is not None and handle_a is not None
        aht = _aht(handled_a, handle_a, observed)
    return Model(
        share=share,
        level=level,
        slope=slope,
        aht_s=aht,
        weeks=n_weeks,
        usable_weeks=int(usable.sum()),
        warnings=tuple(warnings),
    )


def mape(actual: Array, forecast: Array) -> float | None:
    """Mean absolute percentage error (in %) over the intervals with calls; NaN ignored."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    keep = ~np.isnan(a) & (a > 0)
    if not keep.any():
        return None
    return float(np.mean(np.abs(f[keep] - a[keep]) / a[keep]) * 100)


def wape(actual: Array, forecast: Array) -> float | None:
    """Weighted absolute percentage error (in %): Σ|F − A| ÷ ΣA; safe with zero intervals."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    keep = ~np.isnan(a)
    total = a[keep].sum()
    if total <= 0:
        return None
    return float(np.abs(f[keep] - a[keep]).sum() / total * 100)


def backtest(
    volume: Array,
    handled: Array | None = None,
    handle_s: Array | None = None,
    *,
    holdout_weeks: int,
    trend: bool = True,
) -> Backtest:
    """Fit on all but the last ``holdout_weeks`` weeks, forecast those, and score them."""
    v = _as_history(volume)
    k = int(holdout_weeks)
    if k < 1 or v.shape[0] - k < 1:
        raise ForecastError(
            "Too few weeks to hold some out.", code="short_for_backtest", weeks=v.shape[0]
        )
    cut = v.shape[0] - k

    def head(a: Array | None) -> Array | None:
        return None if a is None else np.asarray(a, float)[:cut]

    model = fit(v[:cut], head(handled), head(handle_s), trend=trend)
    predicted, _ = model.predict(range(1, k + 1))
    actual = v[cut:]
    weeks = []
    for j in range(k):
        a, f = actual[j], predicted[j]
        seen = ~np.isnan(a)
        weeks.append(
            WeekError(
                weeks_ago=k - j,
                actual=float(np.nansum(a)),
                forecast=float(f[seen].sum()),
                mape=mape(a, f),
                wape=wape(a, f),
            )
        )
    return Backtest(
        weeks=tuple(weeks),
        mape=mape(actual, predicted),
        wape=wape(actual, predicted),
        forecast=predicted,
        warnings=model.warnings,
    )
