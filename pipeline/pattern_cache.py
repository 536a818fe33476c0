"""The pipeline's compiled patterns kept on disk between runs (start-up time, issue 6).

Every run of the command line compiled the rules' and the stages' patterns again before it read
an article (about 0.13 s, and again in every worker for the patterns compiled on first use).
`re` compiles a pattern in two steps: it parses it and writes matcher code (Python, the slow
part), then hands the code to `_sre.compile` (C). `patterns.searchable` writes the code itself
(with its hint for search) and hands it to `compiled()`: where the CLI has called `install()`,
the code is kept, and a pattern an earlier run compiled on the same Python build is made by
`_sre.compile` from its stored code (`tests/test_pattern_cache.py` writes the code of every
stored pattern afresh and compares).

Only the pipeline's own patterns are kept. Hooking all of `re` would have kept those of other
libraries too, but several build theirs from sets, in an order that changes with every process
(cn2an's numeral patterns, its dependency's place names, the tokenizer's): a new entry each run,
never used again. Patterns the pipeline makes from an article (a holiday's name) can be used once
too: every entry carries how many saves ago it was last used, and one unused for `MAX_AGE` saves
is dropped, so the table holds what runs use.

The table is written back, merged with what other processes wrote, when a process that compiled
something new ends (workers included). It lives in the cache folder (cache.py), one file per
Python build and `_sre` version; a missing, broken or unwritable table only costs the time.
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
from typing import Callable, Optional

from .cache import cache_dir

_CODE_TYPE = "I" if array("I").itemsize >= _sre.CODESIZE else "L"  # an array of re's code units
MAX_AGE = 30  # saves an entry may go unused before it is dropped
MAX_ENTRIES = 4000
_TABLE: dict[tuple, tuple] = {}  # key → (flags, code, groups, groupindex, indexgroup, age)
_used: set[tuple] = set()  # the keys this process made a pattern of
_new = False
_installed = False
_loaded_for: Optional[Path] = None


def path() -> Path:
    key = hashlib.sha1(f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}".encode()).hexdigest()[:16]
    return cache_dir() / f"patterns-{key}.pickle"


def compiled(kind: str, pattern, flags: int, write_code: Callable[[], tuple]):
    """The compiled pattern, from its stored code, or from `write_code()` (flags, code, groups,
    groupindex, indexgroup: `_sre.compile`'s arguments after the pattern), kept for next time
    where the table is installed."""
    global _new
    key = (kind, type(pattern).__name__, pattern, flags)
    entry = _TABLE.get(key)
    if entry is None:
        f, code, groups, groupindex, indexgroup = write_code()
        if _installed and len(_TABLE) < MAX_ENTRIES:
            # (the code holds re's named opcodes, which do not pickle: kept as plain numbers)
            _TABLE[key] = (f, array(_CODE_TYPE, code), groups, groupindex, indexgroup, 0)
            _used.add(key)
            _new = True
        return _sre.compile(pattern, f, code, groups, groupindex, indexgroup)
    _used.add(key)
    f, code, groups, groupindex, indexgroup, _ = entry
    return _sre.compile(pattern, f, code.tolist(), groups, dict(groupindex), indexgroup)


def install() -> None:
    """Load the table and keep what is compiled from now on, in this process and in those it forks."""
    global _installed
    load()
    if not _installed:
        _installed = True
        atexit.register(save)  # the process that installed it
        # and the workers it forks, which end through multiprocessing's exit, not atexit (a
        # forked worker starts with no finalizers: it registers its own)
        from multiprocessing import util

        util.register_after_fork(_AFTER_FORK, _in_worker)


class _Hook:
    """What multiprocessing's after-fork registry holds on to (it wants an object to call back with)."""


_AFTER_FORK = _Hook()


def _in_worker(_: _Hook) -> None:
    from multiprocessing import util

    _used.clear()  # (what the driver used before the fork is the driver's to count)
    util.Finalize(None, save, exitpriority=0)


def load() -> None:
    global _loaded_for
    where = path()
    if _loaded_for == where:
        return
    _loaded_for = where
    _TABLE.update(_read(where))


FORMAT = 2  # the file's layout: {"format": FORMAT, "table": {key: entry}}


def _read(where: Path) -> dict:
    try:
        data = pickle.loads(where.read_bytes())
        return data["table"] if isinstance(data, dict) and data.get("format") == FORMAT else {}
    except Exception:  # noqa: BLE001 (missing, unreadable, another layout: compiled afresh, written again)
        return {}


def merged(on_disk: dict, ours: dict, used: set) -> dict:
    """The table to write: the entries this process used at age 0; every other one, ours or
    another process's, a save older (the younger of the two ages), dropped past MAX_AGE."""
    out: dict[tuple, tuple] = {}
    for key in set(on_disk) | set(ours):
        if key in used:
            out[key] = ours[key][:5] + (0,)
            continue
        ages = [t[key][5] for t in (on_disk, ours) if key in t]
        age = min(ages) + 1
        if age <= MAX_AGE:
            out[key] = (on_disk.get(key) or ours[key])[:5] + (age,)
    if len(out) > MAX_ENTRIES:  # the youngest
        out = dict(sorted(out.items(), key=lambda kv: kv[1][5])[:MAX_ENTRIES])
    return out


def save() -> None:
    """Write the table back, merged with what other processes wrote since it was read, when this
    process compiled something the table did not hold."""
    global _new
    if not _new:
        return
    where = path()
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        with _locked(where.with_suffix(".lock")):  # two workers ending at once: neither loses the other's
            data = pickle.dumps({"format": FORMAT, "table": merged(_read(where), _TABLE, _used)}, protocol=pickle.HIGHEST_PROTOCOL)
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
