r"""Patterns compiled to be searched fast: `searchable` and `Alternation`.

`searchable(pattern)` is `re.compile(pattern)` with one more hint for `search`. `re` skips
ahead to the offsets where a match can start only when a pattern opens with a literal, a
character class or an alternation of literals; a pattern that opens with a look-behind
(`(?<!针)对|把|将`), a lookahead, an optional group (`(?:(\d{4})年)?(\d{1,2})日`) or an
alternation of groups gets no such hint, and `re` enters its matcher at every offset — three
to six times slower over the short windows the rules search. `searchable` works out the
characters every match starts with from the parsed pattern (literals, classes, what a
lookahead demands; look-behinds and anchors take no character) and writes them into the
compiled pattern's info block, where `re` keeps the hint it finds itself. Patterns, groups and
matches are those of `re.compile` (tests/test_patterns.py compares them for every pattern the
pipeline compiles, over the corpus); a pattern whose first characters cannot be told (`.`,
`[^…]`, one that can match the empty string) is compiled by `re.compile` as it is.

`Alternation` searches a long alternation of rule patterns (the boilerplate lines: twenty
patterns of several alternatives, some anchored with `^`) without trying every alternative at
every offset: an alternative that opens with `^` can match only at the start, so it is tried
there alone (one `match` of the whole alternation); the others are searched from the next offset
on, `searchable`, so that `re` skips to the characters one of them can start with. The match is
the one `re.compile("|".join(f"(?:{p})" for p in patterns)).search` returns: the leftmost, and
at that offset the first alternative in order.
"""
from __future__ import annotations

import re
import sys
from array import array
from functools import lru_cache
from typing import Iterable, Iterator, Optional

import _sre
from re import _compiler, _parser
from re import _constants as C  # noqa: N812 (the parser's opcodes)

from .kept import KeptTable

# the matcher code of every pattern compiled here, kept between runs of the CLI (kept.py): a
# pattern an earlier run compiled is made by `_sre.compile` from its stored code
_CODE = KeptTable("patterns", lambda: f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}")
_CODE_UNIT = "I" if array("I").itemsize >= _sre.CODESIZE else "L"  # (re's named opcodes do not pickle: plain numbers)


@lru_cache(maxsize=2048)
def searchable(pattern: str, flags: int = 0) -> re.Pattern:
    """`re.compile(pattern, flags)`, with the characters a match can start with told to `re`'s
    search (see above). Cached as `re.compile` is: a stage may compile its rule's pattern per call."""
    try:
        return _hinted(pattern, int(flags))
    except Exception:  # noqa: BLE001 (an interpreter whose `re` internals differ: plain re, as fast as before)
        return re.compile(pattern, flags)


def search_starts(pattern: str, flags: int = 0) -> Optional[list]:
    """The class items (LITERAL, RANGE, CATEGORY) `searchable` tells `re` a match starts with;
    None when `re` finds a hint of its own, or none can be told."""
    return _parsed_starts(_parser.parse(pattern, flags), flags)[1]


def _parsed_starts(p, flags: int) -> tuple[int, Optional[list]]:
    flags = p.state.flags | flags
    if (not p.getwidth()[0] or flags & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_LOCALE)
            or _compiler._get_literal_prefix(p, flags)[0] or _compiler._get_charset_prefix(p, flags)):
        return flags, None
    return flags, _starts(list(p.data))


def _hinted(pattern: str, flags: int) -> re.Pattern:
    """What `re._compiler.compile` does, with the hint in the info block when there is one
    (from the code an earlier run wrote for it, where the CLI keeps it)."""
    stored = _CODE.get((pattern, flags))
    if stored is None:
        f, code, groups, groupindex, indexgroup = _hinted_code(pattern, flags)
        _CODE.put((pattern, flags), (f, array(_CODE_UNIT, code), groups, groupindex, indexgroup))
        return _sre.compile(pattern, f, code, groups, groupindex, indexgroup)
    f, code, groups, groupindex, indexgroup = stored
    return _sre.compile(pattern, f, code.tolist(), groups, dict(groupindex), indexgroup)


def _hinted_code(pattern: str, flags: int) -> tuple:
    """`_sre.compile`'s arguments after the pattern, for _hinted."""
    p = _parser.parse(pattern, flags)
    flags, starts = _parsed_starts(p, flags)
    if starts:
        lo, hi = p.getwidth()
        # the info block `_compiler._compile_info` writes for a pattern that opens with a class
        code = [C.INFO, 0, C.SRE_INFO_CHARSET, min(lo, _compiler.MAXCODE), min(hi, _compiler.MAXCODE)]
        _compiler._compile_charset(_compiler._optimize_charset(starts)[0], flags, code)
        code[1] = len(code) - 1
        _compiler._compile(code, p.data, flags)
        code.append(C.SUCCESS)
    else:
        code = _compiler._code(p, flags)
    indexgroup = [None] * p.state.groups
    for name, i in p.state.groupdict.items():
        indexgroup[i] = name
    return flags, code, p.state.groups - 1, dict(p.state.groupdict), tuple(indexgroup)


def _starts(items: list) -> Optional[list]:
    """The class items (LITERAL, RANGE, CATEGORY) every match of a parsed sequence starts with,
    or None when they cannot be told or the sequence can match nothing."""
    found, empty = _sequence_starts(items)
    return found if found and not empty else None


def _sequence_starts(items) -> tuple[Optional[list], bool]:
    """(class items, whether the sequence can match the empty string); (None, _) when not told."""
    out: list = []
    for op, av in items:
        found, empty = _item_starts(op, av)
        if found is None:
            return None, False
        out += found
        if not empty:
            return out, False
    return out, True


def _item_starts(op, av) -> tuple[Optional[list], bool]:
    if op is C.LITERAL:
        return [(op, av)], False
    if op is C.IN:
        return (None, False) if any(o is C.NEGATE for o, _ in av) else (list(av), False)
    if op is C.SUBPATTERN:
        return _sequence_starts(av[3])
    if op is C.ATOMIC_GROUP:
        return _sequence_starts(av)
    if op is C.BRANCH:
        union: list = []
        empty = False
        for alt in av[1]:
            found, e = _sequence_starts(alt)
            if found is None:
                return None, False
            union += found
            empty = empty or e
        return union, empty
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        found, empty = _sequence_starts(av[2])
        return (None, False) if found is None else (found, empty or av[0] == 0)
    if op is C.ASSERT and av[0] > 0:  # a lookahead that takes a character: the match starts with one of its
        found, empty = _sequence_starts(av[1])
        return (found, False) if found is not None and not empty else ([], True)
    if op in (C.ASSERT, C.ASSERT_NOT, C.AT):  # look-behinds, negative lookaheads, anchors: no character taken
        return [], True
    return None, False  # ., [^…], a back-reference …


@lru_cache(maxsize=512)
def required_literal(pattern: str, flags: int = 0) -> Optional[tuple[str, int]]:
    """Plain text that every match of `pattern` holds, and the furthest past the match's start it
    can begin: (text, reach), reach None when a part of unbounded width may come before it; None
    when no such text can be told (a case-folded pattern, text only inside a repeat or a
    lookaround). `finditer_from_literal` uses it to skip to where the text stands, as a
    regular-expression engine does with a required substring (`re` does it only for a pattern
    that opens with one)."""
    try:
        p = _parser.parse(pattern, flags)
    except Exception:  # noqa: BLE001 (a pattern re itself refuses: told by re when it is compiled)
        return None
    if (p.state.flags | flags) & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_LOCALE):
        return None
    found = _literals(p.state, list(p.data))
    if not found:
        return None
    # the text that lets the search skip furthest (a bounded reach), then the longest (the rarest)
    text, reach = min(found, key=lambda f: (f[1] >= _FAR, -len(f[0]), f[1]))
    return text, (reach if reach < _FAR else None)


_FAR = 1 << 40  # the reach past a part of unbounded width: beyond any text


def _literals(state, items: list) -> list[tuple[str, int]]:
    """Every run of literal characters a sequence of parsed items always takes, each with its reach."""
    out: list[tuple[str, int]] = []
    reach, run, run_reach = 0, "", 0
    for op, av in items:
        if op is C.LITERAL:
            if not run:
                run_reach = reach
            run += chr(av)
            reach += 1
            continue
        if run:
            out.append((run, run_reach))
            run = ""
        if op is C.SUBPATTERN and not av[1] & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_LOCALE):  # ((?i:…): case-folded)
            out += [(t, reach + r) for t, r in _literals(state, list(av[3]))]
        elif op is C.BRANCH:
            out += [(t, reach + r) for t, r in _branch_literals(state, av[1])]
        width = _parser.SubPattern(state, [(op, av)]).getwidth()[1]
        reach += _FAR if width >= _parser.MAXREPEAT else width
    if run:
        out.append((run, run_reach))
    return out


def _branch_literals(state, alternatives) -> list[tuple[str, int]]:
    """The texts every alternative holds (one of an alternative's texts or a part of it), each
    with the furthest reach among the alternatives."""
    per = [_literals(state, list(alt)) for alt in alternatives]
    if not per or not all(per):
        return []
    out = []
    for text in {t for found in per for t, _ in found}:
        reaches = [min((r + t.index(text) for t, r in found if text in t), default=None) for found in per]
        if None not in reaches:
            out.append((text, max(reaches)))
    return out


def finditer_from_literal(pattern: re.Pattern, text: str, pos: int = 0, endpos: Optional[int] = None) -> Iterator[re.Match]:
    """The matches `pattern.finditer(text, pos, endpos)` gives (the same spans and groups), found
    by searching only from a little before each place where their required text stands
    (`required_literal`): a long text with a few matches is not walked offset by offset."""
    found = required_literal(pattern.pattern, pattern.flags) if isinstance(pattern.pattern, str) else None
    if found is None:
        yield from (pattern.finditer(text, pos) if endpos is None else pattern.finditer(text, pos, endpos))
        return
    needle, reach = found
    pos = max(0, pos)  # (as re reads a negative pos or endpos: 0; str.find would count from the end)
    end = len(text) if endpos is None else max(0, min(endpos, len(text)))
    while True:
        at = text.find(needle, pos, end)
        if at < 0:
            return
        # (a match starting further back could not reach the text; with no bound, only its absence tells)
        m = pattern.search(text, pos if reach is None else max(pos, at - reach), end)
        if m is None:
            return
        yield m
        pos = m.end()  # (never empty: it holds the text)


def longest_word(words: Iterable[str]) -> str:
    """A pattern that matches the longest of `words` (plain text) found at an offset, and gives
    no shorter one when what follows it fails: `(?>w1|w2|…)` with the words longest first, written
    as a tree of their characters, one branch for each first character, so that `re` tries the
    words that share a beginning once, not every word at every offset (2× faster for the verbs
    of the tally rules, 349 words). A lookahead of the first characters lets `match` fail at once
    where no word starts, and gives `search` its hint (`searchable`)."""
    words = {w for w in words if w}
    if not words:
        return "(?!)"
    firsts = _by_first(words)
    branches = [re.escape(ch) + (f"(?>{inner})" if (inner := _tree(rest)) else "") for ch, rest in sorted(firsts.items())]
    return f"(?=[{re.escape(''.join(sorted(firsts)))}])(?:{'|'.join(branches)})"


def _by_first(words) -> dict[str, list[str]]:
    """The non-empty words grouped by their first character, each group the rest of its words."""
    out: dict[str, list[str]] = {}
    for w in words:
        if w:
            out.setdefault(w[0], []).append(w[1:])
    return out


def _tree(rest: list[str]) -> str:
    """The remainders of words after a common beginning, longer first, then the end (when one of
    them is the empty string): "" when nothing follows."""
    alts = [re.escape(ch) + _tree(more) for ch, more in sorted(_by_first(rest).items())]
    return f"(?:{'|'.join(alts)}{'|' if '' in rest else ''})" if alts else ""


def split_top(pattern: str) -> list[str]:
    """The alternatives of a pattern at its top level (`a|(b|c)|[|]` → `a`, `(b|c)`, `[|]`)."""
    out, depth, start, i, n = [], 0, 0, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class: to its closing bracket (a ] first in the class is a member)
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _anchored(branch: str) -> bool:
    """The alternative opens with ^ (outside any group's alternatives): it matches only at the start."""
    items = list(_parser.parse(branch))
    while items and items[0][0] is C.SUBPATTERN:
        items = list(items[0][1][3])
    return bool(items) and items[0] == (C.AT, C.AT_BEGINNING)


class Alternation:
    """`re.compile("|".join(f"(?:{p})" for p in patterns))` for `search`, faster (see above)."""

    __slots__ = ("whole", "rest", "pattern")
    rest: Optional[re.Pattern]  # the alternatives that are not anchored (None: all are)

    def __init__(self, patterns: Iterable[str]):
        patterns = list(patterns)
        self.pattern = "|".join(f"(?:{p})" for p in patterns) or "(?!)"
        self.whole = searchable(self.pattern)
        rest = [b for p in patterns for b in split_top(p) if not _anchored(b)]
        self.rest = searchable("|".join(f"(?:{b})" for b in rest)) if rest else None

    def search(self, text: str) -> Optional[re.Match]:
        """The match `whole.search(text)` finds (its groups are numbered in `rest` after a match
        past the start: read group 0)."""
        return self.whole.match(text) or (self.rest.search(text, 1) if self.rest is not None else None)
