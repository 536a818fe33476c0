"""Compiled regular expressions kept on disk between runs (start-up time, issue 6).

Every run of the command line compiled its patterns again before it read an article: the
rules', the stages', and the two long numeral patterns cn2an builds when imported, about a
quarter of a second in all (and cn2an's again in every worker that meets a Chinese numeral).
`re` compiles a pattern in two steps: it parses it and writes matcher code (Python, the slow
part), then hands the code to `_sre.compile` (C). This module keeps the code: a pattern
compiled by an earlier run on the same Python build is made by `_sre.compile` from its stored
code, which is what `re` would have made of it (`tests/test_pattern_cache.py` compares the code
written afresh with the code stored, for every pattern a run compiles).

`install()` (the CLI calls it first thing) routes `re`'s compiling through the table, and the
table is written back, merged with what other processes wrote, when the process ends (workers
included). The table lives in the cache folder (cache.py), one file per Python build and
`_sre` version; a missing, broken or unwritable table only costs the time.
"""
from __future__ import annotations

import _sre
import atexit
import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from array import array
from pathlib import Path
from re import _compiler, _parser
from typing import Callable, Optional

from .cache import cache_dir

_CODE_TYPE = "I" if array("I").itemsize >= _sre.CODESIZE else "L"  # an array of re's code units
MAX_ENTRIES = 5000  # patterns made from article text would grow the table for ever: it stops here
_TABLE: dict[tuple, tuple] = {}
_new = False
_plain_compile: Optional[Callable] = None  # re's own, while installed
_loaded_for: Optional[Path] = None


def path() -> Path:
    key = hashlib.sha1(f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}".encode()).hexdigest()[:16]
    return cache_dir() / f"patterns-{key}.pickle"


def compiled(kind: str, pattern, flags: int, write_code: Callable[[], tuple]):
    """The compiled pattern, from its stored code, or from `write_code()` (flags, code, groups,
    groupindex, indexgroup: `_sre.compile`'s arguments after the pattern) stored for next time."""
    global _new
    key = (kind, type(pattern).__name__, pattern, flags)
    parts = _TABLE.get(key)
    if parts is None:
        f, code, groups, groupindex, indexgroup = write_code()
        if _plain_compile is not None and len(_TABLE) < MAX_ENTRIES:  # (kept only where installed)
            # (the code holds re's named opcodes, which do not pickle: kept as plain numbers)
            _TABLE[key] = (f, array(_CODE_TYPE, code), groups, groupindex, indexgroup)
            _new = True
        return _sre.compile(pattern, f, code, groups, groupindex, indexgroup)
    f, code, groups, groupindex, indexgroup = parts
    return _sre.compile(pattern, f, code.tolist(), groups, dict(groupindex), indexgroup)


def plain_code(pattern, flags: int) -> tuple:
    """What `re._compiler.compile` hands `_sre.compile` for a pattern given as text."""
    p = _parser.parse(pattern, flags)
    code = _compiler._code(p, flags)
    groupindex = p.state.groupdict
    indexgroup = [None] * p.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return flags | p.state.flags, code, p.state.groups - 1, dict(groupindex), tuple(indexgroup)


def _compile(p, flags=0):
    """`re._compiler.compile`, through the table (a parsed pattern or a debug one: as it is)."""
    if not isinstance(p, (str, bytes)) or flags & _compiler.SRE_FLAG_DEBUG:
        return _plain_compile(p, flags)
    return compiled("re", p, flags, lambda: plain_code(p, flags))


def install() -> None:
    """Load the table and compile through it from now on, in this process and in those it forks."""
    global _plain_compile
    load()
    if _plain_compile is None:
        _plain_compile = _compiler.compile
        _compiler.compile = _compile
        atexit.register(save)  # the process that installed it
        # and the workers it forks, which end through multiprocessing's exit, not atexit (a
        # forked worker starts with no finalizers: it registers its own)
        from multiprocessing import util

        util.register_after_fork(_AFTER_FORK, _in_worker)


def uninstall() -> None:
    global _plain_compile
    if _plain_compile is not None:
        _compiler.compile = _plain_compile
        _plain_compile = None
        atexit.unregister(save)


class _Hook:
    """What multiprocessing's after-fork registry holds on to (it wants an object to call back with)."""


_AFTER_FORK = _Hook()


def _in_worker(_: _Hook) -> None:
    from multiprocessing import util

    util.Finalize(None, save, exitpriority=0)


def load() -> None:
    global _loaded_for
    where = path()
    if _loaded_for == where:
        return
    _loaded_for = where
    _TABLE.update(_read(where))


def _read(where: Path) -> dict:
    try:
        table = pickle.loads(where.read_bytes())
        return table if isinstance(table, dict) else {}
    except Exception:  # missing, unreadable, another format: compiled afresh, written again
        return {}


def save() -> None:
    """Write the table back, merged with what other processes wrote since it was read."""
    global _new
    if not _new:
        return
    where = path()
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        with _locked(where.with_suffix(".lock")):  # two workers ending at once: neither loses the other's
            merged = _read(where)
            for key, parts in _TABLE.items():
                if len(merged) >= MAX_ENTRIES:
                    break
                merged.setdefault(key, parts)
            data = pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL)
            fd, tmp = tempfile.mkstemp(dir=where.parent, prefix=".patterns-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, where)  # whole or not at all
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        _new = False
    except Exception:  # noqa: BLE001 (a full disk, a read-only cache: the next run compiles again)
        pass


@contextlib.contextmanager
def _locked(lock: Path):
    """An exclusive lock on `lock` while the block runs (none where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(lock, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
