"""Demo sales: leads from every source in every state, and opportunities in both pipelines.

Made through the services (lead_create / lead_update / lead_convert, opportunity_create /
opportunity_move), so every opportunity has its stage history; the times are then spread
over the past weeks, as if the reps had worked them since.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from kehu.accounts.models import Role, User
from kehu.customers.models import Contact, Customer
from kehu.sales.models import Lead, Opportunity, Pipeline, StageChange
from kehu.sales.services.leads import lead_convert, lead_create, lead_update
from kehu.sales.services.opportunities import opportunity_create, opportunity_move

CITIES = ["杭州", "苏州", "宁波", "南京", "无锡", "合肥", "深圳", "佛山", "广州", "厦门"]
BRANDS = ["瑞丰", "恒信", "嘉禾", "启航", "鼎盛", "卓越", "华晟", "永泰", "宏远", "博达", "润通", "天成"]
TRADES = ["机电设备", "物流", "餐饮管理", "教育科技", "医疗器械", "新能源", "酒店管理", "建筑工程"]
PEOPLE = ["王磊", "李娜", "张强", "刘芳", "陈刚", "杨丽", "赵勇", "黄敏", "周杰", "吴燕", "徐涛", "孙倩"]
SOURCES = ["referral", "fair", "event", "website", "email", "phone", "direct_mail", "customer_referral", "other"]
PRODUCTS = {"telemarketing": ["年度维保套餐", "节能改造方案", "智能电表升级", "光伏屋顶项目"],
            "car-sales": ["商务车 7 座", "新能源轿车", "轻型货车", "SUV 四驱版"]}
LOSS = ["价格高于竞品", "客户预算取消", "选择了原供应商", "项目延期到明年"]


def _company(rng: random.Random) -> str:
    return f"{rng.choice(CITIES)}{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司"


def _mobile(rng: random.Random) -> str:
    return rng.choice(["136", "137", "150", "151", "187", "199"]) + f"{rng.randrange(10**8):08d}"


def generate(*, seed: int | None, users: dict[str, User], now: dt.datetime | None = None) -> str:
    if Lead.objects.filter(created_by__username__in=list(users)).exists():
        return "Demo leads exist already; sales left as it is."
    rng = random.Random(None if seed is None else f"sales-{seed}")
    now = now or timezone.now()
    reps = [u for u in users.values() if u.role == Role.ACCOUNT_MANAGER]
    if not reps:
        return "No account managers; sales skipped."
    converted = 0
    for n in range(30):
        rep = rng.choice(reps)
        owner = None if n % 6 == 5 else rep  # some wait in the pool
        status = rng.choice(["new", "new", "contacted", "contacted", "qualified", "unqualified"])
        company, person, phone = _company(rng), rng.choice(PEOPLE), _mobile(rng)
        # The leads that get converted are existing customers asking again: the conversion
        # finds them and their contact by name, so the demo keeps exactly --customers customers.
        known = (Contact.objects.filter(customer__in=Customer.objects.alive().filter(owner=rep))
                 .exclude(mobile="").order_by("id")
                 .values_list("customer__name", "name", "mobile")[converted:converted + 1])
        convert = status == "qualified" and owner is not None and converted < 4 and bool(known)
        if convert:
            company, person, phone = known[0]
        lead, _dups = lead_create(by=rep, data={
            "company": company, "contact_name": person, "phone": phone,
            "source": rng.choice(SOURCES), "owner": owner,
            "notes": rng.choice(["展会上留了名片，对节能改造感兴趣。", "官网留言咨询维保价格。",
                                 "老客户介绍，下月有采购计划。", "电话沟通过一次，需再跟进。"])})
        if status != "new":
            yes = status == "qualified"
            lead = lead_update(lead=lead, by=rep, data={
                "status": status, "money": "yes" if yes else rng.choice(["unknown", "no"]),
                "authority": "yes" if yes else "unknown",
                "need": "yes" if yes or rng.random() < 0.5 else "unknown",
                "need_note": "计划第四季度采购" if yes else ""})
        if convert:
            lead_convert(lead=lead, by=rep, amount=Decimal(rng.randrange(30, 300) * 1000),
                         expected_close=timezone.localdate(now) + dt.timedelta(days=rng.randint(20, 80)))
            converted += 1
        Lead.objects.filter(pk=lead.pk).update(created_at=now - dt.timedelta(days=rng.uniform(1, 40)))
    opportunities = converted + _opportunities(rng, reps, now)
    return f"Created 30 leads ({converted} converted) and {opportunities} opportunities in both pipelines."


def _opportunities(rng: random.Random, reps: list[User], now: dt.datetime) -> int:
    made = 0
    for pipeline in Pipeline.objects.all():
        stages = list(pipeline.stages.order_by("order", "id"))
        path = [s for s in stages if not s.is_side and not s.is_lost]
        lost = next((s for s in stages if s.is_lost), None)
        for _n in range(10):
            rep = rng.choice(reps)
            ids = list(Customer.objects.alive().filter(owner=rep).order_by("id").values_list("pk", flat=True)[:50])
            if not ids:
                continue
            opportunity = opportunity_create(by=rep, data={
                "customer": Customer.objects.get(pk=rng.choice(ids)), "pipeline": pipeline, "owner": rep,
                "title": rng.choice(PRODUCTS.get(pipeline.code, ["年度采购"])),
                "amount": Decimal(rng.randrange(5, 400) * 1000),
                "expected_close": timezone.localdate(now) + dt.timedelta(days=rng.randint(7, 90))})
            steps = rng.randint(0, len(path) - 1)
            for stage in path[1:steps + 1]:
                opportunity = opportunity_move(opportunity=opportunity, stage=stage, by=rep)
            if lost is not None and not opportunity.is_closed and rng.random() < 0.2:
                opportunity = opportunity_move(opportunity=opportunity, stage=lost, by=rep, loss_reason=rng.choice(LOSS))
            _spread(rng, opportunity, now)
            made += 1
    return made


def _spread(rng: random.Random, opportunity: Opportunity, now: dt.datetime) -> None:
    """Put the stage changes days apart in the past, oldest first."""
    changes = list(StageChange.objects.filter(opportunity=opportunity).order_by("id"))
    age = dt.timedelta(days=rng.uniform(len(changes) * 4, len(changes) * 9 + 5))
    start = now - age
    step = age / (len(changes) + 1)
    for i, change in enumerate(changes):
        StageChange.objects.filter(pk=change.pk).update(at=start + step * i)
    last = start + step * (len(changes) - 1)
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=start, updated_at=last)
    Opportunity.objects.filter(pk=opportunity.pk, closed_at__isnull=False).update(closed_at=last)
