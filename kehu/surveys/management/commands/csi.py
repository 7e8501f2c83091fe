"""`kehu csi`: the customer satisfaction index of an answer table, for analysts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kehu.core.errors import ServiceError
from kehu.engines.pls import MISSING, SCHEMES
from kehu.surveys import analysis

EXIT_BAD_INPUT = 2
SHOWN_ITEMS = 10


class Command(BaseCommand):
    help = (
        "Estimate a customer satisfaction index (PLS path model, strategy matrix, improvement "
        "ranking): `kehu csi --data FILE.csv|.xlsx --model MODEL.json [--scheme "
        "path|centroid|factorial] [--unscaled] [--bootstrap N] [--seed S] --json`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, required=True,
                            help="Answers: .xlsx or UTF-8 .csv, one row per respondent, "
                            "a header row of item names.")
        parser.add_argument("--model", type=Path, required=True,
                            help="MODEL.json: constructs, paths, target, scale (modes, cuts).")
        parser.add_argument("--scheme", choices=SCHEMES, default="path",
                            help="Inner weighting scheme (default: path).")
        parser.add_argument("--unscaled", action="store_true",
                            help="Centre the items without dividing by their standard deviations.")
        parser.add_argument("--bootstrap", type=int, default=0, metavar="N",
                            help="Bootstrap resamples for standard errors and intervals.")
        parser.add_argument("--seed", type=int, default=0, metavar="S",
                            help="Seed of the bootstrap (same seed, same result).")
        parser.add_argument("--missing", choices=MISSING, default="listwise",
                            help="Missing answers: drop the respondent, or use the item mean.")
        parser.add_argument("--processes", type=int, default=None, metavar="K",
                            help="Processes for the bootstrap (default: all cores for big runs).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            columns, rows = analysis.read_file(o["data"])
            model = analysis.read_model(o["model"])
            out = analysis.run_csi(
                columns, rows, model, scheme=o["scheme"], scaled=not o["unscaled"],
                bootstrap=o["bootstrap"], seed=o["seed"], missing=o["missing"],
                processes=o["processes"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=EXIT_BAD_INPUT) from exc
        if o["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        else:
            self._summary(out)

    def _summary(self, out: dict[str, Any]) -> None:
        """A short human reading; --json has everything."""
        w = self.stdout.write
        state = "converged" if out["converged"] else "NOT converged"
        w(f"n={out['n']}  scheme={out['scheme']}  {state} in {out['iterations']} iterations  "
          f"GoF={_f(out['gof'])}")
        for p in out["paths"]:
            ci = f"  [{_f(p['ci_low'])}, {_f(p['ci_high'])}]" if "ci_low" in p else ""
            w(f"  {p['from']} → {p['to']}: {_f(p['coef'])}{ci}")
        w(f"index {out['target']} = {_f(out['index'], 1)}")
        for c in out["quadrants"]:
            w(f"  {c}: importance {_f(out['importance'][c])}, performance "
              f"{_f(out['performance'][c], 1)} → {out['quadrant_names'][c]}")
        for r in out["ranking"][:SHOWN_ITEMS]:
            w(f"  {r['rank']:>3}. {r['item']}: score {_f(r['score'], 1)}, impact {_f(r['impact'])}")
        for r in out["readings"]:
            w(f"- {r['text']}")


def _f(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"
