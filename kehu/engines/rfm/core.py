"""The RFM / pyramid / lifecycle / churn computations over parallel numpy arrays.

Conventions: one position per customer in every array; a day count of NaN means "never"
(no purchase, no contact); money is a plain float in the ledger's currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

TIERS = ("key", "quality", "general", "marginal")
STATES = ("potential", "current", "past", "lost")
LEVELS = ("low", "medium", "high")
SEGMENTS = (
    "champions", "loyal", "new", "promising", "cant_lose", "at_risk", "hibernating", "prospect",
)


@dataclass(frozen=True)
class PyramidCutoffs:
    """Where the pyramid's tiers end.

    by="share": cumulative shares of the paying customers ranked by money, so the defaults
    read "top 1 % key, the next 4 % quality, the next 15 % general, the rest marginal".
    by="amount": the least money (in the ledger's currency) that puts a customer in a tier.
    """

    by: str = "share"
    key: float = 0.01
    quality: float = 0.05
    general: float = 0.20

    def __post_init__(self) -> None:
        if self.by not in ("share", "amount"):
            raise ValueError(f"pyramid cut-offs: by must be 'share' or 'amount', not {self.by!r}")
        if self.by == "share" and not 0 <= self.key <= self.quality <= self.general <= 1:
            raise ValueError("pyramid shares must satisfy 0 <= key <= quality <= general <= 1")
        if self.by == "amount" and not self.key >= self.quality >= self.general >= 0:
            raise ValueError("pyramid amounts must satisfy key >= quality >= general >= 0")

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None) -> PyramidCutoffs:
        data = dict(data or {})
        return cls(by=str(data.pop("by", "share")), **{k: float(v) for k, v in data.items()})


@dataclass(frozen=True)
class Config:
    bins: int = 5
    # Optional fixed cut-offs instead of quantiles (bins - 1 ascending values each):
    # recency in days (at most the first value scores best), frequency and money
    # (reaching a value moves one score up).
    r_cutoffs: tuple[float, ...] | None = None
    f_cutoffs: tuple[float, ...] | None = None
    m_cutoffs: tuple[float, ...] | None = None
    pyramid: PyramidCutoffs = field(default_factory=PyramidCutoffs)
    past_days: int = 365
    lost_days: int = 730
    # Rhythm of a customer who bought once (no gap known yet), and the shortest rhythm we
    # believe: a weekly buyer is not "3x overdue" after three quiet days.
    default_gap: float = 90.0
    min_gap: float = 7.0
    complaint_days: int = 90
    period_days: int = 180
    min_drop: float = 0.2
    weights: tuple[float, float, float] = (0.8, 0.5, 0.6)  # overdue, complaints, falling spend
    medium: float = 0.3
    high: float = 0.6


@dataclass
class CustomerArrays:
    ids: np.ndarray
    purchases: np.ndarray  # number of payments
    monetary: np.ndarray  # sum of payments
    days_since_purchase: np.ndarray  # NaN: never bought
    days_since_contact: np.ndarray  # NaN: never followed up
    usual_gap: np.ndarray  # typical days between purchases; NaN: unknown
    complaints: np.ndarray  # complaints in the last complaint_days
    spend_recent: np.ndarray  # payments in the last period_days
    spend_before: np.ndarray  # payments in the period_days before that

    @classmethod
    def build(cls, ids: Any, **columns: Any) -> CustomerArrays:
        """Arrays from lists; missing columns default to "nothing known"."""
        n = len(ids)
        nan = np.full(n, np.nan)
        zero = np.zeros(n)
        defaults = {
            "purchases": zero, "monetary": zero, "days_since_purchase": nan,
            "days_since_contact": nan, "usual_gap": nan, "complaints": zero,
            "spend_recent": zero, "spend_before": zero,
        }
        arrays = {k: np.asarray(columns.get(k, v), dtype=float) for k, v in defaults.items()}
        return cls(ids=np.asarray(ids, dtype=np.int64), **arrays)


@dataclass
class Result:
    ids: np.ndarray
    r: np.ndarray  # 1..bins, 0 for customers who never bought
    f: np.ndarray
    m: np.ndarray
    segment: np.ndarray  # codes from SEGMENTS
    tier: np.ndarray  # codes from TIERS
    state: np.ndarray  # codes from STATES
    churn_risk: np.ndarray  # 0..1
    churn_level: np.ndarray  # codes from LEVELS
    reasons: list[list[dict[str, Any]]]


def quantile_scores(values: np.ndarray, mask: np.ndarray, bins: int = 5) -> np.ndarray:
    """Score 1..bins by the share of masked values strictly below each value.

    score = 1 + floor(bins * below / n): equal values always share a score (ties are
    decided by value alone, never by order), and a larger value never scores lower.
    Positions outside the mask score 0.
    """
    out = np.zeros(len(values), dtype=np.int16)
    picked = values[mask]
    if picked.size == 0:
        return out
    below = np.searchsorted(np.sort(picked), picked, side="left")
    out[mask] = 1 + (bins * below) // picked.size
    return out


def _cutoff_scores(values: np.ndarray, mask: np.ndarray, cutoffs: tuple[float, ...]) -> np.ndarray:
    out = np.zeros(len(values), dtype=np.int16)
    out[mask] = 1 + np.searchsorted(np.asarray(cutoffs, dtype=float), values[mask], side="right")
    return out


def rfm_scores(data: CustomerArrays, cfg: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    bought = data.purchases > 0
    if cfg.r_cutoffs:
        # Fewer days is better: score from the end of the cut-off list.
        steps = np.searchsorted(np.asarray(cfg.r_cutoffs, dtype=float), data.days_since_purchase, side="left")
        r = np.where(bought, len(cfg.r_cutoffs) + 1 - steps, 0).astype(np.int16)
    else:
        r = quantile_scores(-data.days_since_purchase, bought, cfg.bins)
    f = (_cutoff_scores(data.purchases, bought, cfg.f_cutoffs) if cfg.f_cutoffs
         else quantile_scores(data.purchases, bought, cfg.bins))
    m = (_cutoff_scores(data.monetary, bought, cfg.m_cutoffs) if cfg.m_cutoffs
         else quantile_scores(data.monetary, bought, cfg.bins))
    return r, f, m


def segments(r: np.ndarray, f: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Named RFM segments; the first matching rule wins (scores on the 1..5 scale)."""
    rules = [
        (r >= 4) & (f >= 4),  # champions: recent and frequent
        (r >= 3) & (f >= 3),  # loyal
        (r >= 4),  # new: recent, few purchases
        (r >= 3),  # promising
        (r <= 2) & (f >= 4) & (m >= 4),  # cant_lose: were the best, gone quiet
        (r <= 2) & (f >= 3),  # at_risk
        (r >= 1),  # hibernating
    ]
    return np.select(rules, SEGMENTS[:-1], default="prospect")


def pyramid(monetary: np.ndarray, bought: np.ndarray, cut: PyramidCutoffs) -> np.ndarray:
    """The value tier of each customer; customers who never paid are marginal."""
    if cut.by == "amount":
        rules = [monetary >= cut.key, monetary >= cut.quality, monetary >= cut.general]
    else:
        picked = monetary[bought]
        # Share of paying customers with strictly more money: ties share the better tier.
        ahead = picked.size - np.searchsorted(np.sort(picked), monetary, side="right")
        share = ahead / max(picked.size, 1)
        rules = [share < cut.key, share < cut.quality, share < cut.general]
    rules = [rule & bought for rule in rules]
    return np.select(rules, TIERS[:-1], default="marginal")


def lifecycle(data: CustomerArrays, cfg: Config) -> np.ndarray:
    dsp, dsc = data.days_since_purchase, data.days_since_contact
    bought = data.purchases > 0
    quiet = np.isnan(dsc) | (dsc > cfg.lost_days)
    rules = [~bought, (dsp > cfg.lost_days) & quiet, dsp > cfg.past_days]
    return np.select(rules, ["potential", "lost", "past"], default="current")


def churn(data: CustomerArrays, cfg: Config) -> tuple[np.ndarray, np.ndarray, list[list[dict[str, Any]]]]:
    """Risk 0..1 = 1 - prod(1 - weight_k * signal_k) over three signals, each 0..1."""
    bought = data.purchases > 0
    idle = np.fmin(data.days_since_purchase, data.days_since_contact)
    known = np.isfinite(data.usual_gap) & (data.usual_gap > 0)
    gap = np.maximum(np.where(known, data.usual_gap, cfg.default_gap), cfg.min_gap)
    ratio = np.where(bought, idle / gap, 0.0)
    overdue = np.clip((ratio - 1) / 2, 0, 1)  # 0 at the usual gap, 1 at three times it
    complained = np.clip(data.complaints / 2, 0, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        drop = np.where(data.spend_before > 0, 1 - data.spend_recent / data.spend_before, 0.0)
    falling = np.where(drop >= cfg.min_drop, np.clip(drop, 0, 1), 0.0)
    w = cfg.weights
    risk = 1 - (1 - w[0] * overdue) * (1 - w[1] * complained) * (1 - w[2] * falling)
    risk = np.where(bought, np.round(risk, 3), 0.0)
    level = np.select([risk >= cfg.high, risk >= cfg.medium], ["high", "medium"], default="low")
    reasons = _reasons(data, cfg, idle, gap, known, overdue, falling, drop)
    return risk, level, reasons


def _reasons(
    data: CustomerArrays, cfg: Config, idle: np.ndarray, gap: np.ndarray, known: np.ndarray,
    overdue: np.ndarray, falling: np.ndarray, drop: np.ndarray,
) -> list[list[dict[str, Any]]]:
    out: list[list[dict[str, Any]]] = [[] for _ in range(len(data.ids))]
    for i in np.flatnonzero(overdue > 0).tolist():
        reason = {"code": "overdue_vs_rhythm", "days": int(idle[i]), "usual_gap": int(round(gap[i]))}
        if not known[i]:
            reason["assumed"] = True
        out[i].append(reason)
    for i in np.flatnonzero(data.complaints > 0).tolist():
        out[i].append({"code": "recent_complaints", "count": int(data.complaints[i]), "days": cfg.complaint_days})
    for i in np.flatnonzero(falling > 0).tolist():
        out[i].append({
            "code": "falling_spend", "recent": round(float(data.spend_recent[i]), 2),
            "before": round(float(data.spend_before[i]), 2), "drop_percent": int(round(drop[i] * 100)),
            "period_days": cfg.period_days,
        })
    return out


def analyse(data: CustomerArrays, cfg: Config | None = None) -> Result:
    cfg = cfg or Config()
    r, f, m = rfm_scores(data, cfg)
    risk, level, reasons = churn(data, cfg)
    return Result(
        ids=data.ids, r=r, f=f, m=m, segment=segments(r, f, m),
        tier=pyramid(data.monetary, data.purchases > 0, cfg.pyramid),
        state=lifecycle(data, cfg), churn_risk=risk, churn_level=level, reasons=reasons,
    )
