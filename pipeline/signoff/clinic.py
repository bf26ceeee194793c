"""The clinic's side of the trust root: make the root key, sign roster versions, see what changed.

``pipeline roster keygen`` / ``sign`` / ``diff`` / ``log`` / ``verify`` call these;
the rules (what counts) are in :mod:`pipeline.signoff.trust` and
:func:`pipeline.signoff.roster.load_roster`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pipeline.config import Config
from pipeline.errors import SignoffError
from pipeline.signoff.keys import (NewKey, default_key_file, generate_key, key_id, load_private_key,
                                   outside_project)
from pipeline.signoff.ledger import LedgerProblem
from pipeline.signoff.roster import load_roster, read_roster
from pipeline.signoff.rosterdiff import roster_changes
from pipeline.signoff.trust import (PIN_ADVICE, ROOT_KEY_NAME, TRUST_ROOT_VARIABLE, LogLine,
                                    RosterVersion, TrustRoot, check_log, pinned_root, read_log,
                                    roster_log_path, sign_roster)


def make_root_key(config_root: Path | None, key_file: Path | None = None) -> NewKey:
    """A new root key pair: the private half outside the project (mode 0600), never overwritten."""
    return generate_key(ROOT_KEY_NAME, key_file, config_root)


def open_root_key(config: Config, key_file: Path | None = None) -> Ed25519PrivateKey:
    """The root's private key from outside the project; refused when another root is pinned."""
    path = outside_project(key_file or default_key_file(ROOT_KEY_NAME), config.root, writing=False)
    private_key = load_private_key(path)
    root = pinned_root(config.root)
    found = key_id(private_key.public_key())
    if root is not None and found != root.key_id:
        raise SignoffError(f"this key ({found}) is not the clinic's trust root that "
                           f"{TRUST_ROOT_VARIABLE} pins ({root.key_id})", path)
    return private_key


@dataclass(frozen=True)
class RosterDiff:
    """What changed in the roster file since the last signed version."""

    roster: str
    log: str
    last: LogLine | None  # the last signed version compared with (None: none yet)
    changes: list[str]
    problems: list[LedgerProblem]  # lines of the log the pinned root does not vouch for
    pinned: bool


def roster_diff(config: Config) -> RosterDiff:
    """The changes from the last signed version to the roster file.

    With a root pinned, the last version is the last one of the log that the root
    signed before anything wrong in it; without, the log's last well-formed line.
    """
    current = read_roster(config)
    root = pinned_root(config.root)
    lines, problems = _trusted_lines(config, root)
    last = next((line for line in reversed(lines) if line.version is not None), None)
    before = last.version.roster if last is not None and last.version is not None else None
    return RosterDiff(config.relative(config.roster_path), config.relative(roster_log_path(config)),
                      last, roster_changes(before, current.content), problems, root is not None)


@dataclass(frozen=True)
class VersionRecord:
    """One signed version of the roster and what it changed from the version before it."""

    line: int
    time: datetime
    key: str
    sha256: str
    changes: list[str]

    def as_dict(self) -> dict:
        return {"line": self.line, "time": self.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "key": self.key, "sha256": self.sha256, "changes": self.changes}


def roster_history(config: Config) -> tuple[list[VersionRecord], list[LedgerProblem], bool]:
    """Every version of the log in order, with its changes; the log's problems; whether pinned.

    Without a pinned root, nothing is checked: the versions are shown as the log says.
    """
    root = pinned_root(config.root)
    path = roster_log_path(config)
    lines = read_log(path)
    problems = check_log(config, root).problems if root is not None else []
    records, before = [], None
    for line in lines:
        version = line.version
        if version is None:
            continue
        records.append(VersionRecord(line.number, version.time, version.key, version.sha256,
                                     roster_changes(before, version.roster)))
        before = version.roster
    return records, problems, root is not None


@dataclass(frozen=True)
class SignedRoster:
    version: RosterVersion | None  # None: the roster already is the last signed version
    diff: RosterDiff
    root: TrustRoot
    pinned: bool


def sign_current_roster(config: Config, key_file: Path | None = None,
                        now: datetime | None = None) -> SignedRoster:
    """Approve the roster file as it is: one signed line appended to the roster log."""
    private_key = open_root_key(config, key_file)
    current = read_roster(config)  # a roster with a mistake is an error naming its line
    if current.content is None:
        raise SignoffError("there is no roster file to sign", config.roster_path)
    diff = roster_diff(config)
    version = sign_roster(config, private_key, current.content, now)
    return SignedRoster(version, diff, TrustRoot.of(private_key.public_key()),
                        pinned_root(config.root) is not None)


@dataclass(frozen=True)
class RosterCheck:
    """``roster verify``: the log's versions, its problems, and whether the roster counts."""

    root: TrustRoot
    versions: int
    problems: list[LedgerProblem]
    refused: str


def verify_roster(config: Config) -> RosterCheck:
    root = pinned_root(config.root)
    if root is None:
        raise SignoffError(f"no trust root to verify against: {TRUST_ROOT_VARIABLE} is not set; "
                           + PIN_ADVICE)
    log = check_log(config, root)
    versions = sum(1 for line in log.lines if line.version is not None)
    return RosterCheck(root, versions, log.problems, load_roster(config).refused)


def _trusted_lines(config: Config, root: TrustRoot | None) -> tuple[list[LogLine], list[LedgerProblem]]:
    """The log's lines the root vouches for (all, without a root), and its problems."""
    if root is None:
        return read_log(roster_log_path(config)), []
    log = check_log(config, root)
    if not log.problems:
        return log.lines, []
    first = log.problems[0].line
    return [line for line in log.lines if line.number < first], log.problems
