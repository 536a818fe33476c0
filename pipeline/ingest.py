"""Batch ingest: read → extract (in a process pool) → find duplicates → store in batches.

Results come back in input order whatever the number of workers, so the database holds the
same rows for any `--workers`. Articles are keyed by doc_id and versioned by a SHA-1 of
their text: unchanged ones are skipped, changed ones replaced; `reextract` also re-runs
those extracted by an older rules version.
"""
from __future__ import annotations

import gc
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional

from . import worker
from .dedupe import Index
from .models import RawDoc, ReadError
from .read import find_files, read_found
from .rows import Rows, content_sha1
from .rules import Rules
from .worker import start_pool

BATCH = 1024  # articles per transaction (or FLUSH_SECONDS): a commit costs about as much as writing 100 articles
FLUSH_SECONDS = 2.0  # and at least this often, so that a slow run keeps its work as it goes
# with workers, the batch before the last ends this many articles before the end, and the database
# is checkpointed then (its write-ahead log moved into the file, 0.1 s for 16 MB) while the workers
# extract those: what is left once they are done is a small batch to write and a small log to move
LAST_BATCH = 256


@dataclass
class Summary:
    read: int = 0
    new: int = 0
    unchanged: int = 0
    updated: int = 0
    duplicate: int = 0
    failed: int = 0
    tallies: int = 0
    errors: list[ReadError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("read", "new", "unchanged", "updated", "duplicate", "failed", "tallies")}


# ---------------------------------------------------------------- driver


def ingest(db, paths: list[str], rules: Rules, rules_dir: Optional[str] = None, workers: int = 1, reextract: bool = False,
           strict: bool = False, progress: Optional[Callable[[int, int], None]] = None, total_hint: Optional[Callable[[int], None]] = None,
           batch_size: int = BATCH, pool: Optional[ProcessPoolExecutor] = None) -> Summary:
    """Ingest `paths` into the database `db`: an open DuckDB connection, or, for a database this
    run creates, a function that opens it (called once the workers have their articles: a new
    database holds nothing to compare them with, and DuckDB loads while they work). `pool`:
    workers already started with worker.start_pool (the CLI starts them before it loads DuckDB);
    ingest shuts it down."""
    if pool is None:
        pool = start_pool(rules_dir, workers, rules)
    collecting = gc.isenabled()
    try:
        return _ingest(db, paths, rules, workers, reextract, strict, progress, total_hint, batch_size, pool)
    except BaseException:
        if pool:
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        if collecting:
            gc.enable()


def _ingest(db, paths, rules, workers, reextract, strict, progress, total_hint, batch_size, pool) -> Summary:
    s = Summary()
    lsh = Index()
    if callable(db):  # a new database: nothing held, no errors logged
        con, known, had_errors = None, {}, False
    else:
        con = db
        known, had_errors = _held(con, lsh)
    ok_inputs: list[tuple[str, Optional[int]]] = []
    seen_ids: set[str] = set()
    queued = 0
    files, missing = find_files(paths)  # listed once: to size the pool's chunks, then to read

    def wanted():
        """The articles to extract, as they are read: new and changed ones (unchanged ones are
        counted and skipped, read failures and repeated ids recorded)."""
        nonlocal queued
        for item in read_found(files, missing):
            if isinstance(item, ReadError):
                s.failed += 1
                s.errors.append(item)
                if strict:
                    return
                continue
            s.read += 1
            if item.doc_id in seen_ids:
                s.failed += 1
                s.errors.append(ReadError(path=item.path, line=item.line, reason=f"doc_id {item.doc_id!r} given twice in this run; kept the first"))
                continue
            seen_ids.add(item.doc_id)
            old = known.get(item.doc_id)  # (the text's hash only for an article the database holds)
            if old and old[0] == content_sha1(item.text) and (old[1] == rules.version or not reextract):
                s.unchanged += 1
                ok_inputs.append((item.path, item.line))
                continue
            queued += 1
            yield item

    if pool is not None:
        gc.freeze()  # the index and the rules live to the end: keep them out of the collector's scans
        # and while the driver reads, hands over and writes, what it makes (rows, batches, Arrow
        # tables) is freed by reference counting: no cycles for the collector to find, whose
        # passes over the growing index and batch took 0.07 s of a 5,000-article run
        gc.disable()
    if pool is None or strict:
        todo = list(wanted())  # read everything first: --strict extracts nothing when a file fails
        if strict and s.failed:
            from .store import write_errors

            write_errors(con if con is not None else db(), s.errors)
            if pool:
                pool.shutdown(cancel_futures=True)
            return s
        results = _run(todo, pool, rules, workers)
    else:
        # the workers extract while the driver reads on: the pool takes each chunk as it is read
        results = _run(wanted(), pool, rules, workers, estimate=_estimate(files))
    # _run has read every input by now (the pool's map takes them all before it returns)
    from .store import checkpoint, clear_errors, write_batch, write_errors  # (DuckDB: loaded as the workers start)

    if con is None:
        con = db()
    if workers > 1:
        con.execute("SET threads = 1")  # the workers have the cores; the driver only writes
    if total_hint:
        total_hint(queued)
    if s.errors:
        write_errors(con, s.errors)
    batch: list[Rows] = []
    dups: dict[str, str] = {}
    held = set(known)

    last_flush = time.monotonic()

    def flush(last_but_one: bool = False):
        nonlocal last_flush
        write_batch(con, batch, dups, replacing=held)
        if had_errors:
            clear_errors(con, [(b.path, b.line) for b in batch])
        batch.clear()
        if last_but_one:
            checkpoint(con)
        last_flush = time.monotonic()

    done = 0
    for res in results:
        done += 1
        if progress:
            progress(done, queued)
        if isinstance(res, ReadError):
            s.failed += 1
            s.errors.append(res)
            write_errors(con, [res])
            if strict:
                break
            continue
        doc_id = res.doc_id
        twin = lsh.twin(doc_id, res.minhash)
        if twin:
            dups[doc_id] = twin
            s.duplicate += 1
        else:
            lsh.insert(doc_id, res.minhash)  # an updated article: its new text replaces the old
        if doc_id in known:
            s.updated += 1
        else:
            s.new += 1
        s.tallies += len(res.tallies)
        batch.append(res)
        if pool is not None and queued - done == LAST_BATCH:
            flush(last_but_one=True)
        elif len(batch) >= batch_size or time.monotonic() - last_flush >= FLUSH_SECONDS:
            flush()
    flush()
    if ok_inputs and had_errors:
        clear_errors(con, ok_inputs)
    return s


def _held(con, lsh: Index) -> tuple[dict[str, tuple[str, str]], bool]:
    """What the database holds: each article's text hash and rules version (by doc_id), and
    whether it has errors logged; its originals' signatures go into `lsh`."""
    from .store import known_versions

    known = known_versions(con)
    had_errors = con.execute("SELECT count(*) FROM errors").fetchone()[0] > 0
    for doc_id, values in con.execute("SELECT doc_id, minhash FROM articles WHERE duplicate_of IS NULL AND minhash IS NOT NULL ORDER BY extracted_at, doc_id").fetchall():
        lsh.insert(doc_id, values)
    return known, had_errors


def _run(todo: Iterable[RawDoc], pool: Optional[ProcessPoolExecutor], rules: Rules, workers: int, estimate: Optional[int] = None):
    """The results of extracting `todo`, in its order. With a pool, every input is taken (and
    handed to the workers chunk by chunk) before this returns."""
    if pool is None:
        if todo:
            worker.init(None, rules)  # the driver extracts, with the rules it was given
        return map(worker.extract_one, todo)
    n = len(todo) if estimate is None else estimate
    # submitted now, chunk by chunk as they are read (the workers start on the first while the
    # driver reads on); a future's result is one chunk's results
    pending = [pool.submit(worker.extract_chunk, chunk) for chunk in _chunks(todo, n, workers)]

    def gen():
        try:
            pending.reverse()
            while pending:
                yield from pending.pop().result()  # (popped: a chunk's articles are freed once written)
        finally:
            pool.shutdown(cancel_futures=True)

    return gen()


CHUNK = 64  # articles a worker is handed at once (fewer near the end: _chunk_size)
MIN_CHUNK = 4


def _chunks(items: Iterable, n: int, workers: int) -> Iterator[list]:
    """`items` (about `n` of them) in consecutive lists of the sizes _chunk_size gives."""
    chunk: list = []
    size = _chunk_size(n, 0, workers)
    taken = 0
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            taken += size
            chunk, size = [], _chunk_size(n, taken, workers)
    if chunk:
        yield chunk


def _chunk_size(n: int, taken: int, workers: int) -> int:
    """How many articles the next chunk holds, `taken` of about `n` handed out: an eighth of each
    worker's share, CHUNK at most, and towards the end a quarter of each worker's share of what is
    left ("guided" scheduling), so that the workers finish within a few articles of each other:
    equal chunks of 64 left one of two idle for half a chunk (~40 ms) on average. Past the
    estimate (a JSONL file holding more than its size suggested) the end is not known."""
    base = max(1, min(CHUNK, n // (workers * 8)))
    left = n - taken
    if left <= 0:
        return base
    return min(base, max(MIN_CHUNK, -(-left // (workers * 4))))


def _estimate(files: list) -> int:
    """About how many articles `files` hold, to size the pool's chunks before they are read:
    one per file, and one per 2 kB of a `.jsonl` file."""
    return sum(max(1, _size(f) // 2000) if f.lower().endswith(".jsonl") else 1 for f in files)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:  # (gone since it was listed: reading it says so)
        return 0
