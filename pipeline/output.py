"""Rows out, in the formats every command shares: table, csv, json, jsonl (and parquet to a file)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal


def _plain(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def render(rows: list[dict], fmt: str, title: str | None = None) -> str:
    rows = [{k: _plain(v) for k, v in r.items()} for r in rows]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "jsonl":
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    if fmt == "csv":
        buf = io.StringIO()
        if rows:
            w = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        return buf.getvalue().rstrip("\n")
    return table(rows, title)


def table(rows: list[dict], title: str | None = None) -> str:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, show_lines=False)
    cols = list(rows[0].keys()) if rows else ["(no rows)"]
    for c in cols:
        t.add_column(str(c), overflow="fold")
    for r in rows:
        t.add_row(*["" if r.get(c) is None else str(r.get(c)) for c in cols])
    console = Console(width=160, record=True, file=io.StringIO(), force_terminal=False, color_system=None)
    console.print(t)
    return console.export_text().rstrip("\n")


def write_parquet(rows: list[dict], path: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist([{k: _plain(v) for k, v in r.items()} for r in rows]), path)
