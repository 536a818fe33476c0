"""Score extraction against gold files (SCHEMA form), as ../shared/eval/score.py defines it.

Used by `pressmetrics validate` so that CI fails on an extraction regression. A folder holds
<doc_id>.txt|.html articles, each with <doc_id>.json gold beside it; an article may also be a
line of a .jsonl file in the folder, whose `id` is the gold's doc_id.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .extract import extract
from .models import ReadError
from .read import read_path
from .rules import Rules


def _num(v):
    try:
        return round(float(v), 6)
    except (TypeError, ValueError):
        return None


def tally_key(m: dict) -> tuple:
    return (m.get("category"), _num(m.get("value")), m.get("unit"))


def _prf(tp, n_pred, n_gold):
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def _norm(name) -> str:
    return "".join(ch for ch in str(name or "") if ch not in " \u3000\"'“”‘’「」《》()（）")


def same_activity(g, p) -> bool:
    g, p = _norm(g), _norm(p)
    return bool(g and p) and (g == p or g in p or p in g)


def _jsonl_ids(folder: Path) -> dict[str, Path]:
    """The doc_id of every article of the folder's .jsonl files, as the reader gives it, with its
    file (lines the reader cannot take are left to evaluate_dir, which names them)."""
    ids: dict[str, Path] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for item in read_path(path):
            if not isinstance(item, ReadError):
                ids.setdefault(item.doc_id, path)
    return ids


def article_for(gold_path: Path, jsonl_ids: "dict[str, Path] | None" = None) -> "Path | None":
    """The file the gold's article is in: <doc_id>.txt/.html beside it, or the .jsonl holding that id."""
    beside = next((gold_path.with_suffix(s) for s in (".txt", ".html", ".htm") if gold_path.with_suffix(s).exists()), None)
    if beside is not None:
        return beside
    ids = _jsonl_ids(gold_path.parent) if jsonl_ids is None else jsonl_ids
    return ids.get(gold_path.stem)


def load_pairs(gold_dir: Path) -> list[tuple[str, Path, dict]]:
    """(doc_id, the file its article is in, the gold) for every gold file of the folder."""
    pairs = []
    ids = _jsonl_ids(gold_dir)
    for gold_path in sorted(gold_dir.glob("*.json")):
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{gold_path}: not a readable gold JSON file: {exc}") from None
        article = article_for(gold_path, ids)
        if article is None:
            raise ValueError(f"{gold_path}: no article (.txt or .html) beside it, nor a .jsonl line with id {gold_path.stem!r}")
        pairs.append((gold_path.stem, article, gold))
    if not pairs:
        raise ValueError(f"{gold_dir}: no gold .json files")
    return pairs


def score(golds: dict[str, dict], preds: dict[str, dict]) -> dict:
    c = Counter()
    per_cat = Counter()
    report = []
    for doc_id, g in sorted(golds.items()):
        p = preds.get(doc_id, {})
        gm = {}
        for m in g.get("metrics") or []:
            gm.setdefault(tally_key(m), m)
        pm = {}
        for m in p.get("metrics") or []:
            pm.setdefault(tally_key(m), m)
        both = gm.keys() & pm.keys()
        c["tp"] += len(both); c["pred"] += len(pm); c["gold"] += len(gm)
        for k in both:
            per_cat[(k[0], "tp")] += 1
        for k in pm:
            per_cat[(k[0], "pred")] += 1
        for k in gm:
            per_cat[(k[0], "gold")] += 1
        gd, pd = {k[1:] for k in gm}, {k[1:] for k in pm}
        c["dtp"] += len(gd & pd); c["dpred"] += len(pd); c["dgold"] += len(gd)
        for k in both:
            c["n"] += 1
            c["approx"] += bool(gm[k].get("approx")) == bool(pm[k].get("approx"))
            c["bd"] += bool(gm[k].get("breakdown")) == bool(pm[k].get("breakdown"))
            if gm[k].get("activity"):
                c["link_n"] += 1
                c["link"] += same_activity(gm[k]["activity"], pm[k].get("activity"))
        gt = Counter(a.get("type") for a in g.get("activities") or [])
        pt = Counter(a.get("type") for a in p.get("activities") or [])
        c["atp"] += sum((gt & pt).values()); c["agold"] += sum(gt.values()); c["apred"] += sum(pt.values())
        for t in gt:
            ga = [a for a in g["activities"] if a.get("type") == t]
            pa_ = [a for a in p.get("activities") or [] if a.get("type") == t]
            for i, a in enumerate(ga):
                if a.get("start") or a.get("end"):
                    c["date_n"] += 1
                    if i < len(pa_):
                        c["date"] += (pa_[i].get("start"), pa_[i].get("end")) == (a.get("start"), a.get("end"))
        c["pub"] += p.get("published") == g.get("published")
        if g.get("region"):
            c["reg_n"] += 1
            gr, pr = g["region"], p.get("region") or {}
            ok = pr.get("level") == "national" if gr.get("level") == "national" else bool(gr.get("adcode")) and str(pr.get("adcode")) == str(gr.get("adcode"))
            c["reg"] += ok
        missed, extra = sorted(set(gm) - both, key=str), sorted(set(pm) - both, key=str)
        if missed or extra:
            report.append(f"## {doc_id}")
            report += [f"  missed {k[0]} {k[1]:g} {k[2]}   {gm[k].get('evidence', '')}" for k in missed]
            report += [f"  extra  {k[0]} {k[1]:g} {k[2]}   {pm[k].get('evidence', '')} [{pm[k].get('rule')}]" for k in extra]
    n = len(golds)
    return {
        "articles": n,
        "gold_tallies": c["gold"],
        "tallies": _prf(c["tp"], c["pred"], c["gold"]),
        "detection": _prf(c["dtp"], c["dpred"], c["dgold"]),
        "approx_accuracy": c["approx"] / c["n"] if c["n"] else None,
        "breakdown_accuracy": c["bd"] / c["n"] if c["n"] else None,
        "activity_link_accuracy": c["link"] / c["link_n"] if c["link_n"] else None,
        "activities": _prf(c["atp"], c["apred"], c["agold"]),
        "activity_dates_accuracy": c["date"] / c["date_n"] if c["date_n"] else None,
        "published_accuracy": c["pub"] / n if n else None,
        "region_accuracy": c["reg"] / c["reg_n"] if c["reg_n"] else None,
        "per_category": {cat: _prf(per_cat[(cat, "tp")], per_cat[(cat, "pred")], per_cat[(cat, "gold")]) | {"gold": per_cat[(cat, "gold")]}
                         for cat in sorted({k[0] for k in per_cat})},
        "report": report,
    }


def evaluate_dir(gold_dir: Path, rules: Rules) -> dict:
    golds, preds = {}, {}
    pairs = load_pairs(gold_dir)
    for doc_id, _, gold in pairs:
        golds[doc_id] = gold
    for article in dict.fromkeys(a for _, a, _ in pairs):  # a .jsonl file is read once
        for item in read_path(article):
            if isinstance(item, ReadError):
                raise ValueError(f"{item.path}: {item.reason}")
            if item.doc_id in golds:
                preds[item.doc_id] = extract(item, rules).model_dump()
    return score(golds, preds)
