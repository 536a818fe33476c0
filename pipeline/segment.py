"""Stage 3, segment: jieba with the project's dictionary, framed as spaCy Docs.

Police vocabulary in `rules/userdict.txt` (行政拘留, 警营开放日, 派出所 …) stays one token.
`tokens()` is the one jieba pass extraction makes over a cleaned text: each token with its
offset. Extraction needs nothing else from segmentation (place names are looked up by
token, evidence spans are widened to whole tokens), so it does not pay for a spaCy Doc per
article; `doc()` builds the spaCy Doc (spaCy's jieba segmenter) for `explain` and rule authors.

The pass runs jieba's algorithm in jieba-rs (the `rjieba` binding: the same dictionary, the
same DAG and HMM, twenty times faster than the Python jieba), with the same user dictionary.
The tokens are jieba's own: the one place the two differ — jieba-rs keeps an ASCII run with
punctuation in it whole (0538-3212110, 2023-08-02), where jieba cuts it at the punctuation —
is cut the way jieba does (`_ascii_as_jieba`), and tests/test_segment.py compares the two on
the corpus. Without an rjieba wheel for the machine, `tokens()` falls back to jieba itself.
"""
from __future__ import annotations

import bisect
import gc
import importlib
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Optional

from .cache import cached
from .patterns import searchable


def _jieba():
    """Python jieba, imported when first needed: extraction cuts with jieba-rs, and importing
    jieba (with pkg_resources) costs every process about 0.2 s of its start-up."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=4)
def load_jieba(userdict: str) -> str:
    """Python jieba with its prefix dictionary (from the cache folder) and the user dictionary loaded."""
    jieba = _jieba()
    _prefix_dictionary(jieba.dt)
    jieba.load_userdict(userdict)
    return userdict


def _prefix_dictionary(tokenizer) -> None:
    """Give jieba its prefix dictionary from the project's cache folder (see cache.py).

    jieba keeps the table it builds from its dictionary file in a cache of its own, but reads
    it back with `marshal.load` on an open file, which takes 0.7 s here; the same table
    pickled reads in 0.2 s. That is most of the start-up of every command and every worker.
    The table is jieba's own (`Tokenizer.initialize` builds it the first time), keyed by the
    dictionary file, so the tokens are the same; the user dictionary is added after, as before.
    """
    if tokenizer.initialized:
        return
    jieba = _jieba()
    path = tokenizer.dictionary or os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
    try:
        stamp = f"{jieba.__version__}|{path}|{os.path.getsize(path)}|{os.path.getmtime(path)}"
    except (OSError, TypeError):  # a dictionary given as a file object: jieba's own way
        tokenizer.initialize()
        return

    def build():
        tokenizer.initialize()
        return tokenizer.FREQ, tokenizer.total

    was_enabled = gc.isenabled()
    gc.disable()  # half a million strings and no cycles among them: nothing for the collector to find
    try:
        freq, total = cached("jieba-prefix-dict", __file__, stamp, build)
    finally:
        if was_enabled:
            gc.enable()
    with tokenizer.lock:
        if not tokenizer.initialized:
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True


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


_RUN = searchable(r"\S+")


def tokens(text: str, userdict: Path) -> Tokens:
    """One jieba pass over `text` (with the user dictionary loaded).

    jieba splits at every whitespace character and yields each one as a token, so the runs
    between whitespace are segmented one by one: the same tokens, without walking the blanks
    that cleaning left where page furniture was.
    """
    cut = _cutter(str(userdict))
    starts: list[int] = []
    texts: list[str] = []
    for run in _RUN.finditer(text):
        words = cut(run.group())
        texts += words
        starts += accumulate(map(len, words[:-1]), initial=run.start())
    return Tokens(starts, texts)


_ASCII_PUNCT = searchable(r"[0-9A-Za-z][^\u0080-\uffff0-9A-Za-z\s]|[^\u0080-\uffff0-9A-Za-z\s][0-9A-Za-z]")
_JIEBA_ASCII = searchable(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba.finalseg.re_skip: how jieba cuts such a run


def _ascii_as_jieba(words: list[str], in_dictionary) -> list[str]:
    """jieba-rs's tokens with an ASCII run that holds punctuation (0538-3212110) cut as jieba cuts it
    (0538 - 3212110), unless the dictionary has it (C++); every other token as it is."""
    out: list[str] = []
    for w in words:
        if w.isascii() and not w.isalnum() and _ASCII_PUNCT.search(w) and not in_dictionary(w):
            out += [p for p in _JIEBA_ASCII.split(w) if p]
        else:
            out.append(w)
    return out


_DEFAULT_FOR: Optional[str] = None  # the user dictionary added to rjieba's own segmenter


@lru_cache(maxsize=4)
def _cutter(userdict: str):
    """The function that cuts one run of text: jieba-rs with the user dictionary added, or jieba."""
    try:
        # (import_module, not an import statement: compiled, a statement takes a None that
        # sys.modules holds for a blocked module as the module)
        rjieba = importlib.import_module("rjieba")
    except ImportError:  # no wheel for this machine: jieba's own, the same tokens, slower
        load_jieba(userdict)
        return _jieba().lcut
    global _DEFAULT_FOR
    if _DEFAULT_FOR in (None, userdict):
        # the segmenter rjieba builds when imported (its module-level cut, as jieba's own), with the
        # user dictionary added: a second one would load the dictionary again (0.1 s of start-up)
        _DEFAULT_FOR, segmenter = userdict, rjieba
    else:  # another rules folder's dictionary in the same process: a segmenter of its own
        segmenter = rjieba.Jieba()
    for word, freq, tag in _userdict_entries(userdict):
        segmenter.add_word(word, freq, tag)
    cut, in_dictionary = segmenter.cut, segmenter.has_word

    def cut_as_jieba(run: str) -> list[str]:
        words = cut(run)
        return _ascii_as_jieba(words, in_dictionary) if _ASCII_PUNCT.search(run) else words
    return cut_as_jieba


def _userdict_entries(userdict: str) -> list[tuple[str, Optional[int], Optional[str]]]:
    """The lines of a jieba user dictionary: word, then an optional frequency and tag (jieba's format)."""
    entries = []
    for line in Path(userdict).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], freq, tag))
    return entries


@lru_cache(maxsize=4)
def nlp_for(userdict: str):
    """spaCy's blank `zh` pipeline whose tokenizer is jieba with the user dictionary loaded."""
    import spacy

    load_jieba(userdict)
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def doc(text: str, userdict: Path):
    """The spaCy Doc of one cleaned text."""
    return nlp_for(str(userdict))(text)
