"""Where extraction spends its time, stage by stage, per article.

    python scripts/stages.py [FOLDER] [--count 1000]

Times each stage of `pipeline.extract.analyse` separately on the articles of FOLDER (default: a
fresh synthetic corpus like `make bench` builds), next to `jieba.lcut` over the same cleaned
text (the bench's floor; extraction's own pass runs jieba's algorithm in jieba-rs), and prints
milliseconds per article. The stages are timed one after another, so their sum
is close to (not exactly) the whole `analyse` call, which is timed too.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path)
    ap.add_argument("--count", type=int, default=1000, help="synthetic articles when no folder is given")
    a = ap.parse_args()

    import jieba

    from pipeline import extract as X
    from pipeline.activities import find_activities
    from pipeline.clean import clean
    from pipeline.meta import published, region_and_agency, title
    from pipeline.read import read_all
    from pipeline.rules import load_rules
    from pipeline.segment import load_jieba, tokens
    from pipeline.tallies import find_tallies

    folder = a.folder
    if folder is None:
        import synth

        folder = Path(tempfile.mkdtemp(prefix="pressmetrics-stages-"))
        synth.generate(folder, a.count, seed=1)
    rules = load_rules()
    docs = [d for d in read_all([folder]) if hasattr(d, "text")]
    if a.folder is None:
        shutil.rmtree(folder)
    X.prepare(rules)
    load_jieba(str(rules.userdict))  # the floor: Python jieba with the project's user dictionary
    spent: dict[str, float] = {}

    def timed(stage, fn):
        t = time.perf_counter()
        out = fn()
        spent[stage] = spent.get(stage, 0.0) + time.perf_counter() - t
        return out

    for d in docs:
        stored = X.stored_text(d)
        c = timed("clean", lambda: clean(stored, rules.boilerplate))
        timed("(jieba.lcut alone, the floor)", lambda: jieba.lcut(c.body))
        toks = timed("segment (the one jieba pass)", lambda: tokens(c.body, rules.userdict))
        pub = timed("published, title", lambda: published(c, d.published))
        head = timed("published, title", lambda: title(c))
        timed("region and agency", lambda: region_and_agency(c, rules.metadata, toks.starts, toks.texts))
        timed("tallies", lambda: find_tallies(c.body, rules.tallies, rules.language.cues))
        end = X.title_end_of(c, head)
        timed("activities", lambda: find_activities(c.body, rules.activities, rules.language.cues, pub, end))
        timed("analyse, all of it", lambda: X.analyse(d, rules))
    print(f"{len(docs)} articles from {folder}, ms per article:")
    for stage, secs in spent.items():
        print(f"  {stage:30s} {1000 * secs / len(docs):6.3f}")


if __name__ == "__main__":
    main()
