"""Extraction's one segmentation pass (jieba's algorithm in jieba-rs) gives Python jieba's own tokens."""
import sys

import jieba
import pytest

from pipeline import segment
from pipeline.clean import clean
from pipeline.extract import stored_text
from pipeline.read import read_all
from pipeline.segment import tokens

from .conftest import CORPUS


@pytest.fixture(scope="module")
def own(rules):
    """Python jieba set up by itself (its own dictionary file, then the project's user dictionary)."""
    t = jieba.Tokenizer()
    t.load_userdict(str(rules.userdict))
    return lambda text: [w for w in t.lcut(text) if not w.isspace()]


def test_tokens_are_jiebas_own_on_every_corpus_article(rules, own):
    docs = [d for d in read_all([CORPUS]) if hasattr(d, "text")]
    assert len(docs) > 300
    differ = [d.doc_id for d in docs
              if tokens(body := clean(stored_text(d), rules.boilerplate).body, rules.userdict).texts != own(body)]
    assert differ == []


@pytest.mark.parametrize("text", [
    "举报电话:0538-3212110,网址www.zwxxw.cn。",  # jieba-rs keeps these runs whole; jieba cuts them
    "发布时间:2023-08-02 10:30 来源:县公安局",
    "同比上升12.5%,在G105国道设置临时执勤点8个,查获3.5万元。",
    "A-1号仓库、C++培训班、K1234次列车、user_name@qq.com",
    "鱼台县公安局行政拘留2人,警营开放日接待群众300人。",
])
def test_tokens_cut_ascii_runs_with_punctuation_as_jieba_does(rules, own, text):
    assert tokens(text, rules.userdict).texts == own(text)


def test_without_the_rjieba_wheel_tokens_come_from_jieba_itself(rules, own, monkeypatch):
    text = "举报电话:0538-3212110,鱼台县公安局交警大队查处酒后驾驶违法行为9起,暂扣机动车驾驶证3本。"
    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba raises ImportError
    segment._cutter.cache_clear()
    try:
        assert segment._cutter(str(rules.userdict)) is jieba.lcut
        assert tokens(text, rules.userdict).texts == own(text)
    finally:
        segment._cutter.cache_clear()


def test_each_user_dictionary_in_a_process_cuts_with_its_own_words(rules, tmp_path):
    # the first dictionary is added to rjieba's own segmenter; another rules folder's gets one of its own
    other = tmp_path / "userdict.txt"
    other.write_text("清风雅韵 100000 nz\n", encoding="utf-8")
    text = "鱼台县公安局开展清风雅韵行动"
    ours = tokens(text, rules.userdict).texts
    theirs = tokens(text, other).texts
    assert "清风雅韵" in theirs and "清风雅韵" not in ours
    assert tokens(text, rules.userdict).texts == ours  # the first one's cut is unchanged by the second's words
