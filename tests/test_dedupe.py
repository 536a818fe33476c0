"""Near-duplicate detection: signatures and the banded index."""
import random
from array import array

import pytest

from pipeline import dedupe
from pipeline.dedupe import NUM_PERM, Index, packed_signature, signature

STORY = ("鱼台县公安局组织全县12个派出所开展“双述双评”活动,全县公安机关召开26场报告会,106名民警向1600余名群众"
         "述职。活动期间,交警大队在城区增设7个岗点,共查处各类交通违法行为268起,查扣违章车辆5辆,行政拘留2人。")
OTHER = ("桐乡市公安局开展夏季治安巡查宣防行动,每晚出动警力120人次,检查娱乐场所46家,查处治安案件17起,"
         "抓获违法犯罪嫌疑人23名,发放防诈骗宣传资料3000余份,接受群众咨询600余人次。")


def test_signature_is_deterministic_and_ignores_whitespace():
    sig = signature(STORY)
    assert len(sig) == NUM_PERM and all(0 <= v < 2 ** 32 for v in sig)
    assert signature(STORY) == sig
    assert signature(STORY.replace(",", ", \n")) == signature(STORY.replace(",", ","))


def test_known_signature_values_stay_the_same():
    # signatures stored by earlier runs must keep comparing with new ones (datasketch's affine32 scheme)
    # (values computed with datasketch 2: MinHash(num_perm=64, seed=1, scheme="affine32", hashfunc=zlib.crc32))
    assert signature("鱼台县公安局")[:3] == [382196173, 3390705737, 1018384545]


def test_the_permutations_written_out_are_datasketchs_for_seed_1():
    assert dedupe._permutations(1) == (list(dedupe._A), list(dedupe._B))


def test_the_c_signature_is_the_numpy_signature():
    """minhash.pyx (built by `make install`) and dedupe's numpy code give the same values: on
    short texts (fewer than five characters: one shingle, the text), repeated shingles, and
    characters of one to four UTF-8 bytes."""
    if dedupe._c is None:
        pytest.skip("minhash.pyx is not built (PRESSMETRICS_PURE or no compiler): dedupe's numpy code runs")
    rnd = random.Random(7)
    ranges = [(0x21, 0x7F), (0x80, 0x800), (0x800, 0xD800), (0xE000, 0x10000), (0x10000, 0x110000), (0x4E00, 0x4E10)]
    texts = ["", "a", "鱼台", "abcd", "abcde", "abcdef", "哈哈哈哈哈哈哈哈", STORY, OTHER, "😀" * 7 + "x", "é\u0800\U0010FFFF" * 3]
    for _ in range(500):
        texts.append("".join(chr(rnd.randrange(*rnd.choice(ranges))) for _ in range(rnd.randrange(0, 30))))
    for t in texts:
        assert dedupe._c.signature(t) == dedupe.numpy_signature(t), repr(t)
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate: the same error either way
        dedupe._c.signature("a\ud800bcdef")


def test_a_packed_signature_holds_the_same_values_and_indexes_the_same():
    """What a worker hands the driver (bytes) and what the database gives back (a list of ints)
    are one signature: the same values, the same index keys, either way round."""
    for text in (STORY, OTHER, "", "鱼台", " 鱼 台 县 公 安 局 "):
        packed = packed_signature(text)
        assert type(packed) is bytes and len(packed) == 4 * NUM_PERM
        assert array("I", packed).tolist() == signature(text)
    idx = Index()
    idx.insert("a", packed_signature(STORY))
    idx.insert("b", signature(OTHER))
    assert idx.query(signature(STORY)) == {"a"} and idx.query(packed_signature(OTHER)) == {"b"}
    assert idx.twin("c", packed_signature("来源:济宁新闻网\n" + STORY)) == "a"


def test_republished_copy_is_found_and_another_story_is_not():
    idx = Index()
    idx.insert("a", signature(STORY))
    copy = "来源:济宁新闻网 编辑:王五\n" + STORY
    assert idx.twin("b", signature(copy)) == "a"
    assert idx.twin("c", signature(OTHER)) is None
    assert idx.twin("a", signature(STORY)) is None  # an article is no duplicate of itself


def test_insert_replaces_and_remove_forgets():
    idx = Index()
    idx.insert("a", signature(STORY))
    idx.insert("a", signature(OTHER))  # the article was edited: only its new text is indexed
    assert idx.query(signature(STORY)) == set()
    assert idx.query(signature(OTHER)) == {"a"}
    idx.remove("a")
    assert idx.query(signature(OTHER)) == set()
