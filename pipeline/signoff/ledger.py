"""The sign-off ledger, ``locale/<lang>/signoffs.jsonl``: one signed statement per line, append-only.

A line is a JSON object with the fields of :data:`FIELDS`, in that order::

    {"reviewer": "zahide-eris", "language": "en", "time": "2026-11-26T09:30:00Z",
     "meaning": "approve", "digests": {"<entry digest>": ["<entry id>", …], …},
     "note": "", "prev": "<SHA-256 of the line it was appended after>",
     "key": "<key id>", "signature": "<base64>"}

``digests`` maps each entry digest the statement covers to the ids of the
catalog entries that carried it when it was signed (see ``signoff.entry_id``);
the ids only let ``status`` tell a changed entry (stale) from a new one.

An approve or reject statement may also carry ``texts`` (before ``key``): for
each digest, the text the doctor saw and signed — for a catalog entry
``[msgctxt, msgid, msgid_plural, [msgstr, …], plural_forms or null]``, exactly
what its digest is computed from. It is signed like every other field, so the
ledger alone (no git history, no network) tells what was approved: the audit log
shows strings no catalog holds any more, and a review shows what changed since.
A text that does not hash to its digest is never shown (see ``verify.signed_text``).
``prev`` chains the ledger: the SHA-256 (hex) of the raw bytes of the last
well-formed line of the file when the statement was appended ("" for the first
one), so removing, editing or moving a line breaks the lines after it. Two
doctors appending on parallel git branches name the same line, which is fine:
the chain is a DAG, and git's union merge keeps both lines.
The signature is Ed25519 over :data:`SIGNING_CONTEXT` followed by the compact,
key-sorted JSON of every other field, so reformatting a line changes nothing
and editing any value breaks it. Lines of the first format (v1, no ``prev``)
are refused as an old format to sign again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import datetime, UTC
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pipeline.errors import SignoffError, display_path
from pipeline.fsutil import naming
from pipeline.signoff.keys import decode_base64

try:
    import fcntl
except ImportError:  # not on POSIX: appends stay single writes, without a lock
    fcntl = None  # type: ignore[assignment]

APPROVE = "approve"
REJECT = "reject"
REVOKE = "revoke"
MEANINGS = (APPROVE, REJECT, REVOKE)
FIELDS = ("reviewer", "language", "time", "meaning", "digests", "note", "prev", "key", "signature")
WITH_TEXTS = (*FIELDS[:7], "texts", *FIELDS[7:])  # the same, carrying the texts signed
OLD_FIELDS = tuple(name for name in FIELDS if name != "prev")  # format v1, before the chain
SIGNING_CONTEXT = b"reviewed-pages sign-off statement v2\n"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
LEDGER_NAME = "signoffs.jsonl"

T = TypeVar("T")

_TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
_KEY_ID_RE = re.compile(r"^[0-9a-f]{16}$")
_PREV_RE = re.compile(r"(?:[0-9a-f]{64})?")


class MalformedLine(ValueError):
    """A ledger line that is not a well-formed statement (truncated, hand-edited, not JSON…)."""


class OldFormatLine(MalformedLine):
    """A statement of format v1 (no ``prev``): it must be signed again in today's format."""


@dataclass(frozen=True)
class Statement:
    """One signed decision of one reviewer about some entry digests of one language."""

    reviewer: str
    language: str
    time: datetime
    meaning: str
    digests: dict[str, tuple[str, ...]]
    note: str = ""
    key: str = ""
    signature: str = ""
    prev: str = ""
    texts: dict[str, Any] = field(default_factory=dict)  # digest → the text signed

    def signed_fields(self) -> dict:
        fields = {"reviewer": self.reviewer, "language": self.language,
                  "time": format_time(self.time), "meaning": self.meaning,
                  "digests": {digest: list(ids) for digest, ids in self.digests.items()},
                  "note": self.note, "prev": self.prev, "key": self.key}
        if self.texts:
            fields["texts"] = self.texts
        return fields

    def signed_bytes(self) -> bytes:
        """The canonical encoding the signature covers."""
        canonical = json.dumps(self.signed_fields(), ensure_ascii=False, sort_keys=True,
                               separators=(",", ":"))
        return SIGNING_CONTEXT + canonical.encode("utf-8")

    @property
    def signature_bytes(self) -> bytes:
        return base64.b64decode(self.signature)

    def to_line(self) -> str:
        fields = {**self.signed_fields(), "signature": self.signature}
        order = WITH_TEXTS if self.texts else FIELDS
        return json.dumps({name: fields[name] for name in order}, ensure_ascii=False,
                          separators=(",", ":"))


@dataclass(frozen=True)
class LedgerProblem:
    """A line of a signed log (a ledger, the roster log) that does not count, or counts only once."""

    path: str
    line: int
    message: str
    harmless: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class LedgerLine:
    """One line of a ledger file: its statement, or why it is not one."""

    number: int
    statement: Statement | None = None
    error: str = ""
    raw: bytes = field(default=b"", repr=False)
    torn_at: int | None = None  # the last line, cut short: the byte where it starts

    def problem(self, shown: str) -> str:
        """Why this line is not a statement; for a torn line, how to remove it from ``shown``."""
        return self.error if self.torn_at is None else torn(shown, self.torn_at)

    @property
    def hash(self) -> str:
        """What a later statement's ``prev`` names this line by."""
        return line_hash(self.raw)


def torn(shown: str, offset: int) -> str:
    """What a torn last line is and how to remove it (it was never a statement)."""
    return ("torn: a write cut short (a crash, a full disk) left this part of a line, which "
            f"does not count; remove it before anything is added: truncate -s {offset} {shown}")


def line_hash(raw: bytes) -> str:
    """The SHA-256 (hex) of a ledger line's raw bytes, without its newline."""
    return hashlib.sha256(raw).hexdigest()


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def utc_now() -> datetime:
    """The current time as ledgers record it: UTC, whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def sign(private_key: Ed25519PrivateKey, key_id: str, reviewer: str, language: str,
         meaning: str, digests: dict[str, tuple[str, ...]], note: str = "",
         time: datetime | None = None, prev: str = "",
         texts: dict[str, Any] | None = None) -> Statement:
    """A new statement, signed; ``prev`` is the hash of the line it will be appended after."""
    if meaning not in MEANINGS:
        raise ValueError(f"unknown meaning {meaning!r}")
    unsigned = Statement(reviewer, language, (time or utc_now()).replace(microsecond=0), meaning,
                         {digest: tuple(sorted(set(ids))) for digest, ids in digests.items()},
                         note, key_id, prev=prev,
                         texts={d: t for d, t in (texts or {}).items() if d in digests})
    signature = private_key.sign(unsigned.signed_bytes())
    return replace(unsigned, signature=base64.b64encode(signature).decode("ascii"))


def append_statement(path: Path, statement: Statement) -> None:
    """Append one statement as it is (its ``prev`` already set), flushed to disk."""
    append_signed(path, lambda prev, last: statement)


def append_signed(path: Path, make: Callable[[str, LedgerLine | None], Statement]) -> Statement:
    """Sign a statement after the ledger's last well-formed line and append it, flushed to disk.

    ``make(prev, last)`` signs the statement, given the hash of that line ("" for a
    ledger without one) and the line itself. The file is locked from reading its last
    line until the new one is on disk, so two commands appending at once chain one
    after the other. Nothing is appended after a torn last line (a crash mid-write): it
    would become a broken line in the middle for good; the error says how to remove it.
    """
    def line(data: bytes) -> tuple[Statement, bytes]:
        tail = torn_tail(data)
        if tail is not None:  # appending would bury it in the middle, an error for good
            raise SignoffError(torn(display_path(path), tail[1]), path, tail[0])
        last = _last_statement(data)
        statement = make(last.hash if last is not None else "", last)
        return statement, statement.to_line().encode("utf-8")

    return append_line(path, line)


def append_line(path: Path, make: Callable[[bytes], tuple[T, bytes]]) -> T:
    """Append the line ``make(data)`` returns for the file's bytes as they are, flushed to disk.

    ``make`` gets the file's current bytes and returns (a result, the line without its
    newline; empty: nothing to append). The file is locked from reading until the line
    is on disk, so two commands appending at once chain one after the other. The line
    goes in one write of the file's end; should it fail (the disk is full), the file is
    cut back to what it was, so a failed append leaves no torn line.
    """
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        created = not path.exists()
        try:
            with open(path, "a+b") as handle:
                if fcntl is not None:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # released when the file is closed
                handle.seek(0)
                data = handle.read()
                result, line = make(data)
                if line:
                    separator = b"\n" if data and not data.endswith(b"\n") else b""
                    _append_whole(handle.fileno(), len(data), separator + line + b"\n")
        except BaseException:
            if created and path.exists() and not path.stat().st_size:
                path.unlink()  # a ledger this append made, and nothing went into it
            raise
    return result


def _append_whole(fd: int, size: int, line: bytes) -> None:
    """Write ``line`` at the end of a file opened for appending, and sync it; all or nothing."""
    try:
        written = os.write(fd, line)
        while written < len(line):  # a short write: the disk filled up mid-line
            written += os.write(fd, line[written:])
        os.fsync(fd)
    except BaseException:
        os.ftruncate(fd, size)
        os.fsync(fd)
        raise


def read_ledger(path: Path) -> list[LedgerLine]:
    """Every non-blank line of a ledger, parsed; a missing ledger has no lines."""
    return list(iter_ledger(path))


def iter_ledger(path: Path) -> Iterator[LedgerLine]:
    """The lines of :func:`read_ledger` one by one: a big site's statements, with the texts
    they carry, need not all be held at once."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return
    yield from parse_ledger(data)


def ledger_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, raw bytes) of every non-blank line of a ledger's bytes (cut one by one:
    a big ledger is not copied whole)."""
    start, number = 0, 1
    while True:
        end = data.find(b"\n", start)
        raw = data[start:] if end < 0 else data[start:end]
        if raw.strip():
            yield number, raw
        if end < 0:
            return
        start, number = end + 1, number + 1


def parse_ledger(data: bytes) -> Iterator[LedgerLine]:
    """Every non-blank line of a ledger's bytes, parsed, one by one."""
    tail = torn_tail(data)
    for number, raw in ledger_lines(data):
        line = _parsed(number, raw)
        yield line if tail is None or number != tail[0] else replace(line, torn_at=tail[1])


def statement_texts(data: bytes, number: int) -> dict[str, Any]:
    """The texts the statement on line ``number`` of a ledger's bytes carries ({} when there is
    none there). Nothing here is verified: a text is believed only once it hashes to a digest
    its verified statement covers (:func:`pipeline.signoff.verify.signed_text`)."""
    for found, raw in ledger_lines(data):
        if found == number:
            try:
                return parse_line(raw).texts
            except MalformedLine:
                return {}
    return {}


def torn_tail(data: bytes) -> tuple[int, int] | None:
    """(line number, offset of its first byte) of a last line that is not even JSON: the
    rest of a write cut short. A torn line is always the last one; one in the middle is an
    error like any line that does not verify."""
    last = deque(ledger_lines(data), maxlen=1)
    if not last:
        return None
    number, raw = last[0]
    try:
        json.loads(raw.decode("utf-8"))
        return None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return number, sum(len(before) + 1 for before in data.split(b"\n")[:number - 1])


def _parsed(number: int, raw: bytes) -> LedgerLine:
    try:
        return LedgerLine(number, parse_line(raw), raw=raw)
    except MalformedLine as exc:
        return LedgerLine(number, error=str(exc), raw=raw)


def _last_statement(data: bytes) -> LedgerLine | None:
    """The last well-formed line, parsing from the end (only a torn or edited tail is skipped)."""
    for number, raw in reversed(list(ledger_lines(data))):
        line = _parsed(number, raw)
        if line.statement is not None:
            return line
    return None


def parse_line(raw: bytes) -> Statement:
    """One ledger line as a statement; :class:`MalformedLine` says what is wrong with it."""
    data = json_object(raw, "statement")
    if set(data) == set(OLD_FIELDS):
        raise OldFormatLine("a statement of the old format (v1, without 'prev'): "
                            "it does not count until it is signed again in today's format")
    check_fields(data, WITH_TEXTS if "texts" in data else FIELDS)
    for name in ("reviewer", "language", "meaning", "note"):
        if not isinstance(data[name], str):
            raise MalformedLine(f"'{name}' must be a string")
    if data["meaning"] not in MEANINGS:
        raise MalformedLine(f"meaning must be one of {', '.join(MEANINGS)}")
    time = check_signed_fields(data)
    digests = _digests(data["digests"])
    return Statement(data["reviewer"], data["language"], time, data["meaning"], digests,
                     data["note"], data["key"], data["signature"], data["prev"],
                     _texts(data["texts"], digests) if "texts" in data else {})


def json_object(raw: bytes, what: str) -> dict:
    """A line of a signed log as a JSON object; :class:`MalformedLine` when it is not one."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedLine("not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise MalformedLine(f"not a JSON {what} ({exc.msg}, column {exc.colno}): "
                            "truncated or edited by hand") from None
    if not isinstance(data, dict):
        raise MalformedLine("not a JSON object")
    return data


def check_fields(data: dict, fields: tuple[str, ...]) -> None:
    """Refuse a line with fields missing or fields of no format."""
    missing = [name for name in fields if name not in data]
    extra = [name for name in data if name not in fields]
    if missing:
        raise MalformedLine(f"missing field(s): {', '.join(missing)}")
    if extra:
        raise MalformedLine(f"unexpected field(s): {', '.join(extra)}")


def check_signed_fields(data: dict) -> datetime:
    """Check the fields every signed line has (time, prev, key, signature); its time."""
    for name in ("prev", "key", "signature", "time"):
        if not isinstance(data[name], str):
            raise MalformedLine(f"'{name}' must be a string")
    if not _TIME_RE.match(data["time"]):
        raise MalformedLine("time must be UTC like 2026-11-26T09:30:00Z")
    try:
        time = datetime.strptime(data["time"], TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise MalformedLine("time is not a real date") from None
    if not _KEY_ID_RE.match(data["key"]):
        raise MalformedLine("key must be a 16-hex-digit key id")
    if not _PREV_RE.fullmatch(data["prev"]):
        raise MalformedLine("prev must be the SHA-256 (64 hex digits) of a line, or \"\"")
    _check_signature_text(data["signature"])
    return time


def _texts(value: object, digests: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    if not isinstance(value, dict) or not value or any(key not in digests for key in value):
        raise MalformedLine("texts must be a non-empty object of digests the statement covers")
    return value


def _digests(value: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict) or not value:
        raise MalformedLine("digests must be a non-empty object of digest → entry ids")
    # Validated in bulk: a statement of a big site covers thousands of digests.
    if not _all_hex(list(value), 64):
        bad = next(d for d in value if not _all_hex([d], 64))
        raise MalformedLine(f"'{bad[:20]}' is not a SHA-256 entry digest")
    if not all(isinstance(ids, list) for ids in value.values()) or not _all_hex(
            [i for ids in value.values() for i in ids], 16):
        bad = next(d for d, ids in value.items() if not isinstance(ids, list) or not _all_hex(ids, 16))
        raise MalformedLine(f"digest {bad[:12]}: entry ids must be a list of 16-hex-digit ids")
    return {digest: tuple(ids) for digest, ids in value.items()}


def _all_hex(texts: list, length: int) -> bool:
    """Whether every item is a string of ``length`` lowercase hex digits (checked in one match)."""
    try:
        joined = ",".join(texts) + ","
    except TypeError:  # an item that is not a string
        return False
    # As many groups as items, and only the commas put in here: each item is one group.
    return (len(joined) == (length + 1) * len(texts)
            and _hex_list_re(length).fullmatch(joined) is not None) if texts else True


@lru_cache(maxsize=4)
def _hex_list_re(length: int) -> re.Pattern:
    return re.compile(f"(?:[0-9a-f]{{{length}}},)*")


def _check_signature_text(text: str) -> None:
    try:
        decode_base64(text, 64)
    except ValueError as exc:
        raise MalformedLine(f"signature is not an Ed25519 signature ({exc})") from None

