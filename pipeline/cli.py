"""Command-line interface (click). Every command prints plain errors, never tracebacks."""
from __future__ import annotations

import json
import sys

import click

from .extract import extract
from .models import ReadError
from .read import read_all
from .rules import RuleError, load_rules


def _rules(rules_dir):
    try:
        return load_rules(rules_dir)
    except RuleError as exc:
        raise click.ClickException(f"rule file problem: {exc}") from None


@click.group()
@click.version_option(package_name="pressmetrics")
def cli():
    """pressmetrics: tallies of police work from press releases, into DuckDB."""


@cli.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table"]), default="jsonl", show_default=True)
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None, help="rules folder (default: the project's rules/)")
def extract_cmd(paths, fmt, rules_dir):
    """Print SCHEMA records for articles (files or folders).

    Example: pressmetrics extract corpus/yutai-2013-11-28.txt --format jsonl
    """
    rules = _rules(rules_dir)
    for item in read_all(list(paths)):
        if isinstance(item, ReadError):
            click.echo(f"skipped {item.path}{':' + str(item.line) if item.line else ''}: {item.reason}", err=True)
            continue
        art = extract(item, rules)
        click.echo(json.dumps(art.model_dump(exclude={"url", "path"}), ensure_ascii=False))


@cli.command("explain")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None)
def explain_cmd(path, rules_dir):
    """Show how one article was read: cleaned text, tallies with evidence, rule and tokens,
    and every number that became no tally, with the reason.

    Example: pressmetrics explain corpus/yutai-2013-11-28.txt
    """
    from .explain import explain_lines
    from .extract import analyse

    rules = _rules(rules_dir)
    for item in read_all([path]):
        if isinstance(item, ReadError):
            raise click.ClickException(f"{item.path}{':' + str(item.line) if item.line else ''}: {item.reason}")
        click.echo("\n".join(explain_lines(analyse(item, rules))))


def main():
    cli()
