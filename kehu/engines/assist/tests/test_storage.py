"""Model files: numpy arrays and a JSON manifest, versioned, loaded without pickle."""

import copy
import json

import numpy as np
import pytest

from kehu.engines.assist import load_model
from kehu.engines.assist.model import MODELS_DIR

TEXTS = ["我家燃气泄漏了", "你们是骗子！！！", "請問電費怎麼交", "建议加个夜间模式", ""]


def test_shipped_model_has_a_version_and_its_held_out_accuracy(model):
    manifest = json.loads((MODELS_DIR / f"{model.version}.json").read_text(encoding="utf-8"))
    assert manifest["version"].startswith("assist-")
    assert set(manifest["held_out"]) == {"emotion", "type", "kind", "urgency"}
    assert manifest["corpus_size"] > 700


def test_save_then_load_gives_identical_answers(model, tmp_path):
    saved = model.save(tmp_path)
    assert saved.name == f"{model.version}.npz"
    with np.load(saved, allow_pickle=False) as data:
        assert "vocabulary" in data.files
    again = load_model(tmp_path)
    assert again.version == model.version
    for text in TEXTS:
        assert again.analyse(text) == model.analyse(text)


def test_directory_load_takes_the_newest_version(model, tmp_path):
    for serial in (1, 2, 10):
        renamed = copy.copy(model)
        renamed.manifest = {**model.manifest, "version": f"assist-2026.01.01-{serial}"}
        renamed.save(tmp_path)
    assert load_model(tmp_path).version == "assist-2026.01.01-10"
    assert load_model(tmp_path / "assist-2026.01.01-2.npz").version == "assist-2026.01.01-2"


def test_shipped_model_file_stays_small(model):
    assert (MODELS_DIR / f"{model.version}.npz").stat().st_size < 5_000_000


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no assist model"):
        load_model(tmp_path)
    with pytest.raises(FileNotFoundError, match="no assist model"):
        load_model(tmp_path / "nothing.npz")
