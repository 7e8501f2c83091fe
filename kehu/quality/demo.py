"""Demo quality checks: a sampling rule, last week's evaluations and a coaching-library call.

Made through the services: evaluations_sample picks the calls, the demo manager scores most
of them, one agent acknowledges, another appeals; the best call goes into the library.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from kehu.accounts.models import User
from kehu.contact.models import Interaction
from kehu.quality.models import Evaluation, EvaluationStatus, SamplingRule
from kehu.quality.services.flow import evaluation_acknowledge, evaluation_appeal
from kehu.quality.services.library import library_add
from kehu.quality.services.sampling import evaluations_sample
from kehu.quality.services.scoring import default_form, evaluation_score

RULE = "每周抽检（通话 1 分钟以上）"
COMMENTS = ["开场规范，问题定位准确，结束前有确认。", "业务解答正确，语速略快，注意安抚客户情绪。",
            "倾听充分，但未主动告知后续处理时限。", "整体表现良好，个别用语不够规范。",
            "处理流程完整，建议减少保持等待时间。"]


def generate(*, seed: int | None, users: dict[str, User], agents: list[User],
             today: dt.date | None = None) -> str:
    form = default_form()
    evaluator = users["manager"]
    if form is None or not agents:
        return "No scoring form or no agents; quality checks skipped."
    if SamplingRule.objects.filter(name=RULE).exists():
        return "The demo sampling rule exists already; quality checks left as they are."
    rng = random.Random(None if seed is None else f"quality-{seed}")
    rule = SamplingRule.objects.create(name=RULE, form=form, per_agent=2, min_talk_s=60, evaluator=evaluator)
    today = today or timezone.localdate()
    year, week, _day = (today - dt.timedelta(days=7)).isocalendar()
    sampled = evaluations_sample(week=f"{year}-W{week:02d}", by=evaluator, seed=str(seed or ""), rules=[rule])
    evaluations = list(Evaluation.objects.filter(rule=rule).select_related("agent", "interaction").order_by("id"))
    scored = []
    for n, evaluation in enumerate(evaluations):
        if n % 5 == 4:  # some wait to be scored
            continue
        good = rng.random() < 0.8
        items = []
        for score in evaluation.item_scores.all():
            if score.fatal:
                items.append({"item": score.item_id, "passed": True})
            else:
                low = 0.7 if good else 0.45
                points = Decimal(round(score.max_points * rng.uniform(low, 1.0)))
                items.append({"item": score.item_id, "points": str(points)})
        scored.append(evaluation_score(evaluation=evaluation, by=evaluator, items=items,
                                       comments=rng.choice(COMMENTS), submit=True))
    by_agent: dict[int, Evaluation] = {}
    for evaluation in scored:
        by_agent.setdefault(evaluation.agent_id, evaluation)
    firsts = list(by_agent.values())
    if firsts:
        evaluation_acknowledge(evaluation=firsts[0], by=firsts[0].agent)
    if len(firsts) > 1:
        evaluation_appeal(evaluation=firsts[1], by=firsts[1].agent,
                          reason="客户当时情绪激动，我按流程先安抚再核实，系统录音中间有断档，请复核“服务用语”一项。")
    library = 0
    best = max((e for e in scored if e.status == EvaluationStatus.SUBMITTED and e.interaction_id),
               key=lambda e: e.score or 0, default=None)
    if best is not None:
        call = best.interaction
        Interaction.objects.filter(pk=call.pk).update(
            recording_url=f"https://recordings.example.com/kehu-demo/{call.external_id}.mp3")
        call.refresh_from_db()
        library_add(by=evaluator, interaction=call, evaluation=best, tags="安抚情绪,规范用语",
                    title=f"优秀案例：{call.problem or '来电处理'}",
                    note="先复述客户问题再给出方案，全程语气平和，结束前确认客户是否还有其他需求，值得新员工学习。")
        library = 1
    return (f"Created a sampling rule, {sampled.created} evaluations for {sampled.week} "
            f"({len(scored)} scored) and {library} coaching-library call.")
