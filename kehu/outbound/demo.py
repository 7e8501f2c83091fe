"""Demo outbound campaigns: a care / return-visit campaign and a payment reminder.

Made through the services by the demo manager: two numbers go on the do-not-call list,
the call lists come from demo customers, and the agents make a first round of calls on the
last working day (entry_next + attempt_record at that time), so the progress shows.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kehu.accounts.models import User
from kehu.customers.models import Customer
from kehu.outbound.models import Campaign, CampaignEntry, Outcome
from kehu.outbound.services.calls import attempt_record, entry_next
from kehu.outbound.services.campaigns import campaign_create, campaign_set_status
from kehu.outbound.services.dnc import dnc_add
from kehu.outbound.services.targets import entries_from_rows

CARE = "季度客户关怀回访"
PAYMENT = "逾期电费缴费提醒"
NOTES = {
    Outcome.CONNECTED: "客户对近期服务表示满意。",
    Outcome.NO_ANSWER: "无人接听。",
    Outcome.BUSY: "占线。",
    Outcome.REFUSED: "客户表示不需要回访。",
    Outcome.CALLBACK: "客户正在开会，约定明天再打。",
    Outcome.SURVEY_COMPLETED: "已完成满意度回访，客户提出希望缩短抢修到场时间。",
    Outcome.PROMISED_TO_PAY: "客户承诺本周内通过网上营业厅缴清。",
    Outcome.WRONG_NUMBER: "号码已易主。",
}


def _last_working_moment(now: dt.datetime) -> dt.datetime:
    """10:00 local on the latest weekday before today: inside the default calling hours."""
    day = timezone.localdate(now) - dt.timedelta(days=1)
    while day.isoweekday() > 5:
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def generate(*, seed: int | None, users: dict[str, User], agents: list[User],
             now: dt.datetime | None = None) -> str:
    manager = users["manager"]
    if Campaign.objects.filter(name__in=[CARE, PAYMENT]).exists():
        return "The demo campaigns exist already; outbound left as it is."
    pool = list(Customer.objects.alive().exclude(phone_norm="").order_by("id").values_list("pk", "name", "phone"))
    if len(pool) < 10 or not agents:
        return "Too few customers for call lists; outbound campaigns skipped."
    rng = random.Random(None if seed is None else f"outbound-{seed}")
    now = now or timezone.now()
    dnc_add(phone=pool[0][2], by=manager, reason="客户要求不再致电")
    dnc_add(phone="13900000000", by=manager, reason="投诉过营销电话")
    callers = agents[:4]
    care = campaign_create(by=manager, data={
        "name": CARE, "kind": "care", "assignment": "even", "agents": [a.pk for a in callers],
        "description": "对本季度有服务工单的客户进行电话回访，了解满意度并记录意见。", "max_attempts": 3,
        "retry_minutes": 120})
    payment = campaign_create(by=manager, data={
        "name": PAYMENT, "kind": "payment", "assignment": "queue", "agents": [a.pk for a in callers],
        "description": "提醒电费逾期的客户按时缴费，记录承诺缴费日期。", "max_attempts": 4, "retry_minutes": 240})
    chosen = rng.sample(pool, min(100, len(pool)))
    loaded = 0
    for campaign, rows in ((care, chosen), (payment, rng.sample(pool, min(40, len(pool))))):
        report = entries_from_rows(campaign=campaign, by=manager, rows=[
            {"name": name, "phone": phone, "code": str(pk)} for pk, name, phone in rows])
        loaded += report.added
        campaign_set_status(campaign=campaign, by=manager, status="active")
    at = _last_working_moment(now)
    CampaignEntry.objects.filter(campaign__in=[care, payment]).update(next_attempt_at=at - dt.timedelta(days=1))
    attempts = 0
    plans = [(care, [Outcome.SURVEY_COMPLETED] * 5 + [Outcome.CONNECTED, Outcome.NO_ANSWER, Outcome.NO_ANSWER,
                                                      Outcome.BUSY, Outcome.CALLBACK, Outcome.REFUSED]),
             (payment, [Outcome.PROMISED_TO_PAY] * 3 + [Outcome.NO_ANSWER, Outcome.WRONG_NUMBER, Outcome.CALLBACK])]
    for campaign, outcomes in plans:
        for n in range(len(outcomes) * 2):
            agent = callers[n % len(callers)]
            moment = at + dt.timedelta(minutes=7 * n + rng.uniform(0, 5))
            entry = entry_next(campaign=campaign, agent=agent, now=moment)
            if entry is None:
                break
            outcome = rng.choice(outcomes)
            attempt_record(entry=entry, agent=agent, outcome=outcome, note=NOTES[outcome], now=moment,
                           callback_at=moment + dt.timedelta(days=1) if outcome == Outcome.CALLBACK else None,
                           promised_pay_on=(timezone.localdate(now) + dt.timedelta(days=rng.randint(1, 6))
                                            if outcome == Outcome.PROMISED_TO_PAY else None),
                           amount=rng.choice([186.5, 420, 1280.3]) if outcome == Outcome.PROMISED_TO_PAY else None)
            attempts += 1
    return (f"Created 2 active campaigns with {loaded} call-list entries, {attempts} calls made "
            f"and 2 do-not-call numbers.")
