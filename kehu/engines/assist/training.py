"""Training and evaluating assist models. scikit-learn is needed here only, never to predict."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from kehu.engines.assist import labels
from kehu.engines.assist.cues import CUE_NAMES
from kehu.engines.assist.features import features
from kehu.engines.assist.model import FIELDS, AssistModel, FieldModel
from kehu.engines.assist.text import prepare

CORPUS = Path(__file__).resolve().parent / "data" / "corpus.jsonl"
MIN_DF = 2  # n-grams seen in one message only are noise, and they would bloat the file
CUE_WEIGHT = 5.0  # a cue weighs like a very rare n-gram; chosen with C (docs/assist.md)
C = 10.0  # inverse regularisation; see docs/assist.md, "Choosing C and the cue weight"
HELD_OUT = 0.2
THRESHOLDS = [round(t, 2) for t in np.arange(0.0, 0.71, 0.05)]
TOLERANCE = 0.005
ABSENT = -30.0  # intercept of a class the training rows never show: never predicted


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """One message per line: a JSON object with `text`, or plain text."""
    rows = []
    with Path(path).open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            rows.append(parse_line(line, number))
    return rows


def parse_line(line: str, number: int) -> dict[str, Any]:
    if line.lstrip().startswith("{"):
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            return {"text": line}
        if not isinstance(row.get("text"), str):
            raise ValueError(f"line {number}: a JSON line needs a string field 'text'")
        return row
    return {"text": line}


def shipped_corpus() -> list[dict[str, Any]]:
    return read_jsonl(CORPUS)


def held_out_split(
    rows: list[dict[str, Any]], seed: int = 0, fraction: float = HELD_OUT
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A fixed split, stratified by (type, kind): every (type, kind) pair keeps ~20 % aside."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[(str(row.get("type", "")), str(row.get("kind", "")))].append(i)
    rng = random.Random(seed)
    test: set[int] = set()
    for key in sorted(groups):
        members = groups[key][:]
        rng.shuffle(members)
        test.update(members[: int(round(len(members) * fraction))])
    return (
        [r for i, r in enumerate(rows) if i not in test],
        [r for i, r in enumerate(rows) if i in test],
    )


def labelled(rows: list[dict[str, Any]], name: str) -> list[int]:
    return [i for i, row in enumerate(rows) if row.get(name) in labels.FIELDS[name]]


def build_vocabulary(counts: list[Counter[str]]) -> tuple[list[str], np.ndarray]:
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(counts)
    cue_features = ["q:" + name for name in CUE_NAMES]
    grams = sorted(f for f, d in df.items() if d >= MIN_DF and not f.startswith("q:"))
    vocabulary = grams + cue_features
    weights = [math.log((1 + n) / (1 + df[f])) + 1.0 for f in grams]
    return vocabulary, np.array(weights + [CUE_WEIGHT] * len(cue_features), dtype=np.float32)


def design_matrix(model: AssistModel, counts: list[Counter[str]]) -> sparse.csr_matrix:
    rows, cols, data = [], [], []
    for r, c in enumerate(counts):
        idx, vals = model.vectorise(c)
        rows.extend([r] * idx.size)
        cols.extend(idx.tolist())
        data.extend(vals.tolist())
    shape = (len(counts), len(model.vocabulary))
    return sparse.csr_matrix((data, (rows, cols)), shape=shape, dtype=np.float64)


def fit_field(name: str, x: sparse.csr_matrix, y: list[str], seed: int) -> FieldModel:
    """Multinomial logistic regression, widened to every code of the field."""
    from sklearn.linear_model import LogisticRegression

    codes = list(labels.FIELDS[name])
    coef = np.zeros((len(codes), x.shape[1]), dtype=np.float32)
    intercept = np.full(len(codes), ABSENT, dtype=np.float32)
    seen = sorted(set(y))
    if len(seen) == 1:
        intercept[codes.index(seen[0])] = 0.0
        return FieldModel(classes=codes, coef=coef, intercept=intercept)
    clf = LogisticRegression(
        C=C, solver="newton-cg", max_iter=500, class_weight="balanced", random_state=seed
    )
    clf.fit(x, y)
    fitted_coef = clf.coef_ if len(clf.classes_) > 2 else np.vstack([-clf.coef_, clf.coef_])
    fitted_icpt = (clf.intercept_ if len(clf.classes_) > 2
                   else np.array([-clf.intercept_[0], clf.intercept_[0]]))
    for k, code in enumerate(clf.classes_):
        coef[codes.index(code)] = fitted_coef[k]
        intercept[codes.index(code)] = fitted_icpt[k]
    return FieldModel(classes=codes, coef=coef, intercept=intercept)


def train_model(
    rows: list[dict[str, Any]], *, seed: int = 0, version: str | None = None
) -> AssistModel:
    """Train on every row given (each field on the rows that carry its label)."""
    if not rows:
        raise ValueError("train_model needs at least one labelled row")
    counts = [features(prepare(row.get("text")))[0] for row in rows]
    vocabulary, weights = build_vocabulary(counts)
    model = AssistModel(
        vocabulary=vocabulary, weights=weights, fields={}, type_threshold=0.0,
        manifest={
            "version": version or f"assist-{dt.date.today():%Y.%m.%d}-1",
            "trained": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "corpus_size": len(rows),
            "seed": seed,
            "vocabulary_size": len(vocabulary),
        },
    )
    x = design_matrix(model, counts)
    for name in FIELDS:
        keep = labelled(rows, name)
        y = [rows[i][name] for i in keep] or ["unknown" if name == "type" else
                                              next(iter(labels.FIELDS[name]))]
        sub = x[keep] if keep else x[:1]
        model.fields[name] = fit_field(name, sub, y, seed)
    model.type_threshold = pick_type_threshold(rows, x, seed)
    model.manifest["type_threshold"] = model.type_threshold
    return model


def pick_type_threshold(rows: list[dict[str, Any]], x: sparse.csr_matrix, seed: int) -> float:
    """The threshold below which a type is reported as `unknown`, by 5-fold cross-validation."""
    keep = labelled(rows, "type")
    if len(keep) < 25:
        return 0.0
    rng = random.Random(seed)
    order = keep[:]
    rng.shuffle(order)
    folds = [order[k::5] for k in range(5)]
    probs, truth = [], []
    for fold in folds:
        inside = set(fold)
        train = [i for i in keep if i not in inside]
        fm = fit_field("type", x[train], [rows[i]["type"] for i in train], seed)
        logits = x[fold] @ fm.coef.T.astype(np.float64) + fm.intercept
        probs.append(np.exp(logits - logits.max(1, keepdims=True)))
        truth.extend(rows[i]["type"] for i in fold)
    p = np.vstack(probs)
    p /= p.sum(1, keepdims=True)
    codes = list(labels.TYPES)
    scores = {t: type_accuracy(p, truth, codes, t) for t in THRESHOLDS}
    # The highest threshold that costs at most half a point: weak evidence should say
    # `unknown` rather than guess, as long as that does not hurt on the training folds.
    best = max(scores.values())
    return float(max(t for t, acc in scores.items() if acc >= best - TOLERANCE))


def type_accuracy(p: np.ndarray, truth: list[str], codes: list[str], threshold: float) -> float:
    top = p.argmax(1)
    guess = [
        "unknown" if codes[k] != "unknown" and p[i, k] < threshold else codes[k]
        for i, k in enumerate(top)
    ]
    return sum(g == t for g, t in zip(guess, truth, strict=True)) / max(len(truth), 1)


def evaluate(
    model: AssistModel,
    rows: list[dict[str, Any]],
    *,
    fast: bool = False,
    folding: bool = True,
) -> dict[str, dict[str, Any]]:
    """field -> accuracy, n, labels and confusion (rows: truth, columns: prediction)."""
    texts = [row["text"] for row in rows]
    if fast:
        found = model.analyse_many(texts, fast=True)
    else:
        found = [model.analyse(text, folding=folding) for text in texts]
    return score(rows, [a.as_dict() for a in found])


def score(rows: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, dict[str, Any]] = {}
    for name in FIELDS:
        keep = labelled(rows, name)
        if not keep:
            continue
        codes = list(labels.FIELDS[name])
        confusion = [[0] * len(codes) for _ in codes]
        for i in keep:
            confusion[codes.index(rows[i][name])][codes.index(predicted[i][name])] += 1
        hits = sum(confusion[k][k] for k in range(len(codes)))
        result[name] = {"accuracy": hits / len(keep), "n": len(keep), "labels": codes,
                        "confusion": confusion}
    return result


def accuracies(report: dict[str, dict[str, Any]]) -> dict[str, float]:
    return {name: round(r["accuracy"], 4) for name, r in report.items()}


def retrain(
    current: AssistModel,
    corrections: Iterable[dict[str, Any]],
    *,
    seed: int = 0,
    version: str | None = None,
) -> tuple[AssistModel, dict[str, float], dict[str, float], bool]:
    """Train on the shipped corpus plus corrections; compare on one held-out split.

    Returns (new model, accuracy before, accuracy after, replace?). The held-out rows are
    the shipped split's test rows plus a fifth of the corrections, so before and after are
    measured on the same rows; replace only when no field got worse on average.
    """
    base_train, base_test = held_out_split(shipped_corpus(), seed)
    fix_train, fix_test = held_out_split(list(corrections), seed)
    test = base_test + fix_test
    new = train_model(base_train + fix_train, seed=seed, version=version)
    before = accuracies(evaluate(current, test))
    after = accuracies(evaluate(new, test))
    new.manifest["held_out"] = after
    new.manifest["held_out_size"] = len(test)
    replace = sum(after.values()) >= sum(before.values())
    return new, before, after, replace
