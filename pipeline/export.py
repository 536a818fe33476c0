"""Tables and views to CSV, or to Parquet partitioned by province and year, through DuckDB's COPY."""
from __future__ import annotations

from pathlib import Path

# the date that places a row in a year partition
_YEAR = {"tallies_comparable": "date", "tallies": "date", "articles": "published", "activities": "start_date", "comparison": "month"}
_PROVINCE = {"tallies_comparable": "province", "articles": "province", "comparison": "province"}


def _select(name: str) -> str:
    """The rows of a table with `province` and `year` columns to partition by."""
    if name in ("tallies", "activities"):
        return (f"SELECT t.*, coalesce(a.province, '全国') AS province, coalesce(year(t.{_YEAR[name]}), year(a.published)) AS year "
                f"FROM {name} t JOIN articles a USING (doc_id)")
    if name == "errors":
        return "SELECT *, 'none' AS province, year(logged_at) AS year FROM errors"
    extra = "minhash, text, " if name == "articles" else ""
    cols = f"* EXCLUDE ({extra}province)" if name in _PROVINCE else "*"
    return f"SELECT {cols}, coalesce(province, '全国') AS province, year({_YEAR[name]}) AS year FROM {name}"


def export(con, names: list[str], fmt: str, out_dir: Path):
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        rows = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        if fmt == "csv":
            path = out_dir / f"{name}.csv"
            con.execute(f"COPY ({_select(name)}) TO '{path}' (FORMAT CSV, HEADER)")
        else:
            path = out_dir / name
            con.execute(f"COPY ({_select(name)}) TO '{path}' (FORMAT PARQUET, PARTITION_BY (province, year), OVERWRITE_OR_IGNORE)")
        yield name, path, rows
