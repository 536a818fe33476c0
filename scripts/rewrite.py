"""Robustness: score a gold folder again after rewriting its articles in ways that keep the gold.

    python scripts/rewrite.py [GOLD_DIR] [--ways spaced,renci,...]

Each way rewrites every `.txt` article of GOLD_DIR (default: the shared dev set) into a
temporary folder beside a copy of its gold file, the way real pages differ from one another:
spaces around numbers (出动警力 550 人次), a count of turns written 人(次) or 人/次, the page's date
written 2023年05月20日 or 2023/5/20, the source labelled 信息来源, the headline set twice, crumbs,
a photo caption and a site footer added, paragraphs indented, the article saved as HTML,
traditional characters, short forms (行拘, 刑拘, 嫌疑人), 共计 before counts, blank lines between paragraphs. It then runs `pressmetrics extract` on the
folder and scores it with the shared scorer. A rule that reads one way of writing only shows
up as a drop against the first row (the articles as they are).

Activity names are not compared for `traditional` (the gold names are simplified), so its link
accuracy is left out. Articles that are not UTF-8 `.txt` files are left out of every row.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PRESSMETRICS_SHARED", ROOT.parent / "shared"))
_DATE = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
# before a count that follows a word and is no date: where 共计 can be written (查处违法行为共计268起);
# not after 明确 (均明确1名专管民警: one named to each, where 共计 would not be written), nor inside a
# hedge that states a minimum (不少于100起, 至少3名)
_LEAD_AT = re.compile(r"(?<=[\u4e00-\u9fa5])(?<![共计达第为约近逾超过至到确確于少])(?=\d+(?:\.\d+)?万?[余多]?(?:起|名|人次|辆次|辆|份|家|处)"
                      r"(?![\u4e00-\u9fa5]?[月日年]))")
_SHORT = [("刑事拘留", "刑拘"), ("行政拘留", "行拘"), ("犯罪嫌疑人", "嫌疑人"), ("宣传资料", "宣传单"), ("横幅", "条幅")]


def _spaced(t: str) -> str:
    return re.sub(r"(?<=[\u4e00-\u9fa5])(\d+)(?=[\u4e00-\u9fa5])", r" \1 ", t)


def _as_html(t: str) -> str:
    lines = t.split("\n")
    return ('<html><head><meta charset="utf-8"><title>' + html.escape(lines[0]) + " - 平安网</title></head><body>"
            '<div class="nav"><a href="/">首页</a> | <a>警务动态</a></div><div class="content">'
            + "".join("<p>" + html.escape(ln) + "</p>" for ln in lines)
            + '</div><div class="footer">版权所有:平安网 备案号:京ICP备12345678号</div></body></html>')


def _traditional(t: str) -> str:
    from pipeline.quiet import quiet

    with quiet():
        import jionlp
    return jionlp.sim2tra(t, mode="char")


WAYS = {
    "as is": lambda t: t,
    "spaced": _spaced,
    "renci": lambda t: re.sub(r"(?<=\d)(余|多)?(人|辆|台)次", lambda m: (m.group(1) or "") + m.group(2) + "（次）", t),
    "renci-slash": lambda t: re.sub(r"(?<=\d)(余|多)?(人|辆|台|家)次", lambda m: (m.group(1) or "") + m.group(2) + "/次", t),
    "date-cn": lambda t: _DATE.sub(lambda m: f"{m.group(1)}年{m.group(2)}月{m.group(3)}日", t),
    "date-slash": lambda t: _DATE.sub(lambda m: f"{m.group(1)}/{int(m.group(2))}/{int(m.group(3))}", t),
    "source-label": lambda t: re.sub(r"来源[:：]", "信息来源：", t),
    "headline-twice": lambda t: "\n".join([t.split("\n")[0]] + t.split("\n")),
    "crumbs": lambda t: "当前位置：首页 > 警务动态 > 正文\n" + t,
    "caption": lambda t: "\n".join(t.split("\n")[:3] + ["（图为民警在现场开展工作）"] + t.split("\n")[3:]),
    "footer": lambda t: t.rstrip("\n") + "\n【打印本页】【关闭窗口】\n主办单位：某县人民政府办公室 备案号：湘ICP备12345678号-1\n",
    "indented": lambda t: re.sub(r"(?m)^(?=\S)", "\u3000\u3000", t),
    "full-width": lambda t: t.translate(str.maketrans(",;:()!?", "，；：（）！？")),
    "short-forms": lambda t: _replace_all(t, _SHORT),
    "lead-words": lambda t: _LEAD_AT.sub("共计", t),
    "blank-lines": lambda t: t.replace("\n", "\n\n"),
    "html": _as_html,
    "traditional": _traditional,
}


def _replace_all(t: str, pairs: list[tuple[str, str]]) -> str:
    for a, b in pairs:
        t = t.replace(a, b)
    return t


def rewrite(gold: Path, out: Path, way: str) -> int:
    """Write GOLD's articles rewritten one way into OUT beside their gold files; how many."""
    n = 0
    for txt in sorted(gold.glob("*.txt")):
        g = txt.with_suffix(".json")
        if not g.exists():
            continue
        try:
            text = txt.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = WAYS[way](text)
        (out / (txt.stem + (".html" if way == "html" else ".txt"))).write_text(new, encoding="utf-8")
        (out / g.name).write_text(g.read_text(encoding="utf-8"), encoding="utf-8")
        n += 1
    return n


def score(folder: Path, pred: Path) -> dict:
    subprocess.run([sys.executable, "-m", "pipeline", "extract", str(folder), "--format", "jsonl"],
                   stdout=pred.open("w"), stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(folder), str(pred), "--json"],
                         capture_output=True, text=True, check=True)
    s, _ = json.JSONDecoder().raw_decode(out.stdout)  # (the scorer prints its table after the JSON)
    return {**s, "tallies_f1": s["tallies"]["f1"], "activities_f1": s["activities"]["f1"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="?", type=Path, default=SHARED / "eval" / "dev")
    ap.add_argument("--ways", default=",".join(WAYS), help="comma-separated, of: " + ", ".join(WAYS))
    a = ap.parse_args()
    ways = [w.strip() for w in a.ways.split(",") if w.strip()]
    bad = [w for w in ways if w not in WAYS]
    if bad:
        sys.exit(f"unknown way(s): {', '.join(bad)}; choose from {', '.join(WAYS)}")
    cols = ("tallies_f1", "activities_f1", "activity_link_accuracy", "activity_dates_accuracy", "published_accuracy", "region_accuracy")
    print(f"{'way':16s} {'articles':>8s} " + " ".join(f"{c.replace('_accuracy', ''):>15s}" for c in cols))
    with tempfile.TemporaryDirectory(prefix="pressmetrics-rewrite-") as tmp:
        for way in ways:
            folder = Path(tmp) / way.replace(" ", "-")
            folder.mkdir()
            n = rewrite(a.gold, folder, way)
            s = score(folder, Path(tmp) / f"{folder.name}.jsonl")
            row = [s.get(c) if not (way == "traditional" and c == "activity_link_accuracy") else None for c in cols]
            print(f"{way:16s} {n:8d} " + " ".join(f"{v:15.3f}" if isinstance(v, (int, float)) else f"{'-':>15s}" for v in row))


if __name__ == "__main__":
    main()
