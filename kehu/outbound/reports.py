"""The conversion funnel of a campaign (entries → attempted → connected → success), overall and per agent,
and its Excel export."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.phones import mask_phone
from kehu.outbound.models import (
    CONNECTED_OUTCOMES,
    SUCCESS_OUTCOMES,
    Attempt,
    Campaign,
    CampaignEntry,
    EntryStatus,
    Outcome,
)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Funnel:
    entries: int
    attempted: int
    connected: int
    success: int
    calls: int

    @property
    def rates(self) -> dict[str, float | None]:
        return {
            "attempted": _rate(self.attempted, self.entries),
            "connected": _rate(self.connected, self.attempted),
            "success": _rate(self.success, self.connected),
            "conversion": _rate(self.success, self.entries),
        }

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rates": self.rates}


@dataclass
class AgentFunnel(Funnel):
    agent_id: int | None
    agent: str


def _counts(attempts: Any) -> Any:
    return attempts.aggregate(
        attempted=Count("entry", distinct=True),
        connected=Count("entry", distinct=True, filter=Q(outcome__in=CONNECTED_OUTCOMES)),
        success=Count("entry", distinct=True, filter=Q(outcome__in=SUCCESS_OUTCOMES)),
        calls=Count("id"),
    )


def campaign_funnel(campaign: Campaign) -> Funnel:
    """Entries on the list, those called at least once, those where someone answered, those that succeeded."""
    counts = _counts(Attempt.objects.filter(campaign=campaign))
    entries = CampaignEntry.objects.filter(campaign=campaign).count()
    return Funnel(entries=entries, **counts)


def campaign_funnels(campaign_ids: list[int]) -> dict[int, Funnel]:
    """The funnel of several campaigns in two queries (the campaign list)."""
    entries = dict(CampaignEntry.objects.filter(campaign_id__in=campaign_ids).values_list("campaign")
                   .order_by().annotate(n=Count("id")))
    counts = {row.pop("campaign"): row for row in Attempt.objects.filter(campaign_id__in=campaign_ids)
              .values("campaign").order_by().annotate(
                  attempted=Count("entry", distinct=True),
                  connected=Count("entry", distinct=True, filter=Q(outcome__in=CONNECTED_OUTCOMES)),
                  success=Count("entry", distinct=True, filter=Q(outcome__in=SUCCESS_OUTCOMES)),
                  calls=Count("id"))}
    empty = {"attempted": 0, "connected": 0, "success": 0, "calls": 0}
    return {pk: Funnel(entries=entries.get(pk, 0), **counts.get(pk, empty)) for pk in campaign_ids}


def agent_funnels(campaign: Campaign, *, only: User | None = None) -> list[AgentFunnel]:
    """The same per agent: entries assigned to them, and the entries they called, reached and converted."""
    attempts = Attempt.objects.filter(campaign=campaign)
    assigned = CampaignEntry.objects.filter(campaign=campaign, agent__isnull=False)
    if only is not None:
        attempts, assigned = attempts.filter(agent=only), assigned.filter(agent=only)
    by_agent = {row["agent"]: row for row in attempts.values("agent").order_by().annotate(
        attempted=Count("entry", distinct=True),
        connected=Count("entry", distinct=True, filter=Q(outcome__in=CONNECTED_OUTCOMES)),
        success=Count("entry", distinct=True, filter=Q(outcome__in=SUCCESS_OUTCOMES)),
        calls=Count("id"))}
    sizes = dict(assigned.values_list("agent").order_by().annotate(n=Count("id")))
    ids = sorted(set(by_agent) | set(sizes), key=lambda i: (i is None, i or 0))
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[i for i in ids if i])}
    rows = []
    for agent_id in ids:
        row = by_agent.get(agent_id, {})
        rows.append(AgentFunnel(entries=sizes.get(agent_id, 0), attempted=row.get("attempted", 0),
                                connected=row.get("connected", 0), success=row.get("success", 0),
                                calls=row.get("calls", 0), agent_id=agent_id, agent=names.get(agent_id, "—")))
    return rows


def status_counts(campaign: Campaign) -> dict[str, int]:
    counts = dict(CampaignEntry.objects.filter(campaign=campaign).values_list("status").order_by()
                  .annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in EntryStatus.values}


def export_campaign(*, campaign: Campaign, user: User, path: Path) -> Path:
    """An .xlsx with the funnel, the per-agent table, every entry and every attempt (write-only, streams)."""
    from openpyxl import Workbook

    masked = user.policy().masks_personal_data and not user.is_superuser
    book = Workbook(write_only=True)
    funnel = campaign_funnel(campaign)
    sheet = book.create_sheet(_("Funnel"))
    sheet.append([_("Campaign"), campaign.name])
    sheet.append([_("Exported"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    sheet.append([])
    sheet.append([_("Agent"), _("Entries"), _("Attempted"), _("Connected"), _("Success"), _("Calls"),
                  _("Connected rate"), _("Success rate"), _("Conversion")])
    for label, row in [(_("All agents"), funnel), *[(a.agent, a) for a in agent_funnels(campaign)]]:
        rates = row.rates
        sheet.append([label, row.entries, row.attempted, row.connected, row.success, row.calls,
                      rates["connected"], rates["success"], rates["conversion"]])
    statuses = dict(EntryStatus.choices)
    outcomes = dict(Outcome.choices)
    entries = book.create_sheet(_("Entries"))
    entries.append([_("Number"), _("Name"), _("Phone"), _("Customer"), _("Agent"), _("Status"), _("Attempts"),
                    _("Last outcome"), _("Next attempt"), _("Note")])
    users = {u.pk: str(u) for u in User.objects.filter(pk__in=campaign.agents.values("pk"))}
    rows = CampaignEntry.objects.filter(campaign=campaign).order_by("id").values_list(
        "id", "name", "phone_norm", "customer_id", "agent_id", "status", "attempts", "last_outcome",
        "next_attempt_at", "note")
    for pk, name, phone, customer_id, agent_id, status, attempts, last, due, note in rows.iterator(chunk_size=5000):
        entries.append([pk, name, mask_phone(phone) if masked else phone, customer_id, users.get(agent_id, ""),
                        str(statuses.get(status, status)), attempts, str(outcomes.get(last, last or "")),
                        timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if status in ("pending",) else "",
                        note])
    calls = book.create_sheet(_("Attempts"))
    calls.append([_("Entry"), _("Agent"), _("Called at"), _("Outcome"), _("Call back at"), _("Promised to pay on"),
                  _("Amount"), _("Note")])
    attempts = Attempt.objects.filter(campaign=campaign).order_by("id").values_list(
        "entry_id", "agent_id", "at", "outcome", "callback_at", "promised_pay_on", "amount", "note")
    for entry_id, agent_id, at, outcome, callback_at, pay_on, amount, note in attempts.iterator(chunk_size=5000):
        calls.append([entry_id, users.get(agent_id, ""), timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
                      str(outcomes.get(outcome, outcome)),
                      timezone.localtime(callback_at).strftime("%Y-%m-%d %H:%M") if callback_at else "",
                      pay_on.isoformat() if pay_on else "", float(amount) if amount is not None else None, note])
    book.save(path)
    return path
