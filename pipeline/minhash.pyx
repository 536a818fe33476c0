# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""dedupe.signature's MinHash in C: the same values in a fifteenth of the time (issue 6).

Built by scripts/compile.py beside the compiled modules; dedupe.py uses it when it is there and
its own numpy code otherwise (PRESSMETRICS_PURE=1, no compiler). The scheme is dedupe's: CRC-32
of each character 5-gram's UTF-8 bytes, MurmurHash3's finalizer, then `a·h + b mod 2^32` per
permutation, the minimum over the 5-grams. The set of distinct 5-grams that dedupe builds is not
needed here: a repeated 5-gram hashes the same and leaves every minimum as it is.
"""
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport uint32_t

cdef uint32_t _CRC[256]
cdef uint32_t _A[64]
cdef uint32_t _B[64]
cdef int _N = 0


cdef void _crc_table():
    cdef uint32_t c
    cdef int i, k
    for i in range(256):
        c = i
        for k in range(8):
            c = (c >> 1) ^ 0xEDB88320U if c & 1 else c >> 1
        _CRC[i] = c


_crc_table()


def set_permutations(a, b):
    """The permutations' (a, b), as dedupe draws them (at most 64)."""
    global _N
    if len(a) != len(b) or len(a) > 64:
        raise ValueError("at most 64 permutations, as many a as b")
    for i in range(len(a)):
        _A[i] = <uint32_t>int(a[i])
        _B[i] = <uint32_t>int(b[i])
    _N = len(a)


cdef inline int _utf8(uint32_t c, unsigned char *out):
    """The UTF-8 bytes of one code point (as str.encode writes them; no surrogates in a str
    that encodes): how many."""
    if c < 0x80:
        out[0] = <unsigned char>c
        return 1
    if c < 0x800:
        out[0] = <unsigned char>(0xC0 | (c >> 6))
        out[1] = <unsigned char>(0x80 | (c & 0x3F))
        return 2
    if c < 0x10000:
        out[0] = <unsigned char>(0xE0 | (c >> 12))
        out[1] = <unsigned char>(0x80 | ((c >> 6) & 0x3F))
        out[2] = <unsigned char>(0x80 | (c & 0x3F))
        return 3
    out[0] = <unsigned char>(0xF0 | (c >> 18))
    out[1] = <unsigned char>(0x80 | ((c >> 12) & 0x3F))
    out[2] = <unsigned char>(0x80 | ((c >> 6) & 0x3F))
    out[3] = <unsigned char>(0x80 | (c & 0x3F))
    return 4


def signature(str t):
    """The MinHash of `t` (whitespace already removed) over its character 5-grams (one 5-gram,
    `t` itself, when it is shorter), as a list of ints."""
    cdef uint32_t mins[64]
    _minima(t, mins)
    return [mins[k] for k in range(_N)]


def packed(str t):
    """signature(t) as bytes: its values as unsigned 32-bit ints in this machine's byte order
    (array("I")'s), 4 bytes each; what an ingest worker hands the driver."""
    cdef uint32_t mins[64]
    _minima(t, mins)
    return (<char *>mins)[:4 * _N]


cdef extern from *:
    """
    #include <stdint.h>
    /* the minima over the 64 permutations (a*h + b mod 2^32) of each shingle's hash, into m: a loop
       the C compiler makes vector code of (SSE2 everywhere; an AVX2 copy, eight lanes at a time,
       chosen when the program starts on a CPU that has it: GCC's target_clones, on Linux) */
    #if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
    __attribute__((target_clones("avx2", "default")))
    #endif
    static void pm_minima(uint32_t *m, const uint32_t *a, const uint32_t *b, const uint32_t *hs, Py_ssize_t nh) {
        for (Py_ssize_t i = 0; i < nh; i++) {
            uint32_t h = hs[i];
            for (int k = 0; k < 64; k++) {
                uint32_t v = a[k] * h + b[k];
                m[k] = v < m[k] ? v : m[k];
            }
        }
    }
    """
    void pm_minima(uint32_t *m, const uint32_t *a, const uint32_t *b, const uint32_t *hs, Py_ssize_t nh)


cdef void _minima(str t, uint32_t *mins) except *:
    """The 64 minima into `mins` (room for 64; the first _N are the signature)."""
    cdef Py_ssize_t n = len(t), i, j, shingles
    cdef Py_UCS4 c
    cdef unsigned char buf[20]
    cdef int k, nb
    cdef uint32_t crc, h
    t.encode("utf-8")  # a lone surrogate cannot be encoded: the same error as dedupe's own code
    shingles = n - 4 if n > 4 else 1
    cdef uint32_t *hs = <uint32_t *>PyMem_Malloc(shingles * sizeof(uint32_t))
    if hs == NULL:
        raise MemoryError()
    try:
        for i in range(shingles):  # each shingle's hash: CRC-32 of its UTF-8 bytes, then MurmurHash3's finalizer
            crc = 0xFFFFFFFFU
            for j in range(i, min(i + 5, n)):
                c = t[j]
                nb = _utf8(<uint32_t>c, buf)
                for k in range(nb):
                    crc = _CRC[(crc ^ buf[k]) & 0xFF] ^ (crc >> 8)
            h = crc ^ 0xFFFFFFFFU
            h ^= h >> 16
            h *= 0x85EBCA6BU
            h ^= h >> 13
            h *= 0xC2B2AE35U
            h ^= h >> 16
            hs[i] = h
        for k in range(64):
            mins[k] = 0xFFFFFFFFU
        pm_minima(mins, _A, _B, hs, shingles)  # (all 64 lanes: those past _N hold a = b = 0)
    finally:
        PyMem_Free(hs)
