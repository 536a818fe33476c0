"""Compiled patterns kept between runs (pipeline/pattern_cache.py): a pattern made from its
stored code is the pattern `searchable` compiles, and a run gives the same records with the
table cold, warm or broken."""
from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys

import pytest

from pipeline import pattern_cache, patterns

from .conftest import CORPUS, ROOT

ARTICLE = CORPUS / "wuyi-2018-09-15.txt"


def _run(cache, *args):
    env = {**os.environ, "PRESSMETRICS_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def _table(cache) -> dict:
    (f,) = cache.glob("patterns-*.pickle")
    data = pickle.loads(f.read_bytes())
    assert data["format"] == pattern_cache.FORMAT
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
    assert {k[0] for k in table} == {"searchable"} and len(table) > 250
    for (_, _, pattern, flags), (f, code, groups, groupindex, indexgroup, age) in table.items():
        fresh = patterns._hinted_code(pattern, flags)
        assert (f, code.tolist(), groups, groupindex, indexgroup, age) == (fresh[0], list(fresh[1]), *fresh[2:], 0), pattern


def test_a_pattern_made_from_stored_code_matches_as_re_compiled_it(monkeypatch):
    monkeypatch.setattr(pattern_cache, "_TABLE", {})
    monkeypatch.setattr(pattern_cache, "_installed", True)
    monkeypatch.setattr(pattern_cache, "_new", False)
    text = "共查处交通违法行为268起,行政拘留2人,发放宣传资料3000余份。"
    for pattern, flags in ((r"(?P<n>\d+)(?P<unit>起|人|余份)", 0), (r"(?<!共)(查处)?违法", re.I), (r"(?:行政)?拘留(\d+)", 0)):
        write = lambda: patterns._hinted_code(pattern, flags)  # noqa: E731
        first = pattern_cache.compiled("t", pattern, flags, write)
        made = pattern_cache.compiled("t", pattern, flags, lambda: pytest.fail("compiled again"))  # from the table
        plain = re.compile(pattern, flags)
        for p in (first, made):
            assert (p.pattern, p.flags, p.groups, p.groupindex) == (plain.pattern, plain.flags, plain.groups, plain.groupindex)
            assert [(m.span(), m.groups()) for m in p.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]


def test_unused_entries_age_and_go():
    entry = (0, None, 0, {}, (), 0)
    on_disk = {("searchable", "str", "a", 0): entry[:5] + (3,), ("searchable", "str", "old", 0): entry[:5] + (pattern_cache.MAX_AGE,)}
    ours = {("searchable", "str", "a", 0): entry[:5] + (5,), ("searchable", "str", "b", 0): entry}
    out = pattern_cache.merged(on_disk, ours, used={("searchable", "str", "b", 0)})
    assert {k[2]: v[5] for k, v in out.items()} == {"a": 4, "b": 0}  # a: the younger age, a save older; old: gone


def test_the_same_records_with_the_table_warm_or_broken(warm):
    cache, cold_output = warm
    again = _run(cache, "extract", ARTICLE, "--format", "jsonl")
    assert again.returncode == 0 and again.stdout == cold_output
    (f,) = cache.glob("patterns-*.pickle")
    for junk in (b"not a pickle", pickle.dumps({("searchable", "str", "x", 0): (0, [], 0, {}, ())})):  # (and an older layout)
        f.write_bytes(junk)
        broken = _run(cache, "extract", ARTICLE, "--format", "jsonl")
        assert broken.returncode == 0 and broken.stdout == cold_output and broken.stderr == ""
        assert len(_table(cache)) > 250  # written again


def test_workers_keep_the_patterns_they_compiled(tmp_path):
    """In an ingest with two workers the driver extracts nothing: the patterns an article needs
    beyond the warm-up's are compiled, and kept, by the worker that extracts it (the table then
    holds what `extract` of the same article keeps)."""
    cache = tmp_path / "cache"
    article = CORPUS / "akesu-2016-01-20.txt"  # (many patterns on first use: a list of campaign names)
    assert _run(cache, "extract", article).returncode == 0  # (the rule files parsed and kept: their examples compile all)
    (table_file,) = cache.glob("patterns-*.pickle")
    table_file.unlink()
    assert _run(cache, "extract", article).returncode == 0
    by_extract = _table(cache)
    table_file.unlink()
    r = _run(cache, "ingest", article, "--db", tmp_path / "db.duckdb", "--workers", 2, "--quiet")
    assert r.returncode == 0, r.stderr
    assert set(by_extract) <= set(_table(cache))


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    r = _run(blocked, "extract", ARTICLE, "--format", "jsonl")
    assert r.returncode == 0 and r.stderr == "" and r.stdout.startswith("{")
