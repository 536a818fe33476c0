"""Each command through click's CliRunner, on fixture articles written for the project."""
import csv
import io
import json
import shutil

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.schema_doc import example_queries

from .conftest import CORPUS, ROOT

N_ARTICLES = len(list(CORPUS.glob("*.json")))  # one gold file per article (a .jsonl file holds several)


def run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return r


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "p.duckdb"
    r = run("ingest", CORPUS, "--db", path, "--workers", 1, "--quiet")
    assert r.exit_code == 0, r.output
    assert r.output.rstrip().endswith(" s, 1 worker)")  # (one worker, not "1 workers")
    return path


def test_extract_jsonl_follows_schema():
    r = run("extract", CORPUS / "tongcheng-2023-03-20.txt", "--format", "jsonl")
    assert r.exit_code == 0
    rec = json.loads(r.output.strip().splitlines()[0])
    assert set(rec) >= {"doc_id", "title", "published", "source", "agency", "region", "activities", "metrics"}
    assert rec["doc_id"] == "tongcheng-2023-03-20"
    m = next(m for m in rec["metrics"] if m["category"] == "officers")
    assert (m["value"], m["unit"], m["approx"], m["breakdown"]) == (620, "人次", False, False)
    assert m["evidence"] and m["rule"] and m["start"] < m["end"]


def test_extract_json_and_table():
    r = run("extract", CORPUS / "yongchun-2020-01-12.txt", "--format", "json")
    assert json.loads(r.output)[0]["region"]["adcode"] == "350525"
    r = run("extract", CORPUS / "yongchun-2020-01-12.txt", "--format", "table")
    assert "participants" in r.output and "evidence" in r.output


def test_extract_reports_bad_file_and_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    r = run("extract", tmp_path / "empty.txt")
    assert r.exit_code == 1 and "empty file" in r.output


def test_explain_shows_rules_tokens_and_rejected_numbers():
    r = run("explain", CORPUS / "tongcheng-2023-03-20.txt")
    assert r.exit_code == 0
    assert "rule=violations.kinds" in r.output
    assert "tokens:" in r.output
    assert "18.6" in r.output and "percentage or rate" in r.output  # a percentage is shown as no tally, with why


def test_ingest_twice_adds_nothing(db):
    before = duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM tallies").fetchone()[0]
    r = run("ingest", CORPUS, "--db", db, "--quiet")
    assert r.exit_code == 0 and "new 0" in r.output and f"unchanged {N_ARTICLES}" in r.output
    after = duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM tallies").fetchone()[0]
    assert before == after > 100


def test_compare_formats(db):
    r = run("compare", "--db", db, "--category", "violations", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert {"adcode", "region", "period", "category", "unit", "total", "rank"} <= set(rows[0])
    tong = next(x for x in rows if x["adcode"] == "340881")
    # 1200 total; the 其中 breakdown (23+6+41+87) is left out
    assert float(tong["total"]) == 1200 and tong["period"] == "2023"
    r = run("compare", "--db", db, "--by", "province", "--period", "month", "--format", "json")
    data = json.loads(r.output)
    assert any(d["region"] == "安徽省" and d["period"] == "2023-03" for d in data)
    r = run("compare", "--db", db, "--format", "table")
    assert r.exit_code == 0 and "340881" in r.output


def test_compare_wide_table_lists_counties(db):
    r = run("compare", "--db", db, "--wide")
    assert r.exit_code == 0
    assert sum(code in r.output for code in ("340881", "430626", "431022", "330723", "350525", "510117")) == 6


def test_query_is_read_only_and_formats(db):
    r = run("query", "SELECT count(*) AS n FROM articles", "--db", db, "--format", "json")
    assert json.loads(r.output) == [{"n": N_ARTICLES}]
    r = run("query", "DELETE FROM articles", "--db", db)
    assert r.exit_code != 0 and "read-only" in r.output.lower()


def test_schema_prints_every_table():
    r = run("schema")
    for name in ("articles", "activities", "tallies", "errors", "tallies_comparable", "comparison"):
        assert f"`{name}`" in r.output


def test_schema_example_queries_run(db):
    con = duckdb.connect(str(db), read_only=True)
    queries = example_queries()
    assert len(queries) >= 5
    for q in queries:
        con.execute(q).fetchall()


def test_validate_passes_and_fails_on_threshold(tmp_path):
    r = run("validate", CORPUS, "--min-f1", "0.95")
    assert r.exit_code == 0 and "tallies P/R/F1" in r.output
    bad = tmp_path / "bad"
    bad.mkdir()
    shutil.copy(CORPUS / "wuyang-2025-03-12.txt", bad)
    gold = json.loads((CORPUS / "wuyang-2025-03-12.json").read_text(encoding="utf-8"))
    gold["metrics"] = [dict(m, category="fines") for m in gold["metrics"]]
    (bad / "wuyang-2025-03-12.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    r = run("validate", bad, "--min-f1", "0.95", "--format", "json")
    assert r.exit_code == 1
    assert json.loads(r.output.split("FAIL")[0])["tallies"]["f1"] == 0


def test_validate_reads_articles_from_a_jsonl_file_by_id(tmp_path):
    gold_dir = tmp_path / "g"
    gold_dir.mkdir()
    lines = [{"id": "a1", "text": "某县公安局开展夜查\n2023-05-02 来源:某县公安局\n某县公安局出动警力120人次,查处酒驾12起。"},
             {"id": "a2", "text": "某县公安局开展宣传\n2023-05-03 来源:某县公安局\n民警发放宣传资料300份。"}]
    (gold_dir / "two.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    for doc_id, metrics in (("a1", [("officers", 120, "人次"), ("violations", 12, "起")]), ("a2", [("materials", 300, "份")])):
        gold = {"doc_id": doc_id, "published": None, "region": None, "activities": [],
                "metrics": [{"category": c, "value": v, "unit": u} for c, v, u in metrics]}
        (gold_dir / f"{doc_id}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    r = run("validate", gold_dir, "--format", "json")
    out = json.loads(r.output)
    assert r.exit_code == 0 and out["articles"] == 2 and out["tallies"]["f1"] == 1.0
    (gold_dir / "a3.json").write_text(json.dumps({"doc_id": "a3", "metrics": []}), encoding="utf-8")
    r = run("validate", gold_dir)
    assert r.exit_code != 0 and "a3.json" in r.output and "no article" in r.output and "Traceback" not in r.output


def test_bad_rule_file_is_one_clear_message(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "tallies.yaml").write_text((rules / "tallies.yaml").read_text(encoding="utf-8").replace("    category: officers\n", "    category: policemen\n", 1), encoding="utf-8")
    r = run("extract", CORPUS / "wuyang-2025-03-12.txt", "--rules", rules)
    assert r.exit_code != 0
    assert "tallies.yaml" in r.output and "policemen" in r.output and "Traceback" not in r.output


def test_a_bad_adcode_update_is_one_clear_message(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    text = (rules / "metadata.yaml").read_text(encoding="utf-8")
    (rules / "metadata.yaml").write_text(text.replace('["421023", "421088"]', '["421023", "42108"]'), encoding="utf-8")
    r = run("extract", CORPUS / "wuyang-2025-03-12.txt", "--rules", rules)
    assert r.exit_code != 0 and "metadata.yaml" in r.output and "监利市" in r.output and "Traceback" not in r.output


def test_a_key_given_twice_in_a_rule_is_one_clear_message(tmp_path):
    """YAML would keep the second `verb:` silently: a rule pasted into the middle of another."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    text = (rules / "tallies.yaml").read_text(encoding="utf-8")
    at = text.index("    category: officers\n")
    (rules / "tallies.yaml").write_text(text[:at] + "    category: other\n" + text[at:], encoding="utf-8")
    r = run("extract", CORPUS / "wuyang-2025-03-12.txt", "--rules", rules)
    assert r.exit_code != 0
    assert "tallies.yaml" in r.output and "given twice" in r.output and "line" in r.output and "Traceback" not in r.output


def test_a_blank_activity_head_is_one_clear_message(tmp_path):
    """A blank word in `heads:` would be a head found everywhere: refused, naming the file."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    text = (rules / "activities.yaml").read_text(encoding="utf-8")
    (rules / "activities.yaml").write_text(text.replace("heads: [安全防范检查, ", "heads: [安全防范检查, ' ', ", 1), encoding="utf-8")
    r = run("extract", CORPUS / "wuyang-2025-03-12.txt", "--rules", rules)
    assert r.exit_code != 0 and "activities.yaml" in r.output and "heads" in r.output and "blank" in r.output and "Traceback" not in r.output
