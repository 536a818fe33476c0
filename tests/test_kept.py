"""Tables kept between runs (pipeline/kept.py): the compiled patterns' code and the Chinese
numerals' values. A pattern made from its stored code is the pattern `searchable` compiles, a
stored numeral is cn2an's value, and a run gives the same records with the tables cold, warm or
broken."""
from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys

import pytest

from pipeline import kept, numbers, patterns

from .conftest import CORPUS, ROOT

ARTICLE = CORPUS / "wuyi-2018-09-15.txt"


def _run(cache, *args):
    env = {**os.environ, "PRESSMETRICS_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def _table(cache, name="patterns") -> dict:
    (f,) = cache.glob(f"{name}-*.pickle")
    data = pickle.loads(f.read_bytes())
    assert data["format"] == kept.FORMAT
    return data["table"]


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A cache folder after one `extract` run, and that run's output."""
    cache = tmp_path_factory.mktemp("cache")
    r = _run(cache, "extract", ARTICLE, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    return cache, r.stdout


def test_every_stored_pattern_is_the_code_written_for_it(warm):
    table = _table(warm[0])
    assert len(table) > 250
    for (pattern, flags), ((f, code, groups, groupindex, indexgroup), age) in table.items():
        fresh = patterns._hinted_code(pattern, flags)
        assert (f, code.tolist(), groups, groupindex, indexgroup, age) == (fresh[0], list(fresh[1]), *fresh[2:], 0), pattern


def test_every_stored_numeral_is_cn2ans_value(warm):
    table = _table(warm[0], "numerals")
    assert table  # (the article writes 三 and 两 …)
    for numeral, (value, _) in table.items():
        assert value == numbers._cn2an(numeral), numeral


@pytest.fixture
def keeping(monkeypatch, tmp_path):
    """Tables kept in a folder of this test's own, as the CLI keeps them."""
    monkeypatch.setenv("PRESSMETRICS_CACHE", str(tmp_path))
    monkeypatch.setattr(kept, "_keeping", True)
    return tmp_path


def test_a_pattern_made_from_stored_code_matches_as_re_compiled_it(keeping, monkeypatch):
    monkeypatch.setattr(patterns, "_CODE", kept.KeptTable("patterns-test", lambda: "t"))
    text = "共查处交通违法行为268起,行政拘留2人,发放宣传资料3000余份。"
    for pattern, flags in ((r"(?P<n>\d+)(?P<unit>起|人|余份)", 0), (r"(?<!共)(查处)?违法", re.I), (r"(?:行政)?拘留(\d+)", 0)):
        first = patterns._hinted(pattern, flags)
        monkeypatch.setattr(patterns, "_hinted_code", lambda *_: pytest.fail("compiled again"))
        made = patterns._hinted(pattern, flags)  # from the stored code
        monkeypatch.undo()
        monkeypatch.setattr(kept, "_keeping", True)
        monkeypatch.setenv("PRESSMETRICS_CACHE", str(keeping))
        plain = re.compile(pattern, flags)
        for p in (first, made):
            assert (p.pattern, p.flags, p.groups, p.groupindex) == (plain.pattern, plain.flags, plain.groups, plain.groupindex)
            assert [(m.span(), m.groups()) for m in p.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]


def test_a_table_is_written_merged_and_read_back(keeping):
    a, b = kept.KeptTable("t", lambda: "v1"), kept.KeptTable("t", lambda: "v1")  # two processes' tables
    a.put("一百", 100.0)
    b.put("两千", 2000.0)
    a.save()
    b.save()
    c = kept.KeptTable("t", lambda: "v1")
    assert (c.get("一百"), c.get("两千"), c.get("三", "none")) == (100.0, 2000.0, "none")
    assert kept.KeptTable("t", lambda: "v2").get("一百") is None  # another version: another file


def test_unused_entries_age_and_go():
    on_disk = {"a": ("A", 3), "old": ("O", kept.MAX_AGE)}
    ours = {"a": ("A", 5), "b": ("B", 0)}
    out = kept.merged(on_disk, ours, used={"b"})
    assert out == {"a": ("A", 4), "b": ("B", 0)}  # a: the younger age, a save older; old: gone


def test_nothing_is_kept_unless_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSMETRICS_CACHE", str(tmp_path))
    monkeypatch.setattr(kept, "_keeping", False)
    t = kept.KeptTable("t", lambda: "v")
    t.put("一", 1.0)
    t.save()
    assert t.get("一") is None and list(tmp_path.iterdir()) == []


def test_the_same_records_with_the_tables_warm_or_broken(warm):
    cache, cold_output = warm
    again = _run(cache, "extract", ARTICLE, "--format", "jsonl")
    assert again.returncode == 0 and again.stdout == cold_output
    files = list(cache.glob("patterns-*.pickle")) + list(cache.glob("numerals-*.pickle"))
    assert len(files) == 2
    for junk in (b"not a pickle", pickle.dumps({("x", 0): (0, [], 0, {}, ())})):  # (and another layout)
        for f in files:
            f.write_bytes(junk)
        broken = _run(cache, "extract", ARTICLE, "--format", "jsonl")
        assert broken.returncode == 0 and broken.stdout == cold_output and broken.stderr == ""
        assert len(_table(cache)) > 250 and _table(cache, "numerals")  # written again


def test_workers_keep_what_they_worked_out(tmp_path):
    """In an ingest with two workers the driver extracts nothing: the patterns an article needs
    beyond the warm-up's, and its numerals, are worked out, and kept, by the worker that extracts
    it (the tables then hold what `extract` of the same article keeps)."""
    cache = tmp_path / "cache"
    articles = tmp_path / "in"
    articles.mkdir()
    # many patterns compiled on first use (a list of campaign names), and numerals
    (articles / "a.txt").write_text((CORPUS / "akesu-2016-01-20.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (articles / "b.txt").write_text("某县公安局开展整治\n2013-11-28\n共查处交通违法行为二十六起,行政拘留三人。", encoding="utf-8")
    assert _run(cache, "extract", articles).returncode == 0  # (the rule files parsed and kept: their examples compile all)
    for f in list(cache.glob("patterns-*.pickle")) + list(cache.glob("numerals-*.pickle")):
        f.unlink()
    assert _run(cache, "extract", articles).returncode == 0
    by_extract = _table(cache), _table(cache, "numerals")
    for f in list(cache.glob("patterns-*.pickle")) + list(cache.glob("numerals-*.pickle")):
        f.unlink()
    r = _run(cache, "ingest", articles, "--db", tmp_path / "db.duckdb", "--workers", 2, "--quiet")
    assert r.returncode == 0, r.stderr
    assert by_extract[1] and set(by_extract[0]) <= set(_table(cache)) and set(by_extract[1]) <= set(_table(cache, "numerals"))


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    r = _run(blocked, "extract", ARTICLE, "--format", "jsonl")
    assert r.returncode == 0 and r.stderr == "" and r.stdout.startswith("{")
