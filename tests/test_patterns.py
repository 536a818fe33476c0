"""patterns.Alternation: the same match as the plain alternation of the patterns, found faster."""
import re

import pytest

from pipeline.patterns import Alternation, first_chars, split_top

PATTERNS = [
    "新闻热线|报料热线|联系电话[::]",
    r"当前位置|^首页\s*[>|»]|首页\||^\s*首页(?:\s+\S{2,6}){2,}\s*$",
    r"^\s*(上一篇|下一篇)",
    r"(阅读量|点击数)[::]?\s*\d|^\s*阅读原文",
    r"\.(jpg|png)\s*$",
    r"第\s*[A-Z]?\d+\s*版",
    r"Copyright|©|[a-c]{2}x",
]
LINES = [
    "首页 > 新闻中心", "首页 通知公告 警务公开", "您的位置:首页|新闻", "当前位置:首页 > 警务动态", "上一篇:鱼台县公安局…",
    "  下一篇", "阅读量:1203", "本文阅读原文", "阅读原文", "图片.png", "见本报第A03版", "Copyright 2023 鱼台县公安局",
    "xx bbx", "鱼台县公安局11月6日查处交通违法行为5起。", "", "新闻热线", "请拨打新闻热线:0537-1234567", "首页",
    "…上一篇", "abx", "©", " 首页>", "点击数 12", "联系电话:", "联系电话",
]


def test_split_top_keeps_groups_classes_and_escapes_whole():
    assert split_top(r"a|(b|c)|[|]|\||d") == ["a", "(b|c)", "[|]", r"\|", "d"]
    assert split_top(r"[]|]x|y") == ["[]|]x", "y"]
    assert split_top("abc") == ["abc"]


def test_first_chars_or_none_when_they_cannot_be_told():
    assert first_chars("新闻热线") == {"新"}
    assert first_chars(r"(阅读量|点击数)[::]?\s*\d") == {"阅", "点"}
    assert first_chars(r"[a-c]{2}x") == {"a", "b", "c"}
    assert first_chars(r"\s*首页") is None  # may start with a blank, or not
    assert first_chars(r"\S+") is None
    assert first_chars(r"(?:x)?y") is None


@pytest.mark.parametrize("line", LINES)
def test_the_same_match_as_the_plain_alternation(line):
    plain = re.compile("|".join(f"(?:{p})" for p in PATTERNS))
    fast = Alternation(PATTERNS)
    a, b = plain.search(line), fast.search(line)
    assert (a is None) == (b is None)
    if a:
        assert (a.span(), a.group(0)) == (b.span(), b.group(0))


def test_anchored_alternatives_are_tried_at_the_start_only_and_the_rest_behind_a_lookahead():
    fast = Alternation(PATTERNS)
    assert fast.rest.pattern.startswith("(?=[")
    assert "上一篇" not in fast.rest.pattern  # anchored: matched at the start by the whole alternation
    assert Alternation([r"^\s*热点排行\s*$"]).rest is None
    assert Alternation([r"\S+首页"]).rest.pattern == r"(?:\S+首页)"  # no lookahead when the first characters are unknown


def test_the_boilerplate_rules_are_searched_behind_a_lookahead(rules):
    # the boilerplate lines cost as much as segmenting the text before: keep them fast
    assert rules.boilerplate.line_re.rest.pattern.startswith("(?=[")
    assert rules.boilerplate.line_re.search("当前位置:首页 > 警务动态").group(0) == "当前位置"


def test_marks_of_a_text_are_found_once_and_tell_the_stretch_around_an_offset():
    from pipeline.spans import marks

    text = "查处违法5起,拘留2人。宣传3场"
    clauses = marks(text, "。,")
    assert clauses is marks(text, "。,")  # tallies and links read the same clauses of an article
    assert clauses.around(0) == (0, 6) and clauses.around(7) == (7, 11) and clauses.around(12) == (12, len(text))
