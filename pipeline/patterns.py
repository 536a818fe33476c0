"""A long alternation of rule patterns, searched without trying every pattern at every offset.

`re` tries each alternative of `a|b|c…` at each offset of the text. For the boilerplate lines
(twenty patterns of several alternatives each, some anchored with `^`) that made one search of
a line cost as much as segmenting it. `Alternation` finds the same match faster:

- an alternative that opens with `^` can match only at the start, so it is tried there alone
  (one `match` of the whole alternation);
- the others are searched from the next offset on, behind a lookahead of the characters a
  match of any of them can start with, which `re` tests in one step.

The match is the one `re.compile("|".join(f"(?:{p})" for p in patterns)).search` returns:
the leftmost, and at that offset the first alternative in order (tests/test_patterns.py).
Where the first characters cannot be told (a pattern opening with `.` or `\\S`), the plain
alternation is searched from the next offset instead.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from re import _constants as C  # noqa: N812 (the parser's opcodes)
from re import _parser

_MAX_RANGE = 512  # a character range wider than this is not spelled out (the lookahead is left off)


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


def _first(items: list) -> Optional[set[str]]:
    """The characters every match of a parsed sequence starts with, or None when they cannot be told."""
    if not items:
        return None
    op, av = items[0]
    if op is C.LITERAL:
        return {chr(av)}
    if op is C.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is C.LITERAL:
                chars.add(chr(a))
            elif o is C.RANGE and a[1] - a[0] <= _MAX_RANGE:
                chars.update(map(chr, range(a[0], a[1] + 1)))
            else:  # a negated class, \d, \s …
                return None
        return chars
    if op is C.SUBPATTERN:
        return _first(list(av[3]))
    if op is C.BRANCH:
        union: set[str] = set()
        for alt in av[1]:
            f = _first(list(alt))
            if f is None:
                return None
            union |= f
        return union
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
        return _first(list(av[2]))
    return None


def _anchored(branch: str) -> bool:
    """The alternative opens with ^ (outside any group's alternatives): it matches only at the start."""
    items = list(_parser.parse(branch))
    while items and items[0][0] is C.SUBPATTERN:
        items = list(items[0][1][3])
    return bool(items) and items[0] == (C.AT, C.AT_BEGINNING)


def first_chars(branch: str) -> Optional[set[str]]:
    return _first(list(_parser.parse(branch)))


class Alternation:
    """`re.compile("|".join(f"(?:{p})" for p in patterns))` for `search`, faster (see above)."""

    __slots__ = ("whole", "rest", "pattern")
    rest: Optional[re.Pattern]  # the alternatives that are not anchored, behind their lookahead (None: all are)

    def __init__(self, patterns: Iterable[str]):
        patterns = list(patterns)
        self.pattern = "|".join(f"(?:{p})" for p in patterns) or "(?!)"
        self.whole = re.compile(self.pattern)
        rest = [b for p in patterns for b in split_top(p) if not _anchored(b)]
        firsts = [first_chars(b) for b in rest]
        body = "|".join(f"(?:{b})" for b in rest)
        if rest and all(f is not None for f in firsts) and not self.whole.flags & re.IGNORECASE:
            chars = "".join(sorted(set().union(*firsts)))
            body = f"(?=[{re.escape(chars)}])(?:{body})"
        self.rest = re.compile(body) if rest else None

    def search(self, text: str) -> Optional[re.Match]:
        """The match `whole.search(text)` finds (its groups are numbered in `rest` after a match
        past the start: read group 0)."""
        return self.whole.match(text) or (self.rest.search(text, 1) if self.rest is not None else None)
