"""The database documentation (docs/schema.md), printed by `pressmetrics schema`."""
from pathlib import Path

_DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
SCHEMA_DOC = _DOC.read_text(encoding="utf-8") if _DOC.exists() else "docs/schema.md is missing from this installation."


def example_queries(text: str = SCHEMA_DOC) -> list[str]:
    """The ```sql blocks of the documentation (the tests run each one)."""
    out, cur = [], None
    for line in text.splitlines():
        if line.strip() == "```sql":
            cur = []
        elif line.strip() == "```" and cur is not None:
            out.append("\n".join(cur))
            cur = None
        elif cur is not None:
            cur.append(line)
    return out
