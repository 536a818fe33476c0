"""pressmetrics: tallies of police work from Chinese police press releases, into DuckDB."""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Optional

__version__ = "0.1.0"


def compiled_dir(package: Path, environ=os.environ) -> Optional[Path]:
    """The folder of extension modules `scripts/compile.py` built from this package's sources,
    when every source it lists is unchanged since (else None: an edited module runs as written,
    never shadowed by a stale build). `PRESSMETRICS_PURE=1` leaves the build unused."""
    folder = package / "_compiled"
    if environ.get("PRESSMETRICS_PURE", "") not in ("", "0"):
        return None
    try:
        manifest = json.loads((folder / "sources.json").read_text(encoding="utf-8"))
        modules = manifest["modules"] if manifest.get("python") == sys.implementation.cache_tag else {}
        # (a module written for Cython is listed by its file, minhash.pyx; a Python module by its name)
        fresh = all(hashlib.sha1((package / (m if m.endswith(".pyx") else f"{m}.py")).read_bytes()).hexdigest() == sha
                    for m, sha in modules.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return folder if fresh and modules else None


# the compiled modules are found before the sources
_built = compiled_dir(Path(__file__).resolve().parent)
if _built is not None:
    __path__.insert(0, str(_built))  # noqa: F821 (a package's __path__)
