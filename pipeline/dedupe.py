"""Near-duplicate articles: MinHash signatures of character 5-grams, and a banded LSH index.

A republished copy (another site's header, the same body) shares nearly all its 5-grams with
the original. Signatures follow datasketch's "affine32" MinHash scheme (MurmurHash3 finalizer,
then `a·h + b mod 2^32` with datasketch's permutations for seed 1) over CRC-32 hashes of the
shingles, so signatures stored by earlier runs still compare. It is written out here with
numpy because importing datasketch imports SciPy, which cost every run about half a second
before any article was read. Banding uses datasketch's parameters for threshold 0.8 with 64
permutations: 5 bands of 11 rows.
"""
from __future__ import annotations

import zlib
from typing import Iterable, Optional

import numpy as np

NUM_PERM = 64
BANDS, ROWS = 5, 11
SCHEME = "affine32"


def _permutations(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


_A, _B = _permutations()

try:  # the same signature in C (pipeline/minhash.pyx, built by scripts/compile.py), when built
    from . import minhash as _c

    _c.set_permutations(_A.tolist(), _B.tolist())
except ImportError:
    _c = None


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature(text: str) -> list[int]:
    """The MinHash of the text's distinct character 5-grams, whitespace removed."""
    t = "".join(text.split())  # whitespace removed (str.split knows the whitespace `\s` does)
    if _c is not None:
        return _c.signature(t)
    return numpy_signature(t)


def numpy_signature(t: str) -> list[int]:
    """signature() of a text without whitespace, with numpy (when minhash.pyx is not built)."""
    shingles = {t[i:i + 5] for i in range(max(1, len(t) - 4))}
    # (str.encode is UTF-8; builtins mapped over the set, in place of a generator, and the sum
    # taken in place: a fifth less time for the signature, the same values)
    hv = np.fromiter(map(zlib.crc32, map(str.encode, shingles)), dtype=np.uint32, count=len(shingles))
    phv = np.multiply.outer(_fmix32(hv), _A)
    phv += _B  # uint32 arithmetic wraps: mod 2^32
    return phv.min(axis=0).tolist()


class Index:
    """Banded LSH: two signatures are candidates when all rows of one band agree."""

    def __init__(self) -> None:
        self._bands: list[dict[bytes, set[str]]] = [{} for _ in range(BANDS)]
        self._keys: dict[str, list[bytes]] = {}

    @staticmethod
    def _band_keys(sig: Iterable[int]) -> list[bytes]:
        arr = np.asarray(list(sig), dtype=np.uint32)
        return [arr[i * ROWS:(i + 1) * ROWS].tobytes() for i in range(BANDS)]

    def query(self, sig: Iterable[int]) -> set[str]:
        out: set[str] = set()
        for band, key in zip(self._bands, self._band_keys(sig)):
            out |= band.get(key, set())
        return out

    def insert(self, doc_id: str, sig: Iterable[int]) -> None:
        """Index `doc_id` (replacing what an earlier signature of it indexed)."""
        self.remove(doc_id)
        keys = self._band_keys(sig)
        for band, key in zip(self._bands, keys):
            band.setdefault(key, set()).add(doc_id)
        self._keys[doc_id] = keys

    def remove(self, doc_id: str) -> None:
        for band, key in zip(self._bands, self._keys.pop(doc_id, [])):
            ids = band.get(key)
            if ids is not None:
                ids.discard(doc_id)
                if not ids:
                    del band[key]

    def twin(self, doc_id: str, sig: Iterable[int]) -> Optional[str]:
        """The first (by id) indexed article this signature is a near-duplicate candidate of."""
        sig = list(sig)
        twins = sorted(d for d in self.query(sig) if d != doc_id)
        return twins[0] if twins else None
