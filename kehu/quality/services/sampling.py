"""Weekly sampling: n answered interactions per agent per rule, random but reproducible.

The draw for (rule, week, agent) is seeded by those three (and an optional extra seed), so
the same data gives the same calls on any machine. A rerun tops up to n and never adds a
second evaluation of a call (unique per interaction), so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.contact.models import Interaction
from kehu.core.audit import log_action
from kehu.core.errors import InvalidInput
from kehu.quality.models import Evaluation, SamplingRule
from kehu.quality.querysets import is_evaluator
from kehu.quality.services.scoring import new_evaluation

WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$")


def parse_week(raw: str) -> tuple[str, dt.datetime, dt.datetime]:
    """“2026-W47” → the canonical label and the week's [Monday 00:00, next Monday) in local time."""
    m = WEEK.match(str(raw or "").strip().upper())
    try:
        if m is None:
            raise ValueError
        monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        raise InvalidInput(_("Give the week as YYYY-Www, e.g. 2026-W47."), field="week") from None
    year, week, _day = monday.isocalendar()
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min))
    return f"{year}-W{week:02d}", start, end


@dataclass
class RuleResult:
    rule: str
    created: int = 0
    agents: int = 0
    # Agents with fewer eligible interactions than the rule asks for.
    short: list[str] = field(default_factory=list)


@dataclass
class SampleResult:
    week: str
    rules: list[RuleResult] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(r.created for r in self.rules)


def evaluator_for(rule: SamplingRule, agent: User) -> User | None:
    """The rule's QA person, else the agent's superior, else the team leader; None: anyone in scope."""
    for person in (rule.evaluator, agent.superior, agent.department.leader if agent.department_id else None):
        if person is not None and person.pk != agent.pk and is_evaluator(person):
            return person
    return None


def _candidates(rule: SamplingRule, start: dt.datetime, end: dt.datetime) -> dict[int, list[int]]:
    qs = Interaction.objects.filter(offered_at__gte=start, offered_at__lt=end, abandoned=False,
                                    answered_at__isnull=False, agent__isnull=False)
    if rule.min_talk_s:
        qs = qs.filter(talk_s__gt=rule.min_talk_s)
    if rule.queue_id:
        qs = qs.filter(queue_id=rule.queue_id)
    taken = Evaluation.objects.filter(interaction__isnull=False, interaction__offered_at__gte=start,
                                      interaction__offered_at__lt=end).values("interaction_id")
    by_agent: dict[int, list[int]] = defaultdict(list)
    for agent_id, pk in qs.exclude(pk__in=taken).order_by("agent_id", "pk").values_list("agent_id", "pk"):
        by_agent[agent_id].append(pk)
    return by_agent


def _sample_rule(rule: SamplingRule, label: str, start: dt.datetime, end: dt.datetime, seed: str,
                 by: User | None) -> RuleResult:
    result = RuleResult(rule=rule.name)
    SamplingRule.objects.select_for_update().filter(pk=rule.pk).first()  # one sampler per rule at a time
    done = dict(Evaluation.objects.filter(rule=rule, week=label).values("agent_id")
                .annotate(n=Count("id")).values_list("agent_id", "n"))
    candidates = _candidates(rule, start, end)
    agents = User.objects.in_bulk(list(candidates))
    for agent_id in sorted(candidates):
        ids, need = candidates[agent_id], rule.per_agent - done.get(agent_id, 0)
        if need <= 0:
            continue
        agent = agents[agent_id]
        if len(ids) < need:
            result.short.append(str(agent))
        chosen = random.Random(f"{seed}|{rule.pk}|{label}|{agent_id}").sample(ids, min(need, len(ids)))
        evaluator = evaluator_for(rule, agent)
        for interaction in Interaction.objects.filter(pk__in=chosen).order_by("pk"):
            new_evaluation(agent=agent, form=rule.form, week=label, evaluator=evaluator,
                           interaction=interaction, rule=rule)
        result.created += len(chosen)
        result.agents += 1
    return result


def evaluations_sample(*, week: str, by: User | None = None, seed: str = "",
                       rules: list[SamplingRule] | None = None) -> SampleResult:
    """Create the week's pending evaluations for every active rule (or the rules given)."""
    label, start, end = parse_week(week)
    result = SampleResult(week=label)
    for rule in rules if rules is not None else SamplingRule.objects.filter(active=True).select_related(
            "form", "evaluator"):
        with transaction.atomic():
            rule_result = _sample_rule(rule, label, start, end, seed, by)
            if rule_result.created:
                log_action("quality.sampled", actor=by, obj=rule,
                           changes={"week": [None, label], "created": [None, rule_result.created]})
        result.rules.append(rule_result)
    return result
