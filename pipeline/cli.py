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


# ------------------------------------------------------------------ check


@cli.command()
@language_option()
@json_option
@pass_app
def check(app: App, languages: tuple[str, ...], as_json: bool) -> None:
    """Check translations: errors block publication, warnings inform; exit 1 on any error."""
    from pipeline.checks import ERROR, run_checks
    from pipeline.errors import EXIT_ERROR

    config = app.config
    report = run_checks(config, config.check_languages(languages))
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
        echo(_table(("language", "catalogs", "checked", "errors", "warnings"), rows))
        for summary in report.languages:
            for path in summary.missing:
                echo(style("note: ", fg="yellow") + f"{path} is missing: run 'pipeline pull'",
                     err=True)
        echo(f"{report.errors} error(s), {report.warnings} warning(s)")
    if report.errors:
        click.get_current_context().exit(EXIT_ERROR)


# ---------------------------------------------------------------- build

BUILD_SHOWN_BLOCKERS = 5


@cli.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Output folder (default: [paths] output in pipeline.toml, public/).")
@click.option("--strict", is_flag=True,
              help="Exit with code 3 when any configured language was stopped (for CI).")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html",
              show_default=True,
              help="HTML pages, or translated Markdown with front matter for Hugo, MkDocs, Jekyll.")
@pass_app
def build(app: App, out: Path | None, strict: bool, fmt: str) -> None:
    """Render the source language and every fully reviewed language; stop the others."""
    from pipeline.build import build as run_build
    from pipeline.errors import StoppedError

    result = run_build(app.config, out, fmt)
    for report in result.languages:
        if report.published:
            note = " (source)" if report.is_source else ""
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
    if strict and result.stopped:
        names = ", ".join(report.language for report in result.stopped)
        raise StoppedError(f"stopped: {names} (not fully reviewed; see the report above)")


def main() -> None:
    try:
        cli(prog_name="pipeline")
    except KeyboardInterrupt:
        echo("interrupted: work finished before the interrupt is kept", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["cli", "main", "App", "EXIT_USAGE"]
