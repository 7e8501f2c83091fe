"""Default complaint grades, SLA policies, categories and the official holiday calendar.

Holidays follow the State Council's notices (国务院办公厅关于节假日安排的通知) for 2025
and 2026; an administrator adds later years in the admin (服务台 › 工作日历).
"""

import datetime as dt

from django.db import migrations

GRADES = [("general", "一般", 1), ("serious", "较重", 2), ("major", "重大", 3), ("critical", "特别重大", 4)]

# (name, kind, grade, tier, first response min, resolution min, clock)
# A working day is 8 hours (480 minutes) with the default hours 09:00–12:00, 13:00–18:00.
POLICIES = [
    ("默认", "", None, "", 240, 2400, "business"),
    ("咨询", "inquiry", None, "", 30, 480, "business"),
    ("报修", "repair", None, "", 60, 960, "business"),
    ("抢修（全天候）", "emergency_repair", None, "", 10, 240, "24x7"),
    ("投诉·一般", "complaint", "general", "", 60, 1440, "business"),
    ("投诉·较重", "complaint", "serious", "", 60, 960, "business"),
    ("投诉·重大", "complaint", "major", "", 30, 480, "business"),
    ("投诉·特别重大（全天候）", "complaint", "critical", "", 15, 240, "24x7"),
    ("大客户投诉", "complaint", None, "key", 30, 480, "business"),
    ("举报", "report", None, "", 240, 4800, "business"),
    ("建议", "suggestion", None, "", 480, 4800, "business"),
]


def _span(first: str, last: str) -> list[dt.date]:
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


HOLIDAYS = [
    ("元旦", _span("2025-01-01", "2025-01-01"), []),
    ("春节", _span("2025-01-28", "2025-02-04"), ["2025-01-26", "2025-02-08"]),
    ("清明节", _span("2025-04-04", "2025-04-06"), []),
    ("劳动节", _span("2025-05-01", "2025-05-05"), ["2025-04-27"]),
    ("端午节", _span("2025-05-31", "2025-06-02"), []),
    ("国庆节、中秋节", _span("2025-10-01", "2025-10-08"), ["2025-09-28", "2025-10-11"]),
    ("元旦", _span("2026-01-01", "2026-01-03"), ["2026-01-04"]),
    ("春节", _span("2026-02-15", "2026-02-23"), ["2026-02-14", "2026-02-28"]),
    ("清明节", _span("2026-04-04", "2026-04-06"), []),
    ("劳动节", _span("2026-05-01", "2026-05-05"), ["2026-05-09"]),
    ("端午节", _span("2026-06-19", "2026-06-21"), []),
    ("中秋节", _span("2026-09-25", "2026-09-27"), []),
    ("国庆节", _span("2026-10-01", "2026-10-07"), ["2026-09-20", "2026-10-10"]),
]

CATEGORIES = {
    "电费电价": ["电价咨询", "电费账单", "缴费方式"],
    "停电与抢修": ["计划停电", "故障停电", "表计故障"],
    "业务办理": ["新装增容", "过户更名", "变更用电"],
    "服务质量": ["服务态度", "办理时限", "收费争议"],
    "其他": [],
}


def fill(apps, schema_editor):
    Grade = apps.get_model("service", "ComplaintGrade")
    Policy = apps.get_model("service", "SlaPolicy")
    Day = apps.get_model("service", "CalendarDay")
    Category = apps.get_model("service", "TicketCategory")
    grades = {code: Grade.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})[0]
              for code, name, rank in GRADES}
    for name, kind, grade, tier, response, resolution, clock in POLICIES:
        Policy.objects.get_or_create(
            name=name, defaults={"kind": kind, "grade": grades.get(grade), "tier": tier, "clock": clock,
                                 "first_response_minutes": response, "resolution_minutes": resolution})
    for name, off, worked in HOLIDAYS:
        for day in off:
            Day.objects.get_or_create(date=day, defaults={"name": name, "is_workday": False})
        for day in worked:
            Day.objects.get_or_create(date=dt.date.fromisoformat(day),
                                      defaults={"name": f"{name}调休上班", "is_workday": True})
    for parent, children in CATEGORIES.items():
        top = Category.objects.get_or_create(name=parent, parent=None)[0]
        for child in children:
            Category.objects.get_or_create(name=child, parent=top)


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
