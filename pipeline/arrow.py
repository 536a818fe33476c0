"""pyarrow for the writes, imported when the first write needs it (not with DuckDB): an ingest's
workers have their first articles before the process writing the database spends 0.05-0.15 s on
it. No DuckDB here, so the CLI can say how to load it before anything is loaded.
"""
from __future__ import annotations

import sys

_WITH_NUMPY = True


def without_numpy() -> None:
    """Have pyarrow, when this process loads it, believe that numpy is not installed (unless
    numpy is loaded already). Writing never converts to or from numpy arrays, and numpy is two
    thirds of pyarrow's import: 0.05-0.1 s of an ingest driver's CPU, taken from its workers.
    pyarrow then cannot make numpy arrays in this process, so this is for the process of a
    command that only writes (`pressmetrics ingest`), never for a library's caller."""
    global _WITH_NUMPY
    _WITH_NUMPY = False


def load():
    """pyarrow (imported the first time)."""
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        return pa
    if _WITH_NUMPY or "numpy" in sys.modules:
        import pyarrow

        return pyarrow
    sys.modules["numpy"] = None  # an import of numpy fails, as if it were not installed ...
    try:
        import pyarrow
    finally:
        del sys.modules["numpy"]  # ... while pyarrow loads: numpy itself still loads when asked
    return pyarrow
