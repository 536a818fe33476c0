"""The compiled build (scripts/compile.py) is used only while it matches the sources."""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

import pipeline
from pipeline import compiled_dir

ROOT = Path(__file__).resolve().parent.parent


def _package(tmp_path: Path, sources: dict[str, str], built: dict[str, str], python: str = sys.implementation.cache_tag) -> Path:
    """A package folder holding `sources`, with a build whose manifest lists `built` (name → source text)."""
    pkg = tmp_path / "pkg"
    (pkg / "_compiled").mkdir(parents=True)
    for name, text in sources.items():
        (pkg / f"{name}.py").write_text(text, encoding="utf-8")
    modules = {name: hashlib.sha1(text.encode()).hexdigest() for name, text in built.items()}
    (pkg / "_compiled" / "sources.json").write_text(json.dumps({"python": python, "modules": modules}))
    return pkg


def test_a_build_of_the_sources_as_they_are_is_used(tmp_path):
    pkg = _package(tmp_path, {"a": "x = 1\n", "b": "y = 2\n"}, {"a": "x = 1\n", "b": "y = 2\n"})
    assert compiled_dir(pkg, environ={}) == pkg / "_compiled"


def test_an_edited_source_is_never_shadowed_by_its_old_build(tmp_path):
    pkg = _package(tmp_path, {"a": "x = 1\n", "b": "y = 3\n"}, {"a": "x = 1\n", "b": "y = 2\n"})
    assert compiled_dir(pkg, environ={}) is None


def test_a_build_of_a_removed_source_is_not_used(tmp_path):
    pkg = _package(tmp_path, {"a": "x = 1\n"}, {"a": "x = 1\n", "b": "y = 2\n"})
    assert compiled_dir(pkg, environ={}) is None


def test_a_build_for_another_python_or_a_broken_manifest_is_not_used(tmp_path):
    pkg = _package(tmp_path, {"a": "x = 1\n"}, {"a": "x = 1\n"}, python="cpython-39")
    assert compiled_dir(pkg, environ={}) is None
    (pkg / "_compiled" / "sources.json").write_text("{not json")
    assert compiled_dir(pkg, environ={}) is None
    (pkg / "_compiled" / "sources.json").unlink()
    assert compiled_dir(pkg, environ={}) is None


def test_a_cython_source_is_listed_by_its_file_and_checked_the_same_way(tmp_path):
    pkg = _package(tmp_path, {"a": "x = 1\n"}, {"a": "x = 1\n"})
    (pkg / "fast.pyx").write_text("def f(): return 1\n")
    manifest = json.loads((pkg / "_compiled" / "sources.json").read_text())
    manifest["modules"]["fast.pyx"] = hashlib.sha1(b"def f(): return 1\n").hexdigest()
    (pkg / "_compiled" / "sources.json").write_text(json.dumps(manifest))
    assert compiled_dir(pkg, environ={}) == pkg / "_compiled"
    (pkg / "fast.pyx").write_text("def f(): return 2\n")
    assert compiled_dir(pkg, environ={}) is None


def test_pure_python_when_asked(tmp_path):
    pkg = _package(tmp_path, {"a": "x = 1\n"}, {"a": "x = 1\n"})
    assert compiled_dir(pkg, environ={"PRESSMETRICS_PURE": "1"}) is None
    assert compiled_dir(pkg, environ={"PRESSMETRICS_PURE": "0"}) == pkg / "_compiled"


def test_the_modules_run_compiled_where_the_build_matches():
    """`make install` compiles extraction; CI must test what it builds, not the sources beside it."""
    package = Path(pipeline.__file__).resolve().parent
    built = compiled_dir(package)
    if built is None:
        why = package / "_compiled" / "not-compiled.txt"
        if why.exists():  # the compile step ran and said why it built nothing (no C compiler here)
            pytest.skip(f"not compiled: {why.read_text(encoding='utf-8').strip()}")
        if os.environ.get("CI") and not os.environ.get("PRESSMETRICS_PURE"):
            pytest.fail("CI runs `make test`, which compiles extraction's modules: no build that matches the sources")
        pytest.skip("no compiled build matching the sources (make install builds one)")
    from pipeline import cspans, dedupe, extract, minhash, spans, tallies

    assert dedupe._c is minhash and spans.Marks is cspans.Marks
    for module in (extract, tallies, minhash, cspans):
        assert Path(module.__file__).parent == built, module.__file__
        assert not module.__file__.endswith(".py")
    # with GCC, the build is profile-guided: a profiling run that broke would leave it plain, silently
    manifest = json.loads((built / "sources.json").read_text(encoding="utf-8"))
    script = _compile()
    if os.environ.get("CI") and script._is_gcc(script.compiler()):
        assert manifest.get("built", "").startswith("profile-guided"), manifest.get("built")


def _compile():
    import importlib.util

    spec = importlib.util.spec_from_file_location("compile_script", ROOT / "scripts" / "compile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_profiling_run_extracts_every_article_of_the_folder(tmp_path):
    """What the profile-guided build runs between its two builds (compile._TRAIN): every article of
    a folder through a worker's extraction, the count printed (the build checks it)."""
    (tmp_path / "a.txt").write_text("鱼台县公安局11月6日查处交通违法行为5起。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("某县公安局开展送法下乡活动,发放宣传资料300余份。", encoding="utf-8")
    (tmp_path / "c.docx").write_bytes(b"PK")  # (a document it does not read: not counted)
    import subprocess

    run = subprocess.run([sys.executable, "-c", _compile()._TRAIN, str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert (run.returncode, run.stdout.strip()) == (0, "2"), run.stderr[-500:]
