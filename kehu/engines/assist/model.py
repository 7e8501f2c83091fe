"""The assist model: linear classifiers over sparse text features, predicted with numpy.

A model is plain arrays (vocabulary, feature weights, per-field coefficients and
intercepts) in an `.npz` file plus a JSON manifest beside it, so loading needs neither
pickle nor the scikit-learn version that trained it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from kehu.engines.assist import labels
from kehu.engines.assist.cues import supports
from kehu.engines.assist.features import features
from kehu.engines.assist.text import Prepared, prepare

FIELDS = ("emotion", "type", "kind", "urgency")
MODELS_DIR = Path(__file__).resolve().parent / "models"
MAX_REASONS = 4
MAX_WEIGHTED = 2  # n-grams among the reasons, after the cue phrases
PUSH_SHARE = 0.3  # an n-gram is a reason if it pushes at least 30 % as hard as the top one
# A message naming a danger (冒烟, 燃气泄漏, 漏电 …) is an emergency whatever the model says,
# even inside a complaint: a false alarm costs an agent a minute, a missed gas leak costs
# more. Reports and suggestions keep their kind ("举报有人私改燃气管道" is not a callout).
DANGER_OVERRIDES = ("repair", "emergency_repair", "inquiry", "other", "complaint")


@dataclass
class Analysis:
    emotion: str
    emotion_score: float
    type: str
    type_scores: dict[str, float]
    kind: str
    kind_scores: dict[str, float]
    urgency: str
    urgency_score: float
    reasons: dict[str, list[str]] = field(default_factory=dict)
    model_version: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in FIELDS:
            data[f"{name}_label"] = labels.FIELDS[name][getattr(self, name)]
        return data


@dataclass
class FieldModel:
    classes: list[str]
    coef: np.ndarray  # classes x vocabulary, float32
    intercept: np.ndarray  # classes

    def probabilities(self, idx: np.ndarray, vals: np.ndarray) -> np.ndarray:
        return softmax(self.coef[:, idx] @ vals + self.intercept)


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class AssistModel:
    def __init__(
        self,
        *,
        vocabulary: list[str],
        weights: np.ndarray,
        fields: dict[str, FieldModel],
        type_threshold: float,
        manifest: dict[str, Any],
    ) -> None:
        self.vocabulary = vocabulary
        self.index = {name: i for i, name in enumerate(vocabulary)}
        self.weights = weights.astype(np.float32)
        self.fields = fields
        self.type_threshold = float(type_threshold)
        self.manifest = manifest

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", "assist-untrained"))

    # -- prediction -------------------------------------------------------------------

    def vectorise(self, counts: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sublinear tf times the stored weight (idf, or the cue weight), L2-normalised."""
        pairs = [(self.index[f], c) for f, c in counts.items() if f in self.index]
        if not pairs:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        idx = np.fromiter((i for i, _ in pairs), dtype=np.intp, count=len(pairs))
        tf = np.fromiter((c for _, c in pairs), dtype=np.float32, count=len(pairs))
        vals = (1.0 + np.log(tf)) * self.weights[idx]
        norm = float(np.sqrt(vals @ vals))
        return idx, vals / norm if norm else vals

    def analyse(self, text: str, *, folding: bool = True) -> Analysis:
        prep = prepare(text, folding=folding)
        if not prep.chinese:
            return self.nothing_to_say()
        counts, cues = features(prep)
        idx, vals = self.vectorise(counts)
        if not idx.size:
            return self.nothing_to_say()
        probs = {name: fm.probabilities(idx, vals) for name, fm in self.fields.items()}
        return self.decide(probs, cues, prep, idx, vals)

    def analyse_many(self, texts: Iterable[str], *, fast: bool = False) -> list[Analysis]:
        if not fast:
            return [self.analyse(text) for text in texts]
        return self._analyse_fast(list(texts))

    def _analyse_fast(self, texts: list[str]) -> list[Analysis]:
        """No word segmentation, one sparse product per field, reasons from cues only."""
        preps = [prepare(text) for text in texts]
        rows, cols, data, found = [], [], [], []
        for row, prep in enumerate(preps):
            counts, cues = features(prep, words=False) if prep.chinese else (Counter(), {})
            idx, vals = self.vectorise(counts)
            rows.extend([row] * idx.size)
            cols.extend(idx.tolist())
            data.extend(vals.tolist())
            found.append(cues)
        matrix = sparse.csr_matrix(
            (data, (rows, cols)), shape=(len(texts), len(self.vocabulary)), dtype=np.float32
        )
        logits = {n: matrix @ fm.coef.T + fm.intercept for n, fm in self.fields.items()}
        probs = {n: softmax(np.asarray(z)) for n, z in logits.items()}
        empty = np.diff(matrix.indptr) == 0
        return [
            self.nothing_to_say()
            if empty[i]
            else self.decide({n: p[i] for n, p in probs.items()}, found[i], preps[i])
            for i in range(len(texts))
        ]

    def decide(
        self,
        probs: dict[str, np.ndarray],
        cues: dict[str, list[str]],
        prep: Prepared,
        idx: np.ndarray | None = None,
        vals: np.ndarray | None = None,
    ) -> Analysis:
        scores = {n: dict(zip(self.fields[n].classes, map(float, p), strict=True))
                  for n, p in probs.items()}
        chosen = {n: max(s, key=s.__getitem__) for n, s in scores.items()}
        if chosen["type"] != "unknown" and scores["type"][chosen["type"]] < self.type_threshold:
            chosen["type"] = "unknown"
        urgency_score = None
        if "safety" in cues and chosen["kind"] in DANGER_OVERRIDES:
            chosen["kind"], chosen["urgency"] = "emergency_repair", "critical"
            urgency_score = 1.0  # the rule decided, not the model's probability
        elif chosen["kind"] == "emergency_repair" and chosen["urgency"] in ("low", "medium"):
            chosen["urgency"] = "high"  # an outage is never routine
        reasons = {n: self.reasons(n, chosen[n], cues, prep, idx, vals) for n in FIELDS}
        return Analysis(
            emotion=chosen["emotion"],
            emotion_score=scores["emotion"][chosen["emotion"]],
            type=chosen["type"],
            type_scores=scores["type"],
            kind=chosen["kind"],
            kind_scores=scores["kind"],
            urgency=chosen["urgency"],
            urgency_score=urgency_score or scores["urgency"][chosen["urgency"]],
            reasons=reasons,
            model_version=self.version,
        )

    def reasons(
        self,
        name: str,
        label: str,
        cues: dict[str, list[str]],
        prep: Prepared,
        idx: np.ndarray | None,
        vals: np.ndarray | None,
    ) -> list[str]:
        if name == "type" and label == "unknown":
            return []  # weak evidence decided it; no phrase did
        found: list[str] = []
        for cue, phrases in cues.items():
            if label in supports(cue).get(name, ()):
                found.extend(quote(prep, p) for p in phrases)
        if idx is not None and vals is not None and label in self.fields[name].classes:
            found.extend(self.weighted_phrases(name, label, prep, idx, vals))
        return unique_phrases(found)[:MAX_REASONS]

    def weighted_phrases(
        self, name: str, label: str, prep: Prepared, idx: np.ndarray, vals: np.ndarray
    ) -> list[str]:
        """The n-grams present in the text that pushed most towards `label`."""
        fm = self.fields[name]
        coef = fm.coef[:, idx]
        push = vals * (coef[fm.classes.index(label)] - coef.mean(axis=0))
        phrases: list[str] = []
        floor = PUSH_SHARE * float(push.max(initial=0.0))
        for j in np.argsort(-push)[:30]:
            feature = self.vocabulary[idx[j]]
            if push[j] <= floor or len(phrases) == MAX_WEIGHTED:
                break
            if feature[0] in "wcl" and len(feature) > 3:
                phrases.append(quote(prep, feature[2:]))
        return phrases

    def nothing_to_say(self) -> Analysis:
        """Nothing Chinese to read: the neutral answer, certain of its own emptiness."""
        def one_hot(code: str, name: str) -> dict[str, float]:
            return {c: float(c == code) for c in self.fields[name].classes}

        return Analysis(
            emotion="calm", emotion_score=1.0,
            type="unknown", type_scores=one_hot("unknown", "type"),
            kind="other", kind_scores=one_hot("other", "kind"),
            urgency="low", urgency_score=1.0,
            reasons={n: [] for n in FIELDS},
            model_version=self.version,
        )

    # -- storage ----------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write `<path>.npz` and its manifest `<path>.json`; a directory gets `<version>.npz`."""
        target = Path(path)
        target = npz_path(target / self.version if target.is_dir() else target)
        target.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            "vocabulary": np.array(self.vocabulary, dtype=np.str_),
            "weights": self.weights,
        }
        for name, fm in self.fields.items():
            arrays[f"{name}__classes"] = np.array(fm.classes, dtype=np.str_)
            arrays[f"{name}__coef"] = fm.coef.astype(np.float32)
            arrays[f"{name}__intercept"] = fm.intercept.astype(np.float32)
        with target.open("wb") as out:
            np.savez_compressed(out, **arrays)
        manifest = {**self.manifest, "type_threshold": self.type_threshold}
        target.with_suffix(".json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return target

    @classmethod
    def from_files(cls, npz: Path) -> AssistModel:
        manifest = json.loads(npz.with_suffix(".json").read_text(encoding="utf-8"))
        with np.load(npz, allow_pickle=False) as data:
            fields = {
                name: FieldModel(
                    classes=[str(c) for c in data[f"{name}__classes"]],
                    coef=np.ascontiguousarray(data[f"{name}__coef"], dtype=np.float32),
                    intercept=data[f"{name}__intercept"].astype(np.float32),
                )
                for name in FIELDS
            }
            return cls(
                vocabulary=[str(v) for v in data["vocabulary"]],
                weights=data["weights"],
                fields=fields,
                type_threshold=float(manifest.get("type_threshold", 0.0)),
                manifest=manifest,
            )


def quote(prep: Prepared, phrase: str) -> str:
    """The phrase as the customer wrote it (traditional stays traditional) when it can be found."""
    if len(prep.folded) == len(prep.shown):
        at = prep.folded.find(phrase)
        if at >= 0:
            return prep.shown[at : at + len(phrase)]
    return phrase


def unique_phrases(phrases: list[str]) -> list[str]:
    """Drop repeats and phrases contained in a longer one already listed."""
    kept: list[str] = []
    for phrase in sorted(dict.fromkeys(p for p in phrases if p.strip()), key=len, reverse=True):
        if not any(phrase in longer for longer in kept):
            kept.append(phrase)
    order = {p: i for i, p in enumerate(phrases)}
    return sorted(kept, key=order.__getitem__)


def npz_path(path: Path) -> Path:
    """`x.npz` and `x.json` name one model; so does a bare `assist-2026.11.22-1`."""
    if path.suffix in (".npz", ".json"):
        return path.with_suffix(".npz")
    return path.with_name(path.name + ".npz")


def version_key(path: Path) -> tuple[str, int]:
    stem = path.stem  # assist-2026.11.22-3
    head, _, serial = stem.rpartition("-")
    return (head, int(serial)) if serial.isdigit() else (stem, 0)


def resolve(path: str | Path | None) -> Path:
    """None: the newest shipped model; a directory: its newest model; else that model file."""
    target = MODELS_DIR if path is None else Path(path)
    if target.is_dir():
        models = sorted(target.glob("assist-*.npz"), key=version_key)
        if not models:
            raise FileNotFoundError(f"no assist model (assist-*.npz) in {target}")
        return models[-1]
    target = npz_path(target)
    if not target.exists():
        raise FileNotFoundError(f"no assist model at {target}")
    return target


def load_model(path: str | Path | None = None) -> AssistModel:
    npz = resolve(path)
    return _load(str(npz), npz.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load(npz: str, mtime_ns: int) -> AssistModel:
    return AssistModel.from_files(Path(npz))
