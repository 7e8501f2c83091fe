"""Chinese public holidays and greeting days, for reminders.

Lunar festivals move every year, so dates are listed per year (State Council notices);
fixed-date days are generated.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

_LUNAR = {
    2025: {"spring": "2025-01-29", "lantern": "2025-02-12", "dragon_boat": "2025-05-31", "mid_autumn": "2025-10-06"},
    2026: {"spring": "2026-02-17", "lantern": "2026-03-03", "dragon_boat": "2026-06-19", "mid_autumn": "2026-09-25"},
    2027: {"spring": "2027-02-06", "lantern": "2027-02-20", "dragon_boat": "2027-06-09", "mid_autumn": "2027-09-15"},
    2028: {"spring": "2028-01-26", "lantern": "2028-02-09", "dragon_boat": "2028-05-28", "mid_autumn": "2028-10-03"},
}
_NAMES = {
    "new_year": _("New Year's Day"),
    "spring": _("Spring Festival"),
    "lantern": _("Lantern Festival"),
    "womens_day": _("Women's Day"),
    "labour_day": _("Labour Day"),
    "dragon_boat": _("Dragon Boat Festival"),
    "mid_autumn": _("Mid-Autumn Festival"),
    "national_day": _("National Day"),
}
_FIXED = {"new_year": (1, 1), "womens_day": (3, 8), "labour_day": (5, 1), "national_day": (10, 1)}


def holidays_of(year: int) -> list[tuple[dt.date, str]]:
    days = [(dt.date(year, m, d), str(_NAMES[k])) for k, (m, d) in _FIXED.items()]
    days += [(dt.date.fromisoformat(v), str(_NAMES[k])) for k, v in _LUNAR.get(year, {}).items()]
    return sorted(days)


def holidays_between(start: dt.date, end: dt.date) -> list[dict[str, object]]:
    found = []
    for year in range(start.year, end.year + 1):
        for day, name in holidays_of(year):
            if start <= day <= end:
                found.append({"date": day, "name": name, "days": (day - start).days})
    return found
