"""``pipeline review verify --against REV``: the ledgers at a git revision, kept unchanged since.

A ledger is append-only, so every line the ledger had at revision REV must still be
in today's, byte for byte and in the same order. New lines may follow or sit
between them (git's union merge interleaves the lines of parallel branches); those
new lines must be signed with a key that is current in today's roster, so a retired
or compromised key cannot add anything, whatever time its statements claim.

The signed roster log (:mod:`pipeline.signoff.trust`) is append-only too: every line
it had at REV must still be there, so a roster cannot be rolled back to an older
signed version (a doctor removed, a key marked compromised, come back) by deleting
the lines that came after it.
"""

from __future__ import annotations

import subprocess
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import SignoffError
from pipeline.signoff.ledger import LedgerLine, format_time, ledger_lines, read_ledger
from pipeline.signoff.roster import Roster
from pipeline.signoff.trust import roster_log_path
from pipeline.signoff.verify import LedgerProblem, ledger_path


def history_problems(config: Config, languages: Iterable[str], revision: str, roster: Roster,
                     known: Iterable[LedgerProblem] = ()) -> list[LedgerProblem]:
    """Every line of the ledgers at ``revision`` missing or changed today, and every line added
    since with a key that may no longer sign (lines already in ``known`` are not named twice)."""
    top = _git_top(config.root)
    commit = _commit(top, revision)
    reported = {(problem.path, problem.line) for problem in known if not problem.harmless}
    problems: list[LedgerProblem] = []
    for language in languages:
        path = ledger_path(config, language)
        shown = config.relative(path)
        old = list(ledger_lines(_old_bytes(top, commit, path)))
        today = read_ledger(path)
        added = _missing(old, today, shown, revision, problems)
        problems.extend(LedgerProblem(shown, line.number, message) for line in added
                        if (shown, line.number) not in reported
                        and (message := _stale_key(line, roster, revision)))
    log = roster_log_path(config)
    old = list(ledger_lines(_old_bytes(top, commit, log)))
    if old:
        today = [LedgerLine(number, raw=raw) for number, raw in ledger_lines(_read(log))]
        _missing(old, today, config.relative(log), revision, problems, "signed roster log")
    return problems


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def _missing(old: list[tuple[int, bytes]], today: list[LedgerLine], shown: str, revision: str,
             problems: list[LedgerProblem], what: str = "ledger") -> list[LedgerLine]:
    """Match the old lines, in order, to today's; report the old ones missing; today's others."""
    places: dict[bytes, list[int]] = {}
    for index, line in enumerate(today):
        places.setdefault(line.raw, []).append(index)
    matched: set[int] = set()
    start = 0
    for number, raw in old:
        found = places.get(raw, [])
        at = bisect_left(found, start)
        if at == len(found):
            problems.append(LedgerProblem(shown, number, (
                f"line {number} of this {what} at {revision} is missing here or was changed "
                f"or moved: the {what} is append-only")))
            continue
        matched.add(found[at])
        start = found[at] + 1
    return [line for index, line in enumerate(today) if index not in matched]


def _stale_key(line: LedgerLine, roster: Roster, revision: str) -> str | None:
    """Why a statement added since ``revision`` was signed with a key that may not add any."""
    statement = line.statement
    if statement is None:
        return None  # malformed: reported by the verification
    reviewer = roster.get(statement.reviewer)
    key = reviewer.key(statement.key) if reviewer is not None else None
    if reviewer is None or key is None or key.current:
        return None  # an unknown reviewer or key is reported by the verification
    status = ("compromised" if key.compromised or key.retired is None
              else f"retired {format_time(key.retired)}")
    return (f"added since {revision} but signed with key {key.key_id} of '{reviewer.id}' "
            f"({status}): only a current key may add statements")


def _git(top: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(top), *args], capture_output=True, check=False)


def _git_top(root: Path) -> Path:
    try:
        result = _git(root, "rev-parse", "--show-toplevel")
    except FileNotFoundError:
        raise SignoffError("--against needs git, which is not installed") from None
    if result.returncode != 0:
        raise SignoffError("not inside a git checkout: --against needs the ledgers' git history")
    return Path(result.stdout.decode().strip())


def _commit(top: Path, revision: str) -> str:
    result = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options",
                  f"{revision}^{{commit}}")
    if result.returncode != 0:
        raise SignoffError(f"unknown git revision '{revision}' (not a commit of this repository)")
    return result.stdout.decode().strip()


def _old_bytes(top: Path, commit: str, path: Path) -> bytes:
    """The ledger's bytes at the commit; none when it did not exist yet."""
    try:
        inside = path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise SignoffError("the ledger is outside the git checkout", path) from None
    result = _git(top, "cat-file", "blob", f"{commit}:{inside}")
    if result.returncode != 0:
        exists = _git(top, "cat-file", "-e", f"{commit}:{inside}")
        if exists.returncode == 0:
            raise SignoffError(f"git cannot read it at {commit[:12]}: "
                               f"{result.stderr.decode(errors='replace').strip()}", path)
        return b""
    return result.stdout
