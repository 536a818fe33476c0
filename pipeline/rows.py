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
    minhash: Optional[list[int]] = None
    line: Optional[int] = None


@dataclass
class Rows:
    """One article's rows for `articles`, `activities` and `tallies`: what a worker hands the
    writing process (plain values, cheap to pass between processes)."""

    doc_id: str
    path: Optional[str]
    line: Optional[int]
    article: dict
    activities: list[dict]
    tallies: list[dict]

    @property
    def minhash(self) -> Optional[list[int]]:
        return self.article["minhash"]


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
    art = {
        "doc_id": a.doc_id, "content_sha1": it.sha1, "path": a.path, "line": it.line, "url": a.url,
        "title": a.title, "published": a.published, "source": a.source, "agency": a.agency,
        "region_level": r.level if r else None, "province": r.province if r else None, "city": r.city if r else None,
        "county": r.county if r else None, "adcode": r.adcode if r else None,
        "province_adcode": prov, "city_adcode": city, "county_adcode": county,
        "n_activities": len(a.activities), "n_tallies": len(a.metrics),
        "duplicate_of": None, "minhash": it.minhash,
        "rules_version": rules_version, "extracted_at": datetime.now(timezone.utc).replace(tzinfo=None), "text": it.text,
    }
    starts = {x.name: x.start for x in a.activities}
    acts = [{"doc_id": a.doc_id, "seq": i, "name": x.name, "type": x.type, "start_date": x.start, "end_date": x.end}
            for i, x in enumerate(a.activities)]
    tals = [{"doc_id": a.doc_id, "seq": i, "category": m.category, "value": float(m.value), "unit": m.unit,
             "approx": m.approx, "breakdown": m.breakdown, "activity": m.activity,
             "date": starts.get(m.activity) or a.published, "evidence": m.evidence,
             "start_offset": m.start, "end_offset": m.end, "rule": m.rule}
            for i, m in enumerate(a.metrics)]
    return Rows(a.doc_id, a.path, it.line, art, acts, tals)
