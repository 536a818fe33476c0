"""The database rows of one extracted article: plain values, built where the article was
extracted (a worker process) so that the process writing DuckDB only converts and inserts.
Pure Python: no DuckDB here, so workers never import it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from .models import Article


def content_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass
class Stored:
    """One extracted article ready to write: the record and what identifies its version."""

    article: Article
    sha1: str
    text: str
    minhash: Optional[bytes] = None  # dedupe.packed_signature
    line: Optional[int] = None


# the columns of `articles`, `activities` and `tallies` in the order a row's values are given
# (store.py types them, in this order, for Arrow)
ARTICLE_COLUMNS = ("doc_id", "content_sha1", "path", "line", "url", "title", "published", "source", "agency",
                   "region_level", "province", "city", "county", "adcode", "province_adcode", "city_adcode", "county_adcode",
                   "n_activities", "n_tallies", "duplicate_of", "minhash", "rules_version", "extracted_at", "text")
ACTIVITY_COLUMNS = ("doc_id", "seq", "name", "type", "start_date", "end_date")
TALLY_COLUMNS = ("doc_id", "seq", "category", "value", "unit", "approx", "breakdown", "activity", "date", "evidence",
                 "start_offset", "end_offset", "rule")
DUPLICATE_OF = ARTICLE_COLUMNS.index("duplicate_of")  # None in a worker's row: the writing process knows the twins
MINHASH = ARTICLE_COLUMNS.index("minhash")  # packed (bytes) in a worker's row: store.py makes the column of them in one copy
TEXT = ARTICLE_COLUMNS.index("text")  # UTF-8 bytes in a worker's row: store.py makes the column of them in one copy


@dataclass
class Rows:
    """One article's rows for `articles`, `activities` and `tallies`, as tuples of plain values
    in the columns' order: what a worker hands the writing process (a tuple pickles and becomes
    an Arrow column at a third of a dict's cost)."""

    doc_id: str
    path: Optional[str]
    line: Optional[int]
    minhash: Optional[bytes]  # dedupe.packed_signature (as in `article`)
    article: tuple
    activities: list[tuple]
    tallies: list[tuple]


def _region_codes(adcode: Optional[str], level: Optional[str]) -> tuple[Optional[str], Optional[str], Optional[str]]:
    if not adcode or level == "national":
        return None, None, None
    prov = adcode[:2] + "0000"
    city = adcode[:4] + "00" if level in ("city", "county") and adcode[2:4] != "00" else None
    county = adcode if level == "county" else None
    return prov, city, county


def rows_for(it: Stored, rules_version: str) -> Rows:
    """The rows of one article for `articles`, `activities` and `tallies`. Pure: workers build
    them, so that the process writing the database only converts and inserts."""
    a = it.article
    r = a.region
    prov, city, county = _region_codes(r.adcode if r else None, r.level if r else None)
    extracted_at = datetime.now(timezone.utc).replace(tzinfo=None)
    doc_id = a.doc_id
    art = (doc_id, it.sha1, a.path, it.line, a.url, a.title, a.published, a.source, a.agency,
           r.level if r else None, r.province if r else None, r.city if r else None, r.county if r else None,
           r.adcode if r else None, prov, city, county, len(a.activities), len(a.metrics),
           None, it.minhash, rules_version, extracted_at, it.text.encode("utf-8"))
    starts = {x.name: x.start for x in a.activities}
    acts = [(doc_id, i, x.name, x.type, x.start, x.end) for i, x in enumerate(a.activities)]
    tals = [(doc_id, i, m.category, float(m.value), m.unit, m.approx, m.breakdown, m.activity,
             starts.get(m.activity) or a.published, m.evidence, m.start, m.end, m.rule)
            for i, m in enumerate(a.metrics)]
    return Rows(doc_id, a.path, it.line, it.minhash, art, acts, tals)
