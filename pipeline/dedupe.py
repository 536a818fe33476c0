"""Near-duplicate articles: MinHash signatures of character 5-grams, and a banded LSH index.

A republished copy (another site's header, the same body) shares nearly all its 5-grams with
the original. Signatures follow datasketch's "affine32" MinHash scheme (MurmurHash3 finalizer,
then `a·h + b mod 2^32` with datasketch's permutations for seed 1) over CRC-32 hashes of the
shingles, so signatures stored by earlier runs still compare. It is written out here (in C,
minhash.pyx, when built; else with numpy) because importing datasketch imports SciPy, which cost
every run about half a second before any article was read. Banding uses datasketch's parameters
for threshold 0.8 with 64 permutations: 5 bands of 11 rows.
"""
from __future__ import annotations

import zlib
from array import array
from typing import Iterable, Optional, Union

NUM_PERM = 64
BANDS, ROWS = 5, 11
SCHEME = "affine32"


def _permutations(seed: int = 1) -> tuple[list[int], list[int]]:
    """datasketch's permutations (a, b) for `seed`, drawn with numpy's RandomState."""
    import numpy as np

    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a.tolist(), b.tolist()


# _permutations(1), written out (tests/test_dedupe.py draws them again): importing numpy to draw
# them cost every process 0.12 s before it forked its workers
_A = (
    3582191691, 4270784983, 1892572953, 3715639441, 982527, 1100580627, 2597016983, 4286725387,
    1260623519, 2027988865, 793182497, 3406602499, 1599963033, 3332127887, 2968344027, 1458107385,
    3408206605, 3741252147, 333433189, 2974788137, 3600853501, 2690998987, 1591023397, 210867113,
    1756231447, 3809231353, 3248004053, 1972053305, 235257659, 295613213, 1464304741, 3555906697,
    3584620975, 3927359407, 504141779, 3699672547, 1205914607, 3772079037, 1701678785, 2391345325,
    2583376155, 1855172563, 4022336275, 2600667151, 2692293247, 797152891, 1652038701, 155929203,
    3233158147, 3135500033, 3389645433, 2827350435, 730524177, 2831271345, 335478043, 2345481447,
    1458832223, 508895189, 3248219379, 1464824721, 844792893, 799426703, 3617286919, 1474497421,
)
_B = (
    4114104213, 1768615473, 2289927481, 848474627, 2971589572, 1243949848, 1355129329, 610401323,
    2948499020, 3364310042, 3584689972, 1771840848, 78547565, 146764659, 3221845289, 2680188370,
    4247126031, 2837408832, 3213347012, 1282027545, 1204497775, 1916133090, 3389928919, 954017671,
    443352346, 315096729, 1923688040, 2015364118, 3902387977, 413056707, 1261063143, 3879945342,
    1235985687, 513207677, 558468452, 2253996187, 83180453, 359158073, 2915576403, 3937889446,
    908935816, 3910346016, 1140514210, 1283895050, 2111290647, 2509932175, 229190383, 2430573655,
    2465816345, 2636844999, 630194419, 4108289372, 2531048010, 1120896190, 3005439278, 992203680,
    439523032, 2291143831, 1778356919, 4079953217, 2982425969, 2117674829, 1778886403, 2321861504,
)

try:  # the same signature in C (pipeline/minhash.pyx, built by scripts/compile.py), when built
    from . import minhash as _c

    _c.set_permutations(_A, _B)
except ImportError:
    _c = None


def _fmix32(h):
    import numpy as np

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


def packed_signature(text: str) -> bytes:
    """signature(text) packed as bytes (`array("I")`'s: 4 bytes a value, this machine's byte
    order): what a worker hands the driver, which indexes it and stores it as it is, in place of
    64 Python ints to pickle, unpickle and convert (Index and store.py take either form)."""
    t = "".join(text.split())
    if _c is not None:
        return _c.packed(t)
    return array("I", numpy_signature(t)).tobytes()


def numpy_signature(t: str) -> list[int]:
    """signature() of a text without whitespace, with numpy (when minhash.pyx is not built)."""
    import numpy as np

    shingles = {t[i:i + 5] for i in range(max(1, len(t) - 4))}
    # (str.encode is UTF-8; builtins mapped over the set, in place of a generator, and the sum
    # taken in place: a fifth less time for the signature, the same values)
    hv = np.fromiter(map(zlib.crc32, map(str.encode, shingles)), dtype=np.uint32, count=len(shingles))
    phv = np.multiply.outer(_fmix32(hv), np.array(_A, dtype=np.uint32))
    phv += np.array(_B, dtype=np.uint32)  # uint32 arithmetic wraps: mod 2^32
    return phv.min(axis=0).tolist()


if array("I").itemsize != 4:  # (C's unsigned int: 32 bits wherever CPython runs today)
    raise ImportError("a signature's values are packed as 4-byte array('I') items")
_BAND_BYTES = 4 * ROWS

Signature = Union[bytes, Iterable[int]]  # packed (packed_signature) or its values (signature)


class Index:
    """Banded LSH: two signatures are candidates when all rows of one band agree."""

    def __init__(self) -> None:
        self._bands: list[dict[bytes, set[str]]] = [{} for _ in range(BANDS)]
        self._keys: dict[str, list[bytes]] = {}

    @staticmethod
    def _band_keys(sig: Signature) -> list[bytes]:
        b = sig if isinstance(sig, bytes) else array("I", sig).tobytes()
        return [b[i * _BAND_BYTES:(i + 1) * _BAND_BYTES] for i in range(BANDS)]

    def query(self, sig: Signature) -> set[str]:
        out: set[str] = set()
        for band, key in zip(self._bands, self._band_keys(sig)):
            out |= band.get(key, set())
        return out

    def insert(self, doc_id: str, sig: Signature) -> None:
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

    def twin(self, doc_id: str, sig: Signature) -> Optional[str]:
        """The first (by id) indexed article this signature is a near-duplicate candidate of."""
        twins = sorted(d for d in self.query(sig) if d != doc_id)
        return twins[0] if twins else None
