"""Stage 2, clean: HTML to text, a normalized view of the text, and boilerplate removal.

The article's *stored text* is what offsets and evidence point into. Matching runs on a
*view* of it: traditional characters mapped to simplified (JioNLP's character table),
full-width forms folded to half-width, reading aids such as "萬(wàn)" and the spaces between
a number and its words (550 人次, 5 月 20 日) dropped. The view keeps, for each of its
characters, the offset of the stored character it came from.

Cleaning never deletes from the view: boilerplate lines and repeated lead paragraphs are
overwritten with spaces, so every offset stays valid and numbers in them match nothing.
"""
from __future__ import annotations

import html as htmlmod
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from .cache import cached
from .patterns import searchable
from .rules import Boilerplate
from .quiet import quiet

# ---------------------------------------------------------------- HTML to text

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "nav", "footer", "header", "iframe", "form", "select", "button"}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
               "ul", "ol", "dd", "dt", "blockquote", "title"}
_CELL_TAGS = {"td", "th"}
_CELL = "\x1f"  # where a table cell starts; see _join_cells
_SHORT_CELL = 24


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: str | None = None
        self._in_title = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skip += 1
        if tag == "title":
            self._in_title = True
        if tag == "meta":
            a = dict(attrs)
            key = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta[key] = a["content"]
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append(_CELL)

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS and self.skip:
            self.skip -= 1
        if tag == "title":
            self._in_title = False
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title = (self.title or "") + data.strip()
            return
        if not self.skip:
            self.parts.append(data)


def _join_cells(line: str) -> str:
    """The cells of one table row: on one line when all are short (出动警力 280人次: a label and
    its figure), each on a line of its own when one is not (a layout table's menu beside the
    article)."""
    if _CELL not in line:
        return line
    cells = [c.strip() for c in line.split(_CELL)]
    return (" " if all(len(c) <= _SHORT_CELL for c in cells) else "\n").join(c for c in cells if c)


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """Visible text of a page, one block per line, plus its <meta> fields (and <title>)."""
    p = _TextParser()
    try:
        p.feed(markup)
        p.close()
    except Exception:  # html.parser is lenient; a truly broken page falls back to tag stripping
        return re.sub(r"<[^>]+>", "\n", htmlmod.unescape(markup)), {}
    text = "".join(p.parts)
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", _join_cells(ln)).strip() for ln in text.splitlines()]
    out = "\n".join(ln for ln in lines if ln)
    meta = dict(p.meta)
    if p.title:
        meta["html_title"] = p.title
    return out, meta


# ---------------------------------------------------------------- normalized view

_PINYIN = searchable(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,8}\)")
_SPACES = searchable(r" +")
_PAGE_DATE = searchable(r"\d{4}\s*[-/.年]")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fa5"


def _dropped(folded: str) -> list[tuple[int, int]]:
    """What the view leaves out: reading aids (萬(wàn)), and the spaces some pages set between a
    number and the words around it (出动警力 550 人次, 5 月 20 日), so the number reads as when
    written close. A space before a number stays where it parts fields: after a dateline
    (…日讯 10日,) and before a page's date (聊城日报 2012年03月20日), but not in a range (至 2024年)."""
    out = [m.span() for m in _PINYIN.finditer(folded)] if "(" in folded else []
    for m in _SPACES.finditer(folded):
        s, e = m.span()
        if s == 0 or e == len(folded):
            continue
        a, b = folded[s - 1], folded[e]
        if a.isdigit() and _is_han(b):
            out.append((s, e))
        elif _is_han(a) and b.isdigit() and (a in "至到" or (a not in "讯电" and not _PAGE_DATE.match(folded, e))):
            out.append((s, e))
    return sorted(out)


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """One str.translate table: JioNLP's traditional→simplified characters (1:1 only) and
    full-width forms folded to half-width; every entry maps one character to one.
    Built once and then read from the cache folder (see cache.py)."""
    return cached("fold-table", __file__, "", _build_fold_table)


# the folded characters of nearly every text (full-width punctuation, the ideographic space): each
# replaced by one `str.replace` over the text before the class finds the rest, so that the
# commas and colons of a text are not looked up one by one (half of make_view's time)
_COMMON_FOLDS = "，：；（）！？％\u3000"


@lru_cache(maxsize=1)
def _folder():
    """The fold table applied the way `str.translate` would, four times faster: the common folds
    with `str.replace`, then a class of the other characters it folds finds the few a text holds
    (a traditional character), and only those are looked up. (translate looks every character
    up.) The same text as one pass: no folded character is one the table folds again."""
    table = {chr(k): v for k, v in _fold_table().items()}
    common = tuple((c, table[c]) for c in _COMMON_FOLDS if c in table and table[c] not in table)
    rest = sorted(set(table) - {c for c, _ in common})
    foldable = searchable("[" + re.escape("".join(rest)) + "]")
    get = table.__getitem__

    def fold(text: str) -> str:
        for c, v in common:
            text = text.replace(c, v)
        return foldable.sub(lambda m: get(m.group()), text)
    return fold


def _build_fold_table() -> dict[int, str]:
    with quiet():
        from jionlp.dictionary.dictionary_loader import traditional_simplified_loader

    table = {ord(k): v for k, v in traditional_simplified_loader("tra2sim_char.txt").items() if len(k) == 1 and len(v) == 1}
    # JioNLP maps these to rarer variants (依託 → 依讬) or keeps them (團夥 → 团夥); police text
    # wants the common simplified form.
    table.update({ord(k): v for k, v in {"餘": "余", "馀": "余", "鍾": "钟", "瞭": "了", "臺": "台", "颱": "台", "託": "托", "夥": "伙"}.items()})
    table.pop(ord("著"), None)  # 著 is simplified too (显著, 著名): folding it to 着 broke 成效显著
    table.pop(ord("乾"), None)  # and so is 乾 in place names (乾县, 乾安县), which folding it to 干 lost
    table.update({o: chr(o - 0xFEE0) for o in range(0xFF01, 0xFF5F)})
    table.update({ord(c): " " for c in "\u3000\xa0\t\r"})
    # the other quotation marks Chinese text uses (「清源」, 『…』, ‘护苗’) read as “…”, which the rules know
    table.update({ord(k): v for k, v in {"「": "“", "」": "”", "『": "“", "』": "”", "‘": "“", "’": "”"}.items()})
    return table


@dataclass
class View:
    """The matching view of a stored text: `text[i]` came from `stored[index[i]]`."""

    stored: str
    text: str
    index: "list[int] | range" = field(repr=False)

    def to_stored(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the view to the stored text."""
        if start >= len(self.index):
            return len(self.stored), len(self.stored)
        s = self.index[start]
        e = self.index[end - 1] + 1 if end > start else s
        return s, e

    def stored_span(self, start: int, end: int) -> str:
        s, e = self.to_stored(start, end)
        return self.stored[s:e]


_ASCII_QUOTED = searchable(r'"([^"\n]{1,24})"')


def make_view(stored: str) -> View:
    folded = _folder()(stored)
    if '"' in folded:  # "清源"专项行动: straight quotes in pairs, as “…” (one character for one)
        folded = _ASCII_QUOTED.sub(lambda m: "“" + m.group(1) + "”", folded)
    drops = _dropped(folded)
    if not drops:
        return View(stored=stored, text=folded, index=range(len(stored)))
    chars: list[str] = []
    index: list[int] = []
    pos = 0
    for s, e in drops:
        chars.append(folded[pos:s])
        index.extend(range(pos, s))
        pos = e
    chars.append(folded[pos:])
    index.extend(range(pos, len(folded)))
    return View(stored=stored, text="".join(chars), index=index)


# ---------------------------------------------------------------- boilerplate and repeats


def line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


_SENTENCE = searchable(r"[^。!?]*(?:[。!?]+|$)")
_SENTENCE_MARK = searchable(r"[。!?;]")


def boilerplate_lines(text: str, rules: Boilerplate) -> list[tuple[int, int, str]]:
    """Spans of `text` (the view) that are page furniture, each with the reason.

    A line is furniture as a whole; but a line that goes on after a sentence's end (a page that
    runs its article together on one line, a share bar written on after the last sentence) is
    judged sentence by sentence, so that the furniture takes no more than itself."""
    out = []
    in_tail = in_block = False
    for ls, le in line_spans(text):
        if in_tail:
            out.append((ls, le, "page footer"))
            continue
        line = text[ls:le]
        if not line.strip():
            continue
        if in_block and len(line.strip()) <= 40 and not _SENTENCE_MARK.search(line):
            out.append((ls, le, "another page's headline"))
            continue
        in_block = bool(rules.block_re.search(line))
        if in_block:
            out.append((ls, le, f"list of other pages ({line.strip()[:12]})"))
            continue
        parts = [(ls, le)]
        if "。" in line.rstrip()[:-1]:
            parts = [(ls + m.start(), ls + m.end()) for m in _SENTENCE.finditer(line) if m.end() > m.start()]
        for s, e in parts:
            part = text[s:e]
            if not in_tail and rules.tail_re.search(part):
                in_tail = True
            if in_tail:
                out.append((s, le, "page footer"))
                break
            m = rules.line_re.search(part)
            if m:
                out.append((s, e, f"boilerplate ({m.group(0).strip()[:12]})"))
    return out


_LEAD_PREFIX = searchable(r"^[^,,。]{0,30}?(\d{1,2}月\d{1,2}日)?[电讯]\s*(\([^)]{0,60}\))?\s*|^[^::,,]{1,12}[::]")


def _unblanked(text: str) -> str:
    r"""`text` without its whitespace (what `re.sub(r"\s+", "", text)` gives: str.split and `\s`
    know the same whitespace; five times faster)."""
    return "".join(text.split())


def _core(paragraph: str) -> str:
    p = paragraph.strip()
    # (what sub(…, count=1) removes: the pattern can match at the start only, and a search would
    # try it at every offset. Its first alternative ends with 电 or 讯 within 37 characters, its
    # second with a colon within 13: a paragraph with none there, most of them, is not tried)
    head = p[:37]
    if "电" in head or "讯" in head or ":" in head[:13]:
        lead = _LEAD_PREFIX.match(p)
        if lead:
            p = p[lead.end():]
    return _unblanked(p)


def repeated_paragraphs(text: str, skip: set[int]) -> list[tuple[int, int, str]]:
    """Paragraphs whose text (after any dateline) another paragraph repeats, and a line said again
    right under itself (a headline set twice): counted once.

    Of two copies the one that holds more is kept (a lead repeated at the top of a longer
    first paragraph is dropped, whichever comes first).
    """
    out = []
    seen: list[tuple[str, int, int]] = []
    previous = None
    for s, e in line_spans(text):
        if s in skip or not text[s:e].strip():
            continue
        core, whole = _core(text[s:e]), _unblanked(text[s:e])
        again, previous = whole == previous, whole  # (the whole line: a headline's 电动车 is no dateline's 电)
        if again and len(whole) >= 6:
            out.append((s, e, "repeats the line before"))  # a headline set twice, one under the other
            continue
        if len(core) < 20:
            continue
        dup = next((x for x in seen if core == x[0] or (len(core) >= 40 and core in x[0])), None)
        if dup:
            out.append((s, e, "repeats an earlier paragraph"))
            continue
        inner = [x for x in seen if len(x[0]) >= 40 and x[0] in core]
        for x in inner:
            out.append((x[1], x[2], "repeated in a later paragraph"))
            seen.remove(x)
        seen.append((core, s, e))
    return out


@dataclass
class Cleaned:
    """The view with furniture blanked out, and what was removed (for `explain`)."""

    view: View
    body: str  # same length as view.text; removed spans are spaces
    removed: list[tuple[int, int, str]]

    def body_text(self) -> str:
        """The article as the extractor sees it, for people: non-blank lines only."""
        return "\n".join(ln.strip() for ln in self.body.split("\n") if ln.strip())


def clean(stored: str, rules: Boilerplate) -> Cleaned:
    view = make_view(stored)
    removed = boilerplate_lines(view.text, rules)
    removed += repeated_paragraphs(view.text, {s for s, _, _ in removed})
    return Cleaned(view=view, body=_blanked(view.text, removed), removed=sorted(removed))


def _blanked(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with the spans (which may overlap) set to blanks, one for each character."""
    out, pos = [], 0
    for s, e in sorted((s, e) for s, e, _ in spans):
        if e <= pos:
            continue
        s = max(s, pos)
        out += (text[pos:s], " " * (e - s))
        pos = e
    return "".join(out) + text[pos:] if out else text

