"""Batch ingest: read → extract (in a process pool) → find duplicates → store in batches.

Results come back in input order whatever the number of workers, so the database holds the
same rows for any `--workers`. Articles are keyed by doc_id and versioned by a SHA-1 of
their text: unchanged ones are skipped, changed ones replaced; `reextract` also re-runs
those extracted by an older rules version.
"""
from __future__ import annotations

import os
import re
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

import numpy as np
from datasketch import MinHash, MinHashLSH

from .models import RawDoc, ReadError
from .read import read_all
from .rules import Rules, load_rules
from .store import Stored, clear_errors, content_sha1, known_versions, rows_for, write_batch, write_errors

NUM_PERM = 64
DUP_THRESHOLD = 0.8
SCHEME = "affine32"  # fixed, so signatures stored by one run compare with the next
BATCH = 64


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


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


_PERMUTATIONS = None


def _permutations():
    """The MinHash permutations, computed once per process instead of once per signature."""
    global _PERMUTATIONS
    if _PERMUTATIONS is None:
        _PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations
    return _PERMUTATIONS


def minhash(text: str) -> list[int]:
    """MinHash of the article's distinct character 5-grams (whitespace removed). CRC-32 hashes
    the shingles: deterministic across processes and much cheaper than SHA-1."""
    t = re.sub(r"\s+", "", text)
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashfunc=_crc32, permutations=_permutations())
    m.update_batch(list({t[i:i + 5].encode("utf-8") for i in range(max(1, len(t) - 4))}))
    return [int(v) for v in m.hashvalues]


def _as_minhash(values: list[int]) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=np.array(values, dtype=np.uint64), scheme=SCHEME,
                   permutations=_permutations())


# ---------------------------------------------------------------- worker side

_RULES: Optional[Rules] = None


def _init_worker(rules_dir: Optional[str]) -> None:
    global _RULES
    _RULES = load_rules(rules_dir)


def _warm(_: int) -> bool:
    """Load the dictionaries of a worker (jieba, spaCy, JioNLP) while the driver reads inputs."""
    from .extract import analyse

    analyse(RawDoc(doc_id="warm-up", path="-", text="鱼台县公安局查处交通违法行为5起。"), _RULES)
    return True


def extract_one(raw: RawDoc) -> Union[Stored, ReadError]:
    """Runs in a worker: one article to its record, or the reason it failed."""
    from .extract import analyse

    try:
        a = analyse(raw, _RULES)
    except Exception as exc:  # one bad article never stops the batch
        return ReadError(path=raw.path, line=raw.line, reason=f"extraction failed: {type(exc).__name__}: {exc}")
    it = Stored(article=a.article, sha1=content_sha1(raw.text), text=a.stored, minhash=minhash(a.cleaned.body), line=raw.line)
    it.rows = rows_for(it, _RULES.version)
    return it


# ---------------------------------------------------------------- driver


def ingest(con, paths: list[str], rules: Rules, rules_dir: Optional[str] = None, workers: int = 1, reextract: bool = False,
           strict: bool = False, progress: Optional[Callable[[int, int], None]] = None, total_hint: Optional[Callable[[int], None]] = None,
           batch_size: int = BATCH) -> Summary:
    s = Summary()
    pool = _start_pool(rules_dir, workers)
    if workers > 1:
        con.execute("SET threads = 1")  # the workers have the cores; the driver only writes
    known = known_versions(con)
    had_errors = con.execute("SELECT count(*) FROM errors").fetchone()[0] > 0
    lsh = MinHashLSH(threshold=DUP_THRESHOLD, num_perm=NUM_PERM)
    for doc_id, values in con.execute("SELECT doc_id, minhash FROM articles WHERE duplicate_of IS NULL AND minhash IS NOT NULL ORDER BY extracted_at, doc_id").fetchall():
        lsh.insert(doc_id, _as_minhash(values))
    todo: list[RawDoc] = []
    ok_inputs: list[tuple[str, Optional[int]]] = []
    seen_ids: set[str] = set()
    for item in read_all(paths):
        if isinstance(item, ReadError):
            s.failed += 1
            s.errors.append(item)
            if strict:
                break
            continue
        s.read += 1
        if item.doc_id in seen_ids:
            s.failed += 1
            s.errors.append(ReadError(path=item.path, line=item.line, reason=f"doc_id {item.doc_id!r} given twice in this run; kept the first"))
            continue
        seen_ids.add(item.doc_id)
        sha = content_sha1(item.text)
        old = known.get(item.doc_id)
        if old and old[0] == sha and (old[1] == rules.version or not reextract):
            s.unchanged += 1
            ok_inputs.append((item.path, item.line))
            continue
        todo.append(item)
    if total_hint:
        total_hint(len(todo))
    if s.errors:
        write_errors(con, s.errors)
    if strict and s.failed:
        if pool:
            pool.shutdown(cancel_futures=True)
        return s
    batch: list[Stored] = []
    dups: dict[str, str] = {}
    held = set(known)

    def flush():
        write_batch(con, batch, rules.version, dups, replacing=held)
        if had_errors:
            clear_errors(con, [(b.article.path, b.line) for b in batch])
        batch.clear()

    results = _run(todo, pool, rules, workers)
    done = 0
    for raw, res in zip(todo, results):
        done += 1
        if progress:
            progress(done, len(todo))
        if isinstance(res, ReadError):
            s.failed += 1
            s.errors.append(res)
            write_errors(con, [res])
            if strict:
                break
            continue
        doc_id = res.article.doc_id
        mh = _as_minhash(res.minhash)
        twins = [d for d in lsh.query(mh) if d != doc_id]
        if twins:
            dups[doc_id] = sorted(twins)[0]
            s.duplicate += 1
        else:
            try:
                lsh.insert(doc_id, mh)
            except ValueError:  # an updated article: index its new text
                lsh.remove(doc_id)
                lsh.insert(doc_id, mh)
        if doc_id in known:
            s.updated += 1
        else:
            s.new += 1
        s.tallies += len(res.article.metrics)
        batch.append(res)
        if len(batch) >= batch_size:
            flush()
    flush()
    if ok_inputs and had_errors:
        clear_errors(con, ok_inputs)
    return s


def _start_pool(rules_dir: Optional[str], workers: int) -> Optional[ProcessPoolExecutor]:
    """Start the workers first, so that loading their dictionaries overlaps with reading inputs."""
    if workers <= 1:
        return None
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(rules_dir,))
    for i in range(workers):
        pool.submit(_warm, i)
    return pool


def _run(todo: list[RawDoc], pool: Optional[ProcessPoolExecutor], rules: Rules, workers: int):
    if pool is None:
        global _RULES
        _RULES = rules
        return map(extract_one, todo)
    chunk = max(1, min(16, len(todo) // (workers * 8) or 1))

    def gen():
        try:
            yield from pool.map(extract_one, todo, chunksize=chunk)
        finally:
            pool.shutdown(cancel_futures=True)

    return gen()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
