"""Demo survey: a published satisfaction survey (CSAT 1–5, NPS 0–10, a comment, a reason)
with responses spread over the past weeks, made through survey_create / question_add /
survey_publish / response_submit."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kehu.accounts.models import User
from kehu.customers.models import Customer
from kehu.surveys import services
from kehu.surveys.models import Response, Survey

NAME = "客户服务满意度调查"
WEEKS = 6
REASONS = [("1", "响应速度"), ("2", "解决问题的能力"), ("3", "服务态度"), ("4", "收费透明"), ("5", "其他")]
PRAISE = ["客服很耐心，一次就把问题讲清楚了。", "抢修师傅来得很快，点赞。", "网上缴费很方便。",
          "工作人员态度很好，解释得很专业。", "整体满意，希望继续保持。"]
COMPLAINTS = ["电话等了很久才接通。", "报修后第二天才有人来，太慢了。", "账单看不太懂，希望能更清楚。",
              "同一个问题打了三次电话才解决。"]


def generate(*, seed: int | None, users: dict[str, User], count: int = 150,
             now: dt.datetime | None = None) -> str:
    if Survey.objects.filter(name=NAME).exists():
        return "The demo survey exists already; surveys left as they are."
    rng = random.Random(None if seed is None else f"surveys-{seed}")
    now = now or timezone.now()
    owner = users["manager"]
    survey = services.survey_create(by=owner, name=NAME,
                                    intro="感谢您使用我们的服务！请花一分钟告诉我们您的感受。")
    for section, question in [
        ("总体评价", {"code": "CSAT", "type": "rating", "min": 1, "max": 5, "required": True, "csat": True,
                   "text": {"zh": "您对本次服务的总体满意度如何？", "en": "How satisfied are you with the service?"}}),
        ("总体评价", {"code": "NPS", "type": "nps", "required": True,
                   "text": {"zh": "您有多大可能向亲友推荐我们的服务？", "en": "How likely are you to recommend us?"}}),
        ("总体评价", {"code": "WHY", "type": "single", "required": False,
                   "text": {"zh": "影响您评价的最主要因素是？", "en": "What mattered most?"},
                   "options": [{"code": c, "text": {"zh": t}} for c, t in REASONS]}),
        ("总体评价", {"code": "COMMENT", "type": "text", "required": False,
                   "text": {"zh": "还有什么想对我们说的吗？", "en": "Anything else you want to tell us?"}}),
    ]:
        services.question_add(survey=survey, by=owner, question=question, section=section)
    services.survey_publish(survey=survey, by=owner)
    pool = list(Customer.objects.alive().order_by("id").values_list("pk", flat=True)[:2000])
    customers = Customer.objects.in_bulk(rng.sample(pool, min(len(pool), count)))
    chosen = list(customers.values())
    made = []
    for n in range(count):
        mood = rng.random()
        csat = 5 if mood < 0.45 else 4 if mood < 0.78 else 3 if mood < 0.9 else rng.choice([1, 2])
        nps = {5: rng.choice([9, 10, 10, 9, 8]), 4: rng.choice([7, 8, 8, 9]), 3: rng.choice([5, 6, 7])}.get(
            csat, rng.choice([0, 2, 3, 4]))
        raw: dict[str, object] = {"CSAT": csat, "NPS": nps, "WHY": rng.choice(REASONS)[0]}
        if rng.random() < 0.4:
            raw["COMMENT"] = rng.choice(PRAISE if csat >= 4 else COMPLAINTS)
        response, _errors = services.response_submit(
            survey=survey, raw=raw, channel=rng.choice(["web", "web", "web", "api", "cati"]),
            customer=chosen[n % len(chosen)] if chosen and rng.random() < 0.7 else None)
        made.append(response.pk)
    # Spread the answers over the past weeks, more of them recently.
    for pk in made:
        finished = now - dt.timedelta(days=WEEKS * 7 * rng.random() ** 1.3, minutes=rng.uniform(0, 600))
        seconds = rng.randint(25, 240)
        Response.objects.filter(pk=pk).update(finished_at=finished, seconds=seconds,
                                              started_at=finished - dt.timedelta(seconds=seconds))
    return f"Created the published survey “{NAME}” with {len(made)} responses over {WEEKS} weeks."
