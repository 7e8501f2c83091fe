"""The total: 100 × Σ(weight × points) ÷ Σ(weight × maximum); a failed fatal item zeroes it."""

from __future__ import annotations

from decimal import Decimal

from kehu.quality.models import FormItem, ItemPoints, ScoringForm, compute_total
from kehu.quality.services import evaluation_score
from kehu.quality.services.scoring import evaluation_create
from kehu.quality.tests.conftest import make_call

D = Decimal


def test_weighted_total_by_hand() -> None:
    # A: 8/10 × 1, B: 15/20 × 2, C: 30/30 × 1 → (8 + 30 + 30) / (10 + 40 + 30) = 68/80 = 85 %.
    total = compute_total([ItemPoints(D(10), D(1), False, D(8)), ItemPoints(D(20), D(2), False, D(15)),
                           ItemPoints(D(30), D(1), False, D(30)), ItemPoints(D(0), D(1), True, passed=True)])
    assert total.score == D("85.00") and total.fatal_failed is False


def test_a_failed_fatal_item_zeroes_the_total() -> None:
    total = compute_total([ItemPoints(D(10), D(1), False, D(10)), ItemPoints(D(0), D(1), True, passed=False)])
    assert total.score == D("0.00") and total.fatal_failed is True


def test_unscored_items_count_as_zero_and_rounding_is_half_up() -> None:
    # 2/3 of the points: 66.666… → 66.67.
    total = compute_total([ItemPoints(D(3), D(1), False, D(2)), ItemPoints(D(6), D(0.5), False, None)])
    assert total.score == D("33.33")  # 2 / (1×3 + 0.5×6) = 2/6
    assert compute_total([ItemPoints(D(3), D(1), False, D(2))]).score == D("66.67")


def test_the_model_keeps_the_item_as_it_was_when_scored(amy, carol) -> None:
    form = ScoringForm.objects.create(name="测试表")
    a = FormItem.objects.create(form=form, name="A", max_points=10, weight=1, order=1)
    b = FormItem.objects.create(form=form, name="B", max_points=20, weight=2, order=2)
    c = FormItem.objects.create(form=form, name="C", max_points=30, weight=1, order=3)
    f = FormItem.objects.create(form=form, name="合规", max_points=0, fatal=True, order=4)
    evaluation = evaluation_create(by=carol, interaction=make_call(amy), form=form)
    items = [{"item": a.pk, "points": 8}, {"item": b.pk, "points": "15"}, {"item": c.pk, "points": 30},
             {"item": f.pk, "passed": "pass"}]
    evaluation = evaluation_score(evaluation=evaluation, by=carol, items=items, submit=True)
    assert evaluation.score == D("85.00")
    # Changing the form afterwards (a mistake the admin prevents) does not change the given total.
    FormItem.objects.filter(pk=b.pk).update(weight=5, max_points=100)
    evaluation.recompute()
    assert evaluation.score == D("85.00")
    assert form.is_locked()
