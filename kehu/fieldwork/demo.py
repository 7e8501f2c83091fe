"""Demo fieldwork: this week's visits of the account managers, yesterday's daily reports with
the supervisor's comment, and this month's targets.

Made through the services (which plan only from today on and stamp the current time); the
visits of the past days are then moved back to their days, before the reports read them.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kehu.accounts.models import Role, User
from kehu.customers.models import Customer
from kehu.fieldwork.models import Visit, WorkReport
from kehu.fieldwork.services.reports import (
    report_comment,
    report_draft,
    report_submit,
    report_update,
    supervisor_of,
)
from kehu.fieldwork.services.targets import target_set
from kehu.fieldwork.services.visits import visit_check_in, visit_plan, visit_record

PURPOSES = ["季度回访，了解设备使用情况", "介绍节能改造方案", "催收上月货款", "新品演示", "合同续签洽谈",
            "处理投诉后的上门致歉", "收集下季度采购计划"]
OUTCOMES = [("采购部刘经理", "希望在 11 月底前完成备件更换", "对交货期有顾虑", "客户同意先试用一个月，下周发报价。"),
            ("总经理王总", "计划扩建一条产线，需要配套设备", "预算尚未批下来", "约定预算批复后再详谈。"),
            ("财务主管", "", "", "确认本月 20 日前付清尾款。"),
            ("设备科张工", "现有设备故障率偏高", "担心更换期间停产", "建议分两批更换，客户认可，待内部审批。")]
REPORT = ("今日拜访客户 {n} 家，重点推进了节能改造方案。\n\n明日计划：整理报价，电话预约两家新客户。\n\n"
          "需要支持：希望技术部协助出一份改造前后能耗对比。")
COMMENTS = ["跟进及时，报价注意留出议价空间。", "很好，能耗对比我来协调技术部，周四前给你。"]


def _at(day: dt.date, hour: float) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time())) + dt.timedelta(hours=hour)


def generate(*, seed: int | None, users: dict[str, User], now: dt.datetime | None = None) -> str:
    reps = [u for u in users.values() if u.role == Role.ACCOUNT_MANAGER]
    if Visit.objects.filter(rep__in=reps).exists():
        return "Demo visits exist already; fieldwork left as it is."
    rng = random.Random(None if seed is None else f"fieldwork-{seed}")
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    yesterday = today - dt.timedelta(days=1)
    visits = reports = targets = 0
    for rep in sorted(reps, key=lambda u: u.username):
        customers = list(Customer.objects.alive().filter(owner=rep).order_by("id")[:40])
        if len(customers) < 4:
            continue
        rng.shuffle(customers)
        # Days already past this week (and always yesterday): visits made and written down.
        past = sorted({monday + dt.timedelta(days=d) for d in range(today.weekday())} | {yesterday})
        for day in past:
            for order in range(2 if day.weekday() < 5 else 1):
                visit = visit_plan(by=rep, customer=customers.pop(), data={
                    "purpose": rng.choice(PURPOSES), "planned_date": today, "appointment": "confirmed"})
                visit = visit_check_in(visit=visit, by=rep, location=f"{visit.customer.city or ''}{visit.customer.address or ''}"[:255])
                met, needs, objections, outcome = rng.choice(OUTCOMES)
                visit = visit_record(visit=visit, by=rep, data={"met_whom": met, "needs": needs,
                                                                "objections": objections, "outcome": outcome})
                checked = _at(day, 9.5 + 3.5 * order + rng.uniform(0, 1))
                Visit.objects.filter(pk=visit.pk).update(
                    planned_date=day, route_order=order + 1, checked_in_at=checked,
                    recorded_at=checked + dt.timedelta(minutes=rng.randint(40, 90)), created_at=checked - dt.timedelta(days=2))
                visits += 1
                if not customers:
                    break
        # Today: one checked in now, one still to go; later in the week: planned.
        for n, day in enumerate([today, today, today + dt.timedelta(days=1), today + dt.timedelta(days=2)]):
            if not customers:
                break
            visit = visit_plan(by=rep, customer=customers.pop(), data={
                "purpose": rng.choice(PURPOSES), "planned_date": day,
                "appointment": rng.choice(["confirmed", "not_called", "rescheduled"])})
            if n == 0:
                visit_check_in(visit=visit, by=rep, location=visit.customer.address or visit.customer.city or "")
            visits += 1
        reports += _report(rng, rep, yesterday)
        target_set(by=users["manager"], rep=rep, data={
            "period": "month", "date": today.isoformat(), "new_customers": rng.choice([3, 4, 5]),
            "visits": rng.choice([30, 36, 40]), "won_amount": str(rng.choice([200_000, 300_000, 500_000]))})
        targets += 1
    if not visits:
        return "No account manager has enough customers; fieldwork skipped."
    return (f"Created {visits} visits this week, {reports} submitted daily reports with comments "
            f"and {targets} monthly targets.")


def _report(rng: random.Random, rep: User, day: dt.date) -> int:
    if WorkReport.objects.filter(author=rep, kind="daily", period_start=day).exists():
        return 0
    report = report_draft(author=rep, kind="daily", day=day)
    count = Visit.objects.filter(rep=rep, planned_date=day, status="recorded").count()
    report = report_update(report=report, by=rep, body=REPORT.format(n=count))
    report = report_submit(report=report, by=rep)
    boss = supervisor_of(rep)
    if boss is not None:
        report_comment(report=report, by=boss, body=rng.choice(COMMENTS))
    submitted = _at(day, 18.5)
    WorkReport.objects.filter(pk=report.pk).update(submitted_at=submitted, created_at=submitted, updated_at=submitted)
    return 1

