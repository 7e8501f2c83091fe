"""`kehu quality sample [--week YYYY-Www] [--seed TEXT] [--json]`: the week's calls to score.

Creates pending evaluations for every active sampling rule, assigned to the agent's
supervisor (or the rule's evaluator). Idempotent: a second run adds nothing. Without
--week the current week is sampled.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kehu.core.errors import ServiceError
from kehu.quality.models import week_of
from kehu.quality.services import evaluations_sample


class Command(BaseCommand):
    help = "Quality monitoring: sample the week's interactions for scoring (sample)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sample = sub.add_parser("sample", help="Create the week's pending evaluations (n per agent per rule).")
        sample.add_argument("--week", default="", help="ISO week, e.g. 2026-W47 (default: this week).")
        sample.add_argument("--seed", default="", help="Extra seed text; the same seed draws the same calls.")
        sample.add_argument("--json", action="store_true", help="Print the result as one JSON object.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        week = options["week"] or week_of(timezone.now())
        try:
            result = evaluations_sample(week=week, seed=options["seed"])
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps({
                "week": result.week, "created": result.created,
                "rules": [r.__dict__ for r in result.rules]}, ensure_ascii=False))
            return
        self.stdout.write(f"week {result.week}: {result.created} evaluation(s) created")
        for rule in result.rules:
            line = f"  {rule.rule}: {rule.created} for {rule.agents} agent(s)"
            if rule.short:
                line += f"; fewer calls than asked: {', '.join(rule.short)}"
            self.stdout.write(line)
