"""Churn-risk reasons (codes + numbers from the engine) as sentences in the user's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def reason_text(reason: dict[str, Any]) -> str:
    code = reason.get("code")
    if code == "overdue_vs_rhythm":
        if reason.get("assumed"):
            return _("No purchase or contact for %(days)s days after a single purchase "
                     "(a rhythm of %(gap)s days is assumed)") % {"days": reason["days"], "gap": reason["usual_gap"]}
        return _("No purchase or contact for %(days)s days; usually buys every %(gap)s days") % {
            "days": reason["days"], "gap": reason["usual_gap"]}
    if code == "recent_complaints":
        return ngettext("%(count)s complaint in the last %(days)s days",
                        "%(count)s complaints in the last %(days)s days", reason["count"]) % {
            "count": reason["count"], "days": reason["days"]}
    if code == "falling_spend":
        return _("Spend fell %(drop)s%%: %(recent)s in the last %(period)s days against %(before)s "
                 "in the %(period)s days before") % {
            "drop": reason["drop_percent"], "recent": f"{reason['recent']:,.2f}",
            "before": f"{reason['before']:,.2f}", "period": reason.get("period_days", 180)}
    return str(code)


def reasons_text(reasons: list[dict[str, Any]]) -> list[str]:
    return [reason_text(r) for r in reasons or []]
