"""A publicity office's batch: bad inputs, parallel runs, re-runs, duplicates, kills and full disks."""
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.dedupe import signature
from pipeline.extract import analyse
from pipeline.read import read_all
from pipeline.rules import load_rules

from .conftest import CORPUS, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import synth  # noqa: E402

PRESSMETRICS = [sys.executable, "-m", "pipeline"]
GOOD = ["tongcheng-2023-03-20.txt", "pingjiang-2021-06-28.txt", "yizhang-2019-12-10.html", "wuyi-2018-09-15.txt"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def table_rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def snapshot(db):
    """Everything but timestamps, in a stable order."""
    return (table_rows(db, "SELECT doc_id, content_sha1, title, published, adcode, n_tallies, n_activities, duplicate_of FROM articles ORDER BY doc_id"),
            table_rows(db, "SELECT * FROM tallies ORDER BY doc_id, seq"),
            table_rows(db, "SELECT * FROM activities ORDER BY doc_id, seq"))


def consistent(db):
    """Every article's rows are all there: its counts match its tally and activity rows."""
    bad = table_rows(db, """
        SELECT a.doc_id FROM articles a
        LEFT JOIN (SELECT doc_id, count(*) n FROM tallies GROUP BY doc_id) t USING (doc_id)
        LEFT JOIN (SELECT doc_id, count(*) n FROM activities GROUP BY doc_id) v USING (doc_id)
        WHERE a.n_tallies != coalesce(t.n, 0) OR a.n_activities != coalesce(v.n, 0)""")
    orphans = table_rows(db, "SELECT count(*) FROM tallies WHERE doc_id NOT IN (SELECT doc_id FROM articles)")[0][0]
    return not bad and orphans == 0


def make_bad_inputs(d: Path) -> dict[str, str]:
    """At least twelve kinds of bad input, each with the reason a person should see."""
    d.mkdir(parents=True, exist_ok=True)
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_text("   \n\n  ")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (d / "zipped.txt").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with open(d / "huge.txt", "wb") as f:
        f.seek(21 * 1024 * 1024)
        f.write(b"\n")
    (d / "scripts.html").write_text("<html><script>" + "var x=1;" * 5000 + "</script><style>p{}</style>"
                                    "<p>共查处交通违法行为12起。</p></html>", encoding="utf-8")
    (d / "truncated.txt").write_bytes("标题\n共查处交通违法行为268起,行政拘留2人。".encode("utf-8")[:-1])
    (d / "undecodable.txt").write_bytes(bytes(random.Random(3).randrange(128, 256) for _ in range(3000)))
    lines = ["{broken json", json.dumps([1, 2]), json.dumps({"id": "j3"}), json.dumps({"text": "没有编号的文章,查处违法5起。"}),
             json.dumps({"id": "j5", "text": "民警发放宣传资料600余份。"}, ensure_ascii=False), "", json.dumps({"id": "j7", "text": ""})]
    (d / "mixed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (d / "nodate-noregion-notally.txt").write_text("民警在街头巡逻,提醒群众注意安全。", encoding="utf-8")
    (d / "only-boilerplate.html").write_text("<html><body><div>新闻热线:0537-3161789</div><div>责任编辑:王磊</div></body></html>", encoding="utf-8")
    (d / "nul-in-middle.txt").write_bytes("标题\n正文".encode("utf-8") + b"\x00" * 10 + "共查处违法5起。".encode("utf-8"))
    return {
        "empty.txt": "empty file", "blank.txt": "empty file", "binary.txt": "binary", "zipped.txt": "binary",
        "huge.txt": "20 MB", "mixed.jsonl:1": "JSON", "mixed.jsonl:2": "not an object", "mixed.jsonl:3": "needs a non-empty 'text'",
        "mixed.jsonl:7": "needs a non-empty 'text'", "undecodable.txt": "undecodable",
        "nul-in-middle.txt": "binary",
    }


def test_bad_inputs_never_stop_the_batch(tmp_path):
    inputs = tmp_path / "in"
    expected_failures = make_bad_inputs(inputs / "bad")
    for name in GOOD:
        shutil.copy(CORPUS / name, inputs)
    db = tmp_path / "p.duckdb"
    r = run("ingest", inputs, "--db", db, "--workers", 2, "--quiet")
    assert r.exit_code == 1, r.output
    errors = {(Path(p).name + (f":{line}" if line else ""), reason) for p, line, reason in table_rows(db, "SELECT path, line, reason FROM errors")}
    for where, why in expected_failures.items():
        assert any(w == where and why in reason for w, reason in errors), f"{where}: {why} not in {errors}"
        assert f"{where}:" in r.output or f"{where.split(':')[0]}:" in r.output
    assert "failed 11" in r.output
    stored = {d for (d,) in table_rows(db, "SELECT doc_id FROM articles")}
    # every good article is stored, and real articles without date, region or tally too
    assert {Path(n).stem for n in GOOD} <= stored
    assert {"nodate-noregion-notally", "scripts", "truncated", "j5", "only-boilerplate"} <= stored
    # a JSONL line with no id is kept under its file and line, not lost
    assert table_rows(db, "SELECT value FROM tallies WHERE doc_id = 'mixed-4'") == [(5.0,)]
    nulls = table_rows(db, "SELECT published, adcode, n_tallies FROM articles WHERE doc_id = 'nodate-noregion-notally'")
    assert nulls == [(None, None, 0)]
    assert table_rows(db, "SELECT value FROM tallies WHERE doc_id = 'truncated' ORDER BY value") == [(2.0,), (268.0,)]
    assert table_rows(db, "SELECT value FROM tallies WHERE doc_id = 'scripts'") == [(12.0,)]
    assert table_rows(db, "SELECT count(*) FROM tallies WHERE doc_id = 'only-boilerplate'") == [(0,)]
    assert consistent(db)


def test_strict_stops_at_first_failure(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a-empty.txt").write_bytes(b"")
    shutil.copy(CORPUS / GOOD[0], inputs)
    db = tmp_path / "p.duckdb"
    r = run("ingest", inputs, "--db", db, "--strict", "--quiet")
    assert r.exit_code == 1 and "empty file" in r.output
    assert table_rows(db, "SELECT count(*) FROM articles") == [(0,)]


def test_same_rows_whatever_the_workers(tmp_path):
    synth.generate(tmp_path / "in", 60, seed=5)
    for n in (1, 2):
        assert run("ingest", tmp_path / "in", "--db", tmp_path / f"w{n}.duckdb", "--workers", n, "--quiet", "--batch", 7).exit_code == 0
    assert snapshot(tmp_path / "w1.duckdb") == snapshot(tmp_path / "w2.duckdb")


def test_every_column_holds_what_extract_reports(tmp_path):
    """The rows a worker builds are tuples in the columns' order: each value lands in its own
    column (what `extract` reports for the article, field by field)."""
    src = CORPUS / GOOD[2]
    assert run("ingest", src, "--db", tmp_path / "db.duckdb", "--quiet").exit_code == 0
    rec = json.loads(run("extract", src, "--format", "jsonl").output)
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)

    def records(sql):
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    try:
        (art,) = records("SELECT * FROM articles")
        tallies = records("SELECT * FROM tallies ORDER BY seq")
        acts = records("SELECT * FROM activities ORDER BY seq")
    finally:
        con.close()
    region = rec["region"]
    assert (art["doc_id"], art["title"], str(art["published"]), art["source"], art["agency"]) == (
        rec["doc_id"], rec["title"], rec["published"], rec["source"], rec["agency"])
    assert art["path"] == str(src) and art["line"] is None and art["url"] is None
    assert (art["region_level"], art["province"], art["city"], art["county"], art["adcode"]) == (
        region["level"], region["province"], region["city"], region["county"], region["adcode"])
    assert art["county_adcode"] == region["adcode"] and art["province_adcode"] == region["adcode"][:2] + "0000"
    assert (art["n_tallies"], art["n_activities"]) == (len(rec["metrics"]), len(rec["activities"]))
    (raw,) = read_all([src])
    assert art["minhash"] == signature(analyse(raw, load_rules()).cleaned.body)  # (packed by the worker, unpacked in the column)
    assert art["duplicate_of"] is None and rec["title"] in art["text"] and len(art["content_sha1"]) == 40
    assert all(art["text"][m["start"]:m["end"]] in m["evidence"] for m in rec["metrics"])  # offsets into the stored text
    starts = {a["name"]: a["start"] for a in rec["activities"]}
    assert [(t["doc_id"], t["seq"], t["category"], t["value"], t["unit"], t["approx"], t["breakdown"], t["activity"], str(t["date"]),
             t["evidence"], t["start_offset"], t["end_offset"], t["rule"]) for t in tallies] == [
        (rec["doc_id"], i, m["category"], m["value"], m["unit"], m["approx"], m["breakdown"], m["activity"],
         starts.get(m["activity"]) or rec["published"], m["evidence"], m["start"], m["end"], m["rule"])
        for i, m in enumerate(rec["metrics"])]
    assert [(a["doc_id"], a["seq"], a["name"], a["type"], str(a["start_date"]), str(a["end_date"])) for a in acts] == [
        (rec["doc_id"], i, a["name"], a["type"], a["start"], a["end"]) for i, a in enumerate(rec["activities"])]


def test_changed_article_replaces_its_rows_and_reextract_follows_rules(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    art = d / "a.txt"
    art.write_text("鱼台县公安局开展整治\n2013-11-28 来源:大众网\n共查处交通违法行为268起,行政拘留2人。", encoding="utf-8")
    db = tmp_path / "p.duckdb"
    assert "new 1" in run("ingest", d, "--db", db, "--quiet").output
    assert "unchanged 1" in run("ingest", d, "--db", db, "--quiet").output
    art.write_text("鱼台县公安局开展整治\n2013-11-28 来源:大众网\n共查处交通违法行为300起。", encoding="utf-8")
    assert "updated 1" in run("ingest", d, "--db", db, "--quiet").output
    assert table_rows(db, "SELECT category, value FROM tallies") == [("violations", 300.0)]
    # a rules edit: --reextract re-runs what an older rules version produced
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    with open(rules / "userdict.txt", "a", encoding="utf-8") as f:
        f.write("交通整治 100 n\n")
    assert "unchanged 1" in run("ingest", d, "--db", db, "--quiet", "--rules", rules).output
    assert "updated 1" in run("ingest", d, "--db", db, "--quiet", "--rules", rules, "--reextract").output
    assert "unchanged 1" in run("ingest", d, "--db", db, "--quiet", "--rules", rules, "--reextract").output


def test_republished_copy_is_a_duplicate_counted_once(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    text = (CORPUS / "pidu-2022-08-05.txt").read_text(encoding="utf-8")
    (d / "a-first.txt").write_text(text, encoding="utf-8")
    # the same release on another site: other furniture, the same body
    (d / "b-copy.txt").write_text("当前位置:首页 > 转载\n" + text.replace("来源:成都商报", "来源:四川在线") + "\n责任编辑:张三", encoding="utf-8")
    db = tmp_path / "p.duckdb"
    r = run("ingest", d, "--db", db, "--quiet", "--workers", 1)
    assert "duplicate 1" in r.output
    assert table_rows(db, "SELECT doc_id, duplicate_of FROM articles ORDER BY doc_id") == [("a-first", None), ("b-copy", "a-first")]
    once = table_rows(db, "SELECT sum(value) FROM tallies_comparable WHERE category = 'cases'")[0][0]
    assert once == 112


def test_kill_and_resume_gives_the_single_run_database(tmp_path):
    src = tmp_path / "in"
    synth.generate(src, 300, seed=11)
    reference = tmp_path / "ref.duckdb"
    t0 = time.time()
    subprocess.run([*PRESSMETRICS, "ingest", str(src), "--db", str(reference), "--quiet", "--workers", "1", "--batch", "10"],
                   check=False, cwd=ROOT, capture_output=True)
    whole_run = time.time() - t0
    db = tmp_path / "killed.duckdb"
    partial_seen = False
    for share in (0.55, 0.7, 0.85):  # of a whole run, startup included: late enough to have written some
        delay = share * whole_run
        p = subprocess.Popen([*PRESSMETRICS, "ingest", str(src), "--db", str(db), "--quiet", "--workers", "1", "--batch", "10"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        if db.exists():
            assert consistent(db), "a killed ingest left an article half-written"
            n = table_rows(db, "SELECT count(*) FROM articles")[0][0]
            partial_seen = partial_seen or 0 < n < 300
    assert partial_seen, "no kill landed part-way; the test proved nothing"
    r = subprocess.run([*PRESSMETRICS, "ingest", str(src), "--db", str(db), "--quiet", "--workers", "2"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert consistent(db)
    ref, got = snapshot(reference), snapshot(db)
    assert len(got[0]) == 300
    assert got == ref
    assert time.time() - t0 < 120


def test_database_held_by_another_process(tmp_path):
    db = tmp_path / "p.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db)!r}); c.execute('create table x(i int)'); print('ok', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        r = run("ingest", CORPUS / GOOD[0], "--db", db, "--quiet")
        assert r.exit_code == 1 and "busy" in r.output and str(db) in r.output
        t = time.time()
        r = run("compare", "--db", db)
        assert r.exit_code == 1 and "busy" in r.output and time.time() - t < 12
    finally:
        holder.kill()


def test_unusable_db_locations_give_one_clear_message(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    r = run("ingest", CORPUS / GOOD[0], "--db", blocker / "p.duckdb", "--quiet")
    assert r.exit_code == 1 and "not a folder" in r.output and "Traceback" not in r.output
    r = run("ingest", CORPUS / GOOD[0], "--db", blocker / "sub" / "p.duckdb", "--quiet")
    assert r.exit_code == 1 and "cannot create the folder" in r.output
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"this is not a database" * 100)
    r = run("ingest", CORPUS / GOOD[0], "--db", garbage, "--quiet")
    assert r.exit_code == 1 and str(garbage) in r.output and "Traceback" not in r.output
    assert garbage.read_bytes() == b"this is not a database" * 100
    r = run("compare", "--db", tmp_path / "missing.duckdb")
    assert r.exit_code == 1 and "no such database" in r.output


def test_full_disk_keeps_what_was_stored(tmp_path):
    """Writes beyond a file-size limit fail as on a full disk: the batch is rolled back, the
    message names the database, and everything committed before stays readable and whole."""
    db = tmp_path / "p.duckdb"
    assert run("ingest", CORPUS / GOOD[0], "--db", db, "--quiet").exit_code == 0
    synth.generate(tmp_path / "more", 300, seed=2)

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    r = subprocess.run([*PRESSMETRICS, "ingest", str(tmp_path / "more"), "--db", str(db), "--quiet", "--workers", "1"],
                       cwd=ROOT, capture_output=True, text=True, preexec_fn=limit)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and str(db) in r.stderr and "Free disk space" in r.stderr, r.stderr
    assert consistent(db)
    ids = {d for (d,) in table_rows(db, "SELECT doc_id FROM articles")}
    assert Path(GOOD[0]).stem in ids
    # with room again, the same command finishes the job
    r = subprocess.run([*PRESSMETRICS, "ingest", str(tmp_path / "more"), "--db", str(db), "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and table_rows(db, "SELECT count(*) FROM articles")[0][0] == 301


def test_progress_bar_on_a_terminal_summary_only_otherwise(tmp_path):
    import pty

    synth.generate(tmp_path / "in", 40, seed=9)
    master, slave = pty.openpty()
    p = subprocess.Popen([*PRESSMETRICS, "ingest", str(tmp_path / "in"), "--db", str(tmp_path / "a.duckdb"), "--workers", "1"],
                         cwd=ROOT, stdout=slave, stderr=slave, env={**os.environ, "COLUMNS": "120"})
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    p.wait()
    text = out.decode("utf-8", "replace")
    assert "articles/s" in text and "/40" in text, text[-500:]
    assert "new 40" in text
    r = subprocess.run([*PRESSMETRICS, "ingest", str(tmp_path / "in"), "--db", str(tmp_path / "b.duckdb"), "--workers", "1"],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.stderr == "" and r.stdout.count("\n") == 1 and "new 40" in r.stdout


def test_read_only_folder_gives_one_clear_message(tmp_path):
    """A read-only file system (a tmpfs mounted ro; permissions alone do not bind root)."""
    ro = tmp_path / "ro"
    ro.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "none", str(ro)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a read-only file system here")
    try:
        r = run("ingest", CORPUS / GOOD[0], "--db", ro / "p.duckdb", "--quiet")
        assert r.exit_code == 1
        assert "read-only" in r.output and str(ro / "p.duckdb") in r.output and "Traceback" not in r.output
        assert not (ro / "p.duckdb").exists()
    finally:
        subprocess.run(["umount", str(ro)], capture_output=True)


def test_workers_are_forked_only_before_duckdb_is_loaded():
    """The CLI starts its pool before it imports DuckDB, so it can fork; a process that has
    DuckDB loaded (this test session) gets its workers from a fork server."""
    code = ("import sys; from pipeline import cli, worker; a = worker._start_method().get_start_method(); "
            "import duckdb; duckdb.connect().execute('select 1'); print(a, worker._start_method().get_start_method())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["fork", "forkserver"]


def test_the_cli_forks_its_workers_ready_to_extract(tmp_path):
    """`pressmetrics ingest --workers 2` loads nothing of DuckDB before its pool starts (its
    entry point included), so the workers are forked, and forked with the rules and
    dictionaries the driver loaded: they prepare none of their own."""
    code = ("import sys; from pipeline import cli, worker, extract\n"
            "orig = worker._start_method; prep = extract.prepare\n"
            "worker._start_method = lambda: (print('START', orig().get_start_method(), flush=True), orig())[1]\n"
            "extract.prepare = lambda rules: (print('PREPARE', flush=True), prep(rules))\n"  # (in whichever process prepares)
            f"sys.argv = ['pressmetrics', 'ingest', {str(CORPUS / GOOD[0])!r}, '--db', {str(tmp_path / 'p.duckdb')!r}, '--workers', '2', '--quiet']\n"
            "cli.main()")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    assert [line for line in out if line.isupper() or line.startswith("START")] == ["START fork", "PREPARE"]
    assert "new 1" in out[-1]


def test_a_pool_extracts_while_the_driver_reads_and_counts_what_it_queued(tmp_path):
    """With workers, inputs go to the pool as they are read; the progress total is what was
    queued (not the unchanged or failed), and a re-run queues only what changed."""
    from pipeline.ingest import ingest
    from pipeline.rules import load_rules
    from pipeline.store import open_db

    synth.generate(tmp_path / "in", 12, seed=3)
    (tmp_path / "in" / "zz-empty.txt").write_bytes(b"")
    rules = load_rules()

    def once():
        hints, ticks = [], []
        con = open_db(tmp_path / "p.duckdb")
        try:
            s = ingest(con, [str(tmp_path / "in")], rules, workers=2, progress=lambda d, n: ticks.append((d, n)), total_hint=hints.append)
        finally:
            con.close()
        return s, hints, ticks

    s, hints, ticks = once()
    assert (s.read, s.new, s.failed, hints, ticks[-1]) == (12, 12, 1, [12], (12, 12))
    changed = sorted((tmp_path / "in").glob("*.txt"))[:3]
    for f in changed:
        f.write_text(f.read_text(encoding="utf-8") + "\n另查处违法行为3起。", encoding="utf-8")
    s, hints, ticks = once()
    assert (s.unchanged, s.updated, s.failed, hints, ticks[-1]) == (9, 3, 1, [3], (3, 3))
    assert table_rows(tmp_path / "p.duckdb", "SELECT count(*) FROM errors") == [(1,)]


def test_the_driver_leaves_the_collector_off_while_it_writes_and_as_it_found_it_after(tmp_path):
    """With workers, what the driver makes is freed by reference counting: the cyclic collector
    is off while results come in (its passes over the growing index and batch cost 0.07 s of a
    5,000-article run), on again afterwards, and left off when the caller had it off."""
    import gc

    from pipeline.ingest import ingest
    from pipeline.store import open_db

    synth.generate(tmp_path / "in", 6, seed=4)
    rules = load_rules()
    for caller_had_it in (True, False):
        (gc.enable if caller_had_it else gc.disable)()
        seen = []
        con = open_db(tmp_path / f"gc-{caller_had_it}.duckdb")
        try:
            s = ingest(con, [str(tmp_path / "in")], rules, workers=2, progress=lambda d, n: seen.append(gc.isenabled()))
        finally:
            con.close()
            after = gc.isenabled()
            gc.enable()
        assert (s.new, set(seen), after) == (6, {False}, caller_had_it)


def test_a_new_database_is_opened_once_the_workers_have_their_articles(tmp_path):
    """A database the run creates holds nothing to compare with: the CLI hands the workers
    every article before it loads DuckDB and creates the file; an existing one is read first
    (what it holds decides what is extracted)."""
    code = ("import sys; from pipeline import cli, ingest\n"
            "run = ingest._run\n"
            "def spy(todo, *a, **k):\n"
            "    done = run(todo, *a, **k)\n"
            "    print('HANDED OUT', 'duckdb' in sys.modules, flush=True)\n"
            "    return done\n"
            "ingest._run = spy\n"
            "import atexit; atexit.register(lambda: print('LOADED', 'pyarrow' in sys.modules, 'numpy' in sys.modules, flush=True))\n"
            f"sys.argv = ['pressmetrics', 'ingest', {str(CORPUS)!r}, '--db', {str(tmp_path / 'p.duckdb')!r}, '--workers', '2', '--quiet']\n"
            "cli.main()")
    first = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    again = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    assert first[0] == "HANDED OUT False" and ", new " in first[-2] and "unchanged 0" in first[-2]
    assert again[0] == "HANDED OUT True" and "new 0" in again[-2] and "updated 0" in again[-2]
    assert first[-1] == "LOADED True False"  # the driver wrote with pyarrow, and never loaded numpy (arrow.without_numpy)
    assert consistent(tmp_path / "p.duckdb")


def test_with_workers_the_database_is_checkpointed_before_the_last_batch(tmp_path, monkeypatch):
    """While the workers extract the last LAST_BATCH articles, the driver moves the log into the
    database file, so that little is left to do once they finish; the rows are those of one worker."""
    from pipeline import ingest as ingest_module
    from pipeline import store
    from pipeline.rules import load_rules

    monkeypatch.setattr(ingest_module, "LAST_BATCH", 5)
    calls = []
    monkeypatch.setattr(store, "checkpoint", lambda con: calls.append(con.execute("SELECT count(*) FROM articles").fetchone()[0]))
    synth.generate(tmp_path / "in", 30, seed=4)
    rules = load_rules()
    for workers, db in ((2, tmp_path / "w2.duckdb"), (1, tmp_path / "w1.duckdb")):
        con = store.open_db(db)
        try:
            s = ingest_module.ingest(con, [str(tmp_path / "in")], rules, workers=workers)
        finally:
            con.close()
        assert s.new == 30
    assert calls == [25]  # with the pool only, once, when 25 of the 30 are written
    assert snapshot(tmp_path / "w2.duckdb") == snapshot(tmp_path / "w1.duckdb")


def test_pyarrow_without_numpy_writes_and_leaves_numpy_importable():
    """arrow.without_numpy: pyarrow loads as if numpy were not installed (the database gets the
    same rows), numpy still loads when something asks for it, and a process that has numpy loaded
    already gets pyarrow as usual."""
    code = ("import sys; from pipeline import arrow; arrow.without_numpy(); pa = arrow.load()\n"
            "print('numpy' in sys.modules, pa.array([1, None], pa.int32()).to_pylist())\n"
            "import numpy; print(numpy.arange(3).tolist())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["False [1, None]", "[0, 1, 2]"]
    code = ("import sys, numpy; from pipeline import arrow; arrow.without_numpy(); pa = arrow.load()\n"
            "print(pa.array(numpy.arange(2)).to_pylist(), pa.array([5]).to_numpy().tolist())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["[0, 1] [5]"]


def test_the_command_ends_at_once_after_its_exit_handlers(tmp_path):
    """`pressmetrics ingest` leaves without the interpreter's teardown, but only after the exit
    handlers (kept tables saved) and with its output and exit code: 1 when an input failed."""
    (tmp_path / "empty.txt").write_bytes(b"")
    code = ("import atexit, sys; from pipeline import cli\n"
            "atexit.register(lambda: print('HANDLERS RAN', flush=True))\n"
            f"sys.argv = ['pressmetrics', 'ingest', {str(CORPUS / GOOD[0])!r}, {str(tmp_path / 'empty.txt')!r}, "
            f"'--db', {str(tmp_path / 'e.duckdb')!r}, '--workers', '2']\n"
            "cli.main()\n"
            "print('NOT REACHED')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1 and "empty.txt: empty file" in done.stderr
    assert done.stdout.splitlines()[-1] == "HANDLERS RAN"
    assert "new 1," in done.stdout and "failed 1," in done.stdout and "NOT REACHED" not in done.stdout
    assert consistent(tmp_path / "e.duckdb")


def test_text_and_signature_columns_are_built_from_the_workers_bytes():
    """store.py makes the `text` and `minhash` columns from the UTF-8 bytes and packed signatures
    a worker hands over, in one copy: the same values as converting them one by one, None kept;
    text as str and signatures as lists (a library caller's rows) are converted as before."""
    import pyarrow as pa

    from pipeline import store
    from pipeline.dedupe import packed_signature, signature

    texts = ["鱼台县公安局\n“护苗”行动", None, "", "abc"]
    built = store._bytes_column(tuple(None if t is None else t.encode("utf-8") for t in texts), pa.large_string(), 1)
    assert built.to_pylist() == texts and built.null_count == 1 and built.type == pa.large_string()
    assert store._bytes_column(tuple(texts), pa.large_string(), 1) == tuple(texts)
    sigs = store._bytes_column((packed_signature("鱼台县公安局"), None, packed_signature("民警")), pa.list_(pa.uint32()), 4)
    assert sigs.to_pylist() == [signature("鱼台县公安局"), None, signature("民警")] and sigs.null_count == 1
    assert store._bytes_column(([1, 2], None), pa.list_(pa.uint32()), 4) == ([1, 2], None)
    (full,) = store._bytes_column((packed_signature("民警"),), pa.list_(pa.uint32()), 4).to_pylist()
    assert full == signature("民警")


def test_chunks_shrink_towards_the_end_so_that_the_workers_finish_together():
    """The driver hands out 64 articles at a time, then fewer as the end nears (a quarter of each
    worker's share of what is left, 4 at least): the last chunks are small, so neither worker waits
    long for the other's last chunk. The chunks hold every article once, in order."""
    from pipeline.ingest import CHUNK, MIN_CHUNK, _chunks

    items = list(range(5000))
    chunks = list(_chunks(iter(items), 5000, 2))
    sizes = [len(c) for c in chunks]
    assert [x for c in chunks for x in c] == items
    assert sizes[0] == CHUNK and max(sizes) == CHUNK
    assert sizes[-8:] == [MIN_CHUNK] * 8 and sizes == sorted(sizes, reverse=True)
    # a handful of articles: one at a time, as before; more than estimated (a JSONL file): all taken
    assert [len(c) for c in _chunks(iter(range(10)), 10, 2)] == [1] * 10
    assert sum(map(len, _chunks(iter(range(900)), 300, 2))) == 900
