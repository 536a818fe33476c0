"""The database file's path: the checks on it that need no DuckDB.

`ingest` runs them before it hands its workers the first articles, so that a database it cannot
write is refused before any work is done, while DuckDB (0.1–0.2 s to load) is loaded later.
"""
from __future__ import annotations

import os
from pathlib import Path


class StoreError(Exception):
    """The database cannot be opened or written: one plain sentence naming the file."""


def check_writable(path: str | Path) -> Path:
    """The database's path, its folder made; StoreError when the folder or the file is not writable."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise StoreError(f"{p}: {parent} is a file, not a folder; choose another --db")
    if not parent.exists():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{parent}: cannot create the folder for the database ({exc.strerror})") from None
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise StoreError(f"{p}: the database or its folder is read-only; choose another --db or fix the permissions")
    return p


def is_new(path: str | Path) -> bool:
    """No database at `path` yet: one this run creates holds nothing to compare with."""
    p = Path(path)
    return not p.exists() and not Path(str(p) + ".wal").exists()
