"""Doctor sign-off: entry digests, and which ledger statements count.

A statement counts only when its line is well formed, it belongs to the ledger
of its language, its reviewer is in the roster and allowed for that language,
its key is one of that reviewer's keys (a retired one only for statements made
before its retirement) and its signature verifies. For each digest, the
latest statement that counts decides: approved, rejected or revoked.
"""

from __future__ import annotations

import hashlib
from json.encoder import encode_basestring
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime
from pathlib import Path

from pipeline.catalogs.model import Entry
from pipeline.config import Config
from pipeline.signoff.keys import verify_signature
from pipeline.signoff.ledger import APPROVE, LEDGER_NAME, REVOKE, Statement, format_time, read_ledger
from pipeline.signoff.roster import Reviewer, Roster, load_roster

_json_string = encode_basestring  # what json.dumps(..., ensure_ascii=False) writes for a str


def _json_value(text: str | None) -> str:
    return "null" if text is None else _json_string(text)


@dataclass(frozen=True)
class Approval:
    """A valid approve statement covering one entry digest."""

    reviewer: str
    name: str
    time: datetime


@dataclass(frozen=True)
class Rejection:
    """A valid reject statement, the latest word on one entry digest."""

    reviewer: str
    name: str
    time: datetime
    note: str


@dataclass(frozen=True)
class LedgerProblem:
    """A ledger line that does not count (or, when harmless, counts only once)."""

    path: str
    line: int
    message: str
    harmless: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Signed:
    """A statement that counts, with the roster entry of its reviewer."""

    line: int
    statement: Statement
    reviewer: Reviewer


@dataclass(frozen=True)
class SignoffState:
    """What the ledger of one language says, after verification."""

    language: str
    path: str
    statements: tuple[Signed, ...]
    problems: tuple[LedgerProblem, ...]
    approved: dict[str, Approval]
    rejected: dict[str, Rejection]

    @property
    def failures(self) -> tuple[LedgerProblem, ...]:
        return tuple(problem for problem in self.problems if not problem.harmless)

    @cached_property
    def approved_ids(self) -> dict[str, Approval]:
        """Entry id → approval standing for some text of that entry (only stale checks need it)."""
        ids: dict[str, Approval] = {}
        for signed in self.statements:
            if signed.statement.meaning != APPROVE:
                continue
            for digest, covered in signed.statement.digests.items():
                approval = self.approved.get(digest)
                if approval is not None:
                    ids.update(dict.fromkeys(covered, approval))
        return ids


def entry_digest(language: str, entry: Entry) -> str:
    """SHA-256 over the canonical encoding of the text pair; flags and comments are not part of it.

    The encoding is ``json.dumps([language, msgctxt, msgid, msgid_plural, [msgstr, …]],
    ensure_ascii=False, separators=(",", ":"))`` in UTF-8, spelled out with json's own string
    encoder because the gate digests every entry of the site.
    """
    forms = ",".join(map(_json_string, entry.msgstrs))
    encoded = (f"[{_json_string(language)},{_json_value(entry.msgctxt)},{_json_string(entry.msgid)},"
               f"{_json_value(entry.msgid_plural)},[{forms}]]")
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def entry_id(domain: str, msgctxt: str | None, msgid: str) -> str:
    """Which catalog entry a digest belonged to, whatever its translation: 16 hex digits."""
    encoded = f"[{_json_string(domain)},{_json_value(msgctxt)},{_json_string(msgid)}]"
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:16]


def entry_ids(domain: str, entry: Entry) -> tuple[str, ...]:
    """The entry's id, and the id it had before pull marked a source change (``#|``)."""
    ids = (entry_id(domain, entry.msgctxt, entry.msgid),)
    if entry.previous_msgid is not None:
        ids += (entry_id(domain, entry.previous_msgctxt, entry.previous_msgid),)
    return ids


def ledger_path(config: Config, language: str) -> Path:
    """The language's ledger; one whose link leads out of the locale folder is refused."""
    return config.inside(config.locale_dir / language / LEDGER_NAME, "ledger", config.locale_dir)


def approvals(config: Config, language: str) -> dict[str, Approval]:
    """Digest → approval, for every digest covered by a valid, unrevoked approve statement."""
    return read_signoffs(config, language).approved


def read_signoffs(config: Config, language: str, roster: Roster | None = None) -> SignoffState:
    """Verify the ledger of a language and work out each digest's standing."""
    roster = roster if roster is not None else load_roster(config)
    path = ledger_path(config, language)
    shown = config.relative(path)
    problems: list[LedgerProblem] = []
    counted: list[Signed] = []
    seen: dict[tuple[bytes, str], int] = {}
    for line in read_ledger(path):
        if line.statement is None:
            problems.append(LedgerProblem(shown, line.number, line.error))
            continue
        statement = line.statement
        signed_bytes = statement.signed_bytes()
        identity = (signed_bytes, statement.signature)
        if identity in seen:
            problems.append(LedgerProblem(shown, line.number, f"duplicate of line {seen[identity]} "
                                          "(counted once)", harmless=True))
            continue
        problem = statement_problem(statement, language, roster, signed_bytes)
        if problem:
            problems.append(LedgerProblem(shown, line.number, problem))
            continue
        seen[identity] = line.number
        counted.append(Signed(line.number, statement, roster.get(statement.reviewer)))
    counted.sort(key=lambda signed: (signed.statement.time, signed.line))
    approved, rejected = _standing(counted)
    return SignoffState(language, shown, tuple(counted), tuple(problems), approved, rejected)


def statement_problem(statement: Statement, language: str, roster: Roster,
                      signed_bytes: bytes | None = None) -> str | None:
    """Why a well-formed statement does not count, or None when it does."""
    if statement.language != language:
        return (f"a statement for '{statement.language}' in the '{language}' ledger "
                "(copied from another ledger?)")
    reviewer = roster.get(statement.reviewer)
    if reviewer is None:
        return f"unknown reviewer '{statement.reviewer}' (not in the roster)"
    if not reviewer.may_review(language):
        allowed = ", ".join(reviewer.languages) or "none"
        return (f"reviewer '{reviewer.id}' may not sign off '{language}' "
                f"(the roster allows: {allowed})")
    key = reviewer.key(statement.key)
    if key is None:
        return f"key {statement.key} is not a key of '{reviewer.id}' in the roster"
    if not key.valid_at(statement.time):
        return (f"signed {format_time(statement.time)} with key {key.key_id}, "
                f"retired {format_time(key.retired)}")
    signed_bytes = signed_bytes if signed_bytes is not None else statement.signed_bytes()
    if not verify_signature(key.public_key, statement.signature_bytes, signed_bytes):
        return "signature does not verify: the line was forged or edited"
    return None


def _standing(counted: list[Signed]) -> tuple[dict[str, Approval], dict[str, Rejection]]:
    """Replay the statements in time order; the last word on each digest stands."""
    last: dict[str, Signed] = {}
    for signed in counted:
        last.update(dict.fromkeys(signed.statement.digests, signed))
    approved, rejected = {}, {}
    decisions: dict[int, Approval | Rejection] = {}
    for digest, signed in last.items():
        statement = signed.statement
        if statement.meaning == REVOKE:
            continue
        decision = decisions.get(signed.line)
        if decision is None:
            decision = decisions[signed.line] = _decision(signed)
        (approved if statement.meaning == APPROVE else rejected)[digest] = decision
    return approved, rejected


def _decision(signed: Signed) -> Approval | Rejection:
    statement, name = signed.statement, signed.reviewer.name
    if statement.meaning == APPROVE:
        return Approval(statement.reviewer, name, statement.time)
    return Rejection(statement.reviewer, name, statement.time, statement.note)
