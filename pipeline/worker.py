"""Worker side of ingest: one article in, its database rows out.

Kept apart from the driver (ingest.py) and from DuckDB (store.py) so that the pool can be
started before the driver imports DuckDB and Arrow and opens the database: the driver loads the
rules and dictionaries, then forks the workers, which start with them loaded.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Optional

from .dedupe import packed_signature
from .models import RawDoc, ReadError
from .rows import Stored, content_sha1, rows_for
from .rules import Rules, load_rules

_RULES: Optional[Rules] = None
_RULES_DIR: Optional[str] = None  # where _RULES came from
_analyse = None  # extract.analyse, bound by init()


def init(rules_dir: Optional[str], rules: Optional[Rules] = None) -> None:
    """Load the rules (or take the driver's) and what extraction reads, once per process. A
    worker forked from a driver that did this already (start_pool) has them: nothing to do."""
    global _RULES, _RULES_DIR, _analyse
    if _RULES is not None and rules_dir == _RULES_DIR and (rules is None or rules is _RULES):
        return
    from .extract import analyse, prepare

    _analyse, _RULES_DIR = analyse, rules_dir
    try:
        _RULES = rules or load_rules(rules_dir)
    except Exception:  # a broken rule file: the driver names it; a worker stays quiet
        _RULES = None
        return
    prepare(_RULES)


def _started(_: int) -> bool:
    return True


def extract_one(raw: RawDoc):
    """One article to its database rows (rows.Rows), or the reason it failed (ReadError)."""
    try:
        a = _analyse(raw, _RULES)
    except Exception as exc:  # one bad article never stops the batch
        return ReadError(path=raw.path, line=raw.line, reason=f"extraction failed: {type(exc).__name__}: {exc}")
    it = Stored(article=a.article, sha1=content_sha1(raw.text), text=a.stored, minhash=packed_signature(a.cleaned.body), line=raw.line)
    return rows_for(it, _RULES.version)


def extract_chunk(raws: list[RawDoc]) -> list:
    """extract_one over a chunk of articles (what the driver hands a worker at once)."""
    return [extract_one(raw) for raw in raws]


def start_pool(rules_dir: Optional[str], workers: int, rules: Optional[Rules] = None) -> Optional[ProcessPoolExecutor]:
    """The worker processes, started at once (None for one worker: the driver extracts).

    Forking, the driver gets extraction ready first (`rules`: the ones it loaded) and the
    workers are forked ready, sharing its dictionaries: loading them once takes less than each
    worker loading its own while the driver starts up beside them (0.4 s of start-up with two)."""
    if workers <= 1:
        return None
    context = _start_method()
    if rules is not None and context is not None and context.get_start_method() == "fork":
        init(rules_dir, rules)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=init, initargs=(rules_dir,), mp_context=context)
    for i in range(workers):
        pool.submit(_started, i)  # the processes start, and run init(), on the first tasks
    return pool


def _start_method():
    """Fork before DuckDB is loaded, as the CLI does (its entry point imports no DuckDB): the
    workers start in milliseconds. DuckDB runs a pool of threads for each open database, and a
    process forked while one of them holds a lock can wait on it for ever; a process that has
    loaded DuckDB (a test session, a notebook) starts its workers from a fork server instead."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None  # the platform's default (spawn)
    return multiprocessing.get_context("fork" if "duckdb" not in sys.modules else "forkserver")


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
