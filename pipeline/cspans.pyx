# cython: language_level=3, boundscheck=False, wraparound=False
"""spans.Marks in C: the same offsets and stretches, found in one pass over the text's
characters and looked up by a bisection over a C array (issue 6: the stages built six Marks an
article and asked 55 `around`s of them, 5% of extraction's instructions in Python).

Built by scripts/compile.py beside the compiled modules; spans.py uses it when it is there and
its own Python class otherwise (PRESSMETRICS_PURE=1, no compiler).
"""
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc

# for each `ends` asked for: a bit for every character of the Basic Multilingual Plane (8 kB),
# and its characters past that plane (none in the stages' punctuation, but allowed)
cdef dict _TABLES = {}


cdef tuple _table(str ends):
    cdef unsigned char bits[8192]
    cdef Py_UCS4 ch
    cdef Py_ssize_t code
    found = _TABLES.get(ends)
    if found is None:
        for code in range(8192):
            bits[code] = 0
        wide = []
        for ch in ends:
            code = ch  # (a Py_UCS4 in an expression Cython hands Python turns into a str)
            if code < 0x10000:
                bits[code >> 3] |= 1 << (code & 7)
            else:
                wide.append(ch)
        found = (bits[:8192], "".join(wide))
        _TABLES[ends] = found
    return found


cdef class Marks:
    """The offsets of the characters of `ends` in a text; `around(pos)` is a bisection."""

    cdef Py_ssize_t *_pos
    cdef Py_ssize_t _count
    cdef readonly Py_ssize_t n

    def __cinit__(self, str text, str ends):
        cdef tuple table = _table(ends)
        cdef bytes bits_obj = table[0]
        cdef const unsigned char *bits = bits_obj
        cdef str wide = table[1]
        cdef Py_ssize_t cap = 64, i = 0
        cdef Py_UCS4 ch
        cdef Py_ssize_t code
        cdef bint marked, any_wide = len(wide) > 0
        cdef Py_ssize_t *grown
        self.n = len(text)
        self._count = 0
        self._pos = <Py_ssize_t *>PyMem_Malloc(cap * sizeof(Py_ssize_t))
        if self._pos is NULL:
            raise MemoryError()
        for ch in text:
            code = ch
            if code < 0x10000:
                marked = (bits[code >> 3] >> (code & 7)) & 1
            else:
                marked = any_wide and ch in wide
            if marked:
                if self._count == cap:
                    cap *= 2
                    grown = <Py_ssize_t *>PyMem_Realloc(self._pos, cap * sizeof(Py_ssize_t))
                    if grown is NULL:
                        raise MemoryError()
                    self._pos = grown
                self._pos[self._count] = i
                self._count += 1
            i += 1

    def __dealloc__(self):
        PyMem_Free(self._pos)

    @property
    def pos(self) -> list:
        """The offsets, in order (as spans.Marks keeps them)."""
        return [self._pos[k] for k in range(self._count)]

    cpdef tuple around(self, Py_ssize_t pos):
        """The stretch [start, end) around `pos` with no mark inside (the mark at `pos` ends it)."""
        cdef Py_ssize_t lo = 0, hi = self._count, mid
        while lo < hi:  # bisect_left
            mid = (lo + hi) >> 1
            if self._pos[mid] < pos:
                lo = mid + 1
            else:
                hi = mid
        return (self._pos[lo - 1] + 1 if lo else 0), (self._pos[lo] if lo < self._count else self.n)
