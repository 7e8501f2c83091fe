"""Demo tickets: a month of a hotline's requests in every state, made through the services."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kehu.accounts.models import Department, Role, User
from kehu.customers.models import Customer
from kehu.service import services, sla
from kehu.service.choices import ComplaintStepCode, TicketStatus
from kehu.service.models import ReturnVisit, Ticket, TicketCategory

# Responsible units that receive work orders (派单), each with one login.
UNITS = [("抢修班", "crew", "赵强"), ("营业厅", "hall", "孙丽")]

# kind, category (parent › child), title, what the caller says, weight
SCENARIOS: list[tuple[str, str, str, str, int]] = [
    ("inquiry", "电价咨询", "阶梯电价怎么计算", "客户询问本月用电超过第二档后电价如何计算。", 8),
    ("inquiry", "缴费方式", "能否用手机缴电费", "客户想了解手机缴费和自动扣款的办理方式。", 6),
    ("inquiry", "计划停电", "明天是否停电", "客户听说小区明天检修停电，想确认时间。", 5),
    ("inquiry", "新装增容", "新装电表需要什么材料", "客户新开店铺，咨询新装电表的材料和时限。", 4),
    ("repair", "表计故障", "电表屏幕不亮", "电表显示屏黑屏，家里有电，担心计量不准。", 5),
    ("repair", "故障停电", "家里跳闸合不上", "总闸跳闸后合不上，其他住户有电。", 4),
    ("emergency_repair", "故障停电", "整栋楼停电", "整栋楼突然停电，电梯困人，请尽快处理。", 3),
    ("emergency_repair", "故障停电", "电线杆倾斜冒火花", "路边电线杆倾斜，导线有火花，已疏散行人。", 1),
    ("complaint", "服务态度", "抄表员态度差", "抄表员上门时语气生硬，客户要求道歉。", 3),
    ("complaint", "收费争议", "电费突然翻倍", "本月电费是上月两倍，怀疑电表有问题或多收费。", 4),
    ("complaint", "办理时限", "增容办理超时", "增容申请两周未处理，影响开业。", 2),
    ("report", "其他", "疑似窃电", "邻居私拉电线，疑似绕表用电。", 1),
    ("suggestion", "其他", "希望增加夜间缴费网点", "下班后营业厅已关门，建议延长服务时间。", 2),
]
CALLERS = ["王先生", "李女士", "张先生", "刘女士", "陈先生", "杨女士", "黄先生", "赵女士"]
SOLUTIONS = {
    "inquiry": "已向客户解释清楚，客户表示明白。",
    "repair": "抢修班上门检查，更换故障部件，恢复正常。",
    "emergency_repair": "线路故障已排除，恢复供电。",
    "complaint": "核实情况后向客户致歉，并按规定处理，客户认可。",
    "report": "已转稽查部门核实处理。",
    "suggestion": "已记录建议并转相关部门评估。",
}


def ensure_units() -> dict[str, User]:
    password = make_password("kehu-demo")
    users = {}
    for name, username, display in UNITS:
        unit, _ = Department.objects.get_or_create(name=name, parent=None)
        user, _ = User.objects.get_or_create(username=username, defaults={
            "role": Role.AGENT, "display_name": display, "department": unit})
        user.password = password
        user.save(update_fields=["password"])
        if unit.leader_id is None:
            unit.leader = user
            unit.save(update_fields=["leader"])
        users[username] = user
    return users


def _backdate(ticket: Ticket, when: dt.datetime) -> None:
    """Move a ticket's creation into the past and recount its targets from then."""
    ticket.created_at, ticket.number = when, services.next_ticket_number(when)
    fields = ["created_at", "number"]
    if ticket.sla_policy:
        p = ticket.sla_policy
        due = sla.deadlines(when, first_response_minutes=p.first_response_minutes,
                            resolution_minutes=p.resolution_minutes, clock=p.clock, warn_percent=p.warn_percent)
        ticket.first_response_due, ticket.resolution_due = due.first_response_due, due.resolution_due
        ticket.first_response_warn_at, ticket.resolution_warn_at = due.first_response_warn_at, due.resolution_warn_at
        fields += ["first_response_due", "resolution_due", "first_response_warn_at", "resolution_warn_at"]
    if ticket.first_responded_at:
        ticket.first_responded_at = when + dt.timedelta(minutes=2)
        fields.append("first_responded_at")
    ticket.save(update_fields=fields)
    ticket.replies.update(created_at=when)


def generate_tickets(*, count: int, seed: int | None, users: dict[str, User]) -> int:
    if count <= 0:
        return 0
    rng = random.Random(seed)
    units = ensure_units()
    agents = [u for u in users.values() if u.role == Role.AGENT]
    categories = {c.name: c.pk for c in TicketCategory.objects.filter(parent__isnull=False)}
    customers = list(Customer.objects.alive().exclude(phone="").order_by("?" if seed is None else "id")
                     .values_list("pk", "phone")[:2000])
    weights = [s[4] for s in SCENARIOS]
    now = timezone.now()
    made = 0
    with transaction.atomic():
        master = _incident(rng, agents, now)
        for i in range(count):
            kind, category, title, text, _w = rng.choices(SCENARIOS, weights)[0]
            agent = rng.choice(agents)
            customer_id, phone = rng.choice(customers) if customers and rng.random() < 0.85 else (None, "")
            ticket, _ = services.ticket_create(by=agent, data={
                "kind": kind, "channel": rng.choice(["phone"] * 6 + ["web", "wechat", "email"]),
                "title": title, "description": text, "customer_id": customer_id, "phone": phone,
                "caller_name": rng.choice(CALLERS), "category_id": categories.get(category),
                "priority": "urgent" if kind == "emergency_repair" else rng.choice(["normal"] * 4 + ["high", "low"]),
                "anonymous": kind == "report", "grade": rng.choice(["general"] * 3 + ["serious", "major"])
                if kind == "complaint" else "",
                "fault_location": "幸福小区3栋" if kind in ("repair", "emergency_repair") else "",
                "master_id": master.pk if kind == "emergency_repair" and rng.random() < 0.5 else None,
            })
            _backdate(ticket, now - dt.timedelta(days=rng.uniform(0, 30) if i % 4 else rng.uniform(0, 2)))
            _progress(rng, ticket, agent, units, now)
            _settle_times(rng, ticket, now)
            made += 1
    services.sla_sweep()
    return made + 1


def _settle_times(rng: random.Random, ticket: Ticket, now: dt.datetime) -> None:
    """Put what the services stamped "now" back at plausible moments after creation, so the
    reports show a month of work: most tickets resolved within target, some late."""
    ticket.refresh_from_db()
    start = ticket.created_at
    span = (ticket.resolution_due - start) if ticket.resolution_due else dt.timedelta(hours=8)
    fields: dict[str, dt.datetime] = {}
    if ticket.first_responded_at and ticket.first_responded_at > start + dt.timedelta(minutes=5):
        fields["first_responded_at"] = start + dt.timedelta(minutes=rng.uniform(2, 50))
    if ticket.resolved_at:
        resolved = min(now, start + span * rng.choice([0.2, 0.4, 0.6, 0.8, 0.9, 1.3]))
        fields["resolved_at"] = resolved
        if ticket.closed_at:
            fields["closed_at"] = min(now, resolved + dt.timedelta(hours=rng.uniform(1, 20)))
    if fields:
        Ticket.objects.filter(pk=ticket.pk).update(**fields)
    for i, step in enumerate(ticket.complaint_steps.order_by("id")):
        ticket.complaint_steps.filter(pk=step.pk).update(done_at=start + dt.timedelta(minutes=3 + 4 * i))
    closed = fields.get("closed_at")
    if closed:
        ReturnVisit.objects.filter(ticket=ticket).update(due_at=closed + dt.timedelta(days=1))
        ReturnVisit.objects.filter(ticket=ticket, done_at__isnull=False).update(
            done_at=min(now, closed + dt.timedelta(days=1, hours=2)))


def _incident(rng: random.Random, agents: list[User], now: dt.datetime) -> Ticket:
    master, _ = services.ticket_create(by=agents[0], data={
        "kind": "emergency_repair", "channel": "phone", "title": "幸福小区片区停电（主工单）",
        "description": "10kV线路故障，幸福小区片区大面积停电，抢修班已出发。", "priority": "urgent",
        "fault_location": "幸福小区配电房", "safety_note": "提醒居民远离倒伏线路"})
    services.ticket_make_master(ticket=master, by=agents[0])
    return master


def _progress(rng: random.Random, ticket: Ticket, agent: User, units: dict[str, User], now: dt.datetime) -> None:
    """Walk a ticket some way along its life, as the agents would have."""
    age_days = (now - ticket.created_at).total_seconds() / 86400
    if ticket.status == TicketStatus.NEW:
        if rng.random() < 0.3:
            return
        services.ticket_accept(ticket=ticket, by=agent)
    if ticket.kind == "complaint":
        for step in list(ComplaintStepCode)[: rng.randint(1, 5)]:
            services.complaint_step_record(ticket=ticket, by=agent, step=step,
                                           note=SOLUTIONS["complaint"] if step == ComplaintStepCode.SOLUTION else "")
        ticket.refresh_from_db()
    if ticket.kind in ("repair", "emergency_repair", "complaint") and rng.random() < 0.5:
        unit = units["crew"] if ticket.kind != "complaint" else units["hall"]
        services.ticket_dispatch(ticket=ticket, by=agent, units=[unit.department], instructions="请尽快处理并回复。",
                                 due_at=now + dt.timedelta(hours=rng.choice([4, 24])))
        if rng.random() < 0.3:  # a unit that let its order slip, for the overdue list
            ticket.work_orders.update(due_at=now - dt.timedelta(hours=6))
        if age_days < 3:
            return
        order = ticket.work_orders.get()
        services.work_order_answer(work_order=order, by=unit, answer=SOLUTIONS[ticket.kind])
    if age_days < 2 or rng.random() < 0.25:
        return
    if ticket.kind == "complaint" and not ticket.solution:
        return
    services.ticket_resolve(ticket=ticket, by=agent, solution=ticket.solution or SOLUTIONS[ticket.kind])
    if rng.random() < 0.2:
        return
    services.ticket_close(ticket=ticket, by=agent, customer_agreed=True)
    visit = ReturnVisit.objects.filter(ticket=ticket).first()
    if visit and age_days > 5 and rng.random() < 0.7:
        reached = rng.random() < 0.85
        services.return_visit_record(visit=visit, by=agent, reached=reached,
                                     satisfaction=rng.choice([5, 5, 4, 4, 3, 2]) if reached else None,
                                     comment="" if reached else "无人接听")


def login_lines() -> list[str]:
    return [f"  {username:<12} {'责任单位':<16} {display:<6} {name}" for name, username, display in UNITS]

