"""Numbers as Chinese writes them in tallies: 268, 1.52亿, 1600余, 近两万, 三百余, 百余.

`find_quantities` scans the cleaned view for number + hedge + classifier and returns every
candidate with its value, unit and hedge, or with the reason it is not a tally (a date, an
ordinal, a phone number …), so that `explain` can show both. Chinese numerals go through cn2an.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .kept import KeptTable
from .patterns import searchable
from .rules import NumberSyntax, derived

CN_DIGITS = "零〇一二两三四五六七八九"
CN_ALL = CN_DIGITS + "十百千万亿"


@dataclass(slots=True)
class Quantity:
    start: int  # view offset of the number (or its hedge)
    num_start: int
    end: int  # just past the unit
    value: Optional[float]
    unit: Optional[str]
    approx: bool
    chinese: bool
    reason: Optional[str] = None  # why it is not a tally; None when it is a candidate
    raw: str = ""


@lru_cache(maxsize=8)
def _pattern(units: tuple[str, ...], before: tuple[str, ...], after: tuple[str, ...], before_round: tuple[str, ...] = (),
             after_unit: tuple[str, ...] = ()) -> re.Pattern:
    unit_alt = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    pre = "|".join(sorted(map(re.escape, before), key=len, reverse=True))
    if before_round:
        pre += "|(?:" + "|".join(sorted(map(re.escape, before_round), key=len, reverse=True)) + ")(?=[百千万])"
    post = "|".join(sorted(map(re.escape, after), key=len, reverse=True))
    # the lookahead lets the regex engine skip to the characters a match can start with
    first = re.escape("".join(sorted({h[0] for h in before + before_round})))
    return searchable(
        rf"(?=[{first}\d{CN_ALL}])"
        rf"(?P<pre>{pre})?"
        rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?|[{CN_ALL}]+(?:点[{CN_DIGITS}]+)?)"
        rf"(?P<h1>{post})?(?P<mag>[万亿](?![元]?[{CN_ALL}])|(?<=\d)千(?![克米瓦伏帕]))?(?P<h2>{post})?"
        rf"(?P<unit>{unit_alt})?(?P<times>\(次\)|/次)?"
        + (rf"(?P<h3>{'|'.join(map(re.escape, after_unit))})?" if after_unit else "(?P<h3>(?!))?")
    )


def parse_number(num: str, mag: str | None) -> Optional[float]:
    v = _digits(num) if num[0].isdigit() else _chinese(num)
    if v is None:
        return None
    if mag == "千":  # 近5千份 (digits before 千; 5千克 is a unit)
        v *= 1000
    elif mag == "万":
        v *= 10000
    elif mag == "亿":
        v *= 100000000
    return round(v, 6)


def _digits(num: str) -> Optional[float]:
    """268, 1.52, and 12,000 with thousands separators."""
    try:
        return float(num.replace(",", ""))
    except ValueError:
        return None


def _cn2an_version() -> str:
    from importlib import metadata

    return f"cn2an {metadata.version('cn2an')}"


_VALUES = KeptTable("numerals", _cn2an_version)  # a numeral's value, kept between runs of the CLI
_UNKNOWN = object()


@lru_cache(maxsize=4096)
def _chinese(num: str) -> Optional[float]:
    """A Chinese numeral's value (cn2an); the same hundred numerals recur, so it is cached, and
    kept between runs (kept.py): cn2an is imported on the first numeral no earlier run met, its
    import compiling patterns for 0.15 s that an article written in digits, or in numerals met
    before, need not wait for."""
    if num in _BARE:
        return _BARE[num]
    value = _VALUES.get(num, _UNKNOWN)
    if value is _UNKNOWN:
        value = _cn2an(num)
        _VALUES.put(num, value)
    return value


def _cn2an(num: str) -> Optional[float]:
    import cn2an

    for form in (num, "一" + num) if num[0] in "百千" else (num,):  # 近百万元, 上千万元: cn2an wants 一百万
        try:
            return float(cn2an.cn2an(form, "smart"))
        except (ValueError, KeyError, IndexError):
            continue
    return None


_BARE = {"百": 100.0, "千": 1000.0, "万": 10000.0, "亿": 100000000.0}
_LATIN = frozenset(string.ascii_letters)
_CODE_BEFORE = _LATIN | frozenset("-_/·•.@#")  # a character right before a number of a code (A12, 3-5)
# a Latin word of three or more letters before a counted number is a noun (KTV12家, APP1200余人)
_LATIN_WORD_BEFORE = searchable(r"(?<![A-Za-z0-9\-_/.@#])[A-Za-z]{3,}$")
_CODE_AFTER = _LATIN | frozenset("-_·•/@")  # … right after it (12A, 3-5), and "." before a digit (1.2.3)
_TIME_AFTER = searchable(r"[年月日时分秒号天周]|小时|分钟|[-/.:]\d")
_RATE_AFTER = searchable(r"%|‰|成|倍|个百分点")
_WEIGHTS_AND_MONEY = frozenset({"克", "公斤", "千克", "吨", "元", "万元", "亿元"})


def _scanner(syntax: NumberSyntax) -> tuple:
    """The syntax's patterns, compiled once per rule set."""
    return (_pattern(tuple(syntax.units), tuple(syntax.hedges_before), tuple(syntax.hedges_after), tuple(syntax.hedges_before_round),
                     tuple(syntax.hedges_after_unit)),
            searchable(syntax.people_nouns), searchable(syntax.threshold_after), searchable(syntax.done_by_suspects),
            searchable(syntax.change_before), searchable(syntax.chosen_before), searchable(syntax.honoured_after),
            {u: searchable(b) for u, b in syntax.not_after_unit.items()}, searchable(syntax.not_police_work),
            searchable(syntax.small_count_nouns), searchable(syntax.harmed_after))


_RANGE_MARKS = frozenset("至到~～－-")  # (what stands right before the second number of a range, blanks aside)
_RANGE_BEFORE = searchable(r"[\d零一二两三四五六七八九十百千万]\s*(?:至|到|~|～|－|-)\s*$")  # 20至30名, 二十到三十人


def find_quantities(text: str, syntax: NumberSyntax) -> list[Quantity]:
    (pat, people, threshold, suspects_did, change, chosen, honoured, blocks, elsewhere, small_counted,
     harmed) = derived(syntax, ("scanner",), lambda: _scanner(syntax))
    out: list[Quantity] = []
    for m in pat.finditer(text):
        pre, num, h1, mag, h2, unit = m.group("pre", "num", "h1", "mag", "h2", "unit")
        if unit and m.group("times") and unit + "次" in syntax.units:
            unit += "次"  # 出动警力120人(次), 320人/次: a count of turns, 人次
        chinese = not num[0].isdigit()
        ns, num_end = m.span("num")
        end = m.end()
        hedged = bool(pre or h1 or h2 or (unit and m.group("h3")))
        # (positional, in the order of Quantity's fields: start, num_start, end, value, unit, approx,
        # chinese, reason, raw; compiled, a keyword call into a dataclass's __init__ costs 2.5 times as much)
        start, value = m.start(), parse_number(num, mag)
        q = Quantity(start, ns, end, value, unit, hedged, chinese, None, m.group(0))
        reason = None  # (kept in locals while it is worked out: compiled, each q.… is an attribute lookup)
        before = text[ns - 1:ns] if ns else ""
        if value is None:
            reason = "not a number"
        elif value == 0:
            reason = "zero (a word such as 零部件)"
        elif before == "第":
            reason = "ordinal (第…)"
        elif (before in _RANGE_MARKS or before.isspace()) and _RANGE_BEFORE.search(text, max(0, ns - 12), ns):
            reason = "the end of a range (20至30名): no one figure"
        elif chinese and not _chinese_ok(num, m, text, small_counted):
            reason = "word containing a numeral"
        elif ((before in _CODE_BEFORE and not (unit and _LATIN_WORD_BEFORE.search(text, max(0, ns - 12), ns)))
              or _code_after(text, num_end)):
            reason = "code, phone number or name with a number"
        elif not unit:
            if mag and people.match(text, end):
                q.unit = unit = "人"
            elif _TIME_AFTER.match(text, num_end, num_end + 2):
                reason = "date, time or duration"
            elif _RATE_AFTER.match(text, end, end + 4):
                reason = "percentage or rate"
            else:
                reason = "no classifier after the number"
        if reason is None and unit:
            block = blocks.get(unit)
            if block and block.match(text, end, end + 4):
                reason = f"duration or date ({unit}{text[end:end + 2]})"
        if reason is None and threshold.match(text, end):
            reason = "threshold or amount involved (…以上/以下)"
        if reason is None and change.search(text, max(0, start - 10), start):
            reason = "a change against an earlier period (同比增加…), not a tally"
        if reason is None and (chosen.search(text, max(0, start - 24), start) or honoured.match(text, end)):
            reason = "people or units honoured or chosen (表彰, 评选出…), not work done"
        if reason is None and harmed.match(text, end):
            reason = "people hurt or killed (1名民警手臂被划伤, 2名受伤群众), not work done"
        if reason is None and elsewhere.search(text, max(0, start - 24), start):
            reason = "a figure of the place, not of the police (接待游客, 发送旅客)"
        if reason is None and suspects_did.search(text, max(0, start - 24), start):
            reason = "what the suspects did (作案…, 涉案金额), not police work"
        if (reason is None and unit and ("." in num or "点" in num) and not mag and value != int(value)
                and unit not in _WEIGHTS_AND_MONEY):
            reason = "decimal count (a version, rate or code)"
        q.reason = reason
        out.append(q)
    return out


def _code_after(text: str, at: int) -> bool:
    r"""What stands at `at` goes on a code (what `[\-_·•/@]|\.\d|[A-Za-z]` matches there; set
    lookups, not a regex call for every number)."""
    ch = text[at:at + 1]
    return ch in _CODE_AFTER or (ch == "." and text[at + 1:at + 2].isdecimal())


def _chinese_ok(num: str, m: re.Match, text: str, small_counted: re.Pattern) -> bool:
    """Chinese numerals count only where they read as a quantity, not inside a word."""
    if not any(c in num for c in CN_DIGITS + "十") and not (m.group("pre") or m.group("h1") or m.group("h2")):
        return False  # bare 万/千/百 (千家万户, 百日) unless hedged (近万份, 百余人次)
    if num[0] in "十百千万亿" and len(num) == 1 and not (m.group("pre") or m.group("h1") or m.group("h2")):
        return False
    prev = text[m.start() - 1:m.start()] if m.start() else ""
    if num in {"一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十"} and not m.group("h1"):
        # a single small numeral is a tally only at the end of a noun-first item (部督案件两起、)
        nxt = text[m.end():m.end() + 1]
        if num != "一" and m.group("unit") and small_counted.match(text, m.end()):
            return True  # 十二个派出所和八个大队: what it counts says it is a count (syntax.small_count_nouns)
        if not (nxt == "" or nxt in ",、;。:)") or not prev or prev in ",、;。:( \n":
            return False
        if num == "一":
            # 一 is the narrative article (查扣作案轿车一辆) unless it closes an item of a list
            item_start = max(text.rfind(ch, 0, m.start()) for ch in ",、;。:\n")
            if text[item_start:item_start + 1] != "、" and nxt != "、":
                return False
    return True
