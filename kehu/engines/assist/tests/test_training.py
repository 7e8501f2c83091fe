"""Training, splitting, reading files, and retraining from agents' corrections."""

import json

import numpy as np
import pytest

from kehu.engines.assist import (
    evaluate,
    held_out_split,
    read_jsonl,
    retrain,
    shipped_corpus,
    train_model,
)

SMALL = shipped_corpus()[:160]


def test_training_twice_with_one_seed_gives_the_same_model():
    a = train_model(SMALL, seed=3, version="assist-test-1")
    b = train_model(SMALL, seed=3, version="assist-test-1")
    assert a.vocabulary == b.vocabulary
    assert a.type_threshold == b.type_threshold
    for field in a.fields:
        np.testing.assert_array_equal(a.fields[field].coef, b.fields[field].coef)
    texts = [r["text"] for r in shipped_corpus()[200:230]]
    assert a.analyse_many(texts) == b.analyse_many(texts)


def test_rows_with_only_some_labels_train_only_those_fields():
    rows = [{"text": r["text"], "kind": r["kind"]} for r in SMALL]
    model = train_model(rows)
    report = evaluate(model, rows)
    assert set(report) == {"kind"}
    assert report["kind"]["accuracy"] > 0.8


def test_training_needs_rows():
    with pytest.raises(ValueError, match="at least one"):
        train_model([])


def test_held_out_split_is_fixed_disjoint_and_stratified():
    rows = shipped_corpus()
    train, test = held_out_split(rows, seed=0)
    assert held_out_split(rows, seed=0) == (train, test)
    assert len(train) + len(test) == len(rows)
    assert {r["text"] for r in train}.isdisjoint(r["text"] for r in test)
    assert 0.18 <= len(test) / len(rows) <= 0.22
    for field in ("type", "kind", "emotion", "urgency"):
        assert {r[field] for r in test} == {r[field] for r in rows}


def test_shipped_corpus_covers_every_label_at_least_forty_times():
    rows = shipped_corpus()
    for field, codes in [("type", ["easygoing", "uncooperative", "domineering", "vain",
                                   "irritable", "unknown"]),
                         ("kind", ["inquiry", "repair", "emergency_repair", "complaint",
                                   "report", "suggestion", "other"]),
                         ("emotion", ["angry", "anxious", "negative", "calm", "positive"]),
                         ("urgency", ["low", "medium", "high", "critical"])]:
        for code in codes:
            assert sum(r[field] == code for r in rows) >= 40, (field, code)


def test_read_jsonl_takes_plain_lines_and_json_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = ["停电了", json.dumps({"text": "燃气泄漏", "kind": "emergency_repair"}), "",
             "{不是JSON"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_jsonl(path) == [
        {"text": "停电了"},
        {"text": "燃气泄漏", "kind": "emergency_repair"},
        {"text": "{不是JSON"},
    ]


def test_read_jsonl_names_the_line_without_text(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "好"}\n{"kind": "repair"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        read_jsonl(path)


def test_retraining_with_corrections_reports_before_and_after(model):
    corrections = [
        {"text": "客户说自己是村支书，要求优先处理", "type": "vain"},
        {"text": "客户说自己认识镇长，让我们看着办", "type": "vain"},
        {"text": "电线杆上的变压器冒火了", "kind": "emergency_repair", "urgency": "critical"},
    ] * 5
    new, before, after, replace = retrain(model, corrections, version="assist-test-2")
    assert new.version == "assist-test-2"
    assert set(before) == set(after) == {"emotion", "type", "kind", "urgency"}
    assert replace == (sum(after.values()) >= sum(before.values()))
    assert new.manifest["held_out"] == after
    assert new.analyse("客户说自己是村支书，要求优先处理").type == "vain"
