"""Stage 6, compare: cross-region tables from the `tallies_comparable` view.

Every aggregate leaves out breakdowns and duplicate articles (the view does), keeps 人 and
人次 apart, and dates a tally by its activity's start, else the article's publication.
"""
from __future__ import annotations

from typing import Optional

LEVEL_COLUMNS = {
    "county": ("county_adcode", "coalesce(county, city, province)"),
    "city": ("city_adcode", "coalesce(city, province)"),
    "province": ("province_adcode", "province"),
}
PERIODS = {"month": "strftime(date, '%Y-%m')", "quarter": "strftime(date, '%Y') || '-Q' || quarter(date)",
           "year": "strftime(date, '%Y')"}


def comparison_sql(by: str = "county", period: str = "year", categories: Optional[list[str]] = None,
                   date_from: Optional[str] = None, date_to: Optional[str] = None, region: Optional[str] = None) -> tuple[str, list]:
    """SQL and parameters for totals per region, period, category and unit, ranked within each."""
    code, name = LEVEL_COLUMNS[by]
    per = PERIODS[period]
    where = [f"{code} IS NOT NULL"]
    params: list = []
    if categories:
        where.append(f"category IN ({', '.join('?' for _ in categories)})")
        params += list(categories)
    if date_from:
        where.append("date >= CAST(? AS DATE)")
        params.append(date_from)
    if date_to:
        where.append("date <= CAST(? AS DATE)")
        params.append(date_to)
    if region:
        if region.isdigit():
            where.append("(adcode LIKE ? OR province_adcode LIKE ?)")
            params += [region.rstrip("0") + "%"] * 2
        else:
            where.append("(province LIKE ? OR city LIKE ? OR county LIKE ?)")
            params += [f"%{region}%"] * 3
    sql = f"""
    SELECT {code} AS adcode, any_value({name}) AS region, coalesce({per}, 'undated') AS period,
           category, unit, sum(value) AS total, count(*) AS tallies, count(DISTINCT doc_id) AS articles
    FROM tallies_comparable
    WHERE {' AND '.join(where)}
    GROUP BY {code}, period, category, unit
    """
    ranked = f"""
    SELECT *, rank() OVER (PARTITION BY period, category, unit ORDER BY total DESC) AS rank
    FROM ({sql}) ORDER BY category, unit, period, rank, adcode
    """
    return ranked, params


def with_population(rows: list[dict], population: dict[str, float]) -> list[dict]:
    """Add a rate per 100,000 residents where the region's population is known."""
    out = []
    for r in rows:
        pop = population.get(str(r["adcode"]))
        r = dict(r)
        r["per_100k"] = round(r["total"] / pop * 100000, 3) if pop else None
        out.append(r)
    return out


def widen(rows: list[dict], columns: int = 6) -> list[dict]:
    """One row per region and period; the category/unit pairs most regions report become columns."""
    from collections import Counter

    freq = Counter((r["category"], r["unit"]) for r in rows)
    cols = [k for k, _ in freq.most_common(columns)]
    table: dict[tuple, dict] = {}
    for r in rows:
        key = (r["adcode"], r["period"])
        row = table.setdefault(key, {"adcode": r["adcode"], "region": r["region"], "period": r["period"],
                                     **{f"{c}({u})": None for c, u in cols}, "articles": set()})
        row["articles"].add(r["articles"])
        if (r["category"], r["unit"]) in cols:
            row[f"{r['category']}({r['unit']})"] = r["total"]
    out = []
    for (code, period), row in sorted(table.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        row["articles"] = max(row["articles"])
        out.append(row)
    return out
