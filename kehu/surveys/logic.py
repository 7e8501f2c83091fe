"""A questionnaire's rules: its definition, which questions show, answers, screening.

Pure Python (no Django): the web form, the CATI screen and the API all ask these
functions, so skip logic (逻辑跳问) and screening (甄别) behave the same everywhere.

A definition is JSON kept on each survey version:

    {"sections": [{"title": {"zh": "…", "en": "…"}, "questions": [
        {"code": "Q1", "type": "rating", "min": 1, "max": 5, "text": {"zh": "…", "en": "…"},
         "required": true, "csat": true},
        {"code": "Q2", "type": "single", "options": [{"code": "1", "text": {"zh": "是"}}, …],
         "show_if": [{"q": "Q1", "op": "lte", "value": 2}],
         "end_if": [{"op": "eq", "value": "2"}]},        # answered so: the interview ends (甄别)
        {"code": "Q3", "type": "matrix", "min": 1, "max": 10, "items": [{"code": "a", "text": …}]},
        …]}]}

Answers are a dict: question code → value (a number, a string, a list of option codes,
an ISO date, or for a matrix a dict item code → number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

TYPES = ("rating", "single", "multiple", "matrix", "nps", "text", "number", "date")
SCALES = ((1, 5), (1, 7), (0, 10), (1, 10))
OPS = ("eq", "ne", "in", "not_in", "gte", "lte", "answered", "not_answered")
MAX_TEXT = 5000


class DefinitionError(ValueError):
    """The questionnaire itself is wrong; the message names the question."""


def _(message: str) -> str:
    """Marks a message for the translation catalogue; the caller translates it (no Django here)."""
    return message


class AnswerError(ValueError):
    """A respondent's answer is not valid: `template % params`, translated by the caller."""

    def __init__(self, code: str, template: str, **params: Any):
        super().__init__(template % params)
        self.code, self.template, self.params = code, template, params


def questions(definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for section in definition.get("sections", []):
        yield from section.get("questions", [])


def question_map(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["code"]: q for q in questions(definition)}


def text_of(node: dict[str, Any], language: str = "zh", key: str = "text") -> str:
    """The node's text in the language, else in the other one."""
    value = node.get(key) or {}
    if isinstance(value, str):
        return value
    return value.get(language) or value.get("zh") or value.get("en") or ""


# --- checking a definition -----------------------------------------------------------------

def check_definition(definition: dict[str, Any]) -> None:
    """Raise DefinitionError on the first problem: unknown type, bad scale, a condition on a
    later or unknown question, duplicated codes."""
    seen: dict[str, dict[str, Any]] = {}
    for q in questions(definition):
        code = str(q.get("code") or "").strip()
        if not code:
            raise DefinitionError("Every question needs a code.")
        if code in seen:
            raise DefinitionError(f"{code}: the code is used twice.")
        if q.get("type") not in TYPES:
            raise DefinitionError(f"{code}: unknown question type {q.get('type')!r}.")
        if not text_of(q):
            raise DefinitionError(f"{code}: the question has no text.")
        _check_shape(code, q)
        for cond in q.get("show_if", []):
            target = cond.get("q")
            if target not in seen:
                raise DefinitionError(f"{code}: its condition refers to {target!r}, which is not an earlier question.")
            _check_condition(code, cond)
        for cond in q.get("end_if", []):
            _check_condition(code, {**cond, "q": code})
        seen[code] = q


def _check_shape(code: str, q: dict[str, Any]) -> None:
    kind = q["type"]
    if kind in ("rating", "matrix") and (q.get("min"), q.get("max")) not in SCALES:
        raise DefinitionError(f"{code}: the scale must be one of 1–5, 1–7, 0–10, 1–10.")
    if kind in ("single", "multiple"):
        options = [str(o.get("code", "")) for o in q.get("options", [])]
        if len(options) < 2 or len(set(options)) != len(options) or "" in options:
            raise DefinitionError(f"{code}: a choice needs at least two options with distinct codes.")
    if kind == "matrix":
        items = [str(i.get("code", "")) for i in q.get("items", [])]
        if not items or len(set(items)) != len(items) or "" in items:
            raise DefinitionError(f"{code}: a matrix needs items with distinct codes.")


def _check_condition(code: str, cond: dict[str, Any]) -> None:
    if cond.get("op") not in OPS:
        raise DefinitionError(f"{code}: unknown condition operator {cond.get('op')!r}.")


# --- which questions show ------------------------------------------------------------------

def holds(cond: dict[str, Any], answers: dict[str, Any]) -> bool:
    value = answers.get(cond["q"])
    op, wanted = cond["op"], cond.get("value")
    if op == "answered":
        return _answered(value)
    if op == "not_answered":
        return not _answered(value)
    if not _answered(value):
        return False
    values = value if isinstance(value, list) else [value]
    wanted_list = wanted if isinstance(wanted, list) else [wanted]
    if op == "eq":
        return any(_same(v, wanted) for v in values)
    if op == "ne":
        return not any(_same(v, wanted) for v in values)
    if op == "in":
        return any(_same(v, w) for v in values for w in wanted_list)
    if op == "not_in":
        return not any(_same(v, w) for v in values for w in wanted_list)
    number = _number(value)
    if number is None or _number(wanted) is None:
        return False
    return number >= _number(wanted) if op == "gte" else number <= _number(wanted)


def _same(a: Any, b: Any) -> bool:
    na, nb = _number(a), _number(b)
    return na == nb if na is not None and nb is not None else str(a) == str(b)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _answered(value: Any) -> bool:
    return value not in (None, "", [], {})


def shown(q: dict[str, Any], answers: dict[str, Any]) -> bool:
    return all(holds(cond, answers) for cond in q.get("show_if", []))


def screens_out(q: dict[str, Any], answers: dict[str, Any]) -> bool:
    return any(holds({**cond, "q": q["code"]}, answers) for cond in q.get("end_if", []))


def flow(definition: dict[str, Any], answers: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """(the questions shown, in order, up to the end; the code of a screening question that
    ended the interview, or None). Answers to hidden questions are ignored."""
    visible: list[dict[str, Any]] = []
    effective: dict[str, Any] = {}
    for q in questions(definition):
        if not shown(q, effective):
            continue
        visible.append(q)
        if q["code"] in answers:
            effective[q["code"]] = answers[q["code"]]
        if screens_out(q, effective):
            return visible, q["code"]
    return visible, None


def next_question(definition: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any] | None:
    """The first shown question not yet answered (CATI reads them one by one); None at the end."""
    visible, ended = flow(definition, answers)
    if ended:
        return None
    return next((q for q in visible if q["code"] not in answers), None)


def missing_required(definition: dict[str, Any], answers: dict[str, Any]) -> list[str]:
    visible, ended = flow(definition, answers)
    if ended:
        return []
    return [q["code"] for q in visible if q.get("required") and not _answered(answers.get(q["code"]))]


def effective_answers(definition: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Only the answers to questions that are shown (a changed earlier answer can hide later ones)."""
    visible, _ = flow(definition, answers)
    codes = {q["code"] for q in visible}
    return {k: v for k, v in answers.items() if k in codes}


# --- reading one answer --------------------------------------------------------------------

def clean_answer(q: dict[str, Any], raw: Any) -> Any:
    """The stored value for a raw answer (form strings or JSON); None for no answer.
    Raises AnswerError with a message for the respondent."""
    code, kind = q["code"], q["type"]
    if raw in (None, "", [], {}):
        return None
    if kind in ("rating", "nps"):
        low, high = (0, 10) if kind == "nps" else (q["min"], q["max"])
        return _scale_value(code, raw, low, high)
    if kind == "number":
        value = _number(raw)
        if value is None:
            raise AnswerError(code, _("Please enter a number."))
        if q.get("min") is not None and value < q["min"] or q.get("max") is not None and value > q["max"]:
            raise AnswerError(code, _("Please enter a number from %(low)s to %(high)s."), low=q.get("min"),
                              high=q.get("max"))
        return int(value) if value.is_integer() else value
    if kind == "single":
        options = {str(o["code"]) for o in q["options"]}
        if str(raw) not in options:
            raise AnswerError(code, _("Please choose one of the options."))
        return str(raw)
    if kind == "multiple":
        chosen = [str(v) for v in (raw if isinstance(raw, list) else [raw])]
        options = [str(o["code"]) for o in q["options"]]
        if any(c not in options for c in chosen):
            raise AnswerError(code, _("Please choose among the options."))
        return [o for o in options if o in chosen]
    if kind == "matrix":
        if not isinstance(raw, dict):
            raise AnswerError(code, _("Please rate each item."))
        items = [str(i["code"]) for i in q["items"]]
        return {item: _scale_value(code, raw[item], q["min"], q["max"])
                for item in items if raw.get(item) not in (None, "")}
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise AnswerError(code, _("Please enter a date like 2026-11-22.")) from None
    return str(raw).strip()[:MAX_TEXT] or None


def _scale_value(code: str, raw: Any, low: int, high: int) -> int:
    value = _number(raw)
    if value is None or not value.is_integer() or not low <= value <= high:
        raise AnswerError(code, _("Please choose a whole number from %(low)s to %(high)s."), low=low, high=high)
    return int(value)


# --- CSAT and NPS ----------------------------------------------------------------------------

def nps(scores: list[int]) -> float | None:
    """Net promoter score: % of 9–10 minus % of 0–6, from −100 to 100."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores), 1)


def csat(scores: list[int], low: int, high: int) -> float | None:
    """Customer satisfaction: % of answers in the top two points of the scale (top-2 box)."""
    if not scores:
        return None
    top = sum(1 for s in scores if s >= high - 1)
    return round(100 * top / len(scores), 1)
