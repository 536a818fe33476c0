"""`pressmetrics explain`: what the pipeline saw and decided, for rule authors.

Shows the cleaned article, what cleaning removed, every tally with its evidence, rule id and
tokens, and every number that became no tally with the reason.
"""
from __future__ import annotations

from .extract import Analysis


def _tokens(doc, s: int, e: int) -> str:
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return ""
    return " ".join(t.text for t in span if not t.is_space)


def explain_lines(a: Analysis) -> list[str]:
    art = a.article
    out = [f"# {art.doc_id}", f"title      {art.title}", f"published  {art.published}", f"source     {art.source}",
           f"agency     {art.agency}",
           f"region     {art.region.model_dump() if art.region else None}", "", "## Cleaned text (what extraction reads)"]
    out += ["  " + ln for ln in a.cleaned.body_text().split("\n")]
    out += ["", "## Removed by cleaning"]
    for s, e, why in a.cleaned.removed:
        line = a.cleaned.view.stored_span(s, e).strip()
        if line:
            out.append(f"  [{why}] {line[:70]}")
    out += ["", "## Activities"]
    for act in art.activities:
        out.append(f"  {act.type:15} {act.name}  {act.start or '-'} .. {act.end or '-'}")
    out += ["", "## Tallies"]
    doc = a.doc()
    for m in art.metrics:
        flags = ("~" if m.approx else " ") + ("B" if m.breakdown else " ")
        out.append(f"  {m.category:19} {m.value:>10g} {m.unit:3} {flags} rule={m.rule}  activity={m.activity}")
        out.append(f"      evidence: {m.evidence}")
        vs = next((f for f in a.findings if f.is_tally and a.cleaned.view.to_stored(f.q.num_start, f.q.end) == (m.start, m.end)), None)
        if vs:
            out.append(f"      tokens:   {_tokens(doc, *vs.evidence)}   (verb {vs.verb!r}, noun {vs.noun!r})")
    out += ["", "## Numbers that are no tally"]
    kept = {(m.start, m.end) for m in art.metrics}
    for f in a.findings:
        span = a.cleaned.view.to_stored(f.q.num_start, f.q.end)
        if f.is_tally and span in kept:
            continue
        ctx_s = max(0, f.q.start - 10)
        ctx = a.cleaned.body[ctx_s:f.q.end + 6].replace("\n", " ").strip()
        why = f.reason or "same tally stated again (counted once)"
        out.append(f"  {f.q.raw:12} {why:45} …{ctx}…")
    return out
