"""`pressmetrics report`: one self-contained HTML file (inline SVG, no scripts, no CDN).

For each category: totals by county (bars) and by year (bars), with the tables behind them.
Every number comes from the `tallies_comparable` view, so breakdowns and duplicate articles
are left out exactly as in `compare`.
"""
from __future__ import annotations

import html
from datetime import datetime, timezone

BY_REGION = """
SELECT category, unit, coalesce(county, city, province, '全国') AS region, coalesce(adcode, '') AS adcode,
       sum(value) AS total, count(DISTINCT doc_id) AS articles
FROM tallies_comparable GROUP BY ALL ORDER BY category, unit, total DESC, adcode, region
"""
BY_YEAR = """
SELECT category, unit, coalesce(CAST(year(date) AS VARCHAR), 'undated') AS year, sum(value) AS total, count(DISTINCT doc_id) AS articles
FROM tallies_comparable GROUP BY ALL ORDER BY category, unit, year
"""
MAIN_UNITS = """
SELECT category, unit FROM tallies_comparable GROUP BY category, unit
QUALIFY row_number() OVER (PARTITION BY category ORDER BY count(*) DESC, unit) = 1
ORDER BY category
"""


def _fmt(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"


def _bars(rows: list[tuple[str, float]], label: str) -> str:
    """A horizontal bar chart as inline SVG."""
    if not rows:
        return ""
    top = max(v for _, v in rows) or 1
    h = 22 * len(rows) + 10
    parts = [f'<svg class="chart" role="img" aria-label="{html.escape(label)}" width="640" height="{h}">']
    for i, (name, v) in enumerate(rows):
        y = 5 + 22 * i
        w = max(1, int(380 * v / top))
        parts.append(f'<text x="150" y="{y + 15}" text-anchor="end" font-size="12">{html.escape(name)}</text>'
                     f'<rect x="158" y="{y + 3}" width="{w}" height="15" fill="#2b6cb0"/>'
                     f'<text x="{164 + w}" y="{y + 15}" font-size="12">{_fmt(v)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: list[str], rows: list[list], cls: str) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def build_report(con, top: int = 15) -> str:
    units = con.execute(MAIN_UNITS).fetchall()
    by_region = con.execute(BY_REGION).fetchall()
    by_year = con.execute(BY_YEAR).fetchall()
    n_articles, n_regions = con.execute(
        "SELECT count(*), count(DISTINCT adcode) FROM articles WHERE duplicate_of IS NULL").fetchone()
    sections = []
    for cat, unit in units:
        all_reg = [(r[2], r[3], r[4], r[5]) for r in by_region if r[0] == cat and r[1] == unit]
        reg = all_reg[:top]
        shown = f"By region (the {top} largest of {len(all_reg)})" if len(all_reg) > top else "By region"
        yrs = [(r[2], r[3], r[4]) for r in by_year if r[0] == cat and r[1] == unit]
        sections.append(
            f'<section id="{cat}"><h2>{html.escape(cat)} <small>({html.escape(unit)})</small></h2>'
            f'<div class="pair"><div><h3>{shown}</h3>{_bars([(f"{n} {c}".strip(), v) for n, c, v, _ in reg], cat + " by region")}'
            + _table(["region", "adcode", "total", "articles"], [[n, c, _fmt(v), a] for n, c, v, a in reg], f"by-region {cat}")
            + f'</div><div><h3>By year</h3>{_bars([(y, v) for y, v, _ in yrs], cat + " by year")}'
            + _table(["year", "total", "articles"], [[y, _fmt(v), a] for y, v, a in yrs], f"by-year {cat}")
            + "</div></div></section>")
    nav = " · ".join(f'<a href="#{c}">{html.escape(c)}</a>' for c, _ in units)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>pressmetrics report</title>
<style>
body{{font-family:"Noto Sans CJK SC","Noto Sans SC","WenQuanYi Micro Hei",sans-serif;margin:24px;color:#1a202c}}
h1{{font-size:22px}} h2{{font-size:18px;border-bottom:1px solid #cbd5e0;padding-bottom:4px;margin-top:28px}} h3{{font-size:14px;color:#4a5568}}
.pair{{display:flex;flex-wrap:wrap;gap:24px}} table{{border-collapse:collapse;font-size:12px;margin-top:6px}}
td,th{{border:1px solid #e2e8f0;padding:2px 8px;text-align:right}} td:first-child,th:first-child{{text-align:left}}
small{{color:#718096}} nav{{font-size:12px;line-height:1.8}}
</style></head><body>
<h1>pressmetrics: tallies of police work by region and year</h1>
<p>{n_articles} articles from {n_regions} regions; breakdowns (其中 …) and republished copies are left out; units of one family are folded (公斤 → 克, 万元 → 元), 人 and 人次 kept apart. Generated {stamp}.</p>
<nav>{nav}</nav>
{''.join(sections)}
</body></html>
"""
