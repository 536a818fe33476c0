"""The benchmark script runs end to end on a tiny corpus (not timed: figures come from `make bench`)."""
import json
import subprocess
import sys

from .conftest import ROOT


def test_bench_runs_end_to_end(tmp_path):
    out = tmp_path / "bench.json"
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--count", "24", "--repeats", "1", "--out", str(out), "--workdir", str(tmp_path / "w")],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["articles"] == 24 and data["repeats"] == 1
    for k in ("floor_jieba_articles_per_s", "segment_pass_articles_per_s", "extract_1_worker_articles_per_s", "extract_vs_floor", "ingest_1_worker_articles_per_s",
              "ingest_2_workers_articles_per_s", "ingest2_vs_ingest1", "floor_beside_ingest_articles_per_s", "ingest_vs_floor_per_worker",
              "peak_rss_mb", "cold_start_s"):
        assert data[k] > 0, k
    assert set(data["targets"]) == {"extract_vs_floor", "ingest2_vs_ingest1", "ingest_vs_floor_per_worker", "peak_rss_mb", "cold_start_s"}
    assert "pressmetrics bench" in r.stdout


def test_stage_timings_run_on_a_folder():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "stages.py"), str(ROOT / "corpus")],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    lines = dict(ln.rsplit(None, 1) for ln in r.stdout.splitlines()[1:])
    assert {k.strip() for k in lines} >= {"clean", "segment (the one jieba pass)", "tallies", "activities", "analyse, all of it"}
    assert all(float(v) > 0 for v in lines.values())


def test_bench_on_a_folder_of_real_articles(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--folder", str(ROOT / "corpus"), "--repeats", "1"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    figures = dict(ln.split() for ln in r.stdout.splitlines()[1:])
    assert set(figures) == {"floor_jieba_articles_per_s", "extract_1_worker_articles_per_s", "extract_vs_floor"}
    assert all(float(v) > 0 for v in figures.values())
    assert "articles" in r.stdout.splitlines()[0]
