"""Machine translation: ``translate`` (drafts, back-translations) and the ``mt`` store group."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pipeline.cli.app import App, echo, pass_app, table, warn
from pipeline.cli.locks import reads, writes
from pipeline.cli.options import languages_option
from pipeline.errors import UsageError
from pipeline.mt.engines.base import ENGINE_NAMES

if TYPE_CHECKING:
    from pipeline.mt.backtranslate import BackResult
    from pipeline.mt.engines.base import Usage
    from pipeline.mt.translate import TranslateResult


@click.command()
@languages_option
@click.option("--engine", "engines", multiple=True, type=click.Choice(ENGINE_NAMES),
              help="Use only these engines (repeatable). Default: memory, then DeepL when "
                   "DEEPL_AUTH_KEY is set.")
@click.option("--dry-run", is_flag=True,
              help="Say per language what would be filled, sent and billed; change nothing.")
@click.option("--back", is_flag=True,
              help="Back-translate drafts and unapproved translations into the source language "
                   "for reviewers (DeepL, kept in the machine-translation store; catalogs are not "
                   "modified).")
@writes
@pass_app
def translate(app: App, languages: tuple[str, ...], engines: tuple[str, ...], dry_run: bool,
              back: bool) -> None:
    """Fill empty strings with fuzzy drafts: memory first, then machine translation."""
    from pipeline.mt.translate import TranslationStopped, translate as run_translate

    if back:
        if engines and set(engines) != {"deepl"}:
            raise UsageError("--back uses the deepl engine only")
        from pipeline.mt.backtranslate import back_translate

        _print_back(back_translate(app.config, languages, dry_run=dry_run,
                                   progress=_TerminalProgress()))
        return
    try:
        result = run_translate(app.config, languages, engines, dry_run=dry_run,
                               progress=_TerminalProgress())
    except TranslationStopped as stopped:
        _print_translate(stopped.result, stopped=True)
        raise
    _print_translate(result)


class _TerminalProgress:
    """A progress bar per language on stderr, and only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar: Any = None  # a click progress bar while one language is sent

    def start(self, language: str, total: int) -> None:
        if sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label=f"{language}: translating",
                                         file=sys.stderr)
            self.bar.__enter__()

    def advance(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _print_translate(result: TranslateResult, stopped: bool = False) -> None:
    for notice in result.notices:
        warn("notice", notice, colour="cyan")
    rows: list[tuple[object, ...]]
    if result.dry_run:
        echo("dry run: nothing written, nothing sent")
        rows = [(r.language, r.empty, r.memory, r.near, r.drafts, r.texts, r.characters,
                 r.remaining) for r in result.reports]
        echo(table(("language", "empty", "memory", "near", "cached", "to send", "characters",
                    "left"), rows))
        total = sum(r.characters for r in result.reports)
        engine = result.engine or "no machine engine"
        echo(f"characters that would be billed: {total:,} ({engine})")
        _print_usage(result.usage, total)
    else:
        rows = [(r.language, r.empty, r.memory, r.near, r.drafts, r.cached, r.requests, r.billed,
                 r.remaining) for r in result.reports]
        echo(table(("language", "empty", "memory", "near", "drafts", "cached", "requests",
                    "billed", "left"), rows))
        echo(f"characters billed: {result.billed:,}"
             + (f" ({result.engine})" if result.engine else ""))
    mismatched = sum(r.mismatched for r in result.reports)
    if mismatched:
        warn("warning", f"{mismatched} draft(s) do not keep the source's links or emphasis; "
             "their translator comment says so")
    if result.remaining and result.missing_key:
        echo(f"{result.remaining} string(s) still need a translator or a DeepL key "
             "(set DEEPL_AUTH_KEY)")
    elif result.remaining and not result.dry_run and not stopped:
        echo(f"{result.remaining} string(s) still need a translator")


def _print_usage(usage: Usage | None, wanted: int) -> None:
    if usage is None or usage.remaining is None:
        return
    echo(f"characters remaining this billing period: {usage.remaining:,} of {usage.limit:,}")
    if wanted > usage.remaining:
        warn("warning", "that is more than the characters remaining: the run will stop when the "
             "quota is used up, keeping every draft received")


def _print_back(result: BackResult) -> None:
    if result.dry_run:
        echo("dry run: nothing sent")
    rows = [(r.language, r.strings, r.cached, r.texts, r.characters, r.billed)
            for r in result.reports]
    echo(table(("language", "to review", "cached", "to send" if result.dry_run else "sent",
                "characters", "billed"), rows))
    if result.dry_run:
        total = sum(r.characters for r in result.reports)
        echo(f"characters that would be billed: {total:,}")
        _print_usage(result.usage, total)
    else:
        echo(f"characters billed: {result.billed:,} (deepl)")


@click.group()
def mt() -> None:
    """The machine-translation store: export and import paid translations, to back up or share."""


@mt.command("export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@reads
@pass_app
def mt_export(app: App, file: Path) -> None:
    """Write every stored translation to FILE as JSON Lines, sorted by key ('-': stdout)."""
    from pipeline.mt.share import STDIO, dump, export_store

    if file == STDIO:
        export = dump(app.config)
        sys.stdout.buffer.write(export.text.encode("utf-8"))  # UTF-8 whatever the locale
        sys.stdout.buffer.flush()
    else:
        export = export_store(app.config, file)
    where = "standard output" if file == STDIO else file
    echo(f"exported {export.rows} translation(s) to {where}", err=file == STDIO)
    if export.left_out:
        warn("note", f"{export.left_out} translation(s) stored by an earlier version under other "
             "settings are not exported (an import could not check them); they stay in this "
             "store")


@mt.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@writes
@pass_app
def mt_import(app: App, files: tuple[Path, ...]) -> None:
    """Add the translations of exported FILEs ('-': standard input) that the store lacks.

    Every row is checked first: one malformed, or whose key does not match its
    fields, is an error naming the file and line, and nothing is imported.
    """
    from pipeline.mt.share import import_files

    result = import_files(app.config, files, sys.stdin.buffer.read)
    echo(f"{result.rows} translation(s) read from {result.files} file(s): {result.added} added, "
         f"{result.present} already present")


COMMANDS = (translate, mt)
