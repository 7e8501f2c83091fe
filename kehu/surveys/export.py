"""Responses out to Excel or CSV: one row per response, one column per item, codes on a second sheet."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone

from kehu.surveys import logic
from kehu.surveys.models import Response, Survey

FIXED = ["response", "version", "status", "channel", "started", "finished", "seconds", "customer", "ticket"]


def columns(survey: Survey) -> list[tuple[str, str, str]]:
    """(column, question code, item or option code) over every version, first seen first."""
    out: dict[str, tuple[str, str, str]] = {}
    for version in survey.versions.order_by("number"):
        for q in logic.questions(version.definition):
            if q["type"] == "matrix":
                for item in q["items"]:
                    out.setdefault(f"{q['code']}_{item['code']}", (f"{q['code']}_{item['code']}", q["code"], str(item["code"])))
            elif q["type"] == "multiple":
                for opt in q["options"]:
                    out.setdefault(f"{q['code']}_{opt['code']}", (f"{q['code']}_{opt['code']}", q["code"], str(opt["code"])))
            else:
                out.setdefault(q["code"], (q["code"], q["code"], ""))
    return list(out.values())


def rows(survey: Survey) -> tuple[list[str], list[list[Any]]]:
    cols = columns(survey)
    header = FIXED + [c for c, _q, _i in cols]
    responses = Response.objects.filter(survey=survey).select_related("version", "ticket").prefetch_related("answers")
    out = []
    for r in responses.order_by("pk"):
        answers = {a.question: a.value for a in r.answers.all()}
        row: list[Any] = [r.pk, r.version.number, r.status, r.channel, _when(r.started_at), _when(r.finished_at),
                          r.seconds, r.customer_id, r.ticket.number if r.ticket else ""]
        for _c, code, sub in cols:
            value = answers.get(code)
            if isinstance(value, dict):
                row.append(value.get(sub, ""))
            elif isinstance(value, list):
                row.append("" if value is None else int(sub in value))
            else:
                row.append("" if value is None else value)
        out.append(row)
    return header, out


def codebook(survey: Survey) -> list[list[str]]:
    book = [["column", "question", "type", "text", "codes"]]
    seen: set[str] = set()
    for version in survey.versions.order_by("-number"):
        for q in logic.questions(version.definition):
            if q["code"] in seen:
                continue
            seen.add(q["code"])
            codes = "; ".join(f"{o['code']}={logic.text_of(o)}" for o in q.get("options", []))
            if q["type"] in ("rating", "matrix"):
                codes = f"{q['min']}–{q['max']}"
            elif q["type"] == "nps":
                codes = "0–10"
            book.append([q["code"], q["code"], q["type"], logic.text_of(q), codes])
            for item in q.get("items", []):
                book.append([f"{q['code']}_{item['code']}", q["code"], "item", logic.text_of(item), codes])
    return book


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def export_responses(survey: Survey, fmt: str) -> tuple[bytes, str]:
    header, data = rows(survey)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerows(data)
        return ("\ufeff" + buf.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("responses")
    sheet.append(header)
    for row in data:
        sheet.append(row)
    codes = book.create_sheet("codes")
    for row in codebook(survey):
        codes.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
