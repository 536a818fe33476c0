"""Stage 3, segment: spaCy's blank Chinese pipeline with jieba and the project's dictionary.

Police vocabulary in `rules/userdict.txt` (行政拘留, 警营开放日, 派出所 …) stays one token.
The Doc's tokens are what `explain` shows around each tally, and the evidence span of a
tally is widened to whole tokens.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=4)
def nlp_for(userdict: str):
    """A spaCy `zh` pipeline whose tokenizer is jieba with the user dictionary loaded."""
    import spacy

    jieba.load_userdict(userdict)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    return nlp


def segment(text: str, userdict: Path):
    """The spaCy Doc of one cleaned text."""
    return nlp_for(str(userdict))(text)


def words(text: str, userdict: Path) -> list[str]:
    return [t.text for t in segment(text, userdict) if not t.is_space]
