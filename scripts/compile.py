"""Compile extraction's modules with Cython, for speed; `make install` runs it.

    python scripts/compile.py [--jobs 2]      (writes pipeline/_compiled/, about 2 minutes on two cores)
    python scripts/compile.py --no-profile     (one build, not profile-guided: about 50 s)
    python scripts/compile.py --clean          (removes it: pure Python again)

Extraction is Python code that walks regex matches: about a quarter of its time is the
interpreter's. Cython turns the same source, unchanged, into C, taking its annotations as types
(0.55 → 0.70 of the segmentation floor untyped, 0.85 with the annotations; issue 6). With GCC the
C is then compiled twice (profile-guided optimisation): once counting its branches while it
extracts the articles of corpus/, once laid out for what ran (5-6% less time an article, the
same records; `_profiled`). The extension modules go to `pipeline/_compiled/`, with the SHA-1 of
each source they were built from and how they were built; `pipeline/__init__.py` puts that
folder ahead of the sources only while every one of those sources is unchanged, so an edited
module is never shadowed by a stale build (run this again, or `make install`, to compile the edit).

Without a C compiler or Cython this says so and exits 0: the pure-Python modules give the same
records, only slower. `PRESSMETRICS_PURE=1` ignores a build (for a profiler that reads lines).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "pipeline"
OUT = PKG / "_compiled"
# the modules `pipeline.extract.analyse` runs, and what an ingest worker adds to it (the signature,
# the rows); the CLI, reading, storage and reports stay pure Python
MODULES = ("activities", "clean", "dedupe", "extract", "festivals", "links", "meta", "numbers", "patterns", "regions",
           "rows", "segment", "spans", "tallies")
# written for Cython, typed: only ever run compiled (dedupe.py has the same in Python)
CYTHON_ONLY = ("cspans", "minhash")
MANIFEST = "sources.json"
NOT_BUILT = "not-compiled.txt"  # why the last run built nothing (no compiler, no Cython, an error)


def source_sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def compile_modules(jobs: int, profile: bool = True) -> str:
    """Build every module of MODULES into OUT (replaced whole); the reason it could not, else "".
    `profile`: guided by a profile of extraction over corpus/ (see _profiled), where the compiler
    is GCC; a build that cannot be profiled is made without."""
    try:
        from Cython.Build import cythonize
        from setuptools import Extension
        from setuptools.command.build_ext import build_ext  # noqa: F401 (_build's: checked here)
    except ImportError as exc:
        return f"Cython or setuptools is not installed ({exc.name})"
    cc = compiler()
    if shutil.which(cc.split()[0]) is None:
        return f"no C compiler found ({cc.split()[0]})"
    names = {**{m: f"{m}.py" for m in MODULES}, **{m: f"{m}.pyx" for m in CYTHON_ONLY}}  # module → its source
    # what is compiled is what was hashed (the manifest names a .pyx by its file, a .py by its module)
    shas = {(m if f.endswith(".py") else f): source_sha1(PKG / f) for m, f in names.items()}
    with tempfile.TemporaryDirectory(prefix="pressmetrics-compile-") as tmp:
        src = Path(tmp) / "src" / "pipeline"  # a copy: the C files and the build stay out of the sources
        src.mkdir(parents=True)
        (src / "__init__.py").write_text("")
        for f in names.values():
            shutil.copyfile(PKG / f, src / f)
        exts = [Extension(f"pipeline.{m}", [str(src / f)]) for m, f in names.items()]
        # annotation_typing on: a parameter or variable annotated str, list, dict, tuple … is that
        # type exactly (a TypeError otherwise), and Cython works on it without asking Python what
        # it is: 5% fewer instructions an article. An annotation must say what the code gives
        # (a defaultdict is not a dict); the tests and the corpora run compiled tell when one does not
        directives = {"language_level": 3, "annotation_typing": True, "binding": True}
        log = Path(tmp) / "build.log"
        try:
            with _output_to(log):  # the compiler's commands and warnings (shown when it fails)
                modules = cythonize(exts, compiler_directives=directives, nthreads=jobs, quiet=True)
        except (Exception, SystemExit) as exc:  # a Cython error: the sources still run as they are
            return _failed("compiling", exc, log)
        shas_manifest = {"python": sys.implementation.cache_tag, "suffix": sysconfig.get_config_var("EXT_SUFFIX"), "modules": shas}
        how = ""
        if profile and _is_gcc(cc):
            how = _profiled(modules, Path(tmp), jobs, log, lambda: _install(Path(tmp), names, shas_manifest))
        if not how.startswith("profile-guided"):
            try:
                with _output_to(log):
                    _build(modules, Path(tmp), jobs)
            except (Exception, SystemExit) as exc:  # a compiler error: the sources still run as they are
                return _failed("compiling", exc, log)
        _install(Path(tmp), names, {**shas_manifest, "built": how or "without a profile"})
    return ""


# C compiler options on top of Python's own (-O3 -g …): -O2 makes code as fast here as -O3 in two
# thirds of the time, which leaves the time for the profile-guided second build; no debugging
# information (Cython's tracebacks do not read it)
CFLAGS = ["-O2", "-g0"]
PROFILE_CORPUS = ROOT / "corpus"


def _build(modules: list, tmp: Path, jobs: int, cflags: tuple = (), ldflags: tuple = ()) -> None:
    """Compile the C files of `modules` (cythonize's extensions) into tmp/lib, all of them again."""
    from setuptools import Distribution
    from setuptools.command.build_ext import build_ext

    for ext in modules:
        plain = ext.name.rsplit(".", 1)[1] in CYTHON_ONLY  # (C written by hand: nothing for a profile to steer)
        ext.extra_compile_args = CFLAGS + ([] if plain else list(cflags))
        ext.extra_link_args = [] if plain else list(ldflags)
    dist = Distribution({"ext_modules": modules, "name": "pressmetrics-compiled"})
    cmd = build_ext(dist)
    cmd.build_lib, cmd.build_temp, cmd.parallel, cmd.force = str(tmp / "lib"), str(tmp / "tmp"), jobs, True
    cmd.ensure_finalized()
    cmd.run()


def _profiled(modules: list, tmp: Path, jobs: int, log: Path, install) -> str:
    """Profile-guided optimisation (GCC): build the modules counting how often each branch is
    taken, extract every article of corpus/ with that build (`install` puts it in place), then
    build them again laid out for what ran most. Extraction takes 5-6% less time (a chain of
    regex calls and Python objects whose branches go one way on real text), for a second build at
    `make install`. The profile steers the compiler only: the code, and the records, are the same.
    Says how it was built; "" when it could not be (the caller builds without a profile)."""
    data = tmp / "profile"
    counting = False  # the counting build is in place of OUT
    try:
        with _output_to(log):
            _build(modules, tmp, jobs, ("-fprofile-generate=" + str(data), "-fprofile-update=single"),
                   ("-fprofile-generate=" + str(data),))
        install()
        counting = True
        run = subprocess.run([sys.executable, "-c", _TRAIN, str(PROFILE_CORPUS)], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "PRESSMETRICS_PURE": "0"}, timeout=600)
        trained = run.stdout.strip()
        if run.returncode != 0 or not trained.isdigit() or int(trained) == 0:
            with open(log, "a") as f:
                f.write(f"profiling run failed (exit {run.returncode}): {run.stderr[-2000:]}\n")
            return ""
        with _output_to(log):
            # (a function the articles never ran is compiled as it would be without a profile)
            _build(modules, tmp, jobs, ("-fprofile-use=" + str(data), "-fprofile-partial-training", "-Wno-missing-profile"))
    except (Exception, SystemExit):  # noqa: BLE001 (built again without a profile, which says what is wrong)
        return ""
    except BaseException:  # interrupted (Ctrl-C): no build rather than the slower counting one
        if counting:
            remove()
        raise
    return f"profile-guided: extraction of {trained} articles of {PROFILE_CORPUS.name}/"


# what the profiling build runs: every article of a folder through a worker's extraction, in
# this process (it must end normally: the counts are written as it exits)
_TRAIN = """
import sys
from pathlib import Path
from pipeline import worker
from pipeline.read import read_all
worker.init(None)
n = 0
for doc in read_all([Path(sys.argv[1])]):
    if hasattr(doc, "text"):
        worker.extract_one(doc)
        n += 1
print(n)
"""


def compiler() -> str:
    """The C compiler setuptools runs: $CC, else the one Python was built with."""
    return os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"


def _is_gcc(cc: str) -> bool:
    """Whether `cc` is GCC (its profile options; clang's differ), asked with --version."""
    try:
        out = subprocess.run([*cc.split(), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "Free Software Foundation" in out and "clang" not in out.lower()


def _install(tmp: Path, names: dict, manifest: dict) -> None:
    """Put the modules built in tmp/lib in place of OUT, with their manifest: whole or not at all."""
    built = tmp / "lib" / "pipeline"
    stage = Path(tempfile.mkdtemp(prefix="._compiled-", dir=PKG))
    for m in names:
        (so,) = built.glob(f"{m}.*")
        shutil.copyfile(so, stage / so.name)
    (stage / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    remove()
    os.replace(stage, OUT)


def _failed(what: str, exc: BaseException, log: Path) -> str:
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:]) if log.exists() else ""
    return f"{what} failed: {type(exc).__name__}: {exc}\n{tail}".rstrip()


@contextlib.contextmanager
def _output_to(path: Path):
    """Standard output and error, this process's and its children's (the C compiler), into `path`."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(path, "wb") as f:
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def remove() -> None:
    shutil.rmtree(OUT, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--clean", action="store_true", help="remove the compiled modules")
    ap.add_argument("--list", action="store_true", help="print the sources it compiles (for make)")
    ap.add_argument("--no-profile", action="store_true", help="one build, not guided by a profile (twice as fast to make)")
    a = ap.parse_args()
    if a.list:
        print(" ".join([f"pipeline/{m}.py" for m in MODULES] + [f"pipeline/{m}.pyx" for m in CYTHON_ONLY]))
        return
    if a.clean:
        remove()
        print(f"removed {OUT.relative_to(ROOT)}: pure Python")
        return
    why = compile_modules(a.jobs, profile=not a.no_profile)
    if why:
        remove()
        OUT.mkdir()
        (OUT / NOT_BUILT).write_text(why + "\n", encoding="utf-8")  # (for the test that checks CI runs the build)
        print(f"pressmetrics: not compiled ({why}); the pure-Python modules run instead: the same records, slower", file=sys.stderr)
        return
    how = json.loads((OUT / MANIFEST).read_text(encoding="utf-8")).get("built", "")
    print(f"compiled {len(MODULES) + len(CYTHON_ONLY)} modules into {OUT.relative_to(ROOT)} ({how})")


if __name__ == "__main__":
    main()
