"""Stage 3, segment: jieba with the project's dictionary, framed as spaCy Docs.

Police vocabulary in `rules/userdict.txt` (行政拘留, 警营开放日, 派出所 …) stays one token.
`tokens()` is the one jieba pass extraction makes over a cleaned text: each token with its
offset. Extraction needs nothing else from segmentation (place names are looked up by
token, evidence spans are widened to whole tokens), so it does not pay for a spaCy Doc per
article; `doc()` builds the spaCy Doc from the same tokens for `explain` and rule authors.
"""
from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=4)
def _load(userdict: str) -> str:
    jieba.load_userdict(userdict)
    return userdict


@dataclass(frozen=True)
class Tokens:
    """jieba's tokens of one text, whitespace tokens left out, with their offsets."""

    starts: list[int]
    texts: list[str]

    def widen(self, s: int, e: int) -> tuple[int, int]:
        """The span [s, e) widened to the whole tokens it touches (spaCy's alignment_mode="expand")."""
        if not self.starts or s >= e:
            return s, e
        i = max(0, bisect.bisect_right(self.starts, s) - 1)
        j = max(0, bisect.bisect_left(self.starts, e) - 1)
        ws = self.starts[i] if self.starts[i] + len(self.texts[i]) > s else s
        we = max(e, self.starts[j] + len(self.texts[j]))
        return ws, we


_RUN = re.compile(r"\S+")


def tokens(text: str, userdict: Path) -> Tokens:
    """One jieba pass over `text` (with the user dictionary loaded).

    jieba splits at every whitespace character and yields each one as a token, so the runs
    between whitespace are segmented one by one: the same tokens, without walking the blanks
    that cleaning left where page furniture was.
    """
    _load(str(userdict))
    starts: list[int] = []
    texts: list[str] = []
    cut = jieba.lcut
    for run in _RUN.finditer(text):
        words = cut(run.group())
        texts += words
        starts += accumulate(map(len, words[:-1]), initial=run.start())
    return Tokens(starts, texts)


@lru_cache(maxsize=4)
def nlp_for(userdict: str):
    """spaCy's blank `zh` pipeline whose tokenizer is jieba with the user dictionary loaded."""
    import spacy

    _load(userdict)
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def doc(text: str, userdict: Path):
    """The spaCy Doc of one cleaned text."""
    return nlp_for(str(userdict))(text)
