"""Building a forecast: history → engine → Erlang C → Forecast and its interval rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.contact.models import Queue
from kehu.contact.staffing import DEFAULT_TARGET_SL, invalid
from kehu.core.audit import log_action
from kehu.core.errors import InvalidInput
from kehu.engines.erlang import StaffingError, Targets, solve_many
from kehu.engines.forecast import MIN_TREND_WEEKS, ForecastError, backtest, fit
from kehu.workforce.access import require_planner
from kehu.workforce.history import first_call_day, interval_history, local_midnight
from kehu.workforce.models import Forecast, ForecastInterval, IntervalLength

MAX_DAYS = 31
MAX_HISTORY_WEEKS = 52


def _check(*, days: int, interval_min: int, history_weeks: int) -> None:
    if interval_min not in IntervalLength.values:
        raise InvalidInput(_("The interval must be 15, 30 or 60 minutes."), field="interval_min")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            _("Forecast between 1 and %(n)s days at a time.") % {"n": MAX_DAYS}, field="days"
        )
    if not 1 <= history_weeks <= MAX_HISTORY_WEEKS:
        raise InvalidInput(
            _("Use between 1 and %(n)s weeks of history.") % {"n": MAX_HISTORY_WEEKS},
            field="history_weeks",
        )


def _engine_error(exc: ForecastError, queue: Queue) -> InvalidInput:
    messages = {
        "no_volume": _("Queue %(queue)s had no calls in the history weeks."),
        "no_handled": _(
            "No call of queue %(queue)s was answered in the history weeks, "
            "so there is no handle time to plan with."
        ),
        "no_full_week": _("Queue %(queue)s has no complete week of history."),
    }
    text = messages.get(exc.code, _("The history of queue %(queue)s cannot be forecast."))
    return InvalidInput(text % {"queue": queue}, field="queue")


def _warnings(*, codes: tuple[str, ...], asked: int, used: int, since: dt.date,
              backtested: bool) -> list[str]:
    out = []
    if used < asked:
        out.append(
            _("Full weeks of history available: %(n)s (calls since %(day)s); the forecast "
              "uses those.")
            % {"n": used, "day": since.isoformat()}
        )
    if "no_trend" in codes and used < MIN_TREND_WEEKS:
        out.append(_("With fewer than %(n)s weeks of history the forecast has no trend: it "
                     "repeats the average week.") % {"n": MIN_TREND_WEEKS})
    if "clipped_to_zero" in codes:
        out.append(_("The falling trend reaches zero calls; those weeks are forecast as zero."))
    if not backtested:
        out.append(_("Too little history to hold a week out: no backtest error."))
    return out


def forecast_build(
    *,
    queue: Queue,
    start_date: dt.date,
    days: int,
    interval_min: int,
    history_weeks: int,
    by: Any,
    target_sl: float = DEFAULT_TARGET_SL,
    answer_s: float | None = None,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
    today: dt.date | None = None,
) -> Forecast:
    """Forecast `days` days of `queue` from the full weeks before `start_date` (or today, if
    that is earlier) and staff each interval by Erlang C. Raises InvalidInput / NotAllowed."""
    require_planner(by)
    _check(days=days, interval_min=interval_min, history_weeks=history_weeks)
    targets = Targets(
        interval_s=interval_min * 60.0,
        answer_s=float(queue.service_level_s if answer_s is None else answer_s),
        target_sl=target_sl,
        shrinkage=shrinkage,
        max_occupancy=max_occupancy,
    )
    history_end = min(start_date, today or timezone.localdate())
    since = first_call_day(queue)
    if since is None:
        raise InvalidInput(
            _("Queue %(queue)s has no calls yet, so there is nothing to forecast from.")
            % {"queue": queue},
            field="queue",
        )
    weeks = min(history_weeks, (history_end - since).days // 7)
    if weeks < 1:
        raise InvalidInput(
            _("Queue %(queue)s has calls only since %(day)s: a forecast needs at least one "
              "full week of history.") % {"queue": queue, "day": since.isoformat()},
            field="queue",
        )
    slots = 1440 // interval_min
    first_day = history_end - dt.timedelta(days=7 * weeks)
    h = interval_history(queue=queue, first_day=first_day, days=7 * weeks,
                         interval_min=interval_min)
    cube = [a.reshape(weeks, 7, slots) for a in (h.offered, h.handled, h.handle_s)]
    try:
        model = fit(*cube)
        # Hold out 2 weeks when at least 3 (enough for a trend) remain to fit on.
        holdout = 2 if weeks >= MIN_TREND_WEEKS + 2 else 1
        test = backtest(*cube, holdout_weeks=holdout) if weeks >= 2 else None
    except ForecastError as exc:
        raise _engine_error(exc, queue) from exc

    # Day i of the forecast is `gap` days after the history: week gap // 7 + 1 ahead,
    # at day position gap % 7 (the same weekday as that position in every history week).
    offsets = [(start_date - history_end).days + i for i in range(days)]
    ahead = sorted({g // 7 + 1 for g in offsets})
    calls_w, aht_w = model.predict(ahead)
    assert aht_w is not None
    index = {w: n for n, w in enumerate(ahead)}
    calls = np.concatenate([calls_w[index[g // 7 + 1], g % 7] for g in offsets])
    aht = np.concatenate([aht_w[index[g // 7 + 1], g % 7] for g in offsets])
    try:
        plan = solve_many(calls, np.where(aht > 0, aht, 1.0), targets)
    except StaffingError as exc:
        raise invalid(exc) from exc

    params = {
        "target_sl": target_sl, "answer_s": targets.answer_s, "shrinkage": shrinkage,
        "max_occupancy": max_occupancy, "weeks_used": weeks, "history_from": first_day.isoformat(),
        "history_to": history_end.isoformat(), "weekly_level": model.level,
        "weekly_slope": model.slope, "holdout_weeks": len(test.weeks) if test else 0,
        "warnings": _warnings(codes=model.warnings + (test.warnings if test else ()),
                              asked=history_weeks, used=weeks, since=since,
                              backtested=test is not None),
    }
    weeks_json = [
        {"weeks_ago": w.weeks_ago, "actual": w.actual, "forecast": w.forecast,
         "mape": w.mape, "wape": w.wape}
        for w in (test.weeks if test else ())
    ]
    with transaction.atomic():
        forecast = Forecast.objects.create(
            queue=queue, interval_min=interval_min, start_date=start_date, days=days,
            history_weeks=history_weeks, created_by=by if getattr(by, "pk", None) else None,
            params=params, backtest=weeks_json,
            mape=test.mape if test else None, wape=test.wape if test else None,
        )
        step = dt.timedelta(minutes=interval_min)
        rows = []
        for i in range(days):
            midnight = local_midnight(start_date + dt.timedelta(days=i))
            for s in range(slots):
                k = i * slots + s
                rows.append(ForecastInterval(
                    forecast=forecast, start=midnight + s * step, calls=float(calls[k]),
                    aht_s=float(aht[k]), agents=int(plan.agents[k]),
                    scheduled=int(plan.scheduled[k]),
                ))
        ForecastInterval.objects.bulk_create(rows, batch_size=1000)
        log_action("workforce.forecast.built", actor=by, obj=forecast, changes={
            "queue": queue.code, "start_date": start_date, "days": days,
            "interval_min": interval_min, "mape": forecast.mape,
        })
    return forecast
