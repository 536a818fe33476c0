"""Stage 5, store: records into DuckDB, in bulk, one transaction per batch of articles.

Tables `articles`, `activities`, `tallies`, `errors`; views `tallies_comparable` (breakdowns
and duplicate articles left out, units folded into comparable families, a date on every
tally) and `comparison` (by region, category, unit and month). An article's rows are
replaced in the same transaction that writes its new version, so a killed ingest leaves
every article whole or absent, and re-running it finishes the job.
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

import duckdb

if TYPE_CHECKING:
    import pyarrow as pa

from .arrow import load as _arrow
from .dbpath import StoreError, check_writable  # noqa: F401 (StoreError: the CLI takes it from here)
from .models import ReadError
from .rows import ACTIVITY_COLUMNS, ARTICLE_COLUMNS, DUPLICATE_OF, MINHASH, TALLY_COLUMNS, TEXT, Rows

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS articles (
    doc_id VARCHAR PRIMARY KEY,
    content_sha1 VARCHAR NOT NULL,
    path VARCHAR, line INTEGER, url VARCHAR,
    title VARCHAR, published DATE, source VARCHAR, agency VARCHAR,
    region_level VARCHAR, province VARCHAR, city VARCHAR, county VARCHAR, adcode VARCHAR,
    province_adcode VARCHAR, city_adcode VARCHAR, county_adcode VARCHAR,
    n_activities INTEGER, n_tallies INTEGER,
    duplicate_of VARCHAR,
    minhash UBIGINT[],
    rules_version VARCHAR, extracted_at TIMESTAMP,
    text VARCHAR
);
CREATE TABLE IF NOT EXISTS activities (
    doc_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
    name VARCHAR, type VARCHAR, start_date DATE, end_date DATE
);
CREATE TABLE IF NOT EXISTS tallies (
    doc_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
    category VARCHAR NOT NULL, value DOUBLE NOT NULL, unit VARCHAR NOT NULL,
    approx BOOLEAN, breakdown BOOLEAN, activity VARCHAR,
    date DATE, evidence VARCHAR, start_offset INTEGER, end_offset INTEGER, rule VARCHAR
);
CREATE TABLE IF NOT EXISTS errors (
    path VARCHAR NOT NULL, line INTEGER, reason VARCHAR NOT NULL, logged_at TIMESTAMP
);
CREATE OR REPLACE VIEW tallies_comparable AS
SELECT t.doc_id, t.seq, t.category,
       CASE WHEN t.unit IN ('公斤','千克') THEN t.value * 1000 WHEN t.unit = '吨' THEN t.value * 1000000
            WHEN t.unit = '万元' THEN t.value * 10000 WHEN t.unit = '亿元' THEN t.value * 100000000
            ELSE t.value END AS value,
       CASE WHEN t.unit IN ('克','公斤','千克','吨') THEN '克'
            WHEN t.unit IN ('元','万元','亿元') THEN '元'
            WHEN t.unit IN ('辆','台','部') AND t.category IN ('police_vehicles','vehicles_seized','inspections','property_recovered') THEN '辆'
            WHEN t.unit IN ('辆次','台次','部次') THEN '辆次'
            WHEN t.unit IN ('名','人','位') THEN '人'
            ELSE t.unit END AS unit,
       t.unit AS unit_as_written, t.approx, t.activity, t.date, t.evidence, t.rule,
       a.region_level, a.province, a.city, a.county, a.adcode,
       a.province_adcode, a.city_adcode, a.county_adcode, a.published
FROM tallies t JOIN articles a USING (doc_id)
WHERE NOT t.breakdown AND a.duplicate_of IS NULL;
CREATE OR REPLACE VIEW comparison AS
SELECT region_level, province, city, county, adcode, category, unit,
       date_trunc('month', date) AS month, sum(value) AS total, count(*) AS tallies,
       count(DISTINCT doc_id) AS articles
FROM tallies_comparable
GROUP BY ALL;
"""


def open_db(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    p = Path(path)
    if read_only:
        if not p.exists():
            raise StoreError(f"{p}: no such database; run `pressmetrics ingest` first")
    else:
        check_writable(p)
    try:
        con = duckdb.connect(str(p), read_only=read_only)
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise StoreError(f"{p}: the database is busy (another pressmetrics or DuckDB process holds it); "
                             "wait for it to finish or use another --db") from None
        raise StoreError(f"{p}: cannot open the database: {msg.splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise StoreError(f"{p}: not a usable DuckDB database: {str(exc).splitlines()[0]}") from None
    if not read_only:
        con.execute(DDL)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    return con


def known_versions(con) -> dict[str, tuple[str, str]]:
    """doc_id → (content sha1, rules version) of what the database holds."""
    return {d: (h, r) for d, h, r in con.execute("SELECT doc_id, content_sha1, rules_version FROM articles").fetchall()}


def write_batch(con, items: list[Rows], duplicates: dict[str, str], replacing: set[str] | None = None) -> None:
    """Replace the rows of these articles with their new versions, all in one transaction.

    `replacing` names the articles the database already holds (None: check them all); new
    articles need no delete. (doc_id, seq) of tallies and activities carry no index: rows of an
    article are only ever written or removed together, here."""
    if not items:
        return
    acts = [row for it in items for row in it.activities]
    tals = [row for it in items for row in it.tallies]
    art_cols = list(zip(*(it.article for it in items)))
    art_cols[DUPLICATE_OF] = [duplicates.get(it.doc_id) for it in items]
    pa, (article_schema, activity_schema, tally_schema) = _arrow(), _schemas()
    for i, width in ((MINHASH, 4), (TEXT, 1)):
        art_cols[i] = _bytes_column(art_cols[i], article_schema.field(i).type, width)
    art_t = _table(art_cols, article_schema)
    act_t = _table(list(zip(*acts)), activity_schema)
    tal_t = _table(list(zip(*tals)), tally_schema)
    old = [it.doc_id for it in items if replacing is None or it.doc_id in replacing]
    ids = pa.table({"doc_id": pa.array(old, pa.string())})
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("new_ids", ids)
        if old:
            for table in ("tallies", "activities", "articles"):
                con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM new_ids)")
        con.register("new_articles", art_t)
        con.register("new_activities", act_t)
        con.register("new_tallies", tal_t)
        con.execute("INSERT INTO articles BY NAME SELECT * FROM new_articles")
        con.execute("INSERT INTO activities BY NAME SELECT * FROM new_activities")
        con.execute("INSERT INTO tallies BY NAME SELECT * FROM new_tallies")
        con.execute("COMMIT")
    except Exception:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # a failed COMMIT has already ended the transaction
        raise
    finally:
        for v in ("new_ids", "new_articles", "new_activities", "new_tallies"):
            try:
                con.unregister(v)
            except Exception:
                pass


def checkpoint(con) -> None:
    """Move what the write-ahead log holds into the database file now (DuckDB does so by itself
    when the log passes 16 MB, and when the database is closed)."""
    con.execute("CHECKPOINT")


def write_errors(con, errors: Iterable[ReadError]) -> None:
    rows = [{"path": e.path, "line": e.line, "reason": e.reason, "logged_at": datetime.now(timezone.utc).replace(tzinfo=None)} for e in errors]
    if not rows:
        return
    pa = _arrow()
    t = pa.Table.from_pylist(rows, schema=pa.schema([("path", pa.string()), ("line", pa.int32()), ("reason", pa.string()), ("logged_at", pa.timestamp("us"))]))
    con.register("new_errors", t)
    try:
        con.execute("DELETE FROM errors WHERE (path, coalesce(line, -1)) IN (SELECT path, coalesce(line, -1) FROM new_errors)")
        con.execute("INSERT INTO errors BY NAME SELECT * FROM new_errors")
    finally:
        con.unregister("new_errors")


def clear_errors(con, paths: list[tuple[str, Optional[int]]]) -> None:
    """Errors of inputs that now read fine are history: drop them."""
    if not paths:
        return
    pa = _arrow()
    t = pa.table({"path": [p for p, _ in paths], "line": pa.array([l for _, l in paths], pa.int32())})
    con.register("ok_inputs", t)
    try:
        con.execute("DELETE FROM errors WHERE (path, coalesce(line, -1)) IN (SELECT path, coalesce(line, -1) FROM ok_inputs)")
    finally:
        con.unregister("ok_inputs")


def _table(columns: list, schema: "pa.Schema") -> "pa.Table":
    """Columns of plain values (rows.py's order) as an Arrow table (no rows: an empty one)."""
    if not columns:
        return schema.empty_table()
    pa = _arrow()
    return pa.Table.from_arrays([c if isinstance(c, pa.Array) else pa.array(c, type=f.type) for c, f in zip(columns, schema)],
                                schema=schema)


def _bytes_column(values: tuple, typ: "pa.DataType", width: int) -> "pa.Array | tuple":
    """A column of what workers hand over as bytes (None for none), made in one copy of them:
    `text` (large_string) of UTF-8 bytes, width 1, and `minhash` (list of uint32) of packed
    signatures (dedupe.packed_signature), width 4. The driver neither unpickles them into str
    and ints nor converts them one by one (each ~40 ms a run). Values of another kind (str,
    lists of ints: a library caller's rows) are left to _table."""
    from itertools import accumulate

    if not all(v is None or type(v) is bytes for v in values) or (width > 1 and sys.byteorder != "little"):
        return values  # (Arrow's buffers are little-endian, as array("I")'s are here)
    pa = _arrow()
    offset_type = pa.int64() if typ == pa.large_string() else pa.int32()  # (large: a batch may hold over 2 GB of text)
    offsets = pa.array(list(accumulate((0 if v is None else len(v) // width for v in values), initial=0)), offset_type)
    valid = pa.array([v is not None for v in values], pa.bool_()).buffers()[1] if None in values else None
    data = pa.py_buffer(b"".join(filter(None, values)))
    if width == 1:
        return pa.Array.from_buffers(typ, len(values), [valid, offsets.buffers()[1], data])
    items = pa.Array.from_buffers(typ.value_type, offsets[-1].as_py(), [None, data])
    return pa.Array.from_buffers(typ, len(values), [valid, offsets.buffers()[1]], children=[items])


@cache
def _schemas() -> tuple["pa.Schema", "pa.Schema", "pa.Schema"]:
    """The Arrow schemas of `articles`, `activities` and `tallies`, in rows.py's column order."""
    pa = _arrow()
    types = {
        "doc_id": pa.string(), "content_sha1": pa.string(), "path": pa.string(), "line": pa.int32(), "url": pa.string(),
        "title": pa.string(), "published": pa.string(), "source": pa.string(), "agency": pa.string(),
        "region_level": pa.string(), "province": pa.string(), "city": pa.string(), "county": pa.string(), "adcode": pa.string(),
        "province_adcode": pa.string(), "city_adcode": pa.string(), "county_adcode": pa.string(),
        "n_activities": pa.int32(), "n_tallies": pa.int32(), "duplicate_of": pa.string(), "minhash": pa.list_(pa.uint32()),  # (32-bit values: the insert widens them to the column's UBIGINT)
        "rules_version": pa.string(), "extracted_at": pa.timestamp("us"), "text": pa.large_string(),
        "seq": pa.int32(), "name": pa.string(), "type": pa.string(), "start_date": pa.string(), "end_date": pa.string(),
        "category": pa.string(), "value": pa.float64(), "unit": pa.string(), "approx": pa.bool_(), "breakdown": pa.bool_(),
        "activity": pa.string(), "date": pa.string(), "evidence": pa.string(), "start_offset": pa.int32(),
        "end_offset": pa.int32(), "rule": pa.string(),
    }
    return tuple(pa.schema([(c, types[c]) for c in columns]) for columns in (ARTICLE_COLUMNS, ACTIVITY_COLUMNS, TALLY_COLUMNS))
