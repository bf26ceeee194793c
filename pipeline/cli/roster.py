"""The clinic's trust root: ``roster keygen``, ``sign``, ``diff``, ``log`` and ``verify``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.cli.app import App, echo, fail, pass_app, style, warn
from pipeline.cli.locks import reads, writes
from pipeline.cli.options import json_option, root_key_option
from pipeline.config import project_root
from pipeline.errors import PipelineError

if TYPE_CHECKING:
    from pipeline.signoff.clinic import RosterDiff
    from pipeline.signoff.ledger import LedgerProblem


@click.group()
def roster() -> None:
    """The roster signed by the clinic: the root key, signing a roster change, what changed, verify.

    With the clinic's public key pinned in PIPELINE_TRUST_ROOT (outside the
    repository), reviewers.toml counts only as the last version signed with the
    root key into reviewers.sig.jsonl; any other roster counts as empty.
    """


@roster.command("keygen")
@root_key_option
@pass_app
def roster_keygen(app: App, root_key_file: Path | None) -> None:
    """Create the clinic's root key pair; print the public key to pin in PIPELINE_TRUST_ROOT.

    The private key is written outside the repository (mode 0600) and never
    overwritten. Keep it offline, with the medical director: it decides who is a doctor.
    """
    from pipeline.signoff.clinic import make_root_key
    from pipeline.signoff.trust import TRUST_ROOT_VARIABLE

    root: Path | None
    try:
        root = app.config.root
    except PipelineError:
        root = project_root(app.config_path)  # the root key is best made away from the project
    new = make_root_key(root, root_key_file)
    echo(f"wrote the clinic's root private key to {new.path} (mode 0600): move it offline, to "
         "the medical director; whoever holds it decides who is a doctor")
    echo(f"key id {new.key_id}; pin its public key wherever the pipeline runs (a CI variable, "
         "or a file outside the project), then sign the roster with 'pipeline roster sign':\n")
    echo(f"    {TRUST_ROOT_VARIABLE}={new.public_key}")


@roster.command("sign")
@root_key_option
@writes
@pass_app
def roster_sign(app: App, root_key_file: Path | None) -> None:
    """Approve reviewers.toml as it is now: append a version signed with the root key.

    Shows what changed since the last signed version (as 'roster diff'). A key
    other than the pinned root, or one inside the project, is refused; so is a
    log that this key did not sign, intact.
    """
    from pipeline.signoff.clinic import sign_current_roster
    from pipeline.signoff.keys import public_key_text
    from pipeline.signoff.trust import TRUST_ROOT_VARIABLE

    signed = sign_current_roster(app.config, root_key_file)
    diff = signed.diff
    if signed.version is None:
        echo(f"{diff.roster} already is the last signed version ({_where(diff)}): nothing to sign")
        return
    echo(f"signed {diff.roster} (sha256 {signed.version.sha256[:12]}) with the root key "
         f"{signed.root.key_id}, appended to {diff.log}; what it approves:")
    _print_changes(diff.changes)
    if not signed.pinned:
        warn("notice", f"{TRUST_ROOT_VARIABLE} is not set, so nothing checks this signature "
             f"yet: pin the root with {TRUST_ROOT_VARIABLE}="
             f"{public_key_text(signed.root.public_key)}", colour="cyan")


@roster.command("diff")
@reads
@pass_app
def roster_diff(app: App) -> None:
    """What changed in reviewers.toml since its last signed version: doctors, languages, keys."""
    from pipeline.signoff.clinic import roster_diff as changes_since

    diff = changes_since(app.config)
    _print_log_problems(diff.problems, diff.pinned)
    if diff.last is None:
        echo(f"{diff.roster} has no signed version yet ({diff.log}); all of it is new:")
    elif not diff.changes:
        echo(f"{diff.roster} is its last signed version ({_where(diff)}): nothing to sign")
        return
    else:
        echo(f"{diff.roster} since its last signed version ({_where(diff)}):")
    _print_changes(diff.changes)


@roster.command("log")
@json_option
@reads
@pass_app
def roster_log(app: App, as_json: bool) -> None:
    """Every signed version of the roster: when, by which root key, and what it changed."""
    from pipeline.signoff.clinic import roster_history
    from pipeline.signoff.trust import roster_log_path

    records, problems, pinned = roster_history(app.config)
    if as_json:
        echo(json.dumps({"versions": [record.as_dict() for record in records],
                         "problems": [str(problem) for problem in problems],
                         "checked": pinned}, ensure_ascii=False, indent=2))
        return
    shown = app.config.relative(roster_log_path(app.config))
    if not records:
        echo(f"no signed version of the roster ({shown} is missing or empty)")
    for record in records:
        echo(f"{shown}:{record.line}  {record.time:%Y-%m-%d %H:%M:%S}Z  root key {record.key}  "
             f"sha256 {record.sha256[:12]}")
        _print_changes(record.changes, indent="    ")
    _print_log_problems(problems, pinned)


@roster.command("verify")
@reads
@pass_app
def roster_verify(app: App) -> None:
    """Check the roster log against the pinned root, and that reviewers.toml is its last version.

    Exits 1 naming each line that does not verify, and when the roster does not count.
    """
    from pipeline.signoff.clinic import verify_roster

    check = verify_roster(app.config)
    for problem in check.problems:
        echo(style("error: ", fg="red") + str(problem), err=True)
    if check.refused:
        echo(style("error: ", fg="red") + check.refused, err=True)
    echo(f"{check.versions} signed version(s), {len(check.problems)} line(s) rejected; the "
         f"roster {'does not count' if check.refused else 'counts'} (trust root "
         f"{check.root.key_id})")
    if check.refused:
        fail()


def _where(diff: RosterDiff) -> str:
    assert diff.last is not None and diff.last.version is not None
    version = diff.last.version
    return f"{diff.log}:{diff.last.number}, {version.time:%Y-%m-%d %H:%M:%S}Z, root key {version.key}"


def _print_changes(changes: list[str], indent: str = "  ") -> None:
    for change in changes:
        echo(indent + change)
    if not changes:
        echo(indent + "(no change: the same roster, reformatted)")


def _print_log_problems(problems: list[LedgerProblem], pinned: bool) -> None:
    from pipeline.signoff.trust import PIN_ADVICE

    for problem in problems:
        warn("error", str(problem), colour="red")
    if not pinned:
        warn("notice", "no trust root is pinned, so these versions are shown as the log says, "
             "unchecked: " + PIN_ADVICE, colour="cyan")


COMMANDS = (roster,)
