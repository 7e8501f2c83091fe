"""The RFM engine on a small data set whose every number is worked out by hand below."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kehu.engines.rfm import Config, CustomerArrays, PyramidCutoffs, analyse, quantile_scores

NAN = float("nan")

# Six customers, days counted back from "today".
#   id purchases money  since-purchase since-contact usual-gap complaints recent before
#   1     10     10000        5            2           30         0        6000   4000
#   2      4      2000       95           95           30         1           0   1500
#   3      1       500      400          never       unknown      0           0      0
#   4      0         0     never           10        unknown      0           0      0
#   5      2      2000      800          800           60         0           0      0
#   6      6      3000       20           20           25         1        1000   2000
DATA = CustomerArrays.build(
    [1, 2, 3, 4, 5, 6],
    purchases=[10, 4, 1, 0, 2, 6],
    monetary=[10000, 2000, 500, 0, 2000, 3000],
    days_since_purchase=[5, 95, 400, NAN, 800, 20],
    days_since_contact=[2, 95, NAN, 10, 800, 20],
    usual_gap=[30, 30, NAN, NAN, 60, 25],
    complaints=[0, 1, 0, 0, 0, 1],
    spend_recent=[6000, 0, 0, 0, 0, 1000],
    spend_before=[4000, 1500, 0, 0, 0, 2000],
)


def test_scores_are_quintiles_of_the_paying_customers() -> None:
    # Five payers; score = 1 + floor(5 * (payers strictly worse) / 5) = 1 + worse.
    # R (fewer days is better): 800 < 400 < 95 < 20 < 5 days -> ids 5,3,2,6,1 score 1..5.
    # F: 1 < 2 < 4 < 6 < 10 purchases -> ids 3,5,2,6,1 score 1..5.
    # M: 500 < 2000 = 2000 < 3000 < 10000; the tie (ids 2 and 5) has one payer below -> 2.
    # Customer 4 never paid: all zeros.
    result = analyse(DATA)
    assert result.r.tolist() == [5, 3, 2, 0, 1, 4]
    assert result.f.tolist() == [5, 3, 1, 0, 2, 4]
    assert result.m.tolist() == [5, 2, 1, 0, 2, 4]


def test_segments_follow_recency_and_frequency() -> None:
    # 1: R5 F5 champions; 2: R3 F3 loyal; 3: R2 F1 hibernating; 4 never paid: prospect;
    # 5: R1 F2 hibernating; 6: R4 F4 champions.
    assert analyse(DATA).segment.tolist() == [
        "champions", "loyal", "hibernating", "prospect", "hibernating", "champions"]


def test_default_pyramid_puts_only_the_top_one_percent_in_key() -> None:
    # Shares of payers with more money: 1 -> 0/5, 6 -> 1/5 = 0.2 (not below 0.20: marginal).
    assert analyse(DATA).tier.tolist() == [
        "key", "marginal", "marginal", "marginal", "marginal", "marginal"]


def test_pyramid_shares_are_configurable_and_ties_share_a_tier() -> None:
    # Cut-offs 20/40/60 %: id 1 has 0 % ahead (key), id 6 20 % (quality), ids 2 and 5
    # tie with 40 % ahead (general), id 3 80 % (marginal); id 4 never paid (marginal).
    cfg = Config(pyramid=PyramidCutoffs(key=0.2, quality=0.4, general=0.6))
    assert analyse(DATA, cfg).tier.tolist() == [
        "key", "general", "marginal", "marginal", "general", "quality"]


def test_pyramid_by_amount() -> None:
    cfg = Config(pyramid=PyramidCutoffs(by="amount", key=5000, quality=2500, general=1000))
    assert analyse(DATA, cfg).tier.tolist() == [
        "key", "general", "marginal", "marginal", "general", "quality"]


def test_lifecycle_states() -> None:
    # past after 365 days without purchase; lost after 730 without purchase nor contact.
    assert analyse(DATA).state.tolist() == ["current", "current", "past", "potential", "lost", "current"]


def test_churn_risk_and_its_reasons() -> None:
    # risk = 1 - (1 - 0.8 overdue)(1 - 0.5 complaints)(1 - 0.6 falling)
    # 1: 2 idle days against a 30-day rhythm, spend rising -> 0.
    # 2: 95 / 30 = 3.17 rhythms (overdue 1), one complaint (0.5), spend 1500 -> 0 (1):
    #    1 - 0.2 * 0.75 * 0.4 = 0.94.
    # 3: 400 days, no rhythm yet so 90 days is assumed: overdue 1 -> 0.8.
    # 5: 800 / 60 days -> 0.8.
    # 6: on rhythm (20 / 25), one complaint, spend halved: 1 - 0.75 * (1 - 0.3) = 0.475.
    result = analyse(DATA)
    assert result.churn_risk.tolist() == [0.0, 0.94, 0.8, 0.0, 0.8, 0.475]
    assert result.churn_level.tolist() == ["low", "high", "high", "low", "high", "medium"]
    assert result.reasons[0] == []
    assert result.reasons[1] == [
        {"code": "overdue_vs_rhythm", "days": 95, "usual_gap": 30},
        {"code": "recent_complaints", "count": 1, "days": 90},
        {"code": "falling_spend", "recent": 0.0, "before": 1500.0, "drop_percent": 100, "period_days": 180},
    ]
    assert result.reasons[2] == [{"code": "overdue_vs_rhythm", "days": 400, "usual_gap": 90, "assumed": True}]
    assert result.reasons[3] == []
    assert result.reasons[5][1]["drop_percent"] == 50


def test_fixed_cutoffs_replace_quantiles() -> None:
    # Recency cut-offs in days: <=30 -> 5, <=90 -> 4, <=180 -> 3, <=365 -> 2, beyond -> 1.
    cfg = Config(r_cutoffs=(30, 90, 180, 365), f_cutoffs=(2, 3, 5, 8), m_cutoffs=(1000, 2000, 5000, 9000))
    result = analyse(DATA, cfg)
    assert result.r.tolist() == [5, 3, 1, 0, 1, 5]
    assert result.f.tolist() == [5, 3, 1, 0, 2, 4]
    assert result.m.tolist() == [5, 3, 1, 0, 3, 3]


def test_bad_pyramid_cutoffs_are_refused() -> None:
    try:
        PyramidCutoffs(key=0.5, quality=0.1, general=0.2)
    except ValueError as exc:
        assert "key <= quality" in str(exc)
    else:
        raise AssertionError("accepted shares out of order")


money = st.lists(st.floats(min_value=0.01, max_value=1e9, allow_nan=False), min_size=1, max_size=40)


@given(money, st.data())
def test_more_spend_never_lowers_m_or_tier(values: list[float], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(values) - 1))
    extra = data.draw(st.floats(min_value=0, max_value=1e9))
    before = analyse(CustomerArrays.build(range(len(values)), purchases=[1] * len(values), monetary=values,
                                          days_since_purchase=[1] * len(values)))
    richer = list(values)
    richer[i] += extra
    after = analyse(CustomerArrays.build(range(len(values)), purchases=[1] * len(values), monetary=richer,
                                         days_since_purchase=[1] * len(values)))
    assert after.m[i] >= before.m[i]
    order = ["marginal", "general", "quality", "key"]
    assert order.index(after.tier[i]) >= order.index(before.tier[i])


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=60))
def test_scores_stay_within_one_to_five(values: list[float]) -> None:
    scores = quantile_scores(np.asarray(values), np.ones(len(values), dtype=bool))
    assert scores.min() >= 1 and scores.max() <= 5
    # Equal values always share a score.
    for v in set(values):
        assert len(set(scores[np.asarray(values) == v].tolist())) == 1
