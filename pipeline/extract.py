"""Stage 4, extract: one article (and the loaded rules) in, its SCHEMA record out.

`extract(raw, rules)` is a pure function, so it runs unchanged in a process pool or on a
cluster. `analyse` returns the intermediate results too, for `explain` and the tests.
"""
from __future__ import annotations

import bisect
import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import re

from .activities import Mention, find_activities, keep_reported, settle
from .clean import Cleaned, clean, html_to_text
from .meta import published as find_published
from .meta import region_and_agency, source, title
from .models import Activity, Article, Metric, RawDoc, Region
from .rules import Rules
from .segment import Tokens, doc, tokens
from .spans import Marks
from .tallies import SENTENCE_END, Finding, find_tallies


@dataclass
class Analysis:
    article: Article
    stored: str
    cleaned: Cleaned
    findings: list[Finding]
    mentions: list[Mention]
    tokens: Tokens  # jieba's tokens of the cleaned body
    userdict: Path

    def doc(self):
        """The spaCy Doc of the cleaned body (built on demand: extraction itself needs only the tokens)."""
        return doc(self.cleaned.body, self.userdict)


def stored_text(raw: RawDoc) -> str:
    """The text offsets point into: the file's text, or the visible text of an HTML page."""
    if not raw.is_html:
        return raw.text.replace("\r\n", "\n").replace("\r", "\n")
    text, meta = html_to_text(raw.text)
    head = meta.get("html_title")
    if head:
        head = re.split(r"\s*[_|–—]\s*|\s+-\s+", head)[0].strip()  # drop the site name: 标题_郴州新闻网
    if head and head not in text[:300]:
        text = head + "\n" + text
    pub = meta.get("article:published_time") or meta.get("pubdate") or meta.get("publishdate")
    if pub:
        text = f"发布时间:{pub}\n" + text
    return text


def analyse(raw: RawDoc, rules: Rules) -> Analysis:
    stored = stored_text(raw)
    c = clean(stored, rules.boilerplate)
    toks = tokens(c.body, rules.userdict)
    pub = find_published(c, raw.published)
    head = title(c)
    guess = region_and_agency(c, rules.metadata, toks.starts, toks.texts)
    findings = find_tallies(c.body, rules.tallies)
    tallies = [f for f in findings if f.is_tally]
    sentences = Marks(c.body, SENTENCE_END)
    title_end = _title_end(c, head)
    mentions = find_activities(c.body, rules.activities, pub, title_end)
    owners = {_owner(f.q.start, mentions, sentences.around(f.q.start), c.body) for f in tallies}
    mentions = [settle(m) for m in keep_reported(mentions, owners, title_end)]
    names = [_display_name(c, m) for m in mentions]
    activity_of = [_owner(f.q.start, mentions, sentences.around(f.q.start), c.body) for f in tallies]
    activity_of = _back_to_headline(c.body, [f.q.start for f in tallies], activity_of, mentions, title_end)
    metrics = _metrics(c, toks, tallies, [None if i is None else names[i] for i in activity_of])
    acts = [Activity(name=name, type=m.type, start=m.start, end=m.end) for name, m in zip(names, mentions)]
    article = Article(doc_id=raw.doc_id, title=head, published=pub, source=source(c, rules.metadata), agency=guess.agency,
                      region=Region(**guess.region) if guess.region else None, activities=acts, metrics=metrics,
                      url=raw.url, path=raw.path)
    return Analysis(article, stored, c, findings, mentions, toks, rules.userdict)


def prepare(rules: Rules) -> None:
    """Load what extraction reads (jieba's dictionary, the gazetteer, the folding table) by
    extracting a one-line article, then leave those long-lived objects out of the garbage
    collector's scans (`gc.freeze`): each article after that costs about a tenth less."""
    analyse(RawDoc(doc_id="warm-up", path="-", text="鱼台县公安局11月6日查处交通违法行为5起。", published="2013-11-28"), rules)
    gc.collect()
    gc.freeze()


def extract(raw: RawDoc, rules: Rules) -> Article:
    return analyse(raw, rules).article


def _owner(pos: int, mentions: list[Mention], sentence: Optional[tuple[int, int]] = None, body: str = "") -> Optional[int]:
    """The activity a tally at `pos` belongs to: the one mentioned last before it; but when its
    sentence names activities only after it, the last of those (两千余名群众参加…“蜀剑”行动被盗财物
    集中返还大会: the head of the phrase comes last); and when its sentence opens by pointing back
    (大会上, 活动现场, 行动中), the last activity whose wording has that word; else the first activity."""
    best, best_pos = None, -1
    after, after_pos = None, -1
    for i, m in enumerate(mentions):
        for p in m.positions:
            if best_pos < p <= pos:
                best, best_pos = i, p
            if sentence and pos < p < sentence[1] and p > after_pos:
                after, after_pos = i, p
    if after is not None and (best is None or best_pos < sentence[0]):
        return after
    if best is not None and sentence and best_pos < sentence[0] and body:
        back = _referred(body, sentence[0], mentions)
        if back is not None:
            return back
    if best is None and mentions:
        return 0
    return best


def _back_to_headline(body: str, positions: list[int], owners: list[Optional[int]], mentions: list[Mention],
                      title_end: int) -> list[Optional[int]]:
    """A paragraph that names no activity, after one that told a part of the headline's campaign
    with figures of its own (行动中,该局组织开展夜间巡逻防控,累计投入警力… / 在道路交通管理方面,
    交警大队共查处…), reports on the campaign again: its tallies go back to the headline's activity.
    An activity named as a heading, with its figures in the paragraphs below, keeps them."""
    headline = next((i for i, m in enumerate(mentions) if m.positions and min(m.positions) < title_end), None)
    if headline is None:
        return owners

    def para(pos: int) -> int:
        return body.rfind("\n", 0, pos) + 1

    told_with_figures = {(o, para(p)) for p, o in zip(positions, owners) if o is not None
                         and any(para(q) == para(p) for q in mentions[o].positions)}
    out = []
    for p, o in zip(positions, owners):
        m = mentions[o] if o is not None else None
        if (m is not None and o != headline and not m.quoted and min(m.positions) > min(mentions[headline].positions)
                and all(para(q) != para(p) for q in m.positions) and any(t == o for t, _ in told_with_figures)):
            o = headline
        out.append(o)
    return out


_POINTS_BACK = re.compile(r"\s*(大会|会议|仪式|活动|行动|会)(?:上|中|期间|现场)")


def _referred(body: str, start: int, mentions: list[Mention]) -> Optional[int]:
    """The activity a sentence opening with 大会上/活动现场/行动中 points back to: the last one
    mentioned before it whose wording (its name and the words right after) has that word."""
    m = _POINTS_BACK.match(body, start)
    if not m:
        return None
    word = m.group(1)
    best, best_pos = None, -1
    for i, a in enumerate(mentions):
        for p in a.positions:
            if best_pos < p < start and word in body[p:p + len(a.name) + 4]:
                best, best_pos = i, p
    return best


def _title_end(c: Cleaned, head: Optional[str]) -> int:
    if not head:
        return 0
    stored_pos = c.view.stored.find(head)
    if stored_pos < 0:
        return 0
    i = bisect.bisect_left(c.view.index, stored_pos + len(head))  # the index is increasing
    return i if i < len(c.view.index) else 0


def _display_name(c: Cleaned, m: Mention) -> str:
    """The name in the article's own characters, without the quotes inside it."""
    raw = c.view.stored_span(*m.name_span)
    return re.sub(r"[“”\"]", "", raw)


def _metrics(c: Cleaned, toks: Tokens, tallies: list[Finding], activities: list[Optional[str]]) -> list[Metric]:
    """One Metric per tally (a tally stated twice counts once), with its evidence and offsets
    in the stored text."""
    seen: set[tuple] = set()
    out: list[Metric] = []
    more_than: list[bool] = []
    for f, activity in zip(tallies, activities):
        value = f.q.value
        key = (f.category, round(float(value), 6), f.q.unit)
        if key in seen:
            continue
        seen.add(key)
        s, e = c.view.to_stored(*toks.widen(*f.evidence))
        start, end = c.view.to_stored(f.q.num_start, f.q.end)
        out.append(Metric(category=f.category, value=int(value) if float(value).is_integer() else value, unit=f.q.unit,
                          approx=f.q.approx, breakdown=f.breakdown, activity=activity, rule=f.rule,
                          evidence=c.view.stored[s:e].strip(), start=start, end=end))
        more_than.append(any(h in f.q.raw for h in _MORE_THAN))
    return [m for m, more in zip(out, more_than) if not _restates(m, out, more)]


_MORE_THAN = ("余", "多", "逾", "超过", "以上")


def _restates(m: Metric, metrics: list[Metric], more_than: bool = False) -> bool:
    """A hedged round figure that restates an exact one (破案百余起 beside 破获案件126起) counts once.
    余/多/逾 say "more than": such a figure never restates a smaller one (发放2400余份, 回收2238份)."""
    if not m.approx:
        return False
    digits = f"{int(m.value)}".rstrip("0") if float(m.value).is_integer() else "x" * 9
    if len(digits) > 2:
        return False
    step = 10 ** (len(f"{int(m.value)}") - len(digits))  # 百余 → 100..199, 30余万 → 300000..399999
    return any(o is not m and not o.approx and (o.category, o.unit) == (m.category, m.unit)
               and (m.value <= o.value < m.value + step or (not more_than and m.value * 0.9 <= o.value <= m.value)) for o in metrics)
