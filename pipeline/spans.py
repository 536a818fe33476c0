"""Where punctuation of a kind stands in a text, found once per text, for the stages that ask
"which sentence (clause, item) is this offset in?" many times."""
from __future__ import annotations

import bisect
from functools import lru_cache


class Marks:
    """The offsets of the characters of `ends` in a text; `around(pos)` is a bisection."""

    __slots__ = ("pos", "n")

    def __init__(self, text: str, ends: str):
        # (str.find for each character, then sorted: a fifth less time than a regex's matches)
        pos = []
        for ch in set(ends):
            i = text.find(ch)
            while i >= 0:
                pos.append(i)
                i = text.find(ch, i + 1)
        pos.sort()
        self.pos = pos
        self.n = len(text)

    def around(self, pos: int) -> tuple[int, int]:
        """The stretch [start, end) around `pos` with no mark inside (the mark at `pos` ends it)."""
        i = bisect.bisect_left(self.pos, pos)
        return (self.pos[i - 1] + 1 if i else 0), (self.pos[i] if i < len(self.pos) else self.n)


_PythonMarks = Marks  # (tests/test_patterns.py compares it with the C class)
try:  # the same class in C (pipeline/cspans.pyx, built by scripts/compile.py), when built
    from .cspans import Marks  # noqa: F811
except ImportError:
    pass


@lru_cache(maxsize=16)
def marks(text: str, ends: str) -> Marks:
    """The Marks of `ends` in `text`, found once: the stages of one article ask for the same
    ones (its clauses are read by tallies and twice by links). Marks are never changed."""
    return Marks(text, ends)
