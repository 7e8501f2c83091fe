"""A survey whose questions are the satisfaction study's items, answered by its 250 respondents."""

from __future__ import annotations

import csv
import datetime as dt

from django.utils import timezone

from kehu.engines.pls.tests.helpers import DATA
from kehu.surveys import services
from kehu.surveys.models import Response, Survey

BLOCKS = {"IMAG": 5, "EXPE": 5, "QUAL": 5, "VAL": 4, "SAT": 4, "LOY": 4}
MATRIX = "SATM"  # the satisfaction items come as one matrix question: columns SATM_sat1 …


def study_rows() -> list[dict[str, str]]:
    with (DATA / "satisfaction.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def definition() -> dict:
    questions: list[dict] = []
    for block, k in BLOCKS.items():
        if block == "SAT":
            questions.append({"code": MATRIX, "type": "matrix", "required": True, "min": 0, "max": 10,
                              "text": {"zh": "总体满意度"},
                              "items": [{"code": f"sat{i}", "text": {"zh": f"满意度{i}"}} for i in range(1, 5)]})
            continue
        questions += [{"code": f"{block.lower()}{i}", "type": "rating", "required": True, "min": 0, "max": 10,
                       "text": {"zh": f"{block} {i}"}} for i in range(1, k + 1)]
    questions.append({"code": "NPS", "type": "nps", "required": False, "text": {"zh": "推荐"}})
    return {"sections": [{"title": {"zh": "测评"}, "questions": questions}]}


def columns() -> dict[str, list[str]]:
    """The study's blocks by survey column."""
    out = {}
    for block, k in BLOCKS.items():
        name = block.lower() if block != "VAL" else "val"
        out[block] = ([f"{MATRIX}_sat{i}" for i in range(1, 5)] if block == "SAT"
                      else [f"{name}{i}" for i in range(1, k + 1)])
    return out


def answers(row: dict[str, str]) -> dict:
    raw: dict = {c: int(v) for c, v in row.items() if c[:3] in ("ima", "exp", "qua", "val", "loy")}
    raw[MATRIX] = {f"sat{i}": int(row[f"sat{i}"]) for i in range(1, 5)}
    return raw


def build(by, rows: list[dict[str, str]] | None = None, *, split: int | None = None) -> Survey:
    """Publish the survey and submit the answers; with `split`, the first `split` responses
    finish in January 2026 and the rest in February."""
    survey = services.survey_create(by=by, name="满意度测评")
    version = services.survey_draft(survey=survey, by=by)
    services._save_definition(version, definition())
    services.survey_publish(survey=survey, by=by)
    ids = [services.response_submit(survey=survey, raw=answers(r))[0].pk for r in (rows or study_rows())]
    if split is not None:
        jan = timezone.make_aware(dt.datetime(2026, 1, 15, 10))
        Response.objects.filter(pk__in=ids[:split]).update(finished_at=jan)
        Response.objects.filter(pk__in=ids[split:]).update(finished_at=jan + dt.timedelta(days=31))
    return survey


def form_data(**overrides) -> dict:
    """What the model page posts: constructs, one select per item, the path rows, settings."""
    cols = columns()
    paths = [("IMAG", "EXPE"), ("IMAG", "SAT"), ("IMAG", "LOY"), ("EXPE", "QUAL"), ("EXPE", "VAL"),
             ("EXPE", "SAT"), ("QUAL", "VAL"), ("QUAL", "SAT"), ("VAL", "SAT"), ("SAT", "LOY")]
    data: dict = {"name": "ECSI", "constructs": "\n".join(cols), "target": "SAT", "scheme": "centroid",
                  "bootstrap": "0", "seed": "1", "path_from": [a for a, _b in paths],
                  "path_to": [b for _a, b in paths]}
    data.update({f"item:{c}": block for block, cs in cols.items() for c in cs})
    data.update(overrides)
    return data
