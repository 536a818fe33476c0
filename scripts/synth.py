"""Distinct synthetic press releases built from the project's corpus, for tests and benchmarks.

Each article takes a headline and paragraphs from randomly chosen corpus articles, moves the
story to another county bureau, and varies every count (not dates or codes), so that no two
are near-duplicates of each other. Deterministic for a given seed.

    python scripts/synth.py OUT_DIR --count 5000 [--seed 1]
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.read import read_path  # noqa: E402

PLACES = ["桐城市", "平江县", "宜章县", "武义县", "永春县", "沂水县", "会泽县", "清河县", "龙泉市", "舞阳县",
          "南安市", "东台市", "阆中市", "鱼台县", "瑞安市", "福鼎市", "仙桃市", "隆回县", "陇县", "蒲城县",
          "湄潭县", "瓮安县", "静宁县", "夏津县", "郓城县", "花垣县", "胶州市", "旺苍县", "盐池县", "永宁县"]
_COUNT = re.compile(r"(?<![\d.\-:/年月])(\d{1,6})(?=[余多]?[万]?(?:人次|辆次|家次|名|人|起|辆|个|处|份|条|块|场|次|户|家|元|本|把|件|台次|台))")
_BUREAU = re.compile(r"[\u4e00-\u9fa5]{2,5}?[县市]公安局")


def _templates() -> list[tuple[str, list[str]]]:
    out = []
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        docs = [d for d in read_path(p) if hasattr(d, "text")]
        if not docs:
            continue
        lines = [ln for ln in docs[0].text.splitlines() if ln.strip()]
        body = [ln for ln in lines if len(ln) >= 40 and re.search(r"\d", ln)]
        if body:
            out.append((lines[0], body))
    return out


def article(rng: random.Random, templates, n: int) -> str:
    title, _ = rng.choice(templates)
    paras = [rng.choice(rng.choice(templates)[1]) for _ in range(rng.randint(2, 4))]
    place = rng.choice(PLACES)
    year = rng.randint(2008, 2025)
    day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    text = "\n".join([title, f"发布时间:{day} 10:00  来源:平安{place[:-1]}网", *paras, f"(编号{n})"])
    text = _BUREAU.sub(f"{place}公安局", text)
    return _COUNT.sub(lambda m: str(max(1, int(int(m.group(1)) * rng.uniform(0.3, 3.0)))), text)


def generate(out_dir: Path, count: int, seed: int = 1) -> list[Path]:
    """`count` articles, none a near-duplicate of another by the pipeline's own MinHash test."""

    from pipeline.clean import clean
    from pipeline.dedupe import Index, signature
    from pipeline.rules import load_rules

    boilerplate = load_rules().boilerplate

    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    templates = _templates()
    lsh = Index()
    paths = []
    for i in range(count):
        for _ in range(50):
            text = article(rng, templates, i)
            mh = signature(clean(text, boilerplate).body)  # what ingest compares
            if not lsh.query(mh):
                break
        lsh.insert(str(i), mh)
        p = out_dir / f"synth-{i:05d}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    print(f"wrote {len(generate(a.out_dir, a.count, a.seed))} articles to {a.out_dir}")


if __name__ == "__main__":
    main()
