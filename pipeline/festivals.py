"""Festival days by name (除夕, 元宵节, 端午节, 中秋节, 元旦), for dates written as a festival.

The lunar ones come from JioNLP's lunar calendar (`LunarSolarDate`), worked out once for the
years police stories are dated in and then read from the cache folder (see cache.py), so a run
does not import JioNLP for them.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Optional

from .cache import cached
from .quiet import quiet

YEARS = range(1990, 2041)
# lunar (month, day) of each festival; 除夕 is the day before the lunar new year
_LUNAR = {"元宵": (1, 15), "端午": (5, 5), "中秋": (8, 15)}
_ALIASES = {"除夕": "除夕", "大年三十": "除夕", "年三十": "除夕", "元宵": "元宵", "元宵节": "元宵", "端午": "端午",
            "端午节": "端午", "中秋": "中秋", "中秋节": "中秋", "元旦": "元旦"}


def _build() -> dict[str, dict[int, str]]:
    with quiet():
        from jionlp.gadget.lunar_solar_date import LunarSolarDate

    lunar = LunarSolarDate()
    table: dict[str, dict[int, str]] = {"除夕": {}, "元旦": {}}
    for y in YEARS:
        table["除夕"][y] = (lunar.to_solar_date(y, 1, 1).date() - timedelta(days=1)).isoformat()
        table["元旦"][y] = date(y, 1, 1).isoformat()
        for name, (m, d) in _LUNAR.items():
            table.setdefault(name, {})[y] = lunar.to_solar_date(y, m, d).date().isoformat()
    return table


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[int, str]]:
    return cached("festivals", __file__, f"{YEARS.start}-{YEARS.stop}", _build)


def festival_day(name: str, published: Optional[str], within: int = 45) -> Optional[str]:
    """The day of festival `name` nearest to the publication day, if it is within `within` days of
    it (除夕 in a story of 2011-02-03 is 2011-02-02); None when the name is no festival this
    knows, there is no publication date, or the festival is further away."""
    key = _ALIASES.get(name)
    if key is None or not published:
        return None
    pub = date.fromisoformat(published)
    days = [date.fromisoformat(d) for y in (pub.year - 1, pub.year, pub.year + 1) if (d := _table()[key].get(y))]
    best = min(days, key=lambda d: abs((d - pub).days), default=None)
    return best.isoformat() if best and abs((best - pub).days) <= within else None
