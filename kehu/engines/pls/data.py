"""From a table of answers to the item matrix the estimation uses: checks and missing answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kehu.engines.pls.errors import ModelError
from kehu.engines.pls.model import PathModel

MISSING = ("listwise", "mean")
MAX_ANSWER = 1e100


@dataclass(frozen=True)
class MissingReport:
    method: str
    rows_dropped: int
    cells_imputed: int


@dataclass(frozen=True)
class Prepared:
    """Raw answers, one column per model item in the model's item order."""

    x: np.ndarray
    missing: MissingReport

    @property
    def n(self) -> int:
        return int(self.x.shape[0])


def prepare(
    data: np.ndarray | Sequence[Sequence[float]],
    columns: Sequence[str],
    model: PathModel,
    *,
    missing: str = "listwise",
) -> Prepared:
    """Pick the model's items from `data` (rows = respondents), NaN = no answer."""
    if missing not in MISSING:
        raise ModelError(
            f"Missing answers are handled 'listwise' or by 'mean', not {missing!r}.",
            code="bad_missing", field="missing", value=str(missing),
        )
    table = np.asarray(data, dtype=object if _has_text(data) else float)
    if table.ndim != 2 or table.shape[1] != len(columns):
        raise ModelError(
            "The data must be a table with one column per name in `columns`.",
            code="bad_shape", field="data",
        )
    where = {c: i for i, c in enumerate(columns)}
    for construct, block in zip(model.constructs, model.blocks, strict=True):
        for item in block:
            if item not in where:
                raise ModelError(
                    f"Item “{item}” of construct “{construct}” is not in the data.",
                    code="item_missing", field="data", item=item, construct=construct,
                )
    x = _numeric(table[:, [where[i] for i in model.items]], model)
    x, report = _fill(x, missing, model)
    _check_variation(x, model)
    _check_size(x.shape[0], model)
    return Prepared(x, report)


def _has_text(data: object) -> bool:
    return not isinstance(data, np.ndarray) or data.dtype == object


def _numeric(cells: np.ndarray, model: PathModel) -> np.ndarray:
    if cells.dtype != object:
        x = cells.astype(float)
    else:
        x = np.empty(cells.shape)
        for (r, c), v in np.ndenumerate(cells):
            x[r, c] = _number(v, model, r, c)
    # Answers beyond ±1e100 are no survey answers and would overflow the sums of squares.
    bad = np.argwhere(np.abs(np.nan_to_num(x, nan=0.0)) > MAX_ANSWER)
    if len(bad):
        r, c = (int(v) for v in bad[0])
        raise _not_a_number(model, r, c, f"{x[r, c]:g}")
    return x


def _number(v: object, model: PathModel, r: int, c: int) -> float:
    if v is None or (isinstance(v, str) and not v.strip()):
        return np.nan
    if isinstance(v, bool):
        raise _not_a_number(model, r, c, str(v))
    try:
        return float(v.strip() if isinstance(v, str) else v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _not_a_number(model, r, c, str(v)) from None


def _not_a_number(model: PathModel, r: int, c: int, value: str) -> ModelError:
    item = model.items[c]
    return ModelError(
        f"Item “{item}”, row {r + 1}: “{value}” is not a number.",
        code="not_numeric", field="data", item=item, row=r + 1, value=value,
    )


def _fill(x: np.ndarray, missing: str, model: PathModel) -> tuple[np.ndarray, MissingReport]:
    gaps = np.isnan(x)
    empty = np.flatnonzero(gaps.all(axis=0))
    if len(empty) and x.shape[0]:
        item = model.items[empty[0]]
        raise ModelError(
            f"Item “{item}” has no answers at all.", code="item_empty", field="data", item=item,
            construct=model.constructs[model.block_of[empty[0]]],
        )
    if not gaps.any():
        return x, MissingReport(missing, 0, 0)
    if missing == "listwise":
        keep = ~gaps.any(axis=1)
        return x[keep], MissingReport(missing, int((~keep).sum()), 0)
    means = np.nanmean(x, axis=0)
    filled = np.where(gaps, means, x)
    return filled, MissingReport(missing, 0, int(gaps.sum()))


def _check_variation(x: np.ndarray, model: PathModel) -> None:
    if x.shape[0] < 2:
        return
    sd = x.std(axis=0)
    span = np.abs(x).max(axis=0) + 1.0
    for c in np.flatnonzero(sd <= 1e-12 * span):
        item = model.items[c]
        construct = model.constructs[model.block_of[c]]
        raise ModelError(
            f"Item “{item}” of construct “{construct}” has the same answer from every "
            "respondent: it carries no information. Remove it from the model.",
            code="constant_item", field="data", item=item, construct=construct,
        )


def parameters(model: PathModel) -> int:
    """What the model estimates: one outer weight per item and one coefficient per path."""
    return len(model.items) + len(model.paths)


def _check_size(n: int, model: PathModel) -> None:
    need = parameters(model)
    if n < need:
        raise ModelError(
            f"{n} complete respondents are fewer than the {need} parameters of the model "
            f"({len(model.items)} items + {len(model.paths)} paths).",
            code="too_few_respondents", field="data", n=n, parameters=need,
        )
