"""Tables that fill as runs use them, kept in the cache folder between runs (issue 6: start-up).

cache.py keeps tables built whole from data files. Some work is only known as articles are read:
the matcher code of each pattern `searchable` compiles (patterns.py: 0.13 s of every start-up,
and again in every worker for patterns compiled on first use), the value of each Chinese numeral
(numbers.py: converting the first one imports cn2an, whose import compiles patterns for 0.15 s,
in every process that meets one). A `KeptTable` holds such results: what a run finds there it
need not work out again.

The CLI calls `keep_between_runs()` first thing: from then on the tables are read from the cache
folder when first asked, and each process that added something (workers included) merges what
it added into the file when it ends, under a lock. Every entry carries how many saves ago it was
last used; one unused for `MAX_AGE` saves is dropped, so a table holds what runs use (patterns made
from an article's words, a numeral seen once, go in time). Without `keep_between_runs()` (a
library caller, the tests' own calls) the tables stay empty and nothing is written. A missing,
broken or unwritable file only costs the time.
"""
from __future__ import annotations

import atexit
import contextlib
import hashlib
import pickle
from pathlib import Path
from typing import Any, Callable, Hashable

from .cache import cache_dir, write_pickle

FORMAT = 1  # a file holds {"format": FORMAT, "table": {key: (value, age)}}
MAX_AGE = 30  # saves an entry may go unused before it is dropped
MAX_ENTRIES = 4000
_TABLES: list["KeptTable"] = []
_keeping = False


class KeptTable:
    def __init__(self, name: str, version: Callable[[], str]):
        """`version()`: what the values depend on beyond the key (a library's version, the Python
        build); a table written under another version is another file."""
        self.name, self.version = name, version
        self._entries: dict[Hashable, tuple[Any, int]] = {}
        self._used: set = set()
        self._new = False
        self._loaded = False
        _TABLES.append(self)

    def path(self) -> Path:
        return cache_dir() / f"{self.name}-{hashlib.sha1(self.version().encode()).hexdigest()[:16]}.pickle"

    def get(self, key: Hashable, default: Any = None) -> Any:
        if _keeping and not self._loaded:
            self._loaded = True
            self._entries.update(_read(self.path()))
        entry = self._entries.get(key)
        if entry is None:
            return default
        self._used.add(key)
        return entry[0]

    def put(self, key: Hashable, value: Any) -> None:
        if _keeping and len(self._entries) < MAX_ENTRIES:
            self._entries[key] = (value, 0)
            self._used.add(key)
            self._new = True

    def save(self) -> None:
        """Merge what this process added, and what it used, into the file (when it added something)."""
        if not self._new:
            return
        where = self.path()
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            with _locked(where.with_suffix(".lock")):  # two workers ending at once: neither loses the other's
                write_pickle(where, {"format": FORMAT, "table": merged(_read(where), self._entries, self._used)})
            self._new = False
        except Exception:  # noqa: BLE001 (a full disk, a read-only cache: the next run works it out again)
            pass


def merged(on_disk: dict, ours: dict, used: set) -> dict:
    """The table to write: the entries this process used at age 0; every other one, ours or
    another process's, a save older (the younger of the two ages), dropped past MAX_AGE."""
    out: dict = {}
    for key in on_disk.keys() | ours.keys():
        if key in used:
            out[key] = (ours[key][0], 0)
            continue
        age = min(t[key][1] for t in (on_disk, ours) if key in t) + 1
        if age <= MAX_AGE:
            out[key] = ((on_disk.get(key) or ours[key])[0], age)
    if len(out) > MAX_ENTRIES:  # the youngest
        out = dict(sorted(out.items(), key=lambda kv: kv[1][1])[:MAX_ENTRIES])
    return out


def _read(where: Path) -> dict:
    try:
        data = pickle.loads(where.read_bytes())
        return data["table"] if isinstance(data, dict) and data.get("format") == FORMAT else {}
    except Exception:  # noqa: BLE001 (missing, unreadable, another layout: worked out again, written again)
        return {}


def keep_between_runs() -> None:
    """Read the tables from the cache folder, and write them back when this process, or a worker
    it forks, ends."""
    global _keeping
    if _keeping:
        return
    _keeping = True
    atexit.register(save_all)
    # a forked worker ends through multiprocessing's exit, not atexit, and starts with no finalizers
    from multiprocessing import util

    util.register_after_fork(_AFTER_FORK, _in_worker)


def save_all() -> None:
    for table in _TABLES:
        table.save()


class _Hook:
    """What multiprocessing's after-fork registry holds on to (it wants an object to call back with)."""


_AFTER_FORK = _Hook()


def _in_worker(_: _Hook) -> None:
    from multiprocessing import util

    for table in _TABLES:  # (what the driver added or used before the fork is the driver's to save)
        table._used.clear()
        table._new = False
    util.Finalize(None, save_all, exitpriority=0)


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
