"""`kehu assist train`: corrections teach a new model, kept only when it is not worse.

A full retrain on the shipped corpus takes about a minute, so these tests train on a
small slice of it (the service takes the corpus as an argument for this).
"""

import io
import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command

from kehu.assist import services
from kehu.assist.models import AssistCorrection, AssistModelVersion
from kehu.assist.tests.conftest import ANGRY
from kehu.core.models import AuditEntry
from kehu.engines import assist as engine

GROUPS = [("irritable", "complaint"), ("domineering", "complaint"), ("unknown", "repair"),
          ("unknown", "emergency_repair"), ("uncooperative", "complaint"), ("easygoing", "inquiry")]


@pytest.fixture(scope="module")
def small_corpus() -> list[dict]:
    """Four messages of each of six (type, kind) groups: the held-out split keeps one of each."""
    by_group = defaultdict(list)
    for row in engine.shipped_corpus():
        by_group[(row.get("type"), row.get("kind"))].append(row)
    return [row for group in GROUPS for row in by_group[group][:4]]


@pytest.fixture
def poor_model_active(tmp_path, small_corpus) -> AssistModelVersion:
    """A model that learnt one answer for everything is the one in use."""
    rows = [{**row, "type": "vain", "kind": "other", "emotion": "positive", "urgency": "critical"}
            for row in small_corpus[:6]]
    model = engine.train_model(rows, version="assist-poor")
    path = model.save(tmp_path / "assist-poor.npz")
    return AssistModelVersion.objects.create(version="assist-poor", path=str(path), active=True)


def test_a_better_model_replaces_the_one_in_use(db, data_dir, alice, poor_model_active, small_corpus):
    AssistCorrection.objects.create(text=ANGRY, field="type", predicted="vain", correct="irritable",
                                    created_by=alice)
    report = services.model_retrain(by=alice, corpus=small_corpus)
    assert report["replaced"] is True, report
    assert report["previous_version"] == "assist-poor" and report["corrections"] == 1
    assert set(report["before"]) == set(report["after"]) == {"emotion", "type", "kind", "urgency"}
    active = AssistModelVersion.objects.get(active=True)
    assert active.version == report["version"] != "assist-poor"
    assert Path(active.path).is_file() and Path(active.path).parent == data_dir / "assist"
    assert active.accuracy == {"before": report["before"], "after": report["after"]}
    assert services.model_active().version == active.version
    # The analysis says which model answered.
    assert services.assist_analyse(text=ANGRY)["model_version"] == active.version
    assert AuditEntry.objects.filter(action="assist.model.replaced", actor=alice).exists()


def test_a_worse_model_is_not_installed(db, data_dir, small_corpus):
    shipped = services.model_active().version
    report = services.model_retrain(corpus=small_corpus)  # a few dozen messages against the shipped model
    assert report["replaced"] is False, report
    assert report["version"] == shipped
    assert not AssistModelVersion.objects.exists()
    assert not (data_dir / "assist").exists() or not any((data_dir / "assist").iterdir())
    assert services.model_active().version == shipped


def test_the_train_command_reports_before_and_after(db, tmp_path, poor_model_active, small_corpus):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in small_corpus), encoding="utf-8")
    out = io.StringIO()
    call_command("assist", "train", "--corpus", str(corpus), stdout=out)
    text = out.getvalue()
    assert "before" in text and "after" in text and "replaced" in text
    for field in ("emotion", "type", "kind", "urgency"):
        assert field in text
    out = io.StringIO()
    call_command("assist", "train", "--corpus", str(corpus), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert {"before", "after", "replaced", "version"} <= report.keys()


def test_corrections_become_one_training_row_per_text(db, alice):
    for field, correct in (("type", "vain"), ("kind", "complaint"), ("type", "irritable")):
        AssistCorrection.objects.create(text=ANGRY, field=field, correct=correct, created_by=alice)
    AssistCorrection.objects.create(text="挑剔的客户", field="type", correct="picky", created_by=alice)
    # The latest verdict on the type wins; a type the engine does not predict teaches nothing.
    assert services.correction_rows() == [{"text": ANGRY, "type": "irritable", "kind": "complaint"}]


def test_not_worse_allows_a_small_dip_in_one_field_only():
    before = {"type": 0.90, "kind": 0.90}
    assert services.not_worse(before, {"type": 0.90, "kind": 0.90})
    assert services.not_worse(before, {"type": 0.89, "kind": 0.92})
    assert not services.not_worse(before, {"type": 0.85, "kind": 0.99})
    assert not services.not_worse(before, {"type": 0.89, "kind": 0.90})
