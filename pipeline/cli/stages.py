"""The pipeline's own commands: pull, mv, status, check and build (translate: :mod:`pipeline.cli.machine`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.cli.app import App, echo, fail, pass_app, roster_trust, style, table, warn
from pipeline.cli.locks import reads, writes
from pipeline.cli.options import json_option, languages_option, out_option
from pipeline.errors import StoppedError
from pipeline.site.formats import output_formats

if TYPE_CHECKING:
    from pipeline.gate.rules import Blocker

BUILD_SHOWN_BLOCKERS = 5


@click.command()
@writes
@pass_app
def pull(app: App) -> None:
    """Extract source articles into templates and merge them into every catalog."""
    from pipeline.pull import pull as run_pull

    _warn_near_misses(app)
    result = run_pull(app.config)
    for path in result.written:
        echo(f"wrote {path}")
    echo(f"{result.articles} article(s), {result.catalogs} catalog(s): "
         f"{len(result.written)} file(s) written"
         + ("" if result.written else ", everything up to date"))
    for orphan in result.orphans:
        warn("warning", str(orphan))


@click.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@writes
@pass_app
def mv(app: App, old: str, new: str) -> None:
    """Rename article OLD to NEW with its template and catalogs, keeping translations and approvals.

    Also completes a rename already made in the source folder (git mv, then pull):
    the old catalogs replace the empty ones pull made for NEW.
    """
    from pipeline.rename import move_article

    moved = move_article(app.config, old, new)
    for before, after in moved.files:
        echo(f"moved {before} → {after}" + (" (replacing the empty one pull made)"
                                            if after in moved.replaced else ""))
    echo(f"'{old}' is now '{new}': {len(moved.files)} file(s) moved; "
         "commit them together (approvals still count)")


def _warn_near_misses(app: App) -> None:
    """One warning line for each file of the source folder that looks meant as an article."""
    from pipeline.source.articles import near_miss_advice, near_misses

    for path in near_misses(app.config.source_dir):
        warn("warning", f"{app.config.relative(path)}: {near_miss_advice(path)}")


@click.command()
@languages_option
@json_option
@reads
@pass_app
def status(app: App, languages: tuple[str, ...], as_json: bool) -> None:
    """Per language: progress, doctors' review state, check errors and the gate's verdict."""
    from pipeline.gate.status import status_report

    source, results = status_report(app.config, app.languages(languages))
    if as_json:
        shown = [source.as_dict()] if source.required else []
        echo(json.dumps(shown + [r.as_dict() for r in results], ensure_ascii=False, indent=2))
        return
    roster_trust(app.config)
    if source.required:
        _report_source(source.verdict.language, source.verdict.blockers,
                       len(source.verdict.articles))
        for failure in source.verdict.signoffs.failures if source.verdict.signoffs else ():
            warn("warning", f"{failure} (not counted)")
    headings = ("language", "strings", "translated", "fuzzy", "untranslated", "approved",
                "stale", "waiting", "rejected", "errors", "verdict")
    rows = [(r.progress.language, r.progress.strings, r.progress.translated, r.progress.fuzzy,
             r.progress.untranslated, r.review["approved"], r.review["stale"],
             r.review["waiting"], r.review["rejected"], r.check_errors, r.verdict)
            for r in results]
    echo(table(headings, rows))
    for report in results:
        if not report.publishable:
            reasons = ", ".join(f"{count} {reason}" for reason, count in report.blocked.items())
            echo(f"{report.progress.language}: stopped ({reasons or 'no catalogs'})")
        for problem in report.ledger_problems:
            warn("warning", f"{problem} (not counted)")


@click.command()
@languages_option
@json_option
@reads
@pass_app
def check(app: App, languages: tuple[str, ...], as_json: bool) -> None:
    """Check translations: errors block publication, warnings inform; exit 1 on any error."""
    from pipeline.checks import ERROR
    from pipeline.gate.findings import run_checks

    report = run_checks(app.config, app.languages(languages))
    if as_json:
        echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        colours = {ERROR: "red"}
        for finding in report.findings:
            severity = style(finding.severity, fg=colours.get(finding.severity, "yellow"))
            echo(f"{finding.path}:{finding.line}: {severity}: [{finding.check}] {finding.message}")
        if report.findings:
            echo()
        rows = [(s.language, s.catalogs, s.entries, s.errors, s.warnings) for s in report.languages]
        echo(table(("language", "catalogs", "checked", "errors", "warnings"), rows))
        for summary in report.languages:
            for path in summary.missing:
                warn("note", f"{path} is missing: run 'pipeline pull'")
        echo(f"{report.errors} error(s), {report.warnings} warning(s)")
    if report.errors:
        fail()


@click.command()
@out_option
@click.option("--strict", is_flag=True,
              help="Exit with code 3 when any configured language was stopped (for CI).")
@click.option("--format", "fmt", type=click.Choice(list(output_formats())), default="html",
              show_default=True,
              help="HTML pages, or translated Markdown with front matter for Hugo, MkDocs, Jekyll.")
@click.option("--allow-empty", is_flag=True,
              help="Build even when no source article is left, removing every article page.")
@writes
@pass_app
def build(app: App, out: Path | None, strict: bool, fmt: str, allow_empty: bool) -> None:
    """Render the source language and every fully reviewed language; stop the others."""
    from pipeline.site.build import build as run_build

    from pipeline.signoff.review import verify

    _warn_near_misses(app)
    result = run_build(app.config, out, fmt, allow_empty)
    refused = roster_trust(app.config, publishing=True)
    _source_notice(app)
    ledgers = (app.config.source_language, *app.config.languages)
    ledger = [problem for problem in verify(app.config, ledgers)[1]
              if not problem.harmless]
    for problem in ledger:
        warn("warning", f"{problem} (not counted)")
    for report in result.languages:
        if report.published:
            note = " (source)" if report.is_source else ""
            if report.is_source and report.blockers:
                _report_source(report.language, report.blockers)
            else:
                echo(f"{report.language}: " + style("published", fg="green") + note)
            continue
        reasons = ", ".join(f"{count} {reason}" for reason, count in report.reasons().items())
        echo(f"{report.language}: " + style("stopped", fg="red", bold=True)
             + f", {len(report.blockers)} string(s) hold it back: {reasons}")
        for blocker in report.blockers[:BUILD_SHOWN_BLOCKERS]:
            excerpt = blocker.msgid if len(blocker.msgid) <= 60 else blocker.msgid[:59] + "…"
            echo(f"  {blocker}" + (f"  \"{excerpt}\"" if excerpt else ""))
        if len(report.blockers) > BUILD_SHOWN_BLOCKERS:
            echo(f"  … and {len(report.blockers) - BUILD_SHOWN_BLOCKERS} more "
                 f"('pipeline status --lang {report.language}')")
    where = app.config.relative(result.out)
    if result.changed:
        echo(f"built {where}/: {result.pages} page(s), {result.rendered} rendered, "
             f"{result.reused} unchanged")
    else:
        echo(f"{where}/ is up to date: {result.pages} page(s), nothing written")
    if strict and (result.stopped or ledger):
        names = ", ".join(report.language for report in result.stopped)
        cause = (f"no doctor counts: {app.config.relative(app.config.roster_path)} is not signed "
                 "by the clinic's trust root, see above" if refused
                 else "not fully reviewed; see the report above")
        why = [f"stopped: {names} ({cause})"] if names else []
        if ledger:
            why.append("ledger line(s) that do not verify: "
                       + ", ".join(f"{problem.path}:{problem.line}" for problem in ledger))
        raise StoppedError("; ".join(why))


def _report_source(language: str, drafts: tuple[Blocker, ...], articles: int | None = None) -> None:
    """The source language's line: published, and each draft article with what it waits for."""
    if not drafts:
        echo(f"{language}: " + style("published", fg="green") + f" (source, {articles} article(s) "
             "signed)")
        return
    echo(f"{language}: " + style("published", fg="green") + f" (source); {len(drafts)} draft "
         "article(s), published in no language until signed:")
    for blocker in drafts:
        echo(f"  {blocker}  \"{blocker.msgid}\"")


def _source_notice(app: App) -> None:
    """One line when the source articles are published without their doctors' signatures."""
    from pipeline.gate.source import unsigned_notice

    notice = unsigned_notice(app.config)
    if notice:
        warn("note", notice, colour="cyan")


COMMANDS = (pull, mv, status, check, build)
