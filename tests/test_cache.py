"""Tables derived from JioNLP are built once and then read from the cache folder."""
import os
import subprocess
import sys

from pipeline import cache


def test_built_once_then_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSMETRICS_CACHE", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"鱼台县": "370827"}

    assert cache.cached("t", cache.__file__, "x", build) == {"鱼台县": "370827"}
    assert cache.cached("t", cache.__file__, "x", build) == {"鱼台县": "370827"}
    assert len(calls) == 1
    cache.cached("t", cache.__file__, "other inputs", build)  # another key: built again
    assert len(calls) == 2


def test_a_broken_or_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSMETRICS_CACHE", str(tmp_path))
    cache.cached("t", cache.__file__, "", lambda: 1)
    (f,) = tmp_path.glob("t-*.pickle")
    f.write_bytes(b"not a pickle")
    assert cache.cached("t", cache.__file__, "", lambda: 2) == 2  # rebuilt, and rewritten
    assert cache.cached("t", cache.__file__, "", lambda: 3) == 2
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("PRESSMETRICS_CACHE", str(blocked / "sub"))  # cannot be created
    assert cache.cached("t", cache.__file__, "", lambda: 4) == 4


def test_a_warm_cache_keeps_jionlp_and_yaml_out_of_extraction(tmp_path):
    env = {**os.environ, "PRESSMETRICS_CACHE": str(tmp_path)}
    code = ("import sys; from pipeline.extract import extract; from pipeline.rules import load_rules; "
            "from pipeline.models import RawDoc; a = extract(RawDoc(doc_id='x', path='x', text='鱼台县公安局查处交通违法行为5起。'), load_rules()); "
            "print(a.region.adcode, 'jionlp' in sys.modules, 'yaml' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert first == ["370827", "True", "True"]  # built from JioNLP's data, the rules parsed from their YAML
    assert second == ["370827", "False", "False"]  # read back: neither JioNLP nor PyYAML even imported


def test_jiebas_prefix_table_read_from_the_cache_gives_jiebas_own_tokens(tmp_path):
    """The table is jieba's own (built by `Tokenizer.initialize`, then pickled): a second run
    reads it from the cache folder and cuts text exactly as a tokenizer jieba set up itself."""
    env = {**os.environ, "PRESSMETRICS_CACHE": str(tmp_path)}
    text = "鱼台县公安局交警大队在G105国道设置临时执勤点8个，查处酒后驾驶违法行为9起，暂扣机动车驾驶证3本。"
    code = ("import jieba, sys; from pipeline.segment import doc; from pipeline.rules import load_rules; "
            f"u = load_rules().userdict; t = {text!r}; ours = [w.text for w in doc(t, u)]; "
            "own = jieba.Tokenizer(); own.load_userdict(str(u)); "
            "print(ours == own.lcut(t), len(ours))")
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert list(tmp_path.glob("jieba-prefix-dict-*.pickle"))
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert first[0] == second[0] == "True" and int(first[1]) > 10


def test_rules_are_parsed_once_for_their_contents_and_a_changed_file_is_parsed_again(tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    import pytest

    from pipeline.rules import RuleError, load_rules

    monkeypatch.setenv("PRESSMETRICS_CACHE", str(tmp_path / "cache"))
    rules_dir = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", rules_dir)
    first = load_rules(rules_dir)
    assert list((tmp_path / "cache").glob("rules-*.pickle"))
    again = load_rules(rules_dir)  # read back
    assert again is not first and again.model_dump() == first.model_dump()
    language = rules_dir / "language.yaml"
    language.write_text(language.read_text(encoding="utf-8") + "\n# a note\n", encoding="utf-8")
    changed = load_rules(rules_dir)
    assert changed.version != first.version and changed.language == first.language
    language.write_text(language.read_text(encoding="utf-8") + "\nnot: [valid\n", encoding="utf-8")
    with pytest.raises(RuleError, match="language.yaml"):  # a broken file is reported, never a cached copy used
        load_rules(rules_dir)


def test_the_cache_key_follows_the_jionlp_install():
    """The gazetteer is built from JioNLP's dictionaries: a cached copy is keyed by where JioNLP is
    installed and when its package was written (without importing it, or importlib.metadata)."""
    import importlib.util
    import os

    from pipeline.cache import _jionlp_version

    origin = importlib.util.find_spec("jionlp").origin
    stamp = _jionlp_version()
    assert stamp.startswith(origin) and str(os.stat(origin).st_mtime_ns) in stamp
