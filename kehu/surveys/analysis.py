"""Between the satisfaction app and the PLS engine: tables in, one CSI result object out.

Used by `kehu csi` and POST /api/csi. Reads answer tables (an .xlsx/.csv file, CSV text or a
list of records), runs `kehu.engines.pls.csi_report`, and puts the engine's messages and
plain-language readings into the user's language.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import CalamineError, CalamineWorkbook

from kehu.core.errors import InvalidInput
from kehu.engines.pls import ModelError, csi_report

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
Table = tuple[list[str], list[list[Any]]]

# Engine problems by code, in words a translator can render; the engine's English message is
# the fallback for any code not listed here.
ERRORS = {
    "no_constructs": gettext_lazy("The model names no constructs."),
    "empty_block": gettext_lazy("Construct “%(construct)s” lists no items."),
    "item_twice": gettext_lazy(
        "Item “%(item)s” is listed under both “%(other)s” and “%(construct)s”."),
    "path_unknown_construct": gettext_lazy(
        "A path names “%(construct)s”, which is not a construct."),
    "self_path": gettext_lazy("Construct “%(construct)s” cannot point to itself."),
    "no_paths": gettext_lazy("The model has no paths between constructs."),
    "cycle": gettext_lazy("The paths form a cycle: %(cycle)s."),
    "unconnected": gettext_lazy(
        "Construct “%(construct)s” is not connected to the rest of the model by any path."),
    "bad_mode": gettext_lazy(
        "The mode of “%(construct)s” must be A (reflective) or B (formative)."),
    "bad_target": gettext_lazy("The target “%(construct)s” is not one of the constructs."),
    "target_without_drivers": gettext_lazy(
        "The target “%(construct)s” has no drivers: no path leads into it."),
    "item_missing": gettext_lazy(
        "Item “%(item)s” of construct “%(construct)s” is not in the data."),
    "item_empty": gettext_lazy("Item “%(item)s” has no answers at all."),
    "not_numeric": gettext_lazy("Item “%(item)s”, row %(row)s: “%(value)s” is not a number."),
    "constant_item": gettext_lazy(
        "Item “%(item)s” of construct “%(construct)s” has the same answer from every "
        "respondent: it carries no information. Remove it from the model."),
    "too_few_respondents": gettext_lazy(
        "%(n)s complete respondents are fewer than the %(parameters)s parameters of the model."),
    "collinear_items": gettext_lazy(
        "The weights of construct “%(construct)s” cannot be estimated: some of its items are "
        "exact linear combinations of others."),
    "collinear_constructs": gettext_lazy(
        "The paths into “%(construct)s” cannot be estimated: its drivers are perfectly "
        "correlated with each other."),
    "bad_scale": gettext_lazy(
        "The answer scale must be an object with numbers min and max, min below max."),
    "bootstrap_failed": gettext_lazy(
        "Fewer than two bootstrap resamples could be estimated: the data are too few or too "
        "uniform for a bootstrap."),
}

QUADRANT_NAMES = {
    "advantage": gettext_lazy("advantage"),
    "disadvantage": gettext_lazy("disadvantage"),
    "unimportant": gettext_lazy("unimportant"),
    "complex": gettext_lazy("complex"),
}

READINGS = {
    "not_converged": gettext_lazy(
        "The estimation did not converge in %(value)s iterations: the results are provisional."),
    "rows_dropped": gettext_lazy(
        "%(value)s respondents with missing answers were left out (listwise deletion)."),
    "cells_imputed": gettext_lazy(
        "%(value)s missing answers were replaced by the item's mean."),
    "scale_inferred": gettext_lazy(
        "No answer scale was given: the lowest and highest answers in the data stand in for it."),
    "single_item": gettext_lazy(
        "“%(construct)s” is measured by a single item: its reliability cannot be assessed."),
    "low_alpha": gettext_lazy(
        "“%(construct)s”: Cronbach's α is %(value).2f, below %(threshold)s."),
    "low_rho_c": gettext_lazy(
        "“%(construct)s”: composite reliability ρc is %(value).2f, below %(threshold)s."),
    "low_ave": gettext_lazy(
        "“%(construct)s”: average variance extracted is %(value).2f, below %(threshold)s."),
    "weak_item": gettext_lazy(
        "Item “%(item)s” loads only %(value).2f on “%(construct)s”: consider dropping it."),
    "high_htmt": gettext_lazy(
        "“%(construct)s” and “%(other)s” are hard to tell apart (HTMT %(value).2f)."),
    "significant": gettext_lazy("The path %(source)s → %(construct)s (%(value).3f) is significant."),
    "not_significant": gettext_lazy(
        "The path %(source)s → %(construct)s (%(value).3f) is not significant."),
    "quadrant_advantage": gettext_lazy(
        "“%(construct)s” lies in the advantage quadrant: a strength, keep it up."),
    "quadrant_disadvantage": gettext_lazy(
        "“%(construct)s” lies in the disadvantage quadrant: it matters and scores low, "
        "improve it first."),
    "quadrant_unimportant": gettext_lazy(
        "“%(construct)s” lies in the unimportant quadrant: improving it helps little for now."),
    "quadrant_complex": gettext_lazy(
        "“%(construct)s” lies in the complex quadrant: it scores well but matters little, "
        "check whether the effort is still needed."),
    "negative_weight": gettext_lazy(
        "Items with negative weights (%(names)s) make the 0–100 scores hard to read: check "
        "their coding."),
    "first_priority": gettext_lazy(
        "Improve “%(item)s” first: one point more there adds %(value).3f points of "
        "satisfaction."),
}


def run_csi(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    model: Mapping[str, Any],
    *,
    scheme: str = "path",
    scaled: bool = True,
    bootstrap: int = 0,
    seed: int = 0,
    missing: str = "listwise",
    processes: int | None = None,
) -> dict[str, Any]:
    """The whole CSI analysis; any problem with model or data raises InvalidInput (422)."""
    if not rows:
        raise InvalidInput(_("The data have no rows of answers."), field="data")
    _check_columns(columns)
    try:
        out = csi_report(
            rows, columns, model, scheme=scheme, scaled=scaled, resamples=bootstrap, seed=seed,
            missing=missing, processes=processes,
        )
    except ModelError as exc:
        raise InvalidInput(error_text(exc), field=exc.field) from exc
    out["readings"] = [_translated(r) for r in out["readings"]]
    out["quadrant_names"] = {c: str(QUADRANT_NAMES[q]) for c, q in out["quadrants"].items()}
    return out


def error_text(exc: ModelError) -> str:
    template = ERRORS.get(exc.code)
    try:
        return str(template) % exc.params if template else exc.message
    except (KeyError, TypeError, ValueError):
        return exc.message


def _translated(reading: dict[str, Any]) -> dict[str, Any]:
    code = reading["code"]
    key = f"quadrant_{reading['quadrant']}" if code == "quadrant" else code
    params = {**reading, "names": ", ".join(reading.get("items", []))}
    try:
        return {**reading, "text": str(READINGS[key]) % params}
    except (KeyError, TypeError, ValueError):
        return reading


def _check_columns(columns: Sequence[str]) -> None:
    seen: set[str] = set()
    for c in columns:
        if c and c in seen:
            raise InvalidInput(
                _("The column “%(column)s” appears twice in the data.") % {"column": c},
                field="data",
            )
        seen.add(c)


# --- reading tables ------------------------------------------------------------------


def read_file(path: Path) -> Table:
    """The first sheet of a spreadsheet, or a UTF-8 CSV file (with or without BOM)."""
    if not path.is_file():
        raise InvalidInput(_("File not found: %(path)s") % {"path": path}, field="data")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _split(_read_sheet(path))
    if suffix in (".csv", ".txt"):
        try:
            return parse_csv(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise InvalidInput(_("The CSV file is not UTF-8 encoded."), field="data") from None
    raise InvalidInput(
        _("Unknown file format “%(suffix)s”: use .xlsx or .csv.") % {"suffix": suffix or path.name},
        field="data",
    )


def _read_sheet(path: Path) -> list[list[Any]]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise InvalidInput(
            _("The file cannot be read as a spreadsheet: %(error)s") % {"error": exc},
            field="data",
        ) from exc


def parse_csv(text: str) -> Table:
    try:
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    except csv.Error as exc:
        raise InvalidInput(_("The CSV text cannot be read: %(error)s") % {"error": exc},
                           field="csv") from exc
    return _split(rows)


def _split(rows: list[list[Any]]) -> Table:
    """Header row and data rows; rows left wholly empty (a trailing blank line) are dropped."""
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise InvalidInput(_("The table is empty."), field="data")
    header = ["" if c is None else str(c).strip() for c in rows[0]]
    width = len(header)
    body = [(list(r) + [None] * width)[:width] for r in rows[1:]]
    return header, body


def records_table(records: Sequence[Mapping[str, Any]]) -> Table:
    """A list of {item: answer} objects as a table; items absent from a record are missing."""
    columns: dict[str, None] = {}
    for r in records:
        columns.update(dict.fromkeys(r))
    names = list(columns)
    return names, [[r.get(c) for c in names] for r in records]


def read_model(path: Path) -> dict[str, Any]:
    try:
        model = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InvalidInput(_("File not found: %(path)s") % {"path": path}, field="model") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            _("The model file is not valid JSON: %(error)s") % {"error": exc}, field="model"
        ) from exc
    if not isinstance(model, dict):
        raise InvalidInput(_("The model must be a JSON object."), field="model")
    return model
