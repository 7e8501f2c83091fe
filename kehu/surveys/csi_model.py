"""The model page's workflows: a survey's items, the ACSI/ECSI template, running a stored
CSI model on the completed responses of a period, comparing two periods, the Excel export."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import InvalidInput
from kehu.surveys import logic
from kehu.surveys.analysis import run_csi
from kehu.surveys.models import Answer, Response, ResponseStatus, Survey, SurveyModel

# The ACSI/ECSI constructs in their usual order (drivers first), with the standard paths.
TEMPLATE = [
    ("image", gettext_lazy("Image")),
    ("expectation", gettext_lazy("Expectation")),
    ("quality", gettext_lazy("Perceived quality")),
    ("value", gettext_lazy("Perceived value")),
    ("satisfaction", gettext_lazy("Satisfaction")),
    ("complaints", gettext_lazy("Complaints")),
    ("loyalty", gettext_lazy("Loyalty")),
]
TEMPLATE_PATHS = [
    ("image", "expectation"), ("image", "satisfaction"), ("image", "loyalty"),
    ("expectation", "quality"), ("expectation", "value"), ("expectation", "satisfaction"),
    ("quality", "value"), ("quality", "satisfaction"), ("value", "satisfaction"),
    ("satisfaction", "complaints"), ("satisfaction", "loyalty"), ("complaints", "loyalty"),
]
# The strategy matrix's four quadrants as the literature names them (优势区, 劣势区, …).
QUADRANT_LABELS = {
    "advantage": gettext_lazy("Advantage zone"),
    "disadvantage": gettext_lazy("Disadvantage zone"),
    "unimportant": gettext_lazy("Unimportant zone"),
    "complex": gettext_lazy("Complex zone"),
}
# Item codes often start with the construct's abbreviation (IMAG1, SAT2): a first guess.
PREFIXES = {"imag": "image", "expe": "expectation", "qual": "quality", "val": "value",
            "sat": "satisfaction", "comp": "complaints", "loy": "loyalty"}


@dataclass(frozen=True)
class Item:
    column: str
    question: str
    label: str
    low: int
    high: int


def items(survey: Survey, language: str = "zh") -> list[Item]:
    """Rating, matrix and NPS items over every version (newest text wins), named as in the export."""
    out: dict[str, Item] = {}
    for version in survey.versions.order_by("-number"):
        for q in logic.questions(version.definition):
            low, high = (0, 10) if q["type"] == "nps" else (q.get("min"), q.get("max"))
            if q["type"] in ("rating", "nps"):
                out.setdefault(q["code"], Item(q["code"], q["code"], logic.text_of(q, language), low, high))
            elif q["type"] == "matrix":
                for i in q["items"]:
                    column = f"{q['code']}_{i['code']}"
                    label = f"{logic.text_of(q, language)} · {logic.text_of(i, language)}"
                    out.setdefault(column, Item(column, q["code"], label, low, high))
    return sorted(out.values(), key=lambda i: _natural(i.column))


def _natural(text: str) -> tuple:
    import re

    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text))


def template(survey_items: list[Item]) -> dict[str, Any]:
    """The ACSI/ECSI model in the user's language, items guessed from their codes."""
    names = {key: str(label) for key, label in TEMPLATE}
    constructs: dict[str, list[str]] = {names[key]: [] for key, _label in TEMPLATE}
    for item in survey_items:
        code = item.column.lower()
        for prefix, key in PREFIXES.items():
            if code.startswith(prefix) and (len(code) == len(prefix) or not code[len(prefix)].isalpha()):
                constructs[names[key]].append(item.column)
                break
    return {"constructs": constructs, "paths": [[names[a], names[b]] for a, b in TEMPLATE_PATHS],
            "target": names["satisfaction"]}


def check_model(*, constructs: dict[str, list[str]], paths: list[list[str]], target: str,
                survey_items: list[Item]) -> tuple[dict[str, list[str]], list[list[str]]]:
    """The constructs that have items and the paths between them; a mixed scale is refused."""
    known = {i.column: i for i in survey_items}
    kept = {c: [i for i in cols if i in known] for c, cols in constructs.items()}
    kept = {c: cols for c, cols in kept.items() if cols}
    if len(kept) < 2:
        raise InvalidInput(_("Assign survey items to at least two constructs."), field="constructs")
    scales = {(known[i].low, known[i].high) for cols in kept.values() for i in cols}
    if len(scales) > 1:
        listed = ", ".join(f"{lo}–{hi}" for lo, hi in sorted(scales))
        raise InvalidInput(_("All items of a model must share one answer scale; these items use %(scales)s. "
                             "Leave out the items on the other scales.") % {"scales": listed}, field="constructs")
    if target not in kept:
        raise InvalidInput(_("The target “%(target)s” has no items assigned.") % {"target": target},
                           field="target")
    kept_paths = [[a, b] for a, b in paths if a in kept and b in kept and a != b]
    return kept, list(map(list, dict.fromkeys(map(tuple, kept_paths))))


def model_save(*, survey: Survey, by: User, name: str, constructs: dict[str, list[str]],
               paths: list[list[str]], target: str, scheme: str, scaled: bool, bootstrap: int,
               seed: int) -> SurveyModel:
    survey_items = items(survey)
    constructs, paths = check_model(constructs=constructs, paths=paths, target=target,
                                    survey_items=survey_items)
    model = survey.csi_models.first() or SurveyModel(survey=survey)
    for field, value in (("name", name), ("constructs", constructs), ("paths", paths), ("target", target),
                         ("scheme", scheme), ("scaled", scaled), ("bootstrap", bootstrap), ("seed", seed)):
        setattr(model, field, value)
    model.updated_by = by
    model.save()
    log_action("surveys.csi_model.saved", actor=by, obj=survey, note=model.name)
    return model


def ordered(constructs: dict[str, list[str]], paths: list[list[str]]) -> dict[str, list[str]]:
    """Constructs drivers first (paths in topological order, ties as the paths list them).

    PostgreSQL's jsonb keeps object keys in its own order, so the order shown and fed to the
    engine is derived from the paths (a JSON array keeps its order) on both databases."""
    first_seen = list(dict.fromkeys([c for p in paths for c in p if c in constructs] + sorted(constructs)))
    incoming = {c: {a for a, b in paths if b == c and a in constructs} for c in first_seen}
    out: list[str] = []
    while len(out) < len(first_seen):
        ready = [c for c in first_seen if c not in out and incoming[c] <= set(out)]
        out.append(ready[0] if ready else next(c for c in first_seen if c not in out))  # a cycle: as listed
    return {c: constructs[c] for c in out}


# --- running ---------------------------------------------------------------------------------

def spec(model: SurveyModel) -> dict[str, Any]:
    scale = {(i.low, i.high) for i in items(model.survey) if any(i.column in c for c in model.constructs.values())}
    out: dict[str, Any] = {"constructs": ordered(model.constructs, model.paths), "paths": model.paths,
                           "target": model.target}
    if len(scale) == 1:
        low, high = scale.pop()
        out["scale"] = {"min": low, "max": high}
    return out


def table(model: SurveyModel, since: dt.date | None = None,
          until: dt.date | None = None) -> tuple[list[str], list[list[Any]]]:
    """One row per completed response of the period, one column per model item (None = missing)."""
    columns = [c for cols in ordered(model.constructs, model.paths).values() for c in cols]
    questions = {c.split("_", 1)[0] if "_" in c else c for c in columns} | set(columns)
    responses = Response.objects.filter(survey=model.survey, status=ResponseStatus.COMPLETED)
    if since:
        responses = responses.filter(finished_at__gte=_start(since))
    if until:
        responses = responses.filter(finished_at__lt=_start(until + dt.timedelta(days=1)))
    answers: dict[int, dict[str, Any]] = {}
    rows = Answer.objects.filter(response__in=responses.values("pk"), question__in=questions)
    for rid, question, value in rows.values_list("response_id", "question", "value").iterator(chunk_size=5000):
        answers.setdefault(rid, {})[question] = value
    return columns, [[_cell(a, c) for c in columns] for _rid, a in sorted(answers.items())]


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _cell(answers: dict[str, Any], column: str) -> Any:
    if column in answers and not isinstance(answers[column], dict):
        return answers[column]
    question, _sep, item = column.partition("_")
    value = answers.get(question)
    return value.get(item) if isinstance(value, dict) else None


def model_run(model: SurveyModel, since: dt.date | None = None, until: dt.date | None = None,
              *, processes: int | None = 1) -> dict[str, Any]:
    """The CSI result of the period; problems come back as InvalidInput with the engine's words."""
    columns, rows = table(model, since, until)
    if not rows:
        raise InvalidInput(_("No completed responses in this period."), field="period")
    return run_csi(columns, rows, spec(model), scheme=model.scheme, scaled=model.scaled,
                   bootstrap=model.bootstrap, seed=model.seed, processes=processes)


def compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Side by side: the index, each path and each driver's performance, with the change B − A."""
    def row(label: str, x: float | None, y: float | None) -> dict[str, Any]:
        return {"label": label, "a": x, "b": y, "change": None if x is None or y is None else y - x}

    pa = {(p["from"], p["to"]): p["coef"] for p in a["paths"]}
    pb = {(p["from"], p["to"]): p["coef"] for p in b["paths"]}
    return {
        "index": [row(a["target"], a["index"], b["index"])],
        "paths": [row(f"{f} → {t}", pa.get((f, t)), pb.get((f, t))) for f, t in dict.fromkeys([*pa, *pb])],
        "performance": [row(c, a["performance"].get(c), b["performance"].get(c)) for c in a["importance"]],
        "importance": [row(c, a["importance"].get(c), b["importance"].get(c)) for c in a["importance"]],
    }


def matrix_points(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"construct": c, "importance": imp, "performance": result["performance"][c],
             "quadrant": result["quadrants"].get(c, ""), "quadrant_name": str(QUADRANT_LABELS.get(result["quadrants"].get(c, ""), ""))}
            for c, imp in result["importance"].items()]


def workbook(result: dict[str, Any]) -> bytes:
    """Sheets paths, reliability, matrix, ranking: what the results page shows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheets = {
        "paths": (["from", "to", "coef", "se", "ci_low", "ci_high"],
                  [[p["from"], p["to"], p["coef"], p.get("se"), p.get("ci_low"), p.get("ci_high")]
                   for p in result["paths"]]),
        "reliability": (["construct", "alpha", "rho_c", "ave", "r2"],
                        [[c, r.get("alpha"), r.get("rho_c"), r.get("ave"), result["r2"].get(c)]
                         for c, r in result["reliability"].items()]),
        "matrix": (["construct", "importance", "performance", "quadrant"],
                   [[p["construct"], p["importance"], p["performance"], p["quadrant"]]
                    for p in matrix_points(result)]),
        "ranking": (["rank", "item", "construct", "score", "impact"],
                    [[r["rank"], r["item"], r.get("construct"), r["score"], r["impact"]]
                     for r in result["ranking"]]),
    }
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for r in rows:
            sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
