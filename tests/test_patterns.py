"""patterns.searchable and patterns.Alternation: the same matches as `re.compile`, found faster."""
import gc
import random
import re
from pathlib import Path

import pytest

from pipeline.patterns import Alternation, longest_word, search_starts, searchable, split_top

ROOT = Path(__file__).resolve().parent.parent

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


def _chars(items):
    return None if items is None else {chr(av) for op, av in items}


def test_the_characters_a_match_starts_with_or_none_when_they_cannot_be_told():
    assert _chars(search_starts(r"(?:(?<!针)对|把|将(?!近\d))[^,]{0,16}?$")) == {"对", "把", "将"}  # behind a look-behind
    assert _chars(search_starts(r"(?=[作涉])(?:作案|涉案金额)$")) == {"作", "涉"}  # what the lookahead asks
    assert _chars(search_starts(r"(?:深入|走进)[^,]{0,8}$|(?<![存现])在")) == {"深", "走", "在"}
    assert _chars(search_starts(r"(?:今年)?(?:(?<=[,。])|自)x")) == {"今", "自", "x"}  # optional parts and what follows
    digit = search_starts(r"(?:(?P<y>\d{4})年)?(?P<d>\d{1,2})日")
    assert digit is not None and all(op is re._constants.IN or str(op) == "CATEGORY" for op, _ in digit)
    assert search_starts("新闻热线|报料热线") is None  # re finds this hint itself
    assert search_starts(r"[^,]+x") is None and search_starts(r".x") is None
    assert [str(op) for op, _ in search_starts(r"\S+")] == ["CATEGORY"]  # a class of its own: not a blank
    assert search_starts(r"(?<!a)b?") is None  # it can match the empty string
    assert search_starts(r"(?i)(?<!a)b") is None  # case-folded: left to re


def _compiled_by_the_pipeline(rules) -> list[re.Pattern]:
    """Every pattern object alive once extraction has run: the modules', the rules', the derived ones."""
    from pipeline.extract import analyse
    from pipeline.read import read_all

    for d in list(read_all([ROOT / "corpus"]))[::10]:
        if hasattr(d, "text"):
            analyse(d, rules)
    gc.unfreeze()  # (extraction's warm-up freezes what is alive, and get_objects leaves frozen objects out)
    try:
        alive = gc.get_objects()
    finally:
        gc.freeze()
    return list({(p.pattern, p.flags): p for p in alive if isinstance(p, re.Pattern) and isinstance(p.pattern, str)}.values())


def test_searchable_finds_what_re_compile_finds_for_every_pattern_of_the_pipeline(rules):
    from pipeline.read import read_all

    texts = [d.text for d in read_all([ROOT / "corpus"]) if hasattr(d, "text")][::3]
    patterns = _compiled_by_the_pipeline(rules)
    hinted = [p for p in patterns if search_starts(p.pattern, p.flags)]
    assert len(patterns) > 300 and len(hinted) > 80  # the rules' patterns are among them
    for p in hinted:
        plain, fast = re.compile(p.pattern, p.flags), searchable(p.pattern, p.flags)
        assert fast.groupindex == plain.groupindex and fast.groups == plain.groups
        for text in texts:
            assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)], p.pattern
            for a in range(0, len(text), 37):  # windows, as the rules search them (pos and endpos; look-behinds see before pos)
                x, y = plain.search(text, a, a + 24), fast.search(text, a, a + 24)
                assert (x and (x.span(), x.groups())) == (y and (y.span(), y.groups())), p.pattern


@pytest.mark.parametrize("line", LINES)
def test_the_same_match_as_the_plain_alternation(line):
    plain = re.compile("|".join(f"(?:{p})" for p in PATTERNS))
    fast = Alternation(PATTERNS)
    a, b = plain.search(line), fast.search(line)
    assert (a is None) == (b is None)
    if a:
        assert (a.span(), a.group(0)) == (b.span(), b.group(0))


def test_anchored_alternatives_are_tried_at_the_start_only_and_the_rest_searched_by_their_first_characters():
    fast = Alternation(PATTERNS)
    assert "上一篇" not in fast.rest.pattern  # anchored: matched at the start by the whole alternation
    assert Alternation([r"^\s*热点排行\s*$"]).rest is None
    assert Alternation([r"\S+首页"]).rest.pattern == r"(?:\S+首页)"


def test_the_boilerplate_rules_are_searched_by_their_first_characters(rules):
    # the boilerplate lines cost as much as segmenting the text before: keep them fast
    assert search_starts(rules.boilerplate.line_re.rest.pattern) is not None
    assert rules.boilerplate.line_re.search("当前位置:首页 > 警务动态").group(0) == "当前位置"


def test_marks_of_a_text_are_found_once_and_tell_the_stretch_around_an_offset():
    from pipeline.spans import marks

    text = "查处违法5起,拘留2人。宣传3场"
    clauses = marks(text, "。,")
    assert clauses is marks(text, "。,")  # tallies and links read the same clauses of an article
    assert clauses.around(0) == (0, 6) and clauses.around(7) == (7, 11) and clauses.around(12) == (12, len(text))


def test_the_c_marks_are_the_python_marks():
    """cspans.pyx (built by `make install`) finds the offsets and stretches spans.py's class does:
    characters of every plane, marks at the ends, offsets outside the text."""
    from pipeline import spans

    if spans.Marks is spans._PythonMarks:
        pytest.skip("cspans.pyx is not built (PRESSMETRICS_PURE or no compiler): spans.py's class runs")
    rnd = random.Random(3)
    ends = ["。!?;\n", "。!?;\n,", "。!?;\n,、:()《》【】[]", "。,", "😀a", ""]
    alphabet = "。!?;\n,、:()《》【】[]a1 查处违法😀\U0010FFFF"
    texts = ["", "。", "查处。", "。查处", "😀😀a😀", "a" * 100]
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 200))) for _ in range(300)]
    for text in texts:
        for e in ends:
            c, p = spans.Marks(text, e), spans._PythonMarks(text, e)
            assert (c.pos, c.n) == (p.pos, p.n), (text, e)
            for at in [-1, 0, len(text), len(text) + 5] + list(range(0, len(text), 3)):
                assert c.around(at) == p.around(at), (text, e, at)


def test_longest_word_matches_as_the_atomic_alternation_of_the_words_longest_first():
    words = ["检", "检查", "检查站", "查处", "查", "处罚", "破获", "破", "劝导", "宣传"]
    plain = re.compile("(?>" + "|".join(sorted(words, key=len, reverse=True)) + ")(?![点岗])")
    tree = searchable(longest_word(words) + "(?![点岗])")
    text = "检查点位3个,检查站2个,检查车辆,查处违法,处罚5人,破获案件,破案,劝导员,宣传单,检点"
    assert [m.span() for m in tree.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert all((tree.match(text, i) and tree.match(text, i).span()) == (plain.match(text, i) and plain.match(text, i).span())
               for i in range(len(text)))
    assert tree.match("检查点") is None  # 检查 is ruled out by what follows it: 检 does not stand in for it
    assert tree.match("检查站前").group(0) == "检查站" and search_starts(tree.pattern) is not None
    assert longest_word([]) == "(?!)"


def test_the_text_every_match_holds_and_how_far_in_it_can_stand():
    from pipeline.patterns import required_literal

    assert required_literal(r"(?:[\u4e00-\u9fa5]{2,12}?(?:公安局[\u4e00-\u9fa5]{2,5}分局|公安局|公安厅)|公安部)") == ("公安", 12)
    assert required_literal(r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?:起)?") == ("日", 10)
    assert required_literal(r"(?=[作涉])(?:作案|涉案金额)$") is None  # no text common to the alternatives
    assert required_literal(r"^\s*[>|]首页") == ("首页", None) == required_literal(r"x+首页")  # after a part of unbounded width
    assert required_literal(r"[^,]+") is None and required_literal(r"(?:首页)+") is None  # only inside a repeat
    assert required_literal(r"(?:ab)+c") == ("c", None) and required_literal(r"(?i)abc") is None and required_literal(r"x(?i:ab)") == ("x", 0)
    assert required_literal(r"(?<=,)第\d+版") == ("第", 0) and required_literal(r"(?:新|旧)闻稿") == ("闻稿", 1)


def test_finditer_from_literal_finds_what_finditer_finds_for_every_pattern_of_the_pipeline(rules):
    """Skipping to each place the required text stands changes nothing: the same spans and groups,
    over every corpus text and over windows of it (pos and endpos), for every pattern extraction
    compiles that has such a text."""
    from pipeline.patterns import finditer_from_literal, required_literal
    from pipeline.read import read_all

    texts = [d.text for d in read_all([ROOT / "corpus"]) if hasattr(d, "text")][::3]
    anchored = [p for p in _compiled_by_the_pipeline(rules) if required_literal(p.pattern, p.flags)]
    assert len(anchored) > 50 and any(required_literal(p.pattern, p.flags)[1] is None for p in anchored)
    for p in anchored:
        for text in texts:
            assert [(m.span(), m.groups()) for m in finditer_from_literal(p, text)] == [(m.span(), m.groups()) for m in p.finditer(text)], p.pattern
            for a in range(0, len(text), 53):
                got = [(m.span(), m.groups()) for m in finditer_from_literal(p, text, a, a + 40)]
                assert got == [(m.span(), m.groups()) for m in p.finditer(text, a, a + 40)], p.pattern
            for a, b in ((-5, 30), (3, -2), (-9, -1)):  # re reads a negative pos or endpos as 0
                assert [m.span() for m in finditer_from_literal(p, text, a, b)] == [m.span() for m in p.finditer(text, a, b)], p.pattern


def test_the_heads_tree_finds_what_the_alternation_of_the_heads_longest_first_finds(rules):
    """rules.activities.heads_re is longest_word(heads): the same spans as the plain alternation of
    the heads, longest first, for finditer, windowed search and fullmatch at every offset."""
    from pipeline.activities import last_head
    from pipeline.read import read_all

    heads = rules.activities.heads
    plain = re.compile("|".join(sorted(map(re.escape, heads), key=len, reverse=True)))
    tree = rules.activities.heads_re
    texts = [d.text for d in read_all([ROOT / "corpus"]) if hasattr(d, "text")][::2]
    found = 0
    for text in texts:
        spans = [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in tree.finditer(text)] == spans
        found += len(spans)
        for a in range(0, len(text), 29):
            x, y = plain.search(text, a, a + 20), tree.search(text, a, a + 20)
            assert (x and x.span()) == (y and y.span())
        for s, e in spans:
            name = text[max(0, s - 6):e]
            assert [k for k in range(len(name)) if plain.fullmatch(name, k)] == [k for k in range(len(name)) if tree.fullmatch(name, k)]
            for cut in (name, name[:-1], name + "\n", name + "工作"):  # (the longest head a name ends with: one search)
                assert last_head(cut, rules.activities.heads_end_re) == next((k for k in range(len(cut)) if plain.fullmatch(cut, k)), None), cut
    assert found > 200
