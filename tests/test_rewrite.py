"""scripts/rewrite.py: the robustness check runs end to end and finds what it is meant to find."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SHARED

sys.path.insert(0, str(ROOT / "scripts"))
import rewrite  # noqa: E402

ARTICLES = ["tongcheng-2023-03-20", "enshi-2023-06-09"]


def _gold(tmp_path: Path) -> Path:
    """Two corpus articles with their gold, as a gold folder."""
    gold = tmp_path / "gold"
    gold.mkdir()
    for a in ARTICLES:
        for ext in (".txt", ".json"):
            shutil.copy(ROOT / "corpus" / (a + ext), gold)
    return gold


def test_each_way_keeps_the_gold_and_changes_the_text(tmp_path):
    gold = _gold(tmp_path)
    for way in ("spaced", "renci", "headline-twice", "html"):
        out = tmp_path / way
        out.mkdir()
        assert rewrite.rewrite(gold, out, way) == 2
        for a in ARTICLES:
            assert (out / (a + ".json")).read_text(encoding="utf-8") == (gold / (a + ".json")).read_text(encoding="utf-8")
            new = out / (a + (".html" if way == "html" else ".txt"))
            assert new.read_text(encoding="utf-8") != (gold / (a + ".txt")).read_text(encoding="utf-8"), (way, a)


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="../shared is not beside the clone")
def test_the_script_scores_every_way_it_is_given(tmp_path):
    gold = _gold(tmp_path)
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "rewrite.py"), str(gold), "--ways", "as is,spaced,renci"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = {ln.split()[0]: ln.split()[-6:] for ln in out.stdout.splitlines()[1:] if ln.strip()}
    assert set(rows) == {"as", "spaced", "renci"}
    assert rows["spaced"] == rows["renci"] == rows["as"]  # the rules read both ways of writing as they read the original
    bad = subprocess.run([sys.executable, str(ROOT / "scripts" / "rewrite.py"), str(gold), "--ways", "upside-down"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode != 0 and "unknown way" in bad.stderr


# ways of writing that change no tally of any corpus article (checked by the test below)
INVARIANT_WAYS = ("spaced", "renci", "renci-slash", "date-cn", "source-label", "headline-twice", "crumbs", "caption", "footer",
                  "full-width", "short-forms", "lead-words", "blank-lines")


def test_no_way_of_writing_changes_a_corpus_articles_tallies(rules):
    """Every corpus article, rewritten each of these ways, gives the tallies it gives as written,
    and none makes extraction fail."""
    from pipeline.extract import analyse
    from pipeline.models import RawDoc

    def tallies(text):
        art = analyse(RawDoc(doc_id="x", path="x.txt", text=text), rules).article
        return sorted((m.category, m.value, m.unit, m.approx, m.breakdown) for m in art.metrics)

    changed = []
    for txt in sorted((ROOT / "corpus").glob("*.txt")):
        try:
            text = txt.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        base = tallies(text)
        changed += [(txt.stem, way) for way in INVARIANT_WAYS if tallies(rewrite.WAYS[way](text)) != base]
    assert changed == []
