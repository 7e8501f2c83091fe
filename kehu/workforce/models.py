"""Forecasting of volume and handle time, shifts and rosters (排班)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DAY_MIN = 1440
# How far a pre-shift meeting (班前会) may start before the shift, or a post-shift meeting
# (班后会) end after it, in minutes.
MEETING_REACH_MIN = 120


class IntervalLength(models.IntegerChoices):
    QUARTER = 15, _("15 minutes")
    HALF = 30, _("30 minutes")
    HOUR = 60, _("60 minutes")


class Forecast(models.Model):
    """Calls, AHT and required agents per interval for some days of one queue."""

    queue = models.ForeignKey("contact.Queue", on_delete=models.CASCADE,
                              related_name="forecasts", verbose_name=_("queue"))
    interval_min = models.PositiveSmallIntegerField(_("interval"), choices=IntervalLength.choices)
    start_date = models.DateField(_("first day"))
    days = models.PositiveSmallIntegerField(_("days"))
    history_weeks = models.PositiveSmallIntegerField(_("history weeks"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    # Targets and model figures: target_sl, answer_s, shrinkage, max_occupancy, level,
    # slope, weeks used, warnings.
    params = models.JSONField(_("parameters"), default=dict)
    # One entry per held-out week: weeks_ago, actual, forecast, mape, wape.
    backtest = models.JSONField(_("backtest"), default=list)
    mape = models.FloatField(_("backtest MAPE (%)"), null=True, blank=True)
    wape = models.FloatField(_("backtest WAPE (%)"), null=True, blank=True)

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        indexes = [models.Index(fields=["queue", "interval_min", "start_date"],
                                name="forecast_queue_day")]

    def __str__(self) -> str:
        return f"{self.queue} {self.start_date} +{self.days}"

    @property
    def end_date(self) -> dt.date:
        """The first day after the forecast."""
        return self.start_date + dt.timedelta(days=self.days)


class ForecastInterval(models.Model):
    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="intervals",
                                 verbose_name=_("forecast"))
    start = models.DateTimeField(_("start"))
    calls = models.FloatField(_("calls"))
    aht_s = models.FloatField(_("AHT (s)"))
    agents = models.PositiveIntegerField(_("agents"))
    scheduled = models.PositiveIntegerField(_("agents with shrinkage"))

    class Meta:
        verbose_name = _("forecast interval")
        verbose_name_plural = _("forecast intervals")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["forecast", "start"], name="forecast_interval_once"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} {self.calls:.1f}"


def minute_of(t: dt.time) -> int:
    return t.hour * 60 + t.minute


class Shift(models.Model):
    """A shift template (班次): from start to end, crossing midnight when end ≤ start."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["start", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def span(self) -> tuple[int, int]:
        """[start, end) in minutes from the midnight of the shift's day; end > 1440 overnight."""
        start, end = minute_of(self.start), minute_of(self.end)
        return start, end + DAY_MIN if end <= start else end

    def crosses_midnight(self) -> bool:
        return self.span()[1] > DAY_MIN

    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class SlotKind(models.TextChoices):
    BREAK = "break", _("Break")
    MEAL = "meal", _("Meal")
    MEETING_BEFORE = "meeting_before", _("Pre-shift meeting")
    MEETING_AFTER = "meeting_after", _("Post-shift meeting")


class ShiftSlot(models.Model):
    """Non-productive time of a shift: a break, a meal or a shift meeting (班前会/班后会)."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="slots",
                              verbose_name=_("shift"))
    kind = models.CharField(_("kind"), max_length=20, choices=SlotKind.choices)
    start = models.TimeField(_("start"))
    duration_min = models.PositiveSmallIntegerField(_("duration (minutes)"))

    class Meta:
        verbose_name = _("break or meeting")
        verbose_name_plural = _("breaks and meetings")
        ordering = ["shift", "start"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%H:%M} {self.duration_min}′"

    def span_in(self, shift_start: int) -> tuple[int, int]:
        """[start, end) on the shift's minute scale: a time well before the shift's start
        belongs to the next day (a night shift's break after midnight)."""
        start = minute_of(self.start)
        if start < shift_start - MEETING_REACH_MIN:
            start += DAY_MIN
        return start, start + self.duration_min


class ScheduleEntry(models.Model):
    """An agent's day on the roster: one shift, or a day off (shift empty)."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="schedule", verbose_name=_("agent"))
    date = models.DateField(_("date"))
    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="entries", verbose_name=_("shift"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(fields=["agent", "date"], name="schedule_one_per_agent_day"),
        ]
        indexes = [models.Index(fields=["date"], name="schedule_day")]

    def __str__(self) -> str:
        return f"{self.agent} {self.date} {self.shift or '-'}"

    @property
    def day_off(self) -> bool:
        return self.shift_id is None
