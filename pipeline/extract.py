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

from .activities import Mention, find_activities, keep_reported, settle
from .clean import Cleaned, clean, html_to_text
from .links import back_to_headline, beyond_the_day, by_kind, owners_of
from .meta import published as find_published
from .meta import region_and_agency, source, title, without_site
from .models import Activity, Article, Metric, RawDoc, Region, checked
from .patterns import searchable
from .rules import Rules
from .segment import Tokens, doc, tokens
from .spans import marks
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
    return page(raw)[0]


def page(raw: RawDoc) -> tuple[str, Optional[str]]:
    """The stored text, and for an HTML page whose <title> (without the site name) is a line of
    the page, that headline: a menu or crumbs may stand above it (else None)."""
    if not raw.is_html:
        return raw.text.replace("\r\n", "\n").replace("\r", "\n"), None
    text, meta = html_to_text(raw.text)
    head = meta.get("html_title")
    if head:
        head = head.strip()
        head = head[slice(*without_site(head))].strip()  # drop the site name: 标题_郴州新闻网, 某某县人民政府_标题
    on_page = bool(head) and any(line.strip() == head for line in text[:300].splitlines())
    if head and not on_page:
        # (a headline already on the page is a line of its own; a sentence of the body may hold its words)
        text = head + "\n" + text
    pub = meta.get("article:published_time") or meta.get("pubdate") or meta.get("publishdate")
    if pub:
        text = f"发布时间:{pub}\n" + text
    return text, (head if on_page else None)


def analyse(raw: RawDoc, rules: Rules) -> Analysis:
    stored, page_head = page(raw)
    c = clean(stored, rules.boilerplate)
    toks = tokens(c.body, rules.userdict)
    pub = find_published(c, raw.published)
    head = title(c, page_head)
    guess = region_and_agency(c, rules.metadata, toks.starts, toks.texts)
    findings = find_tallies(c.body, rules.tallies, rules.language.cues)
    tallies = [f for f in findings if f.is_tally]
    sentences = marks(c.body, SENTENCE_END + "】")  # what follows a 【…】 heading opens a sentence of its own
    title_end = title_end_of(c, head)
    mentions = find_activities(c.body, rules.activities, rules.language.cues, pub, title_end)
    positions = [f.q.start for f in tallies]

    def links(mentions: list[Mention]) -> list[Optional[int]]:
        owners = owners_of(c.body, positions, mentions, sentences)
        owners = back_to_headline(c.body, positions, owners, mentions, title_end)
        owners = by_kind(c.body, positions, owners, mentions, sentences, rules.activities.clause_kind_res)
        return beyond_the_day(c.body, positions, owners, mentions, sentences, rules.activities.cues.longer_period.re,
                              rules.activities.type_res)

    first = links(mentions)
    kept = [settle(m) for m in keep_reported(mentions, set(first), title_end)]
    # (links read the mentions and change none: when every one is kept, in order, they stand as found)
    activity_of = first if len(kept) == len(mentions) and all(a is b for a, b in zip(kept, mentions)) else links(kept)
    mentions = kept
    names = [_display_name(c, m) for m in mentions]
    metrics = _metrics(c, toks, tallies, [None if i is None else names[i] for i in activity_of], title_end)
    acts = [_ACTIVITY({"name": name, "type": m.type, "start": m.start, "end": m.end}) for name, m in zip(names, mentions)]
    article = _ARTICLE({"doc_id": raw.doc_id, "title": head, "published": pub, "source": source(c, rules.metadata),
                        "agency": guess.agency, "region": _REGION(guess.region) if guess.region else None,
                        "activities": acts, "metrics": metrics, "url": raw.url, "path": raw.path})
    return Analysis(article, stored, c, findings, mentions, toks, rules.userdict)


def prepare(rules: Rules) -> None:
    """Load what extraction reads (jieba's dictionary, the gazetteer, the folding table) by
    extracting a one-line article, then leave those long-lived objects out of the garbage
    collector's scans (`gc.freeze`): each article after that costs about a tenth less. (No
    collection first: loading leaves no garbage for it to find (it found none), and it took
    0.01-0.02 s of every start-up, before an ingest's workers could start.)"""
    analyse(RawDoc(doc_id="warm-up", path="-", text="鱼台县公安局11月6日查处交通违法行为5起。", published="2013-11-28"), rules)
    gc.freeze()


def extract(raw: RawDoc, rules: Rules) -> Article:
    return analyse(raw, rules).article


def title_end_of(c: Cleaned, head: Optional[str]) -> int:
    """Where the headline ends in the view (0 when there is none, or it is not in the text)."""
    if not head:
        return 0
    stored_pos = c.view.stored.find(head)
    if stored_pos < 0:
        return 0
    i = bisect.bisect_left(c.view.index, stored_pos + len(head))  # the index is increasing
    return i if i < len(c.view.index) else 0


_QUOTES = searchable(r"[“”\"「」『』‘’]")


def _display_name(c: Cleaned, m: Mention) -> str:
    """The name in the article's own characters, without the quotes inside it."""
    raw = c.view.stored_span(*m.name_span)
    return _QUOTES.sub("", raw)


# Metric(**fields), Activity(**fields) …, each in one call (models.checked)
_METRIC, _ACTIVITY, _REGION, _ARTICLE = checked(Metric), checked(Activity), checked(Region), checked(Article)


def _metrics(c: Cleaned, toks: Tokens, tallies: list[Finding], activities: list[Optional[str]],
             title_end: int = 0) -> list[Metric]:
    """One Metric per tally (a tally stated twice counts once), with its evidence and offsets
    in the stored text. A tally the headline restates keeps the body's statement as its
    evidence: the clause that tells it, not the whole headline."""
    seen: dict[tuple, tuple[int, bool]] = {}  # key → (its index in out, stated in the headline)
    out: list[Metric] = []
    more_than: list[bool] = []
    rounded: list[float] = []  # for a headline's figure written with 万/亿 (1.2万起): the step it is rounded to, else 0
    for f, activity in zip(tallies, activities):
        value = f.q.value
        key = (f.category, round(float(value), 6), f.q.unit)
        in_title = f.q.start < title_end
        if key in seen and (in_title or not seen[key][1]):
            continue
        s, e = c.view.to_stored(*toks.widen(*f.evidence))
        start, end = c.view.to_stored(f.q.num_start, f.q.end)
        m = _METRIC({"category": f.category, "value": int(value) if float(value).is_integer() else value, "unit": f.q.unit,
                     "approx": f.q.approx, "breakdown": f.breakdown, "activity": activity, "rule": f.rule,
                     "evidence": c.view.stored[s:e].strip(), "start": start, "end": end})
        more = any(h in f.q.raw for h in _MORE_THAN)
        if key in seen:  # the headline's figure, told again in the body: the body's statement stands
            i = seen[key][0]
            out[i], more_than[i], rounded[i], seen[key] = m, more, 0.0, (i, False)
            continue
        seen[key] = (len(out), in_title)
        out.append(m)
        more_than.append(more)
        rounded.append(_rounding_step(f.q.raw) if in_title and not f.q.approx else 0.0)
    return [m for m, more, step in zip(out, more_than, rounded)
            if not _restates(m, out, more) and not (step and _rounds(m, out, step))]


_MAGNITUDE = searchable(r"\d(?:\.(\d+))?([万亿])")  # (its decimals, its magnitude)


def _rounding_step(raw: str) -> float:
    """The step a figure written with 万 or 亿 is rounded to (1.2万 → 1000, 3万 → 10000), else 0."""
    m = _MAGNITUDE.search(raw)
    if m is None:
        return 0.0
    return (10000 if m.group(2) == "万" else 100000000) / 10 ** len(m.group(1) or "")


def _rounds(m: Metric, metrics: list[Metric], step: float) -> bool:
    """A headline's figure written with 万/亿 that is a body figure rounded (萧县交警…查处交通违法1.2万起
    beside 共查处各类交通违法行为12036起) counts once: the body's."""
    return any(o is not m and (o.category, o.unit) == (m.category, m.unit) and o.value != m.value
               and abs(o.value - m.value) <= step / 2 for o in metrics)


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
