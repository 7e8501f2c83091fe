"""Demo contact center: queues, extensions, six weeks of inbound calls and today's live floor.

`kehu demo` calls `generate()` after the customers and tickets. Calls follow a hotline's
day (quiet nights, peaks at 10:00 and 15:00, fewer on weekends); rows are written with
bulk_create. Same seed and same day, same calls. Skipped when demo calls exist already.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kehu.accounts.models import Department, Role, User
from kehu.contact.models import AgentExtension, AgentState, Interaction, Queue, Source
from kehu.core.phones import try_normalize_phone
from kehu.customers.models import Customer
from kehu.service.models import Ticket

DEMO_PASSWORD = "kehu-demo"
PREFIX = "demo-"
HISTORY_DAYS = 42
CENTER = "客服中心"

# code, name, share of the calls, service level (s), mean talk (s), what callers ring about
QUEUES: list[tuple[str, str, float, int, float, list[str]]] = [
    ("general", "综合咨询", 0.52, 20, 210,
     ["电费查询", "缴费方式咨询", "账单地址变更", "发票开具", "营业网点查询", "阶梯电价咨询", "业务办理进度"]),
    ("repair", "故障报修", 0.28, 20, 260,
     ["家中停电", "电表黑屏", "线路跳闸", "路灯不亮", "电线老化", "计划停电咨询"]),
    ("complaint", "投诉", 0.12, 30, 420,
     ["服务态度投诉", "电费争议", "抢修不及时", "办理超时"]),
    ("vip", "大客户专线", 0.08, 15, 300,
     ["增容申请", "专线故障", "合同续签", "电费结算核对"]),
]
# Agents beyond the three of the core demo, so the floor has a realistic size.
MORE_AGENTS = [("agent4", "周婷"), ("agent5", "吴磊"), ("agent6", "郑雪"), ("agent7", "孙浩")]
WEEKDAY_FACTOR = [1.12, 1.04, 1.0, 1.0, 0.98, 0.86, 0.84]  # Monday … Sunday


@dataclass
class ContactResult:
    queues: list[Queue]
    agents: list[User]
    calls: int = 0
    today: int = 0
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "Demo calls exist already; contact center left as it is."
        return (f"Created {self.calls:,} calls in {len(self.queues)} queues ({self.today:,} today), "
                f"{len(self.agents)} agents with extensions and today's agent states.")


def half_hour_profile() -> list[float]:
    """Share of a day's calls in each of the 48 half hours: a hotline open round the clock,
    busy 8:00–20:00 with peaks at 10:00 and 15:00."""
    shape = []
    for slot in range(48):
        h = slot / 2 + 0.25
        day = 1 / (1 + math.exp(-(h - 8.2) * 2.2)) * 1 / (1 + math.exp((h - 20.3) * 1.8))
        peaks = 0.9 * math.exp(-((h - 10.2) ** 2) / 2.2) + 0.75 * math.exp(-((h - 15.2) ** 2) / 2.6)
        shape.append(0.015 + day * (0.55 + peaks))
    total = sum(shape)
    return [s / total for s in shape]


def daily_volume(customers: int) -> int:
    """Calls on an ordinary weekday: grows with the demo's size, within a floor of 11 agents."""
    return max(40, min(420, int(customers * 1.4)))


def ensure_agents(users: dict[str, User]) -> list[User]:
    center, _ = Department.objects.get_or_create(name=CENTER, parent=None)
    password = make_password(DEMO_PASSWORD)
    agents = [u for u in users.values() if u.role == Role.AGENT]
    for username, name in MORE_AGENTS:
        user, _ = User.objects.get_or_create(username=username, defaults={
            "role": Role.AGENT, "display_name": name, "department": center})
        user.password = password
        user.save(update_fields=["password"])
        agents.append(user)
    agents.sort(key=lambda u: u.username)
    for n, agent in enumerate(agents):
        AgentExtension.objects.get_or_create(user=agent, defaults={"number": str(8001 + n)})
    return agents


def _mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "135", "186", "158", "177", "189"]) + f"{rng.randrange(10**8):08d}"


class _Calls:
    def __init__(self, rng: random.Random, queues: list[Queue], agents: list[User],
                 customers: list[tuple[int, str]]):
        self.rng, self.queues, self.agents, self.customers = rng, queues, agents, customers
        self.shares = [q[2] for q in QUEUES]
        self.rows: list[Interaction] = []

    def call(self, offered: dt.datetime, load: float, *, queue_n: int | None = None,
             customer: tuple[int | None, str] | None = None, ticket_id: int | None = None) -> Interaction:
        rng = self.rng
        n = queue_n if queue_n is not None else rng.choices(range(len(QUEUES)), self.shares)[0]
        code, _name, _share, _sl, talk_mean, problems = QUEUES[n]
        if customer is None:
            customer = rng.choice(self.customers) if self.customers and rng.random() < 0.45 else None
        customer_id, phone = customer if customer else (None, _mobile(rng))
        phone = phone or _mobile(rng)
        external = f"{PREFIX}{offered:%Y%m%d}-{len(self.rows) + 1:06d}"
        row = Interaction(queue=self.queues[n], caller=phone, caller_norm=phone, customer_id=customer_id,
                          offered_at=offered, source=Source.CDR, external_id=external,
                          problem=rng.choice(problems), ticket_id=ticket_id)
        # Busy half hours: longer waits and more callers who hang up.
        if ticket_id is None and rng.random() < 0.02 + 0.07 * load:
            after = rng.uniform(3, 25) if rng.random() < 0.4 else rng.uniform(25, 150)
            row.abandoned, row.abandoned_after_s, row.wait_s = True, round(after, 1), round(after, 1)
            row.ended_at, row.outcome = offered + dt.timedelta(seconds=after), "abandoned"
        else:
            wait = rng.expovariate(1 / (4 + 12 * load))
            talk = max(25.0, rng.lognormvariate(math.log(talk_mean) - 0.18, 0.6))
            hold = rng.uniform(10, 90) if rng.random() < 0.25 else 0.0
            row.wait_s, row.talk_s, row.hold_s = round(wait, 1), round(talk, 1), round(hold, 1)
            row.wrap_s = round(rng.uniform(10, 70), 1)
            row.answered_at = offered + dt.timedelta(seconds=wait)
            row.ended_at = row.answered_at + dt.timedelta(seconds=talk + hold)
            row.agent = rng.choice(self.agents)
            row.outcome = "answered"
            if rng.random() < 0.03:
                row.transferred_to = "二线技术支持"
        self.rows.append(row)
        return row


@transaction.atomic
def generate(*, seed: int | None, users: dict[str, User], customers: int,
             now: dt.datetime | None = None) -> ContactResult:
    rng = random.Random(None if seed is None else f"contact-{seed}")
    queues = []
    for code, name, _share, sl, _talk, _problems in QUEUES:
        queue, _ = Queue.objects.get_or_create(code=code, defaults={"name": name, "service_level_s": sl})
        queues.append(queue)
    agents = ensure_agents(users)
    result = ContactResult(queues=queues, agents=agents)
    if Interaction.objects.filter(external_id__startswith=PREFIX).exists():
        result.skipped = True
        return result
    now = now or timezone.now()
    pool = list(Customer.objects.alive().exclude(phone_norm="").order_by("id").values_list("pk", "phone_norm")[:3000])
    calls = _Calls(rng, queues, agents, pool)
    profile = half_hour_profile()
    peak = max(profile)
    volume = daily_volume(customers)
    today = timezone.localdate(now)
    for back in range(HISTORY_DAYS, -1, -1):
        day = today - dt.timedelta(days=back)
        midnight = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        factor = WEEKDAY_FACTOR[day.weekday()] * rng.gauss(1.0, 0.05)
        for slot, share in enumerate(profile):
            start = midnight + dt.timedelta(minutes=30 * slot)
            if start >= now:
                break
            expected = volume * factor * share * rng.gauss(1.0, 0.1)
            count = int(expected) + (rng.random() < expected - int(expected))
            for _ in range(count):
                offered = start + dt.timedelta(seconds=rng.uniform(0, 1800))
                if offered < now - dt.timedelta(minutes=15):  # recent calls come below, still open
                    calls.call(offered, share / peak)
    _ticket_calls(rng, calls, now)
    open_calls = _live_floor(rng, calls, agents, now)
    for row in calls.rows:
        if row.offered_at >= timezone.make_aware(dt.datetime.combine(today, dt.time())):
            result.today += 1
    Interaction.objects.bulk_create(calls.rows, batch_size=2000)
    result.calls = len(calls.rows)
    _states(rng, agents, open_calls, now)
    return result


def _ticket_calls(rng: random.Random, calls: _Calls, now: dt.datetime) -> None:
    """The calls that opened some of the phone tickets, linked to them."""
    tickets = (Ticket.objects.filter(channel="phone", created_at__lt=now - dt.timedelta(minutes=30))
               .order_by("id").values_list("pk", "created_at", "customer_id", "caller_phone", "kind")[:40])
    queue_of = {"complaint": 2, "repair": 1, "emergency_repair": 1}
    for pk, created, customer_id, phone, kind in tickets:
        calls.call(created - dt.timedelta(minutes=rng.uniform(3, 8)), 0.3, queue_n=queue_of.get(kind, 0),
                   customer=(customer_id, try_normalize_phone(phone or "")), ticket_id=pk)


def _live_floor(rng: random.Random, calls: _Calls, agents: list[User],
                now: dt.datetime) -> dict[int, Interaction]:
    """Calls of the last minutes: ended ones, a few being talked now and a few waiting."""
    for _ in range(6):
        calls.call(now - dt.timedelta(minutes=rng.uniform(9, 15)), 0.6)
    talking = {}
    for agent in agents[:3]:
        row = calls.call(now - dt.timedelta(minutes=rng.uniform(1, 7)), 0.6)
        row.agent, row.abandoned, row.abandoned_after_s, row.outcome = agent, False, None, ""
        row.answered_at = row.offered_at + dt.timedelta(seconds=rng.uniform(3, 25))
        row.wait_s = round((row.answered_at - row.offered_at).total_seconds(), 1)
        row.ended_at, row.talk_s, row.hold_s, row.wrap_s = None, 0.0, 0.0, 0.0
        talking[agent.pk] = row
    for seconds in (12, 41):
        row = calls.call(now - dt.timedelta(seconds=seconds), 0.6)
        row.answered_at = row.ended_at = row.agent = None
        row.abandoned, row.abandoned_after_s, row.outcome = False, None, ""
        row.wait_s = row.talk_s = row.hold_s = row.wrap_s = 0.0
    return talking


def _states(rng: random.Random, agents: list[User], talking: dict[int, Interaction], now: dt.datetime) -> None:
    """Today's state log: logins, then each agent's latest state (the wallboard's agent list)."""
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time()))
    shift_start = midnight + dt.timedelta(hours=8)
    login = max(midnight + dt.timedelta(minutes=1), min(shift_start, now - dt.timedelta(hours=2)))
    finals = ["on_call", "on_call", "on_call", "ready", "ready", ("not_ready", "小休"), ("not_ready", "培训"),
              "wrap_up", "logout", "ready", "ready"]
    rows = []
    for n, agent in enumerate(agents):
        final = finals[n % len(finals)]
        state, reason = final if isinstance(final, tuple) else (final, "")
        at = login + dt.timedelta(minutes=rng.uniform(0, 5))
        rows += [AgentState(agent=agent, state="login", at=at),
                 AgentState(agent=agent, state="ready", at=at + dt.timedelta(seconds=20))]
        if state == "on_call" and agent.pk in talking:
            at = talking[agent.pk].answered_at
        else:
            at = now - dt.timedelta(minutes=rng.uniform(1, 20))
        at = max(at, login + dt.timedelta(minutes=6))
        rows.append(AgentState(agent=agent, state=state, reason=reason, at=min(at, now)))
    AgentState.objects.bulk_create(rows)


def login_lines() -> list[str]:
    return [f"  {username:<12} {'坐席':<16} {name:<6} {CENTER}" for username, name in MORE_AGENTS]
