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
        from pipeline.mt.store import move_old_store

        config = load_config(self.config_path)
        try:
            moved = move_old_store(config)  # at once, before anything deletes the cache folder
        except PipelineError as error:  # only commands that use the store need to stop
            echo(style("warning: ", fg="yellow") + str(error), err=True)
            return config
        if moved:
            echo(style("notice: ", fg="cyan") + moved, err=True)
        return config


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
    """Per language: progress, doctors' review state, check errors and the gate's verdict."""
    from pipeline.gate.status import language_statuses

    config = app.config
    results = language_statuses(config, config.check_languages(languages))
    if as_json:
        echo(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        return
    headings = ("language", "strings", "translated", "fuzzy", "untranslated", "approved",
                "stale", "waiting", "rejected", "errors", "verdict")
    rows = [(r.progress.language, r.progress.strings, r.progress.translated, r.progress.fuzzy,
             r.progress.untranslated, r.review["approved"], r.review["stale"],
             r.review["waiting"], r.review["rejected"], r.check_errors, r.verdict)
            for r in results]
    echo(_table(headings, rows))
    for report in results:
        if not report.publishable:
            reasons = ", ".join(f"{count} {reason}" for reason, count in report.blocked.items())
            echo(f"{report.progress.language}: stopped ({reasons or 'no catalogs'})")
        for problem in report.ledger_problems:
            echo(style("warning: ", fg="yellow") + f"{problem} (not counted)", err=True)


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

# ------------------------------------------------------------ doctors' sign-off

key_file_option = click.option(
    "--key-file", type=click.Path(path_type=Path, dir_okay=False),
    help="The private key file (default: <keys dir>/ID.key; the keys dir is "
         "$PIPELINE_KEYS_DIR or the user's config directory).")
reviewer_option = click.option("--reviewer", required=True, metavar="ID",
                               help="Your reviewer id in reviewers.toml.")
review_language = click.option("--lang", "language", required=True, metavar="L",
                               help="The target language.")
page_option = click.option("--page", metavar="SLUG", help="Only this page (article slug).")


def _one_language(app: App, language: str) -> str:
    return app.config.check_languages((language,))[0]


def _signer(app: App, language: str, reviewer: str, key_file: Path | None):
    from pipeline.signoff.review import open_signer

    return open_signer(app.config, language, reviewer, key_file)


def _report_decision(decision, what: str) -> None:
    if decision.statement is None:
        echo(f"nothing to {what}")
        return
    count = len(decision.targets)
    echo(f"{what}d {count} entr{'y' if count == 1 else 'ies'}: one statement signed by "
         f"{decision.statement.reviewer} at {decision.statement.time:%Y-%m-%d %H:%M:%S} UTC")
    for path in decision.catalogs_written:
        echo(f"updated {path}")


@cli.command()
@click.argument("reviewer")
@key_file_option
@pass_app
def keygen(app: App, reviewer: str, key_file: Path | None) -> None:
    """Create a doctor's signing key pair; print the roster lines with the public key.

    The private key is written outside the repository (mode 0600) and never
    overwritten. For a reviewer already in the roster, the lines rotate the key
    and keep the old one valid for statements signed before now.
    """
    from pipeline.signoff.keys import check_reviewer_id, generate_key
    from pipeline.signoff.ledger import utc_now
    from pipeline.signoff.roster import load_roster, roster_lines

    check_reviewer_id(reviewer)
    try:
        config = app.config
    except PipelineError:
        config = None  # a doctor may make a key on a machine without the project
    existing = load_roster(config).get(reviewer) if config else None
    new = generate_key(reviewer, key_file)
    echo(f"wrote the private key of '{reviewer}' to {new.path} (mode 0600): keep it on this "
         "machine only, never commit or send it")
    echo(f"key id {new.key_id}; add these lines to reviewers.toml:\n")
    echo(roster_lines(reviewer, new.public_key, existing, utc_now()))


@cli.group()
def review() -> None:
    """Doctors' sign-off: pending entries, approve, reject, review sheets, a review page, audit log, verify."""


@review.command("list")
@review_language
@page_option
@json_option
@pass_app
def review_list(app: App, language: str, page: str | None, as_json: bool) -> None:
    """Entries waiting for a doctor (never approved, or changed since), with their warnings."""
    from pipeline.signoff.review import pending
    from pipeline.signoff.session import describe

    items = pending(app.config, _one_language(app, language), page)
    if as_json:
        echo(json.dumps([item.as_dict() for item in items], ensure_ascii=False, indent=2))
        return
    for item in items:
        echo(describe(app.config, language, item) + "\n")
    stale = sum(1 for item in items if item.state == "stale")
    echo(f"{len(items)} entr{'y' if len(items) == 1 else 'ies'} of '{language}' waiting for a "
         f"doctor ({stale} changed since approval)")


@review.command("approve")
@review_language
@reviewer_option
@key_file_option
@click.option("--entry", "entries", multiple=True, metavar="DIGEST",
              help="Approve this entry digest (or a unique prefix of 8+ digits); repeatable.")
@click.option("--sheet", type=click.Path(path_type=Path, dir_okay=False), metavar="MANIFEST",
              help="Approve exactly the entries a review sheet showed, if still unchanged.")
@page_option
@pass_app
def review_approve(app: App, language: str, reviewer: str, key_file: Path | None,
                   entries: tuple[str, ...], sheet: Path | None, page: str | None) -> None:
    """Sign off entries: interactively one by one, or by --entry digests or a --sheet manifest.

    Each decision is signed and appended to the ledger at once; quitting keeps
    every decision made. Approving a fuzzy entry clears its fuzzy flag.
    """
    from pipeline.signoff.review import approve, pending, resolve, translated_entries
    from pipeline.signoff.session import run_session
    from pipeline.signoff.sheet import approve_sheet

    if entries and sheet:
        raise click.UsageError("give either --entry or --sheet, not both")
    config, language = app.config, _one_language(app, language)
    signer = _signer(app, language, reviewer, key_file)
    if sheet:
        outcome = approve_sheet(config, language, signer, sheet)
        _report_decision(outcome.decision, "approve")
        for changed in outcome.changed:
            echo(style("not approved: ", fg="yellow") + changed, err=True)
        return
    if entries:
        targets = resolve(translated_entries(config, language), entries, language)
        _report_decision(approve(config, language, signer, targets), "approve")
        return
    items = pending(config, language, page)
    if not items:
        echo(f"nothing of '{language}' is waiting for a doctor")
        return
    result = run_session(config, language, signer, items, echo)
    echo(f"approved {result.approved}, rejected {result.rejected}, skipped {result.skipped}, "
         f"left {result.remaining}")


@review.command("reject")
@review_language
@reviewer_option
@key_file_option
@click.option("--entry", required=True, metavar="DIGEST", help="The entry digest (or a unique prefix).")
@click.option("--note", required=True, help="What is wrong, for the translator.")
@pass_app
def review_reject(app: App, language: str, reviewer: str, key_file: Path | None, entry: str,
                  note: str) -> None:
    """Reject an entry: sign a reject statement, mark it fuzzy with the note for the translator."""
    from pipeline.signoff.review import reject, resolve, translated_entries

    config, language = app.config, _one_language(app, language)
    signer = _signer(app, language, reviewer, key_file)
    (target,) = resolve(translated_entries(config, language), [entry], language)
    _report_decision(reject(config, language, signer, target, note), "reject")


@review.command("revoke")
@review_language
@reviewer_option
@key_file_option
@click.option("--entry", "entries", required=True, multiple=True, metavar="DIGEST",
              help="An approved entry digest (or a unique prefix); repeatable.")
@click.option("--note", default="", help="Why, for the audit trail.")
@pass_app
def review_revoke(app: App, language: str, reviewer: str, key_file: Path | None,
                  entries: tuple[str, ...], note: str) -> None:
    """Withdraw approvals: the entries wait for a doctor again; the catalogs are not changed."""
    from pipeline.signoff.review import resolve, revoke, translated_entries

    config, language = app.config, _one_language(app, language)
    signer = _signer(app, language, reviewer, key_file)
    targets = resolve(translated_entries(config, language), entries, language)
    _report_decision(revoke(config, language, signer, targets, note), "revoke")


@review.command("sheet")
@review_language
@page_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE.html", help="Where to write the sheet; the manifest goes beside it.")
@pass_app
def review_sheet(app: App, language: str, page: str | None, output: Path) -> None:
    """A printable, self-contained HTML sheet of the waiting entries, and its digest manifest."""
    from pipeline.signoff.sheet import write_sheet

    files = write_sheet(app.config, _one_language(app, language), output, page)
    echo(f"wrote {files.html} ({files.entries} entr{'y' if files.entries == 1 else 'ies'}) "
         f"and {files.manifest}")


@review.command("log")
@language_option()
@json_option
@pass_app
def review_log(app: App, languages: tuple[str, ...], as_json: bool) -> None:
    """The audit trail: who approved, rejected or revoked what, and when, with the text pairs."""
    from pipeline.signoff.review import audit_log

    records, problems = audit_log(app.config, app.config.check_languages(languages))
    if as_json:
        echo(json.dumps({"statements": [r.as_dict() for r in records],
                         "problems": [str(p) for p in problems]}, ensure_ascii=False, indent=2))
        return
    for record in records:
        s = record.statement
        echo(f"{s.time:%Y-%m-%d %H:%M:%S}Z  {record.language}  {s.meaning:<7}  {record.name} "
             f"({s.reviewer})  {len(s.digests)} entr{'y' if len(s.digests) == 1 else 'ies'}")
        if s.note:
            echo(f"    note: {s.note}")
        for digest, place in record.texts.items():
            if place is None:
                echo(f"    {digest[:12]}  (text no longer in the catalogs)")
            else:
                echo(f"    {digest[:12]}  {place.where}  {place.entry.msgid!r} -> "
                     f"{' | '.join(place.entry.msgstrs)!r}")
    for problem in problems:
        echo(style("not counted: ", fg="yellow") + str(problem), err=True)


@review.command("verify")
@language_option()
@pass_app
def review_verify(app: App, languages: tuple[str, ...]) -> None:
    """Check every ledger line; exit 1 naming each line that does not count, and why."""
    from pipeline.signoff.review import verify

    counted, problems = verify(app.config, app.config.check_languages(languages))
    failures = [p for p in problems if not p.harmless]
    for problem in problems:
        label = "note: " if problem.harmless else "error: "
        echo(style(label, fg="yellow" if problem.harmless else "red") + str(problem),
             err=not problem.harmless)
    echo(f"{counted} statement(s) verified, {len(failures)} line(s) rejected")
    if failures:
        click.get_current_context().exit(1)


@review.command("serve")
@reviewer_option
@click.option("--lang", "languages", multiple=True, metavar="L",
              help="Only this language (repeatable; default: every language you may approve).")
@key_file_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; keep the default so only this machine can connect.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="The port to listen on (0: any free port; the address printed says which).")
@pass_app
def review_serve(app: App, reviewer: str, languages: tuple[str, ...], key_file: Path | None,
                 host: str, port: int) -> None:
    """A local review page in your browser: read, approve and reject translations, article by article.

    Your key is opened once and stays in this process. The printed address
    carries a random token, needed for every request, so no other user or web
    page can post decisions; each decision is signed and saved at once.
    """
    from pipeline.signoff.server import serve

    serve(app.config, reviewer, app.config.check_languages(languages) if languages else None,
          key_file, host, port, echo)
    echo("review page stopped")


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

from pipeline.site.formats import output_formats  # noqa: E402  (kept with the command that uses it)


@cli.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Output folder (default: [paths] output in pipeline.toml, public/).")
@click.option("--strict", is_flag=True,
              help="Exit with code 3 when any configured language was stopped (for CI).")
@click.option("--format", "fmt", type=click.Choice(list(output_formats())), default="html",
              show_default=True,
              help="HTML pages, or translated Markdown with front matter for Hugo, MkDocs, Jekyll.")
@pass_app
def build(app: App, out: Path | None, strict: bool, fmt: str) -> None:
    """Render the source language and every fully reviewed language; stop the others."""
    from pipeline.site.build import build as run_build
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


# ---------------------------------------------------------------- translate

from pipeline.mt.engines import ENGINE_NAMES  # noqa: E402  (kept with the command that uses it)


@cli.command()
@language_option()
@click.option("--engine", "engines", multiple=True, type=click.Choice(ENGINE_NAMES),
              help="Use only these engines (repeatable). Default: memory, then DeepL when "
                   "DEEPL_AUTH_KEY is set.")
@click.option("--dry-run", is_flag=True,
              help="Say per language what would be filled, sent and billed; change nothing.")
@click.option("--back", is_flag=True,
              help="Back-translate drafts and unapproved translations into the source language "
                   "for reviewers (DeepL, kept in the machine-translation store; catalogs are not "
                   "modified).")
@pass_app
def translate(app: App, languages: tuple[str, ...], engines: tuple[str, ...], dry_run: bool,
              back: bool) -> None:
    """Fill empty strings with fuzzy drafts: memory first, then machine translation."""
    from pipeline.mt.translate import TranslationStopped, translate as run_translate

    if back:
        if engines and set(engines) != {"deepl"}:
            raise click.UsageError("--back uses the deepl engine only")
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


# ------------------------------------------------------ the machine-translation store


@cli.group()
def mt() -> None:
    """The machine-translation store: export and import paid translations, to back up or share."""


@mt.command("export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
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
        echo(style("note: ", fg="yellow") + f"{export.left_out} translation(s) stored by an "
             "earlier version under other settings are not exported (an import could not check "
             "them); they stay in this store", err=True)


@mt.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
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


def main() -> None:
    try:
        cli(prog_name="pipeline")
    except KeyboardInterrupt:
        echo("interrupted: work finished before the interrupt is kept", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["cli", "main", "App", "EXIT_USAGE"]
