"""Doctor sign-off: entry digests, and which ledger statements count.

Each line of a language's ledger is checked in this order, and the first rule it
breaks is reported; such a line is never counted:

1. it is a well-formed statement of today's format (v1 lines, without ``prev``,
   are an old format to sign again);
2. it is not a copy of an earlier line (a duplicate is harmless: counted once);
3. it belongs to the ledger of its language;
4. its reviewer is in the roster and allowed for that language (with the clinic's trust
   root pinned, a roster the root did not sign counts as empty: no line counts);
5. its key is one of that reviewer's keys, not marked compromised, and (a retired
   key) the statement is dated before the key's retirement;
6. its signature verifies;
7. its ``prev`` names an earlier line of the same ledger ("" for a first line);
8. its time is not in the future (beyond :data:`CLOCK_SKEW`) and not earlier than
   the time of the authentic statement it names as ``prev``.

The standing of each digest is then decided by replaying the counted statements in
ledger (file) order, never by the times they claim: an approval approves, a revoke
withdraws every approval and the revoking doctor's own rejection, and a rejection
stands until the text changes (a new digest) or the doctor who rejected withdraws it
(revoke, or approves it themself). Another doctor's approval of a text under a
standing rejection is *disputed*: reported, and not counted.
"""

from __future__ import annotations

import hashlib
from json.encoder import encode_basestring
from dataclasses import dataclass, replace
from functools import cached_property
from datetime import datetime, timedelta
from pathlib import Path
from collections.abc import Iterable, Sequence

from pipeline.catalogs.model import Entry
from pipeline.config import Config
from pipeline.signoff.keys import verify_signature
from pipeline.signoff.ledger import (APPROVE, LEDGER_NAME, REJECT, LedgerLine, LedgerProblem, Statement,
                                     format_time, iter_ledger, utc_now)
from pipeline.signoff.roster import Reviewer, Roster, load_roster

RENAMED_FROM = "renamed from "  # a catalog header comment: the catalog's earlier name follows
CLOCK_SKEW = timedelta(minutes=5)  # how far ahead of this machine's clock a statement may be
# Why nothing is approved under a roster the trust root refused (its full reason: Roster.refused).
ROSTER_REFUSED = ("no doctor counts: the roster is not signed by the clinic's trust root "
                  "(see 'pipeline roster verify')")

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
class Dispute:
    """An approval not counted because another doctor's rejection of the same text stands."""

    approval: Approval
    rejection: Rejection

    def __str__(self) -> str:
        approval, rejection = self.approval, self.rejection
        return (f"approved by {approval.name} on {format_time(approval.time)}, but "
                f"{rejection.name} rejected it on {format_time(rejection.time)}: "
                f"{rejection.name} must withdraw the rejection")


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
    disputed: dict[str, Dispute]
    refused: str = ""  # the roster counts as empty (the trust root did not sign it): ROSTER_REFUSED

    @property
    def failures(self) -> tuple[LedgerProblem, ...]:
        return tuple(problem for problem in self.problems if not problem.harmless)

    @cached_property
    def standing_by_id(self) -> dict[str, tuple[str, Signed, Approval]]:
        """Entry id → the last approval still standing for some text of that entry: its digest,
        the statement that made it (which may carry the approved text; its line says where
        to find it when the statement was kept without) and the approval."""
        ids: dict[str, tuple[str, Signed, Approval]] = {}
        for signed in self.statements:
            if signed.statement.meaning != APPROVE:
                continue
            for digest, covered in signed.statement.digests.items():
                approval = self.approved.get(digest)
                if approval is not None:
                    ids.update(dict.fromkeys(covered, (digest, signed, approval)))
        return ids

    @cached_property
    def approved_ids(self) -> dict[str, Approval]:
        """Entry id → approval standing for some text of that entry (only stale checks need it)."""
        return {entry: approval for entry, (_, _, approval) in self.standing_by_id.items()}


def entry_digest(language: str, entry: Entry, plural_forms: str | None = None) -> str:
    """SHA-256 over the canonical encoding of the text pair; flags and comments are not part of it.

    The encoding is ``json.dumps([language, msgctxt, msgid, msgid_plural, [msgstr, …]],
    ensure_ascii=False, separators=(",", ":"))`` in UTF-8, spelled out with json's own string
    encoder because the gate digests every entry of the site. A plural entry adds its
    catalog's ``Plural-Forms`` (spaces removed) as a sixth item: the rule picks which form
    a reader sees, so changing it voids the approval ("Take 3 tablets" must not become
    "Take one tablet" on the page without a doctor).
    """
    forms = ",".join(map(_json_string, entry.msgstrs))
    rule = ""
    if entry.msgid_plural is not None:
        if plural_forms is None:
            raise ValueError("the digest of a plural entry needs its catalog's Plural-Forms")
        rule = "," + _json_string("".join(plural_forms.split()))
    encoded = (f"[{_json_string(language)},{_json_value(entry.msgctxt)},{_json_string(entry.msgid)},"
               f"{_json_value(entry.msgid_plural)},[{forms}]{rule}]")
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def entry_text(entry: Entry, plural_forms: str | None = None) -> list:
    """The text pair as a statement's ``texts`` carry it: what :func:`entry_digest` covers."""
    rule = plural_forms if entry.msgid_plural is not None else None
    return [entry.msgctxt, entry.msgid, entry.msgid_plural, list(entry.msgstrs), rule]


def signed_text(language: str, digest: str, text: object) -> Entry | None:
    """The entry a statement's text names, only when it hashes to the digest it was signed for."""
    if not (isinstance(text, list) and len(text) == 5 and isinstance(text[1], str)
            and isinstance(text[3], list) and text[3] and all(isinstance(f, str) for f in text[3])
            and all(isinstance(v, (str, type(None))) for v in (text[0], text[2], text[4]))):
        return None
    msgctxt, msgid, msgid_plural, msgstrs, rule = text
    entry = Entry(msgid, tuple(msgstrs), msgctxt, msgid_plural)
    try:
        return entry if entry_digest(language, entry, rule) == digest else None
    except ValueError:
        return None


def entry_id(domain: str, msgctxt: str | None, msgid: str) -> str:
    """Which catalog entry a digest belonged to, whatever its translation: 16 hex digits."""
    encoded = f"[{_json_string(domain)},{_json_value(msgctxt)},{_json_string(msgid)}]"
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:16]


def entry_ids(domain: str, entry: Entry, former: Sequence[str] = ()) -> tuple[str, ...]:
    """The entry's id, and the id it had before pull marked a source change (``#|``).

    ``former``: the names the catalog had before ``pipeline mv`` renamed it
    (:func:`former_domains`); the ids under those names follow, so an approval
    signed before the rename still makes a later edit *stale*, not *waiting*.
    """
    ids: tuple[str, ...] = ()
    for name in (domain, *former):
        ids += (entry_id(name, entry.msgctxt, entry.msgid),)
        if entry.previous_msgid is not None:
            ids += (entry_id(name, entry.previous_msgctxt, entry.previous_msgid),)
    return ids


def former_domains(header: Entry) -> tuple[str, ...]:
    """The earlier names of a catalog, from the ``# renamed from OLD`` lines ``pipeline mv`` adds.

    The record is a header comment of the catalog itself, so it travels with the
    file, and every cache keyed by the catalog's bytes sees it. It decides only
    between *stale* and *waiting* (both hold a language back); approvals are
    matched by digest, which never names the catalog.
    """
    return tuple(comment[len(RENAMED_FROM):].strip() for comment in header.comments
                 if comment.startswith(RENAMED_FROM))


def ledger_path(config: Config, language: str) -> Path:
    """The language's ledger; one whose link leads out of the locale folder is refused."""
    return config.inside(config.locale_dir / language / LEDGER_NAME, "ledger", config.locale_dir)


def approvals(config: Config, language: str) -> dict[str, Approval]:
    """Digest → approval, for every digest covered by a valid, unrevoked approve statement."""
    return read_signoffs(config, language).approved


def read_signoffs(config: Config, language: str, roster: Roster | None = None,
                  now: datetime | None = None, texts: bool = True) -> SignoffState:
    """Verify the ledger of a language and work out each digest's standing."""
    roster = roster if roster is not None else load_roster(config)
    path = ledger_path(config, language)
    return check_ledger(iter_ledger(path), language, roster, config.relative(path), now, texts)


def check_ledger(lines: Iterable[LedgerLine], language: str, roster: Roster, shown: str,
                 now: datetime | None = None, texts: bool = True) -> SignoffState:
    """Verify the lines of one ledger (see the module's rules) and replay what counts.

    Under a roster the trust root refused, nothing counts and no line is looked at: the
    one reason is the roster's (``refused``), not each line's unknown reviewer. With
    ``texts`` false the statements kept let go of the texts they carry once their
    signatures are verified: the gate needs only their digests, and on a big site the
    texts of every statement of every language take hundreds of MiB.
    """
    if roster.refused:
        return SignoffState(language, shown, (), (), {}, {}, {}, ROSTER_REFUSED)
    counted, problems = verify_lines(lines, language, roster, shown, now, texts)
    return replay(language, shown, counted, problems)


def latest_time(now: datetime | None = None) -> datetime:
    """The latest time a statement may claim (rule 8): this machine's clock, and the skew allowed."""
    return (now or utc_now()) + CLOCK_SKEW


def verify_lines(lines: Iterable[LedgerLine], language: str, roster: Roster, shown: str,
                 now: datetime | None = None, texts: bool = True
                 ) -> tuple[list[Signed], list[LedgerProblem]]:
    """The statements that count, in ledger order, and why each other line does not."""
    latest = latest_time(now)
    problems: list[LedgerProblem] = []
    counted: list[Signed] = []
    seen: dict[tuple[bytes, str], int] = {}
    earlier: dict[str, int] = {}  # hash of each line → its (first) line number
    authentic: dict[int, Statement] = {}  # line number → statement its reviewer really signed
    for line in lines:
        problem, harmless = _line_problem(line, language, roster, seen, earlier, authentic, latest)
        earlier.setdefault(line.hash, line.number)
        if problem or line.statement is None:
            reason = line.problem(shown) if line.statement is None else problem
            problems.append(LedgerProblem(shown, line.number, reason or "", harmless))
            continue
        reviewer = roster.get(line.statement.reviewer)
        assert reviewer is not None  # a statement of a reviewer not in the roster has a problem
        statement = line.statement
        if not texts and statement.texts:
            statement = authentic[line.number] = replace(statement, texts={})  # its time is enough
        counted.append(Signed(line.number, statement, reviewer))
    return counted, problems


def replay(language: str, shown: str, counted: list[Signed], problems: list[LedgerProblem]
           ) -> SignoffState:
    """The standing of each digest after the counted statements, in ledger order."""
    approved, rejected, disputed, notes = _standing(counted)
    problems = [*problems, *(LedgerProblem(shown, number, note, harmless=True)
                             for number, note in notes)]
    problems.sort(key=lambda problem: problem.line)
    return SignoffState(language, shown, tuple(counted), tuple(problems), approved, rejected,
                        disputed)


def _line_problem(line: LedgerLine, language: str, roster: Roster,
                  seen: dict[tuple[bytes, str], int], earlier: dict[str, int],
                  authentic: dict[int, Statement], latest: datetime) -> tuple[str | None, bool]:
    """Why one line does not count (and whether that is harmless), or (None, False)."""
    statement = line.statement
    if statement is None:
        return line.error, False
    signed_bytes = statement.signed_bytes()
    identity = (signed_bytes, statement.signature)
    if identity in seen:
        return f"duplicate of line {seen[identity]} (counted once)", True
    problem = statement_problem(statement, language, roster, signed_bytes)
    if problem:
        return problem, False
    seen[identity] = line.number
    authentic[line.number] = statement
    return place_problem(statement, earlier, authentic, latest), False


def place_problem(statement: Statement, earlier: dict[str, int],
                  authentic: dict[int, Statement], latest: datetime) -> str | None:
    """Why an authentic statement cannot stand where it is in the ledger, or None."""
    before = None
    if statement.prev:
        number = earlier.get(statement.prev)
        if number is None:
            return (f"the line it was appended after (prev {statement.prev[:12]}…) is not before "
                    "it in this ledger: a line before it was removed or edited, or lines were "
                    "moved")
        before = authentic.get(number)
    if statement.time > latest:
        return (f"dated {format_time(statement.time)}, in the future (more than "
                f"{CLOCK_SKEW.seconds // 60} minutes after this machine's clock)")
    if before is not None and statement.time < before.time:
        return (f"dated {format_time(statement.time)}, before the statement it was appended "
                f"after ({format_time(before.time)}): backdated")
    return None


def statement_problem(statement: Statement, language: str, roster: Roster,
                      signed_bytes: bytes | None = None) -> str | None:
    """Why a well-formed statement was not signed by a doctor allowed to, or None when it was."""
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
    if key.compromised:
        return (f"signed with key {key.key_id} of '{reviewer.id}', marked compromised in the "
                "roster: every statement it signed is void")
    if not key.valid_at(statement.time):
        retired = format_time(key.retired) if key.retired is not None else "?"
        return f"signed {format_time(statement.time)} with key {key.key_id}, retired {retired}"
    signed_bytes = signed_bytes if signed_bytes is not None else statement.signed_bytes()
    if not verify_signature(key.public_key, statement.signature_bytes, signed_bytes):
        return "signature does not verify: the line was forged or edited"
    return None


def _standing(counted: list[Signed]) -> tuple[dict[str, Approval], dict[str, Rejection],
                                              dict[str, Dispute], list[tuple[int, str]]]:
    """Replay the statements in ledger order: approvals, standing rejections, disputes, notes."""
    approved: dict[str, Approval] = {}
    rejections: dict[str, dict[str, Rejection]] = {}  # digest → reviewer → their rejection
    disputes: dict[str, Dispute] = {}
    notes: list[tuple[int, str]] = []
    for signed in counted:
        statement, reviewer = signed.statement, signed.statement.reviewer
        if statement.meaning == APPROVE:
            approval = Approval(reviewer, signed.reviewer.name, statement.time)
            refused = _approve(statement, approval, approved, rejections, disputes)
            if refused:
                notes.append((signed.line, _dispute_note(refused, disputes)))
            continue
        rejection = Rejection(reviewer, signed.reviewer.name, statement.time, statement.note)
        for digest in statement.digests:
            approved.pop(digest, None)
            standing = rejections.setdefault(digest, {})
            if statement.meaning == REJECT:
                standing[reviewer] = rejection
                continue
            standing.pop(reviewer, None)  # revoke: withdraws this doctor's own rejection only
            dispute = disputes.get(digest)
            if not standing or (dispute is not None and dispute.approval.reviewer == reviewer):
                disputes.pop(digest, None)
    rejected = {digest: max(standing.values(), key=lambda rejection: rejection.time)
                for digest, standing in rejections.items() if standing}
    disputed = {digest: dispute for digest, dispute in disputes.items() if digest in rejected}
    return approved, rejected, disputed, notes


def _approve(statement: Statement, approval: Approval, approved: dict[str, Approval],
             rejections: dict[str, dict[str, Rejection]], disputes: dict[str, Dispute]) -> list[str]:
    """Count an approve statement digest by digest; the digests another doctor's rejection holds."""
    if not rejections and not disputes:  # nothing to withdraw or hold back: the common case
        approved.update(dict.fromkeys(statement.digests, approval))
        return []
    refused = []
    for digest in statement.digests:
        standing = rejections.get(digest)
        if standing:
            standing.pop(statement.reviewer, None)  # approving withdraws one's own rejection
            if standing:
                disputes[digest] = Dispute(approval, max(standing.values(),
                                                         key=lambda rejection: rejection.time))
                refused.append(digest)
                continue
        disputes.pop(digest, None)
        approved[digest] = approval
    return refused


def _dispute_note(refused: list[str], disputes: dict[str, Dispute]) -> str:
    first = disputes[refused[0]]
    more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
    return f"approval of {refused[0][:12]}{more} not counted: {first}"

