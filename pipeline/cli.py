"""Command-line interface. Every command prints plain errors naming the file, never tracebacks.

Commands: extract, explain, ingest, compare, query, schema, validate.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from . import kept

kept.keep_between_runs()  # before the modules below compile their patterns: a run starts 0.1–0.3 s sooner

import click  # noqa: E402

from .models import ReadError  # noqa: E402
from .output import render, write_parquet  # noqa: E402
from .rules import RuleError, load_rules  # noqa: E402

DEFAULT_DB = "outputs/pressmetrics.duckdb"
FORMATS = ["table", "csv", "json", "jsonl"]


def _rules(rules_dir):
    try:
        return load_rules(rules_dir)
    except RuleError as exc:
        raise click.ClickException(f"rule file problem: {exc}. Fix that file (the README section 'Rules' explains their shape) and run again.") from None


def _db(path, read_only=False):
    from .store import StoreError, open_db

    try:
        return open_db(path, read_only=read_only)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _where(e: ReadError) -> str:
    return f"{e.path}{':' + str(e.line) if e.line else ''}"


rules_option = click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None,
                            help="rules folder (default: the project's rules/)")
db_option = click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="DuckDB file")


@click.group()
@click.version_option(package_name="pressmetrics")
def cli():
    """pressmetrics: tallies of police work from Chinese police press releases, into DuckDB.

    Start with `pressmetrics ingest corpus` and `pressmetrics compare`.
    """


@cli.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table"]), default="jsonl", show_default=True)
@rules_option
def extract_cmd(paths, fmt, rules_dir):
    """Print SCHEMA records (../shared/spec/SCHEMA.md) for articles: files or folders.

    Example: pressmetrics extract ../shared/seed/yutai-2013-11-28.txt --format jsonl
    """
    from .extract import extract, prepare
    from .read import read_all

    rules = _rules(rules_dir)
    prepare(rules)
    records, failed = [], 0
    for item in read_all(list(paths)):
        if isinstance(item, ReadError):
            failed += 1
            click.echo(f"skipped {_where(item)}: {item.reason}", err=True)
            continue
        try:
            art = extract(item, rules)
        except Exception as exc:  # a bug on one article must not hide the others
            failed += 1
            click.echo(f"skipped {_where(ReadError(path=item.path, line=item.line, reason=''))}: extraction failed: {exc}", err=True)
            continue
        rec = art.model_dump(exclude={"url", "path"})
        if fmt == "jsonl":
            click.echo(json.dumps(rec, ensure_ascii=False))
        else:
            records.append(rec)
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif fmt == "table":
        rows = [{"doc_id": r["doc_id"], "category": m["category"], "value": m["value"], "unit": m["unit"],
                 "approx": m["approx"], "breakdown": m["breakdown"], "activity": m["activity"], "evidence": m["evidence"]}
                for r in records for m in r["metrics"]]
        click.echo(render(rows, "table"))
    if failed:
        sys.exit(1)


@cli.command("explain")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@rules_option
def explain_cmd(path, rules_dir):
    """Show how one article was read: the cleaned text, every tally with its evidence,
    rule and tokens, and every number that became no tally, with the reason.

    Example: pressmetrics explain corpus/yutai-2013-11-28.txt
    """
    from .explain import explain_lines
    from .extract import analyse
    from .read import read_all

    rules = _rules(rules_dir)
    for item in read_all([path]):
        if isinstance(item, ReadError):
            raise click.ClickException(f"{_where(item)}: {item.reason}")
        click.echo("\n".join(explain_lines(analyse(item, rules))))


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@click.option("--workers", type=int, default=None, help="processes extracting in parallel (default: the machine's cores)")
@click.option("--reextract", is_flag=True, help="re-run articles extracted by an older rules version")
@click.option("--strict", is_flag=True, help="stop at the first failure")
@click.option("--quiet", "-q", is_flag=True, help="print only the summary")
@click.option("--batch", "batch_size", type=click.IntRange(1, 100000), default=1024, show_default=True,
              help="articles written per transaction (a transaction is also committed every 2 s)")
@rules_option
def ingest_cmd(paths, db_path, workers, reextract, strict, quiet, batch_size, rules_dir):
    """Extract articles (files or folders) into the DuckDB database. Safe to re-run:
    unchanged articles are skipped, changed ones replaced, nothing is counted twice.

    Example: pressmetrics ingest corpus --db outputs/pressmetrics.duckdb
    """
    from .dbpath import StoreError, check_writable, is_new
    from .worker import default_workers, start_pool

    workers = workers or default_workers()
    rules = _rules(rules_dir)
    try:
        new_db = is_new(check_writable(db_path))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    pool = start_pool(rules_dir, workers, rules)  # before DuckDB is loaded: the workers are forked from this process
    opened = []

    def connect():
        opened.append(_db(db_path))
        return opened[-1]

    if not new_db:  # (a new database is opened once the workers have their first articles)
        try:
            connect()
        except BaseException:
            if pool:
                pool.shutdown(wait=False, cancel_futures=True)
            raise
    from . import arrow
    from .ingest import ingest

    arrow.without_numpy()  # (this process only writes)

    show_bar = not quiet and sys.stderr.isatty()
    started = time.time()
    bar_ctx = _progress() if show_bar else None
    db = opened[0] if opened else connect
    try:
        if bar_ctx:
            with bar_ctx as (set_total, advance):
                summary = ingest(db, list(paths), rules, rules_dir, workers, reextract, strict, progress=advance,
                                 total_hint=set_total, batch_size=batch_size, pool=pool)
        else:
            summary = ingest(db, list(paths), rules, rules_dir, workers, reextract, strict, batch_size=batch_size, pool=pool)
    except KeyboardInterrupt:
        raise click.ClickException("interrupted; what was written so far is whole. Run the same command again to finish.") from None
    except OSError as exc:
        raise click.ClickException(f"{db_path}: cannot write ({exc.strerror or exc}); nothing partial was kept. "
                                   "Free disk space or choose another --db, then run again.") from None
    except Exception as exc:
        import duckdb

        if isinstance(exc, duckdb.Error):
            raise click.ClickException(f"{db_path}: the database refused the write ({str(exc).splitlines()[0]}); "
                                       "the last batch was rolled back. Free disk space or choose another --db, then run again.") from None
        raise
    finally:
        for con in opened:
            con.close()
    secs = time.time() - started
    for e in summary.errors:
        click.echo(f"failed {_where(e)}: {e.reason}", err=True)
    d = summary.as_dict()
    click.echo(f"{db_path}: read {d['read']}, new {d['new']}, unchanged {d['unchanged']}, updated {d['updated']}, "
               f"duplicate {d['duplicate']}, failed {d['failed']}, tallies stored {d['tallies']} ({secs:.1f} s, {workers} worker{'' if workers == 1 else 's'})")
    if _ENTRY_POINT:  # the `pressmetrics` process itself: done
        _leave(1 if summary.failed else 0)
    if summary.failed:
        sys.exit(1)


def _leave(code: int) -> None:
    """End this process now: its exit handlers run (the kept tables are saved; the workers and
    the database are closed already) and its output is flushed, but the interpreter's teardown of
    the objects an ingest leaves (rules, dictionaries, the index: ~0.02 s) is skipped."""
    import atexit
    import os

    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class _progress:
    """A rich progress bar: files done / total, articles per second, time left."""

    def __enter__(self):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        class Rate(TextColumn):
            def render(self, task):
                speed = task.finished_speed or task.speed
                return f"{speed:.1f} articles/s" if speed else ""

        self.p = Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), Rate(""), TimeRemainingColumn(), transient=True)
        self.p.start()
        self.task = self.p.add_task("ingest", total=None)
        return (lambda n: self.p.update(self.task, total=n)), (lambda done, total: self.p.update(self.task, completed=done))

    def __exit__(self, *exc):
        self.p.stop()
        return False


def _out(rows, fmt, output, title=None):
    if fmt == "parquet":
        if not output:
            raise click.ClickException("--format parquet needs --output FILE")
        write_parquet(rows, output)
        click.echo(f"wrote {len(rows)} rows to {output}")
        return
    text = render(rows, fmt, title)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {len(rows)} rows to {output}")
    else:
        click.echo(text)


def _busy_guard(fn, db_path):
    """Run a read against the database; if a writer holds it, retry for up to 10 s, then say so."""
    import duckdb

    deadline = time.time() + 10
    while True:
        try:
            return fn()
        except click.ClickException as exc:
            if "busy" not in str(exc.message) or time.time() > deadline:
                raise
        except duckdb.IOException:
            if time.time() > deadline:
                raise click.ClickException(f"{db_path}: the database is busy (an ingest is writing); try again when it ends") from None
        time.sleep(0.5)


@cli.command("compare")
@db_option
@click.option("--category", "categories", multiple=True, help="one or more categories (default: all)")
@click.option("--by", type=click.Choice(["county", "city", "province"]), default="county", show_default=True)
@click.option("--period", type=click.Choice(["month", "quarter", "year"]), default="year", show_default=True)
@click.option("--from", "date_from", default=None, help="first date, YYYY-MM-DD")
@click.option("--to", "date_to", default=None, help="last date, YYYY-MM-DD")
@click.option("--region", default=None, help="a region name or an adcode prefix (37 = 山东省)")
@click.option("--population", type=click.Path(exists=True, dir_okay=False), default=None, help="CSV of adcode,population: adds per_100k")
@click.option("--wide", is_flag=True, help="one row per region and period, the most reported category/unit pairs as columns")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "jsonl", "parquet"]), default="table", show_default=True)
@click.option("--output", "-o", default=None, help="write to this file instead of the screen")
def compare_cmd(db_path, categories, by, period, date_from, date_to, region, population, wide, fmt, output):
    """Compare regions: totals per region, period, category and unit, ranked.
    Breakdowns and duplicate articles are left out; 人 and 人次 stay apart.

    Example: pressmetrics compare --category violations --by county --period year
    """
    from .compare import comparison_sql, with_population

    def run():
        con = _db(db_path, read_only=True)
        try:
            sql, params = comparison_sql(by, period, list(categories), date_from, date_to, region)
            cur = con.execute(sql, params)
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r)) for r in cur.fetchall()]
        finally:
            con.close()

    rows = _busy_guard(run, db_path)
    if population:
        rows = with_population(rows, _read_population(population))
    if wide:
        from .compare import widen

        rows = widen(rows)
    _out(rows, fmt, output, title=f"tallies by {by} and {period}")


def _read_population(path) -> dict[str, float]:
    import csv

    out = {}
    with open(path, encoding="utf-8-sig") as f:
        for n, row in enumerate(csv.reader(f), 1):
            if not row or not row[0].strip().isdigit():
                continue  # header or blank
            try:
                out[row[0].strip()] = float(row[1])
            except (IndexError, ValueError):
                raise click.ClickException(f"{path}:{n}: expected 'adcode,population'") from None
    return out


@cli.command("query")
@click.argument("sql")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "jsonl", "parquet"]), default="table", show_default=True)
@click.option("--output", "-o", default=None, help="write to this file instead of the screen")
def query_cmd(sql, db_path, fmt, output):
    """Run one SQL query on a read-only connection to the database.

    Example: pressmetrics query "SELECT county, sum(value) FROM tallies_comparable WHERE category = 'violations' GROUP BY ALL"
    """
    import duckdb

    def run():
        con = _db(db_path, read_only=True)
        try:
            cur = con.execute(sql)
            cols = [d[0] for d in cur.description] if cur.description else []
            return [dict(zip(cols, r)) for r in cur.fetchall()]
        except duckdb.Error as exc:
            raise click.ClickException(f"query failed: {str(exc).splitlines()[0]}") from None
        finally:
            con.close()

    _out(_busy_guard(run, db_path), fmt, output)


@cli.command("schema")
def schema_cmd():
    """Print the database schema: every table, view and column, with example queries.

    Example: pressmetrics schema
    """
    from .schema_doc import SCHEMA_DOC

    click.echo(SCHEMA_DOC)


@cli.command("export")
@db_option
@click.option("--table", "tables", multiple=True,
              type=click.Choice(["articles", "activities", "tallies", "errors", "tallies_comparable", "comparison"]),
              help="tables or views to export (default: tallies_comparable, articles, activities)")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="parquet", show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="outputs/export", show_default=True)
def export_cmd(db_path, tables, fmt, out_dir):
    """Export tables and views for pandas, R or Spark: CSV files, or Parquet partitioned by
    province and year (hive style: province=山东省/year=2013/…).

    Example: pressmetrics export --format parquet --out outputs/export
    """
    from .export import export

    con = _db(db_path, read_only=True)
    try:
        for name, path, rows in export(con, list(tables) or ["tallies_comparable", "articles", "activities"], fmt, Path(out_dir)):
            click.echo(f"{name}: {rows} rows → {path}")
    finally:
        con.close()


@cli.command("report")
@db_option
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default="outputs/report.html", show_default=True)
def report_cmd(db_path, out_path):
    """Write one self-contained HTML report (opens offline): charts of each category across
    regions and over time, with the tables behind them.

    Example: pressmetrics report --out outputs/report.html
    """
    from .report import build_report

    con = _db(db_path, read_only=True)
    try:
        page = build_report(con)
    finally:
        con.close()
    out = Path(out_path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write the report ({exc.strerror})") from None
    click.echo(f"wrote {out} ({len(page.encode('utf-8')) // 1024} KB)")


@cli.command("validate")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--min-f1", type=float, default=None, help="exit 1 when tallies F1 is below this")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@rules_option
def validate_cmd(gold_dir, min_f1, fmt, rules_dir):
    """Extract every article of a folder of article + gold JSON pairs and score it:
    per-category precision, recall and F1, and every miss and extra with its evidence.

    Example: pressmetrics validate corpus --min-f1 0.95
    """
    from .evaluate import evaluate_dir

    rules = _rules(rules_dir)
    try:
        result = evaluate_dir(Path(gold_dir), rules)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for line in result["report"]:
            click.echo(line)
        rows = [{"category": c, "gold": s["gold"], "P": f"{s['precision']:.3f}", "R": f"{s['recall']:.3f}", "F1": f"{s['f1']:.3f}"}
                for c, s in result["per_category"].items()]
        click.echo(render(rows, "table"))
        for k in ("articles", "gold_tallies", "approx_accuracy", "breakdown_accuracy", "activity_link_accuracy",
                  "activity_dates_accuracy", "published_accuracy", "region_accuracy"):
            v = result[k]
            click.echo(f"{k:24} {v:.3f}" if isinstance(v, float) else f"{k:24} {v}")
        for k in ("detection", "activities", "tallies"):
            s = result[k]
            click.echo(f"{k + ' P/R/F1':24} {s['precision']:.3f} {s['recall']:.3f} {s['f1']:.3f}")
    f1 = result["tallies"]["f1"]
    if min_f1 is not None and f1 < min_f1:
        click.echo(f"FAIL: tallies F1 {f1:.3f} is below --min-f1 {min_f1}", err=True)
        sys.exit(1)


_ENTRY_POINT = False  # True in the `pressmetrics` process (main), not for a caller of `cli` (CliRunner)


def main():
    """Entry point: a bug shows as one line with what to report, never as a traceback.
    (DuckDB is not imported here: `ingest` forks its workers before it is loaded.)"""
    global _ENTRY_POINT
    _ENTRY_POINT = True
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - the last guard
        duckdb = sys.modules.get("duckdb")  # (an error of DuckDB's comes only once it is loaded)
        if duckdb is not None and isinstance(exc, duckdb.CatalogException):
            click.echo(f"Error: the database lacks a table or view ({str(exc).splitlines()[0]}); "
                       "was it made by `pressmetrics ingest`?", err=True)
            sys.exit(1)
        click.echo(f"Error: {type(exc).__name__}: {exc} (this is a bug in pressmetrics; please report it with the command you ran)", err=True)
        sys.exit(2)
