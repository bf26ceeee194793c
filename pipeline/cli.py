"""The command line: parse options, call one stage function, print its result.

No rule of the pipeline lives here; every command hands its work to a module
of the package and only decides how the result is shown.
"""

from __future__ import annotations

import json
import os
import sys
from functools import cached_property
from pathlib import Path

import click

from pipeline import __version__
from pipeline.config import Config, load_config
from pipeline.errors import EXIT_USAGE, PipelineError


class App:
    """What every command shares: the configuration, loaded on first use."""

    def __init__(self, config_path: Path | None):
        self.config_path = config_path

    @cached_property
    def config(self) -> Config:
        return load_config(self.config_path)


pass_app = click.make_pass_decorator(App)


def use_color() -> bool | None:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    return None


def style(text: str, **kwargs) -> str:
    if use_color() is False:
        return text
    return click.style(text, **kwargs)


def echo(text: str = "", err: bool = False) -> None:
    click.echo(text, err=err, color=use_color())


def language_option(help_text: str = "Only this target language (repeatable)."):
    return click.option("--lang", "languages", multiple=True, metavar="L", help=help_text)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


class PipelineGroup(click.Group):
    """Turns a PipelineError into one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PipelineError as error:
            echo(style("error: ", fg="red", bold=True) + str(error), err=True)
            ctx.exit(error.exit_code)


@click.group(cls=PipelineGroup, context_settings={"auto_envvar_prefix": "PIPELINE",
                                                  "help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="The project's pipeline.toml (default: found in this or a parent directory).")
@click.version_option(__version__, prog_name="pipeline")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Reviewed translation pipeline for medical articles.

    pull → translate → review → build: Turkish Markdown articles become gettext
    catalogs, get machine drafts, are signed off by doctors, and only fully
    reviewed languages are published.
    """
    ctx.obj = App(config_path)


@cli.command()
@pass_app
def pull(app: App) -> None:
    """Extract source articles into templates and merge them into every catalog."""
    from pipeline.pull import pull as run_pull

    result = run_pull(app.config)
    for path in result.written:
        echo(f"wrote {path}")
    echo(f"{result.articles} article(s), {result.catalogs} catalog(s): "
         f"{len(result.written)} file(s) written"
         + ("" if result.written else ", everything up to date"))
    for orphan in result.orphans:
        echo(style("warning: ", fg="yellow") + f"{orphan} has no source article any more; "
             "remove it and its catalogs if the article is gone", err=True)


@cli.command()
@language_option()
@json_option
@pass_app
def status(app: App, languages: tuple[str, ...], as_json: bool) -> None:
    """Per language: strings, translated, fuzzy and untranslated."""
    from pipeline.status import language_status

    config = app.config
    results = [language_status(config, lang) for lang in config.check_languages(languages)]
    if as_json:
        echo(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        return
    rows = [(r.language, r.strings, r.translated, r.fuzzy, r.untranslated) for r in results]
    echo(_table(("language", "strings", "translated", "fuzzy", "untranslated"), rows))


def _table(headings: tuple[str, ...], rows: list[tuple]) -> str:
    cells = [tuple(str(value) for value in row) for row in rows]
    widths = [max(len(heading), *(len(row[i]) for row in cells)) if cells else len(heading)
              for i, heading in enumerate(headings)]
    def line(values: tuple[str, ...]) -> str:
        return "  ".join(value.ljust(width) if i == 0 else value.rjust(width)
                         for i, (value, width) in enumerate(zip(values, widths))).rstrip()
    out = [style(line(headings), bold=True)]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


# ---------------------------------------------------------------- translate

from pipeline.engines import ENGINE_NAMES  # noqa: E402  (kept with the command that uses it)


@cli.command()
@language_option()
@click.option("--engine", "engines", multiple=True, type=click.Choice(ENGINE_NAMES),
              help="Use only these engines (repeatable). Default: memory, then DeepL when "
                   "DEEPL_AUTH_KEY is set.")
@click.option("--dry-run", is_flag=True,
              help="Say per language what would be filled, sent and billed; change nothing.")
@click.option("--back", is_flag=True,
              help="Back-translate drafts and unapproved translations into the source language "
                   "for reviewers (DeepL, cached; catalogs are not modified).")
@pass_app
def translate(app: App, languages: tuple[str, ...], engines: tuple[str, ...], dry_run: bool,
              back: bool) -> None:
    """Fill empty strings with fuzzy drafts: memory first, then machine translation."""
    from pipeline.translate import TranslationStopped, translate as run_translate

    if back:
        if engines and set(engines) != {"deepl"}:
            raise click.UsageError("--back uses the deepl engine only")
        from pipeline.backtranslate import back_translate

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

    def __init__(self):
        self.bar = None

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


def _print_translate(result, stopped: bool = False) -> None:
    for notice in result.notices:
        echo(style("notice: ", fg="cyan") + notice, err=True)
    if result.dry_run:
        echo("dry run: nothing written, nothing sent")
        rows = [(r.language, r.empty, r.memory, r.near, r.drafts, r.texts, r.characters,
                 r.remaining) for r in result.reports]
        echo(_table(("language", "empty", "memory", "near", "cached", "to send", "characters",
                     "left"), rows))
        total = sum(r.characters for r in result.reports)
        engine = result.engine or "no machine engine"
        echo(f"characters that would be billed: {total:,} ({engine})")
        _print_usage(result.usage, total)
    else:
        rows = [(r.language, r.empty, r.memory, r.near, r.drafts, r.cached, r.requests, r.billed,
                 r.remaining) for r in result.reports]
        echo(_table(("language", "empty", "memory", "near", "drafts", "cached", "requests",
                     "billed", "left"), rows))
        echo(f"characters billed: {result.billed:,}"
             + (f" ({result.engine})" if result.engine else ""))
    mismatched = sum(r.mismatched for r in result.reports)
    if mismatched:
        echo(style("warning: ", fg="yellow") + f"{mismatched} draft(s) do not keep the source's "
             "links or emphasis; their translator comment says so", err=True)
    if result.remaining and result.missing_key:
        echo(f"{result.remaining} string(s) still need a translator or a DeepL key "
             "(set DEEPL_AUTH_KEY)")
    elif result.remaining and not result.dry_run and not stopped:
        echo(f"{result.remaining} string(s) still need a translator")


def _print_usage(usage, wanted: int) -> None:
    if usage is None or usage.remaining is None:
        return
    echo(f"characters remaining this billing period: {usage.remaining:,} of {usage.limit:,}")
    if wanted > usage.remaining:
        echo(style("warning: ", fg="yellow") + "that is more than the characters remaining: the "
             "run will stop when the quota is used up, keeping every draft received", err=True)


def _print_back(result) -> None:
    if result.dry_run:
        echo("dry run: nothing sent")
    rows = [(r.language, r.strings, r.cached, r.texts, r.characters, r.billed)
            for r in result.reports]
    echo(_table(("language", "to review", "cached", "to send" if result.dry_run else "sent",
                 "characters", "billed"), rows))
    if result.dry_run:
        total = sum(r.characters for r in result.reports)
        echo(f"characters that would be billed: {total:,}")
        _print_usage(result.usage, total)
    else:
        echo(f"characters billed: {result.billed:,} (deepl)")


def main() -> None:
    try:
        cli(prog_name="pipeline")
    except KeyboardInterrupt:
        echo("interrupted: work finished before the interrupt is kept", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["cli", "main", "App", "EXIT_USAGE"]
