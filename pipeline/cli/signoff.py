"""The doctors' sign-off: ``keygen`` and the ``review`` group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.cli.app import App, echo, entries, fail, pass_app, roster_trust, style, warn
from pipeline.cli.locks import decides, reads, writes
from pipeline.cli.options import (json_option, key_file_option, language_option, languages_option,
                                  page_option, reader_option, reviewer_option)
from pipeline.config import project_root
from pipeline.errors import PipelineError, UsageError
from pipeline.locking import SHARED, project_lock

if TYPE_CHECKING:
    from pipeline.signoff.handback import Tally
    from pipeline.signoff.review import Decision, Signer


def _signer(app: App, language: str, reviewer: str, key_file: Path | None) -> Signer:
    from pipeline.signoff.review import open_signer

    return open_signer(app.config, language, reviewer, key_file)


def _is_source(app: App, language: str) -> bool:
    """Whether a review command is about the source articles (``--lang tr``), not translations."""
    return language == app.config.source_language


def _with_source(app: App, requested: tuple[str, ...]) -> tuple[str, ...]:
    """The languages a log, verify or review page covers: those asked for, the source language
    among them (its articles), or, none asked for, the source and every target."""
    source = app.config.source_language
    targets = app.languages(tuple(lang for lang in requested if lang != source))
    if requested and source not in requested:
        return targets
    if requested and len(requested) == 1:
        return (source,)
    return (source, *targets)


def _report_decision(decision: Decision, what: str) -> None:
    if decision.statement is None:
        echo(f"nothing to {what}")
        return
    echo(f"{what}d {entries(len(decision.targets))}: one statement signed by "
         f"{decision.statement.reviewer} at {decision.statement.time:%Y-%m-%d %H:%M:%S} UTC")
    for path in decision.catalogs_written:
        echo(f"updated {path}")


@click.command()
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
    from pipeline.signoff.roster import read_roster, roster_lines

    check_reviewer_id(reviewer)
    try:
        config = app.config
    except PipelineError:
        config = None  # a doctor may make a key on a machine without the project
    existing = read_roster(config).get(reviewer) if config else None  # lines to edit it
    new = generate_key(reviewer, key_file,
                       config.root if config else project_root(app.config_path))
    echo(f"wrote the private key of '{reviewer}' to {new.path} (mode 0600): keep it on this "
         "machine only, never commit or send it")
    echo(f"key id {new.key_id}; add these lines to reviewers.toml:\n")
    echo(roster_lines(reviewer, new.public_key, existing, utc_now()))


@click.group()
def review() -> None:
    """Doctors' sign-off: pending entries, approve, reject, sheets, a review page, log, verify."""


@review.command("list")
@language_option
@page_option
@json_option
@reads
@pass_app
def review_list(app: App, language: str, page: str | None, as_json: bool) -> None:
    """Entries waiting for a doctor (never approved, or changed since), with their warnings."""
    from pipeline.signoff.context import pending_contexts
    from pipeline.signoff.review import pending
    from pipeline.signoff.session import describe

    if _is_source(app, language):
        _list_articles(app, page, as_json)
        return
    items = pending(app.config, app.language(language), page)
    contexts = pending_contexts(app.config, language, items)
    if as_json:
        echo(json.dumps([item.as_dict() | context.as_dict()
                         for item, context in zip(items, contexts)], ensure_ascii=False, indent=2))
        return
    for item, context in zip(items, contexts):
        echo(describe(app.config, language, item, context=context) + "\n")
    stale = sum(1 for item in items if item.state == "stale")
    echo(f"{entries(len(items))} of '{language}' waiting for a doctor "
         f"({stale} changed since approval)")


@review.command("approve")
@language_option
@reviewer_option
@key_file_option
@click.option("--entry", "digests", multiple=True, metavar="DIGEST",
              help="Approve this entry digest (or a unique prefix of 8+ digits); repeatable.")
@click.option("--sheet", type=click.Path(path_type=Path, dir_okay=False), metavar="MANIFEST",
              help="Approve exactly the entries a review sheet showed, if still unchanged.")
@page_option
@decides
@pass_app
def review_approve(app: App, language: str, reviewer: str, key_file: Path | None,
                   digests: tuple[str, ...], sheet: Path | None, page: str | None) -> None:
    """Sign off entries: interactively one by one, or by --entry digests or a --sheet manifest.

    Each decision is signed and appended to the ledger at once; quitting keeps
    every decision made. Approving a fuzzy entry clears its fuzzy flag.
    """
    from pipeline.signoff.handback import Tally
    from pipeline.signoff.review import approve, pending, resolve, translated_entries
    from pipeline.signoff.i18n import speaking_to
    from pipeline.signoff.session import run_session
    from pipeline.signoff.sheet import approve_sheet

    if digests and sheet:
        raise UsageError("give either --entry or --sheet, not both")
    if _is_source(app, language):
        _approve_articles(app, reviewer, key_file, digests, sheet, page)
        return
    config, language = app.config, app.language(language)
    signer = _signer(app, language, reviewer, key_file)
    if sheet:
        with project_lock(config):
            outcome = approve_sheet(config, language, signer, sheet)
        _report_decision(outcome.decision, "approve")
        for changed in outcome.changed:
            warn("not approved", changed)
        return
    if digests:
        with project_lock(config):
            targets = resolve(translated_entries(config, language), digests, language)
            decision = approve(config, language, signer, targets)
        _report_decision(decision, "approve")
        return
    with project_lock(config, SHARED):  # then each decision locks the project for itself
        items = pending(config, language, page)
    if not items:
        echo(f"nothing of '{language}' is waiting for a doctor")
        return
    tally = Tally(signer.reviewer.name)
    try:
        with speaking_to(config, signer.reviewer):
            result = run_session(config, language, signer, items, echo, tally)
    except (click.Abort, KeyboardInterrupt):
        _hand_back(app, tally, commit=False)  # what was decided before the stop is saved
        raise
    echo(f"approved {result.approved}, rejected {result.rejected}, corrected {result.corrected}, "
         f"skipped {result.skipped}, left {result.remaining}")
    _hand_back(app, tally, commit=False)


def _hand_back(app: App, tally: Tally, commit: bool) -> None:
    """The session's decisions per language, then its commit: the commands, or made (--commit)."""
    from pipeline.signoff.handback import HandBackError
    from pipeline.signoff.handback import commit as make_commit

    if tally.empty:
        return
    for line in tally.summary():
        echo(line)
    if commit:
        try:
            echo(f"committed {make_commit(app.config.root, tally)}: {tally.message()}")
            return
        except HandBackError as error:
            _commands(tally)
            raise error from None
    _commands(tally)


def _commands(tally: Tally) -> None:
    echo("to commit the session's decisions, run in the project folder:")
    for command in tally.commands():
        echo(f"    {command}")


def _list_articles(app: App, page: str | None, as_json: bool) -> None:
    """``review list --lang tr``: the source articles waiting for a doctor's signature."""
    from pipeline.signoff.sources import as_dict, describe, pending_articles

    items = pending_articles(app.config, page)
    if as_json:
        echo(json.dumps([as_dict(item) for item in items], ensure_ascii=False, indent=2))
        return
    for item in items:
        echo(describe(item) + "\n")
    echo(f"{len(items)} article(s) of '{app.config.source_language}' waiting for a doctor's "
         "signature")


def _approve_articles(app: App, reviewer: str, key_file: Path | None, names: tuple[str, ...],
                      sheet: Path | None, page: str | None) -> None:
    """``review approve --lang tr``: sign source articles by slug, by sheet, or one by one."""
    from pipeline.signoff import sources
    from pipeline.signoff.review import approve

    config, language = app.config, app.config.source_language
    signer = _signer(app, language, reviewer, key_file)
    if sheet:
        with project_lock(config):
            decision, changed = sources.approve_sheet(config, signer, sheet)
        _report_article_decision(decision)
        for line in changed:
            warn("not signed", line)
        return
    if names or page:
        with project_lock(config):
            targets = sources.resolve_articles(config, [*names, *([page] if page else [])])
            decision = approve(config, language, signer, targets)
        _report_article_decision(decision)
        return
    with project_lock(config, SHARED):  # then each decision locks the project for itself
        waiting = sources.pending_articles(config)
    if not waiting:
        echo(f"no article of '{language}' is waiting for a signature")
        return
    counts = sources.run_session(config, signer, waiting, echo)
    echo(f"signed {counts['approve']}, rejected {counts['reject']}, skipped {counts['skip']}, "
         f"left {counts['left']}")


def _report_article_decision(decision: Decision) -> None:
    if decision.statement is None:
        echo("nothing to sign")
        return
    slugs = ", ".join(getattr(target, "slug", target.digest[:12]) for target in decision.targets)
    echo(f"signed {len(decision.targets)} article(s) ({slugs}): one statement by "
         f"{decision.statement.reviewer} at {decision.statement.time:%Y-%m-%d %H:%M:%S} UTC")


@review.command("reject")
@language_option
@reviewer_option
@key_file_option
@click.option("--entry", required=True, metavar="DIGEST", help="The entry digest (or a unique prefix).")
@click.option("--note", required=True, help="What is wrong, for the translator.")
@writes
@pass_app
def review_reject(app: App, language: str, reviewer: str, key_file: Path | None, entry: str,
                  note: str) -> None:
    """Reject an entry: sign a reject statement, mark it fuzzy with the note for the translator."""
    from pipeline.signoff.review import reject, resolve, translated_entries

    config = app.config
    if _is_source(app, language):
        from pipeline.signoff.sources import resolve_articles

        signer = _signer(app, language, reviewer, key_file)
        (article,) = resolve_articles(config, [entry])
        _report_decision(reject(config, language, signer, article, note), "reject")
        return
    language = app.language(language)
    signer = _signer(app, language, reviewer, key_file)
    (target,) = resolve(translated_entries(config, language), [entry], language)
    _report_decision(reject(config, language, signer, target, note), "reject")


@review.command("correct")
@language_option
@reviewer_option
@key_file_option
@click.option("--entry", required=True, metavar="DIGEST", help="The entry digest (or a unique prefix).")
@click.option("--text", "texts", required=True, multiple=True, metavar="TEXT",
              help="Your wording (repeat once per plural form, in order).")
@writes
@pass_app
def review_correct(app: App, language: str, reviewer: str, key_file: Path | None, entry: str,
                   texts: tuple[str, ...]) -> None:
    """Correct a translation: your wording, checked, written to the catalog and approved at once.

    The checks run on the new text first: an error signs and writes nothing. The
    translator finds a comment in the catalog naming who changed what.
    """
    from pipeline.signoff.review import correct, resolve, translated_entries

    config, language = app.config, app.language(language)
    signer = _signer(app, language, reviewer, key_file)
    (target,) = resolve(translated_entries(config, language), [entry], language)
    correction = correct(config, language, signer, target, texts)
    _report_decision(correction.decision, "approve")
    for warning in correction.warnings:
        warn("warning", warning)


@review.command("revoke")
@language_option
@reviewer_option
@key_file_option
@click.option("--entry", "digests", required=True, multiple=True, metavar="DIGEST",
              help="An approved entry digest (or a unique prefix); repeatable.")
@click.option("--note", default="", help="Why, for the audit trail.")
@writes
@pass_app
def review_revoke(app: App, language: str, reviewer: str, key_file: Path | None,
                  digests: tuple[str, ...], note: str) -> None:
    """Withdraw approvals: the entries wait for a doctor again; the catalogs are not changed."""
    from pipeline.signoff.review import resolve, revoke, translated_entries
    from pipeline.signoff.sources import resolve_articles

    config = app.config
    source = _is_source(app, language)
    language = language if source else app.language(language)
    signer = _signer(app, language, reviewer, key_file)
    targets = (resolve_articles(config, digests) if source else
               resolve(translated_entries(config, language), digests, language))
    _report_decision(revoke(config, language, signer, targets, note), "revoke")


@review.command("sheet")
@language_option
@page_option
@reader_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE.html", help="Where to write the sheet; the manifest goes beside it.")
@reads
@pass_app
def review_sheet(app: App, language: str, page: str | None, reader: str | None, output: Path) -> None:
    """A printable, self-contained HTML sheet of the waiting entries, and its digest manifest."""
    from pipeline.signoff.review import roster_reviewer
    from pipeline.signoff.sheet import write_sheet

    if _is_source(app, language):
        from pipeline.signoff import sources

        made = sources.write_sheet(app.config, output, page)
        echo(f"wrote {made.html} ({made.articles} article(s)) and {made.manifest}")
        return
    doctor = roster_reviewer(app.config, reader) if reader else None
    files = write_sheet(app.config, app.language(language), output, page, reviewer=doctor)
    echo(f"wrote {files.html} ({entries(files.entries)}) and {files.manifest}")


@review.command("log")
@languages_option
@json_option
@reads
@pass_app
def review_log(app: App, languages: tuple[str, ...], as_json: bool) -> None:
    """The audit trail: who approved, rejected or revoked what, and when, with the text pairs."""
    from pipeline.signoff.articles import signed_content
    from pipeline.signoff.review import audit_log

    records, problems = audit_log(app.config, _with_source(app, languages))
    if as_json:
        echo(json.dumps({"statements": [r.as_dict() for r in records],
                         "problems": [str(p) for p in problems]}, ensure_ascii=False, indent=2))
        return
    roster_trust(app.config)
    for record in records:
        s = record.statement
        echo(f"{s.time:%Y-%m-%d %H:%M:%S}Z  {record.language}  {s.meaning:<7}  {record.name} "
             f"({s.reviewer})  {entries(len(s.digests))}")
        if s.note:
            echo(f"    note: {s.note}")
        for digest, place in record.texts.items():
            article = signed_content(digest, s.texts.get(digest))
            if article is not None:  # a source statement: the article it signed
                echo(f"    {digest[:12]}  article {article['article']}: "
                     f"{dict(article['content']).get('title', '')!r}")
            elif place is None:
                echo(f"    {digest[:12]}  (text no longer in the catalogs)")
            else:
                echo(f"    {digest[:12]}  {place.where}  {place.entry.msgid!r} -> "
                     f"{' | '.join(place.entry.msgstrs)!r}")
    for problem in problems:
        warn("not counted", str(problem))


@review.command("verify")
@languages_option
@click.option("--against", metavar="REV",
              help="Also prove the ledgers at git revision REV are contained unchanged in "
                   "today's, and every line added since is signed with a current key.")
@reads
@pass_app
def review_verify(app: App, languages: tuple[str, ...], against: str | None) -> None:
    """Check every ledger line; exit 1 naming each line that does not count, and why."""
    from pipeline.signoff.review import verify

    counted, problems = verify(app.config, _with_source(app, languages), against)
    failures = [p for p in problems if not p.harmless]
    for problem in problems:
        label = "note: " if problem.harmless else "error: "
        echo(style(label, fg="yellow" if problem.harmless else "red") + str(problem),
             err=not problem.harmless)
    refused = roster_trust(app.config)
    echo(f"{counted} statement(s) verified, {len(failures)} line(s) rejected")
    if failures or refused:
        fail()


@review.command("serve")
@reviewer_option
@languages_option
@key_file_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; keep the default so only this machine can connect.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="The port to listen on (0: any free port; the address printed says which).")
@click.option("--commit", is_flag=True,
              help="When the page stops, commit the session's ledgers and catalogs (one commit).")
@click.option("--open", "open_browser", is_flag=True,
              help="Open the page in your browser too (the address is printed all the same).")
@decides
@pass_app
def review_serve(app: App, reviewer: str, languages: tuple[str, ...], key_file: Path | None,
                 host: str, port: int, commit: bool, open_browser: bool) -> None:
    """A local review page in your browser: read, approve and reject translations, article by article.

    Without --lang, every language you may approve. Your key is opened once
    and stays in this process. The printed address carries a random token,
    needed for every request, so no other user or web page can post
    decisions; each decision is signed and saved at once.
    """
    from pipeline.signoff.server import serve

    tally = serve(app.config, reviewer, _with_source(app, languages) if languages else None,
                  key_file, host, port, echo, open_browser)
    echo("review page stopped")
    _hand_back(app, tally, commit)


COMMANDS = (keygen, review)
