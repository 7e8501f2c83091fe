"""`kehu staffing`: agents for one interval by Erlang C, or Erlang A with --patience-s."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kehu.contact.staffing import DEFAULT_ANSWER_S, Params, staffing_one
from kehu.core.errors import InvalidInput

FLAGS = {
    "calls": "--calls",
    "aht_s": "--aht",
    "interval_min": "--interval-min",
    "target_sl": "--target-sl",
    "answer_s": "--answer-s",
    "target_asa_s": "--target-asa-s",
    "shrinkage": "--shrinkage",
    "max_occupancy": "--max-occupancy",
    "patience_s": "--patience-s",
}


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # pure arithmetic: start fast, touch no database
    help = (
        "Agents needed for one interval: Erlang C, or Erlang A when --patience-s is given. "
        "Required agents meet both the target and the occupancy cap; "
        "scheduled = ceil(agents / (1 - shrinkage))."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--calls", type=float, required=True, help="Calls offered in the interval."
        )
        parser.add_argument(
            "--interval-min",
            type=float,
            default=30.0,
            help="Interval length in minutes (default 30).",
        )
        parser.add_argument(
            "--aht", type=float, required=True, help="Average handling time in seconds."
        )
        parser.add_argument(
            "--target-sl",
            type=float,
            default=None,
            help="Share of calls to answer within --answer-s, e.g. 0.8 "
            "(default 0.8 unless --target-asa-s is given).",
        )
        parser.add_argument(
            "--answer-s",
            type=float,
            default=DEFAULT_ANSWER_S,
            help="Service-level answer time in seconds (default 20).",
        )
        parser.add_argument(
            "--target-asa-s",
            type=float,
            default=None,
            help="Instead of a service level: the average speed of answer to reach, "
            "in seconds (Erlang C only).",
        )
        parser.add_argument(
            "--shrinkage",
            type=float,
            default=0.0,
            help="Share of paid time off the phones, 0 to below 1 (default 0: none).",
        )
        parser.add_argument(
            "--max-occupancy",
            type=float,
            default=1.0,
            help="Occupancy cap, above 0 up to 1 (default 1: no cap).",
        )
        parser.add_argument(
            "--patience-s",
            type=float,
            default=None,
            help="Mean caller patience in seconds: use Erlang A (abandonment).",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **opts: Any) -> None:
        params = Params(
            interval_min=opts["interval_min"],
            target_sl=opts["target_sl"],
            answer_s=opts["answer_s"],
            target_asa_s=opts["target_asa_s"],
            shrinkage=opts["shrinkage"],
            max_occupancy=opts["max_occupancy"],
            patience_s=opts["patience_s"],
        )
        try:
            answer = staffing_one(calls=opts["calls"], aht_s=opts["aht"], params=params)
        except InvalidInput as exc:
            flag = FLAGS.get(exc.field, exc.field)
            raise CommandError(f"{flag}: {exc.message}" if flag else exc.message) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
        else:
            self.stdout.write(table(answer))


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def table(a: dict[str, Any]) -> str:
    """A short human summary, one measure a line."""
    model = _("Erlang A (with abandonment)") if a["model"] == "erlang_a" else _("Erlang C")
    binds = {"occupancy": _("set by the occupancy cap"), "asa": _("set by the ASA target")}.get(
        a["binding"], _("set by the service-level target")
    )
    rows = [
        (_("Queueing model"), model),
        (_("Offered load"), _("%(load)s Erlangs") % {"load": f"{a['load_erlangs']:.2f}"}),
        (_("Agents"), f"{a['agents']} ({binds})"),
        (
            _("Scheduled"),
            _("%(n)s (shrinkage %(s)s)") % {"n": a["scheduled"], "s": _percent(a["shrinkage"])},
        ),
        (
            _("Service level"),
            _("%(sl)s answered within %(t)s s")
            % {"sl": _percent(a["service_level"]), "t": f"{a['answer_s']:g}"},
        ),
        (_("Probability of waiting"), _percent(a["prob_wait"])),
        (_("Average speed of answer"), f"{a['asa_s']:.1f} s"),
        (_("Occupancy"), _percent(a["occupancy"])),
    ]
    if a["prob_abandon"] is not None:
        rows.append((_("Abandoned"), _percent(a["prob_abandon"])))
    width = max(len(label) for label, _value in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)
