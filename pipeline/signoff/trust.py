"""The clinic's trust root: the roster counts only as a version the clinic signed.

Whoever can edit ``reviewers.toml`` could otherwise make anyone a doctor. So every
version of the roster that counts is approved by the clinic's own key (the medical
director's, kept offline), whose public half is **pinned outside the repository**:
``PIPELINE_TRUST_ROOT`` holds it (base64 of the raw Ed25519 public key) or names a
file outside the project holding it. It is never read from the project.

The approvals form the signed roster log, ``<roster>.sig.jsonl`` beside the roster
(``reviewers.sig.jsonl``): append-only, one line per approved version::

    {"time": "2026-11-26T09:30:00Z", "path": "reviewers.toml",
     "sha256": "<SHA-256 of the canonical roster>", "roster": {<the canonical roster>},
     "prev": "<SHA-256 of the line before it, or "">", "key": "<the root's key id>",
     "signature": "<Ed25519, base64>"}

The *canonical roster* is the roster file as parsed (TOML), date-times as UTC text
(``2026-03-01T00:00:00Z``), written as JSON with sorted keys and no spaces: comments,
order and formatting do not change it. A line carries the whole roster, so ``roster
log`` and ``roster diff`` need no git, and ``path``, the roster's place in the project
as ``[paths] reviewers`` names it, so a signed roster cannot be moved to another
path. The signature is Ed25519 over :data:`SIGNING_CONTEXT` followed by the compact,
key-sorted JSON of every other field.

With a root pinned, the roster counts only if every line of the log is well formed,
signed by the root, for this roster path, and follows the line before it (``prev``:
the first names nothing), and the roster file's canonical content is exactly the last
version. Otherwise it counts as empty: no doctor, nothing approved, every language
stopped with the reason. Without a pinned root, the roster counts as written, and
``build`` says so.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, UTC
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pipeline.cache.digests import sha256
from pipeline.config import Config
from pipeline.errors import ConfigError, SignoffError
from pipeline.paths import escapes
from pipeline.signoff.keys import key_id, parse_public_key, verify_signature
from pipeline.signoff.ledger import (LedgerProblem, MalformedLine, append_line, check_fields,
                                     check_signed_fields, format_time, json_object, ledger_lines,
                                     line_hash, utc_now)
from pipeline.signoff.rosterdiff import roster_changes

TRUST_ROOT_VARIABLE = "PIPELINE_TRUST_ROOT"
ROOT_KEY_NAME = "clinic-root"  # the default name of the root's private key file in the keys dir
SIGNING_CONTEXT = b"reviewed-pages roster version v1\n"
FIELDS = ("time", "path", "sha256", "roster", "prev", "key", "signature")
LOG_SUFFIX = ".sig.jsonl"
PIN_ADVICE = (f"pin the clinic's public key with {TRUST_ROOT_VARIABLE} (the key, or a file "
              "outside the project holding it; see the README, 'Trust root')")


@dataclass(frozen=True)
class TrustRoot:
    """The clinic's public key that roster versions must be signed with."""

    public_key: Ed25519PublicKey
    key_id: str

    @classmethod
    def of(cls, public_key: Ed25519PublicKey) -> TrustRoot:
        return cls(public_key, key_id(public_key))


def pinned_root(project: Path | None) -> TrustRoot | None:
    """The root ``PIPELINE_TRUST_ROOT`` pins, or None when it is not set.

    A value that is not a base64 public key is a file holding one: outside the project
    (``project``), since whoever can push could change a file inside it. A value that
    is set but empty or wrong is an error, not "no root": CI fails closed.
    """
    value = os.environ.get(TRUST_ROOT_VARIABLE)
    if value is None:
        return None
    text = value.strip()
    if not text:
        raise ConfigError(f"{TRUST_ROOT_VARIABLE} is set but empty: set it to the clinic's "
                          "public key (base64) or a file holding it, or unset it")
    try:
        return TrustRoot.of(parse_public_key(text))
    except ValueError:
        return TrustRoot.of(_key_from_file(Path(text).expanduser(), project))


def _key_from_file(path: Path, project: Path | None) -> Ed25519PublicKey:
    if not path.is_file():
        raise ConfigError(f"{TRUST_ROOT_VARIABLE} is neither an Ed25519 public key (base64 of 32 "
                          "bytes) nor a file holding one: no such file", path)
    if project is not None and escapes(path, project) is None:
        raise ConfigError(f"{TRUST_ROOT_VARIABLE} names a file inside the project, which whoever "
                          "can push could change: keep the clinic's public key outside the "
                          "project (a CI variable, or a file elsewhere)", path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{TRUST_ROOT_VARIABLE}: cannot read the clinic's public key "
                          f"({getattr(exc, 'strerror', None) or exc})", path) from None
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    try:
        if len(lines) != 1:
            raise ValueError(f"{len(lines)} lines instead of one")
        return parse_public_key(lines[0])
    except ValueError as exc:
        raise ConfigError(f"{TRUST_ROOT_VARIABLE}: this file must hold one line, the clinic's "
                          f"Ed25519 public key in base64 ({exc})", path) from None


def unpinned_notice(config: Config) -> str:
    """What a command that publishes says, in one line, when no trust root is pinned."""
    return (f"{config.relative(config.roster_path)} is not checked against a clinic key "
            f"({TRUST_ROOT_VARIABLE} is not set): whoever can edit it can add a doctor; "
            + PIN_ADVICE)


# ---------------------------------------------------------------- canonical roster


def canonical_content(document: dict) -> dict:
    """The parsed roster as plain JSON values: date-times as UTC text, tables with sorted keys."""
    value = _plain(document)
    assert isinstance(value, dict)
    return value


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {str(key): _plain(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value


def content_bytes(content: dict) -> bytes:
    """The canonical encoding: sorted keys, no spaces, UTF-8 (what ``sha256`` is taken of)."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def content_sha(content: dict) -> str:
    return sha256(content_bytes(content))


# ---------------------------------------------------------------- the signed roster log


@dataclass(frozen=True)
class RosterVersion:
    """One approved version of the roster: a line of the signed roster log."""

    time: datetime
    path: str
    roster: dict
    prev: str
    key: str
    signature: str = ""

    @property
    def sha256(self) -> str:
        return content_sha(self.roster)

    def signed_fields(self) -> dict:
        return {"time": format_time(self.time), "path": self.path, "sha256": self.sha256,
                "roster": self.roster, "prev": self.prev, "key": self.key}

    def signed_bytes(self) -> bytes:
        """The canonical encoding the signature covers."""
        return SIGNING_CONTEXT + content_bytes(self.signed_fields())

    def to_line(self) -> str:
        fields = {**self.signed_fields(), "signature": self.signature}
        return json.dumps({name: fields[name] for name in FIELDS}, ensure_ascii=False,
                          separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True)
class LogLine:
    """One line of the roster log: the version it approves, or why it is not one."""

    number: int
    version: RosterVersion | None = None
    error: str = ""
    raw: bytes = field(default=b"", repr=False)

    @property
    def hash(self) -> str:
        return line_hash(self.raw)


def roster_log_path(config: Config) -> Path:
    """The signed roster log beside the roster: ``reviewers.toml`` → ``reviewers.sig.jsonl``."""
    roster = config.roster_path
    return config.inside(roster.with_name(roster.stem + LOG_SUFFIX), "signed roster log")


def roster_at(config: Config) -> str:
    """The roster's place in the project as ``[paths] reviewers`` names it (links not followed)."""
    return Path(os.path.normpath(os.path.relpath(config.roster_path, config.root))).as_posix()


def read_log(path: Path) -> list[LogLine]:
    """Every non-blank line of the roster log, parsed; a missing log has no lines."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    return _lines(data)


def _lines(data: bytes) -> list[LogLine]:
    lines = []
    for number, raw in ledger_lines(data):
        try:
            lines.append(LogLine(number, parse_version(raw), raw=raw))
        except MalformedLine as exc:
            lines.append(LogLine(number, error=str(exc), raw=raw))
    return lines


def parse_version(raw: bytes) -> RosterVersion:
    """One roster log line; :class:`MalformedLine` says what is wrong with it."""
    data = json_object(raw, "roster version")
    check_fields(data, FIELDS)
    moment = check_signed_fields(data)
    if not isinstance(data["path"], str) or not data["path"]:
        raise MalformedLine("'path' must be the roster's path in the project")
    if not isinstance(data["roster"], dict):
        raise MalformedLine("'roster' must be the roster as a JSON object")
    version = RosterVersion(moment, data["path"], data["roster"], data["prev"], data["key"],
                            data["signature"])
    try:
        matches = data["sha256"] == version.sha256
    except ValueError:  # a number JSON allows but the canonical encoding does not (NaN)
        raise MalformedLine("'roster' holds a value the canonical encoding cannot hold") from None
    if not matches:
        raise MalformedLine("'sha256' is not the SHA-256 of its roster: the line was edited")
    return version


def log_problems(lines: list[LogLine], root: TrustRoot, roster_path: str,
                 shown: str) -> list[LedgerProblem]:
    """Every line of the log that is not a version the root signed, for this roster, in order."""
    problems = []
    previous = ""
    for line in lines:
        problem = _line_problem(line, root, roster_path, previous)
        if problem is not None:
            problems.append(LedgerProblem(shown, line.number, problem))
        previous = line.hash
    return problems


def _line_problem(line: LogLine, root: TrustRoot, roster_path: str, previous: str) -> str | None:
    version = line.version
    if version is None:
        return line.error
    if version.key != root.key_id:
        return f"signed with key {version.key}, not the clinic's trust root ({root.key_id})"
    signature = base64.b64decode(version.signature)
    if not verify_signature(root.public_key, signature, version.signed_bytes()):
        return "signature does not verify with the trust root: the line was forged or edited"
    if version.path != roster_path:
        return (f"approves the roster at '{version.path}', not at '{roster_path}' (the roster "
                "pipeline.toml names): a signed roster cannot be moved unsigned")
    if version.prev != previous:
        if not previous:
            return "the first line names a line before it (prev): lines before it were removed"
        named = f"prev {version.prev[:12]}…" if version.prev else 'prev ""'
        return (f"does not follow the line before it ({named}): a line before it was removed, "
                "edited or moved")
    return None


@dataclass(frozen=True)
class LogCheck:
    """The roster log, checked against a root: its lines, what is wrong, the last version."""

    shown: str
    lines: list[LogLine]
    problems: list[LedgerProblem]

    @property
    def last(self) -> LogLine | None:
        return next((line for line in reversed(self.lines) if line.version is not None), None)


def check_log(config: Config, root: TrustRoot) -> LogCheck:
    path = roster_log_path(config)
    lines = read_log(path)
    shown = config.relative(path)
    return LogCheck(shown, lines, log_problems(lines, root, roster_at(config), shown))


def roster_refusal(config: Config, root: TrustRoot, content: dict | None) -> str | None:
    """Why the roster (``content``; None: no file) does not count under ``root``, or None.

    One line naming the roster file and the first thing wrong.
    """
    log = check_log(config, root)
    last = log.last
    if log.problems:
        first = log.problems[0]
        more = f" (and {len(log.problems) - 1} more line(s))" if len(log.problems) > 1 else ""
        reason = f"{first}{more}"
    elif content is None:
        return None  # no roster file: no doctor, whatever the log says
    elif last is None or last.version is None:
        reason = (f"there is no signed version ({log.shown} is missing or empty): the clinic "
                  "signs it with 'pipeline roster sign'")
    elif last.version.sha256 != content_sha(content):
        changes = roster_changes(last.version.roster, content)
        shown = "; ".join(changes[:3]) + (f" (and {len(changes) - 3} more)"
                                          if len(changes) > 3 else "")
        reason = (f"it differs from the last signed version ({log.shown}:{last.number}): "
                  f"{shown or 'reformatted only'}; see 'pipeline roster diff'")
    else:
        return None
    return (f"{config.relative(config.roster_path)}: the roster is not signed by the clinic's "
            f"trust root (key {root.key_id}, {TRUST_ROOT_VARIABLE}): {reason}; no doctor counts "
            "until it is")


def sign_roster(config: Config, private_key: Ed25519PrivateKey, content: dict,
                now: datetime | None = None) -> RosterVersion | None:
    """Append a version approving ``content``, signed with the root key; None: already the last.

    The log must be intact and signed by this very key: a new version vouches for the
    chain before it.
    """
    root = TrustRoot.of(private_key.public_key())
    path, at = roster_log_path(config), roster_at(config)
    shown = config.relative(path)

    def make(data: bytes) -> tuple[RosterVersion | None, bytes]:
        lines = _lines(data)
        problems = log_problems(lines, root, at, shown)
        if problems:
            raise SignoffError(f"{problems[0]}: a new version is appended only to a log this "
                               "key signed, intact (a new root key starts a new log: see the "
                               "README, 'Trust root')")
        last = lines[-1].version if lines else None
        if last is not None and last.sha256 == content_sha(content):
            return None, b""
        unsigned = RosterVersion((now or utc_now()).replace(microsecond=0), at, content,
                                 lines[-1].hash if lines else "", root.key_id)
        signature = base64.b64encode(private_key.sign(unsigned.signed_bytes())).decode("ascii")
        version = replace(unsigned, signature=signature)
        return version, version.to_line().encode("utf-8")

    return append_line(path, make)
