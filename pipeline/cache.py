"""Tables derived from JioNLP's and jieba's data, kept on disk between runs.

Building the gazetteer and the character-folding table means importing JioNLP and parsing
its data files: about 0.8 s, paid by every worker process of every run. The tables are
pickled once into the user's cache folder and read back in milliseconds. jieba's prefix
dictionary is kept here too (segment.py): jieba's own cache of it reads back in 0.7 s, a
pickle in 0.2 s; and the rule files as parsed and checked (rules.py: 0.13 s, read back in 5 ms).
The file name carries the JioNLP version, a hash of the module that builds
the table and what the table is built from, so an upgrade or a code change builds it again;
an unreadable or unwritable cache only costs the time.

The folder is `$PRESSMETRICS_CACHE`, else `$XDG_CACHE_HOME/pressmetrics`, else
`~/.cache/pressmetrics`.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    if os.environ.get("PRESSMETRICS_CACHE"):
        return Path(os.environ["PRESSMETRICS_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pressmetrics"


@lru_cache(maxsize=None)
def _source_hash(module_file: str) -> str:
    return hashlib.sha1(Path(module_file).read_bytes()).hexdigest()[:12]


def _jionlp_version() -> str:
    """Which JioNLP is installed (its dictionaries make the gazetteer): where its package is and
    when that was written. (Not `importlib.metadata.version`: importing importlib.metadata cost
    every run 0.02–0.04 s before it could fork its workers.)"""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.origin:
        return "unknown"
    try:
        st = os.stat(spec.origin)
    except OSError:
        return "unknown"
    return f"{spec.origin}|{st.st_size}|{st.st_mtime_ns}"


def cached(name: str, module_file: str, extra: str, build: Callable[[], T]) -> T:
    """`build()`, or the copy of its result stored by an earlier run with the same inputs."""
    key = hashlib.sha1(f"{_jionlp_version()}|{_source_hash(module_file)}|{extra}".encode()).hexdigest()[:16]
    path = cache_dir() / f"{name}-{key}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # missing, unreadable or from another Python: build it again
        pass
    value = build()
    try:
        write_pickle(path, value)
    except (OSError, pickle.PicklingError):
        pass
    return value


def write_pickle(path: Path, value) -> None:
    """Pickle `value` into `path` whole or not at all, even with several processes writing at once
    (a temporary file beside it, then renamed; removed when anything fails)."""
    import tempfile  # (here: a run that finds its tables in the cache never writes; 0.01 s of start-up)

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
