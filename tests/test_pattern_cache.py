"""Compiled patterns kept between runs (pipeline/pattern_cache.py): a pattern made from its
stored code is the pattern `re` would have compiled, and a run gives the same records with the
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
    return pickle.loads(f.read_bytes())


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A cache folder after one `extract` run, and that run's output."""
    cache = tmp_path_factory.mktemp("cache")
    r = _run(cache, "extract", ARTICLE, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    return cache, r.stdout


def test_every_stored_pattern_is_the_code_re_writes_for_it(warm):
    table = _table(warm[0])
    kinds = {k[0] for k in table}
    assert kinds == {"re", "searchable"} and len(table) > 300
    for (kind, _, pattern, flags), (f, code, groups, groupindex, indexgroup) in table.items():
        fresh = pattern_cache.plain_code(pattern, flags) if kind == "re" else patterns._hinted_code(pattern, flags)
        assert (f, code.tolist(), groups, groupindex, indexgroup) == (fresh[0], list(fresh[1]), *fresh[2:]), pattern


def test_a_pattern_made_from_stored_code_matches_as_re_compiled_it():
    text = "共查处交通违法行为268起,行政拘留2人,发放宣传资料3000余份。"
    for pattern, flags in ((r"(?P<n>\d+)(?P<unit>起|人|余份)", 0), (r"共(查处)?", re.I), (b"a+", 0)):
        made = pattern_cache.compiled("test", pattern, flags, lambda: pattern_cache.plain_code(pattern, flags))
        plain = re.compile(pattern, flags)
        assert (made.pattern, made.flags, made.groups, made.groupindex) == (plain.pattern, plain.flags, plain.groups, plain.groupindex)
        subject = text if isinstance(pattern, str) else text.encode()
        assert [m.span() for m in made.finditer(subject)] == [m.span() for m in plain.finditer(subject)]


def test_the_same_records_with_the_table_warm_or_broken(warm):
    cache, cold_output = warm
    again = _run(cache, "extract", ARTICLE, "--format", "jsonl")
    assert again.returncode == 0 and again.stdout == cold_output
    (f,) = cache.glob("patterns-*.pickle")
    f.write_bytes(b"not a pickle")
    broken = _run(cache, "extract", ARTICLE, "--format", "jsonl")
    assert broken.returncode == 0 and broken.stdout == cold_output and broken.stderr == ""
    assert len(_table(cache)) > 300  # written again


def test_workers_keep_the_patterns_they_compiled(tmp_path):
    """In an ingest with two workers the driver extracts nothing: cn2an's numeral patterns are
    compiled (and kept) by the workers that meet a Chinese numeral."""
    art = tmp_path / "in" / "a.txt"
    art.parent.mkdir()
    art.write_text("鱼台县公安局开展整治\n2013-11-28\n共查处交通违法行为二十六起,行政拘留三人。", encoding="utf-8")
    r = _run(tmp_path / "cache", "ingest", art.parent, "--db", tmp_path / "db.duckdb", "--workers", 2, "--quiet")
    assert r.returncode == 0, r.stderr
    assert any(isinstance(p, str) and p.startswith("^([零〇]|") for _, _, p, _ in _table(tmp_path / "cache"))


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    r = _run(blocked, "extract", ARTICLE, "--format", "jsonl")
    assert r.returncode == 0 and r.stderr == "" and r.stdout.startswith("{")
