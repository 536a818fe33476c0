"""Activities: the named campaigns and events an article reports, with their dates.

Pure functions of the cleaned body, the publication date and `rules/activities.yaml`.
Dates are found next to the activity and resolved against the publication date with
JioNLP's time parser ("11月6日至26日" in an article of 2013-11-28 → 2013-11-06..2013-11-26).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Optional

from .quiet import quiet
from .rules import ActivityRules

_DATE = re.compile(
    r"(?:(?P<y1>\d{4})年)?(?:(?P<m1>\d{1,2})月)?(?P<d1>\d{1,2})日(?:[上下]午|晚上?|凌晨|夜间|当天)?(?:\d{1,2}时)?"
    r"(?:(?:[至到\-—~])(?:(?P<y2>\d{4})年)?(?:(?P<m2>\d{1,2})月)?(?:(?P<d2>\d{1,2})日|底|初|中旬))?(?P<open>起|以来|开始)?"
)
_MONTH_RANGE = re.compile(r"(?:(?P<y1>\d{4})年)?(?P<m1>\d{1,2})月(?:上旬|中旬|下旬|份|初)?(?:[至到\-—~](?:(?P<y2>\d{4})年)?(?P<m2>\d{1,2})月(?:底|末))")
_UNTIL = re.compile(r"截至(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日|底)")


@dataclass
class Mention:
    name_span: tuple[int, int]  # view span of the name (without quotes)
    name: str
    type: str
    start: Optional[str]
    end: Optional[str]
    sentence: tuple[int, int]


@lru_cache(maxsize=4)
def _compiled(rules_key: int, patterns: tuple[str, ...], types: tuple[tuple[str, str], ...], ctx: str, bad: str):
    return ([re.compile(p) for p in patterns], [(t, re.compile(p)) for t, p in types], re.compile(ctx), re.compile(bad))


def _sentence(text: str, pos: int) -> tuple[int, int]:
    s = pos
    while s > 0 and text[s - 1] not in "。!?\n":
        s -= 1
    e = pos
    while e < len(text) and text[e] not in "。!?\n":
        e += 1
    return s, e


def type_of(name: str, context: str, types) -> str:
    for t, rx in types:
        if rx.search(name):
            return t
    for t, rx in types:
        if rx.search(context):
            return t
    return "other"


def find_activities(body: str, rules: ActivityRules, published: Optional[str]) -> list[Mention]:
    pats, types, ctx, bad = _compiled(id(rules), tuple(rules.name_patterns), tuple((c.type, c.pattern) for c in rules.types),
                                      rules.context_only, rules.not_activity)
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for rx in pats:
        for m in rx.finditer(body):
            s, e = m.span("name")
            while s < e and body[s] in "“\"":
                s += 1
            while e > s and body[e - 1] in "”\"":
                e -= 1
            if any(a <= s < b or a < e <= b for a, b in taken):
                continue
            name = body[s:e].strip("“”\" ")
            if len(name) < 2 or bad.search(name) or bad.search(body[e:e + 4]):
                continue
            before = body[max(0, m.start() - 14):m.start()]
            if ctx.search(before) or re.match(r"[^,。;]{0,6}(?:为契机|的部署|部署|要求|期间)", body[m.end():m.end() + 8]):
                if not re.search(r"开展|举行|举办|启动|推行", body[max(0, m.start() - 4):m.end()]):
                    continue
            sent = _sentence(body, s)
            head = m.groupdict().get("head") or ""
            typ = type_of(name + head, body[sent[0]:sent[1]], types)
            start, end = dates_near(body, sent, s, published)
            found.append(Mention((s, e), name, typ, start, end, sent))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda a: a.name_span[0])
    return _merge(found)


def _merge(found: list[Mention]) -> list[Mention]:
    """One activity per name: later mentions of the same (or a containing) name add dates only."""
    out: list[Mention] = []
    for a in found:
        key = _norm(a.name)
        same = next((b for b in out if key and (key == _norm(b.name) or key in _norm(b.name) or _norm(b.name) in key)), None)
        if same:
            if not same.start and a.start:
                same.start, same.end = a.start, a.end
            continue
        out.append(a)
    return out


def _norm(name: str) -> str:
    return re.sub(r"[“”\"'‘’《》\s]|活动$|行动$", "", name)


def dates_near(text: str, sentence: tuple[int, int], pos: int, published: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """The date expression of the activity's sentence, resolved against the publication date."""
    s, e = sentence
    chunk = text[s:e]
    best = None
    for m in _DATE.finditer(chunk):
        if not m.group("m1") and not m.group("y1") and not re.match(r"[上下]午|晚|凌晨|,|当天", chunk[m.end("d1") + 1:m.end("d1") + 3]) and m.end() < len(chunk) and chunk[m.end()] not in ",,起":
            continue
        if _is_dateline(chunk, m):
            continue
        best = m if best is None or abs(s + m.start() - pos) < abs(s + best.start() - pos) else best
    if best is None:
        mm = _MONTH_RANGE.search(chunk)
        until = _UNTIL.search(chunk)
        if until:
            end = resolve(until.group("y"), until.group("m"), until.group("d") or "last", published)
            return None, end
        return None, None
    start = resolve(best.group("y1"), best.group("m1"), best.group("d1"), published)
    if best.group("d2"):
        end = resolve(best.group("y2") or best.group("y1"), best.group("m2") or best.group("m1"), best.group("d2"), published, after=start)
    elif best.group("open"):
        end = None
    else:
        end = start
    return start, end


def _is_dateline(chunk: str, m: re.Match) -> bool:
    return chunk[m.end():m.end() + 1] in ("讯", "电")


def resolve(y: Optional[str], m: Optional[str], d: str, published: Optional[str], after: Optional[str] = None) -> Optional[str]:
    """A date relative to the publication date (JioNLP's parser for the calendar arithmetic)."""
    if published is None and not y:
        return None
    base = date.fromisoformat(published) if published else None
    text = f"{y + '年' if y else ''}{m + '月' if m else ''}{d}日" if d != "last" else f"{y + '年' if y else ''}{m}月底"
    try:
        with quiet():
            import jionlp

        tb = {"year": base.year, "month": base.month, "day": base.day} if base else {"year": int(y), "month": 1, "day": 1}
        parsed = jionlp.parse_time(text, time_base=tb)
        iso = parsed["time"][0][:10] if d != "last" else parsed["time"][-1][:10]
    except Exception:
        return None
    if base and not y:
        # a date written without its year lies before the publication, as a report's dates do
        when = date.fromisoformat(iso)
        if when > base and (when - base).days > 31:
            iso = when.replace(year=when.year - 1).isoformat()
    return iso
