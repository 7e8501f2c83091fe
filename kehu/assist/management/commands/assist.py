"""`kehu assist`: read customers' words from the console, retrain and evaluate the model.

    kehu assist --json "TEXT"          one JSON object
    kehu assist --jsonl FILE|-         one JSON object per input line
    kehu assist train [--json] [--corpus FILE]   retrain from the corpus plus agents' corrections
    kehu assist eval FILE.jsonl [--json] [--model PATH]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from kehu.accounts.models import User
from kehu.assist import services
from kehu.engines import assist as engine
from kehu.engines.assist import labels

CORNER = "true\\predicted"


class Command(BaseCommand):
    help = "Agent assist: analyse text (--json TEXT, --jsonl FILE), retrain (train), evaluate (eval FILE)."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", nargs="?", choices=["train", "eval"],
                            help="train: retrain and replace the model if not worse; eval FILE: accuracy.")
        parser.add_argument("file", nargs="?", help="The labelled .jsonl file for eval.")
        parser.add_argument("--json", nargs="?", const=True, default=None, metavar="TEXT",
                            help="Analyse TEXT and print one JSON object; with train/eval: JSON output.")
        parser.add_argument("--jsonl", metavar="FILE",
                            help="Analyse one message per line (text or JSON with `text`); - is stdin.")
        parser.add_argument("--model", metavar="PATH", help="eval: a model file instead of the active one.")
        parser.add_argument("--as", dest="username", default="", help="train: who retrains (audit log).")
        parser.add_argument("--corpus", metavar="FILE",
                            help="train: a labelled .jsonl corpus instead of the shipped one.")

    def handle(self, *args: Any, **opts: Any) -> None:
        action, as_json = opts["action"], opts["json"]
        if action == "eval":
            # `eval --json FILE` hands the file name to --json; take it back.
            path = opts["file"] or (as_json if isinstance(as_json, str) else None)
            if not path:
                raise CommandError("Usage: kehu assist eval FILE.jsonl [--json]")
            return self._eval(Path(path), as_json=as_json is not None, model_path=opts["model"])
        if action == "train":
            return self._train(as_json=as_json is not None, username=opts["username"], corpus=opts["corpus"])
        if opts["jsonl"]:
            return self._jsonl(opts["jsonl"], opts.get("stdin") or sys.stdin)
        if isinstance(as_json, str):
            return self._print(services.assist_analyse(text=as_json))
        raise CommandError('Say what to do: --json "TEXT", --jsonl FILE, train, or eval FILE.jsonl.')

    def _print(self, obj: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(obj, ensure_ascii=False))

    # --- analysis of many lines -------------------------------------------------------------

    def _jsonl(self, name: str, stdin: IO[str]) -> None:
        lines = stdin if name == "-" else _open(Path(name))
        for number, raw in enumerate(lines, start=1):
            self._print(_analyse_line(number, raw))

    # --- training and evaluation ------------------------------------------------------------

    def _train(self, *, as_json: bool, username: str, corpus: str | None) -> None:
        by = User.objects.filter(username=username).first() if username else None
        if username and by is None:
            raise CommandError(f"No user “{username}”.")
        rows = None
        if corpus:
            rows, problems = _labelled_rows(_open(Path(corpus)))
            if problems or not rows:
                line, problem = problems[0] if problems else (0, "no labelled messages")
                raise CommandError(f"{corpus}, line {line}: {problem}")
        report = services.model_retrain(by=by, corpus=rows)
        if as_json:
            return self._print(report)
        self.stdout.write(f"corrected texts: {report['corrections']}; trained on {report['trained_on']} "
                          f"messages, compared on {report['held_out']} held out "
                          f"({report['corrections_held_out']} of them corrected texts)")
        self.stdout.write(f"{'field':10} {'before':>8} {'after':>8}")
        for field, before in report["before"].items():
            self.stdout.write(f"{field:10} {before:8.3f} {report['after'].get(field, 0):8.3f}")
        if report["replaced"]:
            self.stdout.write(f"replaced: model {report['version']} is now active "
                              f"(was {report['previous_version']})")
        else:
            self.stdout.write(f"kept model {report['version']}: the retrained one was worse")

    def _eval(self, path: Path, *, as_json: bool, model_path: str | None) -> None:
        rows, problems = _labelled_rows(_open(path))
        for line, problem in problems[:20]:
            self.stderr.write(f"line {line}: {problem} (skipped)")
        if not rows:
            raise CommandError(f"No labelled messages in {path}: each line needs `text` and one of "
                               f"{', '.join(labels.FIELDS)}.")
        model = _model(model_path)
        report = engine.evaluate(model, rows)
        if as_json:
            return self._print({"model_version": model.version, "n": len(rows), "fields": report})
        self.stdout.write(f"model {model.version}, {len(rows)} messages")
        for field, r in report.items():
            if r.get("n"):
                self._matrix(field, r)

    def _matrix(self, field: str, r: dict[str, Any]) -> None:
        self.stdout.write(f"\n{field}: accuracy {float(r['accuracy']):.3f} (n={r['n']})")
        names = [str(x) for x in r["labels"]]
        first = max(len(CORNER), *(len(n) for n in names))
        width = max(6, *(len(n) + 1 for n in names))
        self.stdout.write(f"{CORNER:<{first}}" + "".join(f"{n:>{width}}" for n in names))
        for name, row in zip(names, r["confusion"], strict=False):
            self.stdout.write(f"{name:<{first}}" + "".join(f"{int(v):>{width}}" for v in row))


def _open(path: Path) -> Iterator[str]:
    if not path.is_file():
        raise CommandError(f"File not found: {path}")
    try:
        with path.open(encoding="utf-8-sig") as f:
            yield from f
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from exc


def _model(path: str | None) -> engine.AssistModel:
    if not path:
        return services.model_active()
    if not Path(path).is_file():
        raise CommandError(f"Model file not found: {path}")
    try:
        return engine.load_model(Path(path))
    except Exception as exc:  # a damaged or foreign file: say so, no traceback
        raise CommandError(f"Cannot load the model {path}: {exc}") from exc


def _message(raw: str) -> str:
    """The text of one input line: a JSON object's `text`, a JSON string, or the line."""
    line = raw.rstrip("\r\n")
    if not line.lstrip().startswith(("{", '"')):
        return line
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg}, column {exc.colno})") from exc
    if isinstance(value, dict):
        value = value.get("text")
    if not isinstance(value, str):
        raise ValueError("the JSON object has no string field `text`")
    return value


def _analyse_line(number: int, raw: str) -> dict[str, Any]:
    """The answer for one input line (a blank one is an empty message); a bad line answers
    with its `error`, so output lines pair with input lines."""
    try:
        text = _message(raw)
    except ValueError as exc:
        return {"line": number, "error": str(exc)}
    return {"line": number, **services.assist_analyse(text=text)}


def _labelled_rows(lines: Iterable[str]) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    rows: list[dict[str, Any]] = []
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append((number, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            problems.append((number, "no string field `text`"))
            continue
        row = {"text": obj["text"], **{f: obj[f] for f in labels.FIELDS if obj.get(f)}}
        bad = [f for f in labels.FIELDS if f in row and row[f] not in labels.FIELDS[f]]
        if bad:
            problems.append((number, f"unknown {bad[0]} code “{row[bad[0]]}”"))
        elif len(row) == 1:
            problems.append((number, "no label"))
        else:
            rows.append(row)
    return rows, problems
