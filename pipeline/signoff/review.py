"""Review operations shared by the command line and any other front end.

Each decision is a plain function: it signs one statement, appends it to the
ledger (flushed to disk) and only then touches the catalogs, so an interrupted
review keeps every decision already made, and a catalog is never changed for
a decision that was not recorded. Each holds the project lock while it does, so
decisions from the review page and the command line at once, or a pull
rewriting the same catalogs, lose neither a ledger line nor a cleared flag.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pipeline.catalogs.model import Entry
from pipeline.checks import ERROR, Finding
from pipeline.config import Config
from pipeline.errors import SignoffError
from pipeline.fsutil import Staging, read_if_exists, stage_files
from pipeline.gate.verdict import STALE, WAITING, earlier_approval, evaluate
from pipeline.locking import project_lock
from pipeline.signoff.keys import default_key_file, key_id, load_private_key, outside_project
from pipeline.signoff.ledger import (APPROVE, REJECT, REVOKE, LedgerLine, Statement, append_signed,
                                     format_time, sign, utc_now)
from pipeline.catalogs.pofile import format_po, read_po
from pipeline.signoff.roster import Reviewer, Roster, load_roster
from pipeline.signoff.verified import verified_signoffs
from pipeline.signoff.verify import (CLOCK_SKEW, Approval, LedgerProblem, entry_digest, entry_ids,
                                     entry_text, signed_text,
                                     ledger_path, read_signoffs, statement_problem)
from pipeline.source.articles import domains

MIN_PREFIX = 8
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Located:
    """One occurrence of a text pair: which catalog, and the entry as it is there."""

    domain: str
    path: Path
    shown: str
    entry: Entry
    plural_forms: str = ""  # the catalog's Plural-Forms: part of a plural entry's digest

    @property
    def where(self) -> str:
        return self.entry.location(self.shown)


@dataclass(frozen=True)
class Target:
    """One entry digest and every place in the language's catalogs where it occurs."""

    digest: str
    places: tuple[Located, ...]

    @property
    def entry(self) -> Entry:
        return self.places[0].entry

    def entry_ids(self) -> tuple[str, ...]:
        return tuple(sorted({i for place in self.places for i in entry_ids(place.domain, place.entry)}))

    def text(self) -> list:
        """The text pair as a statement carries it: exactly what its digest is computed from."""
        return entry_text(self.entry, self.places[0].plural_forms)


@dataclass(frozen=True)
class Pending(Target):
    """A translated entry waiting for a doctor: never approved (waiting) or changed since (stale)."""

    state: str = WAITING
    findings: tuple[Finding, ...] = ()
    earlier: Approval | None = None

    def as_dict(self) -> dict:
        entry = self.entry
        return {"digest": self.digest, "state": self.state,
                "places": [{"domain": p.domain, "path": p.shown, "line": p.entry.line}
                           for p in self.places],
                "msgctxt": entry.msgctxt, "msgid": entry.msgid,
                "msgid_plural": entry.msgid_plural, "msgstrs": list(entry.msgstrs),
                "fuzzy": entry.fuzzy,
                "findings": [{"check": f.check, "severity": f.severity, "message": f.message}
                             for f in self.findings],
                "earlier_approval": None if self.earlier is None else
                {"reviewer": self.earlier.reviewer, "name": self.earlier.name,
                 "time": format_time(self.earlier.time)}}


@dataclass(frozen=True)
class Signer:
    """A reviewer of the roster, holding the private half of their current key."""

    reviewer: Reviewer
    private_key: Ed25519PrivateKey
    key_id: str

    def sign(self, language: str, meaning: str, targets: Iterable[Target], note: str = "",
             now: datetime | None = None, prev: str = "") -> Statement:
        targets = tuple(targets)
        digests = {target.digest: target.entry_ids() for target in targets}
        texts = {target.digest: target.text() for target in targets} if meaning != REVOKE else {}
        return sign(self.private_key, self.key_id, self.reviewer.id, language, meaning,
                    digests, note, now, prev, texts)


@dataclass(frozen=True)
class Decision:
    """A recorded statement and what it changed in the catalogs."""

    statement: Statement | None
    targets: tuple[Target, ...] = ()
    catalogs_written: tuple[str, ...] = ()


def open_signer(config: Config, language: str, reviewer_id: str,
                key_file: Path | None = None) -> Signer:
    """Check the reviewer may sign this language and that the key file holds their current key."""
    signer, _ = open_signer_for(config, [language], reviewer_id, key_file)
    return signer


def roster_reviewer(config: Config, reviewer_id: str) -> Reviewer:
    """The doctor of that id in the roster that counts; an error naming the roster if none."""
    roster = load_roster(config)
    if roster.refused:
        raise SignoffError(roster.refused)
    reviewer = roster.get(reviewer_id)
    if reviewer is None:
        raise SignoffError(f"unknown reviewer '{reviewer_id}': add them to the roster "
                           f"('pipeline keygen {reviewer_id}' prints the lines)", roster.path)
    return reviewer


def open_signer_for(config: Config, languages: Iterable[str] | None, reviewer_id: str,
                    key_file: Path | None = None) -> tuple[Signer, tuple[str, ...]]:
    """Open the reviewer's key once for several languages (None: every target they may sign)."""
    reviewer = roster_reviewer(config, reviewer_id)
    roster_path = config.roster_path
    allowed = ", ".join(reviewer.languages) or "none"
    if languages is None:
        languages = [language for language in config.languages if reviewer.may_review(language)]
        if not languages:
            raise SignoffError(f"reviewer '{reviewer_id}' may sign off none of the target "
                               f"languages (the roster allows: {allowed})", roster_path)
    languages = tuple(languages)
    for language in languages:
        if not reviewer.may_review(language):
            raise SignoffError(f"reviewer '{reviewer_id}' may not sign off '{language}' "
                               f"(the roster allows: {allowed})", roster_path)
    path = outside_project(key_file or default_key_file(reviewer_id), config.root, writing=False)
    private_key = load_private_key(path)
    found = key_id(private_key.public_key())
    if found != reviewer.current_key.key_id:
        raise SignoffError(f"this key ({found}) is not the current key of '{reviewer_id}' in "
                           f"the roster ({reviewer.current_key.key_id})", path)
    if reviewer.current_key.compromised:
        raise SignoffError(f"the key {found} of '{reviewer_id}' is marked compromised in the "
                           f"roster: make a new one ('pipeline keygen {reviewer_id}')", roster_path)
    return Signer(reviewer, private_key, found), languages


def check_page(config: Config, page: str | None) -> list[str]:
    """The domains to look at: one page (article slug) or all."""
    known = domains(config)
    if page is None:
        return known
    if page not in known:
        raise SignoffError(f"no page '{page}': pages are {', '.join(known) or 'none'}")
    return [page]


def translated_entries(config: Config, language: str) -> dict[str, Target]:
    """Digest → target, for every translated entry of the language (fuzzy ones included)."""
    found: dict[str, list[Located]] = {}
    for domain in domains(config):
        path = config.catalog_path(language, domain)
        if not path.exists():
            continue
        shown = config.relative(path)
        catalog = read_po(path)
        rule = catalog.header_field("Plural-Forms")
        for entry in catalog.messages:
            if entry.has_translation:
                found.setdefault(entry_digest(language, entry, rule), []).append(
                    Located(domain, path, shown, entry, rule))
    return {digest: Target(digest, tuple(places)) for digest, places in found.items()}


def resolve(entries: dict[str, Target], wanted: Iterable[str], language: str) -> list[Target]:
    """The targets named by full digests or unique prefixes of at least 8 hex digits."""
    targets, missing = [], []
    for text in wanted:
        text = text.strip().lower()
        if text in entries:
            targets.append(entries[text])
            continue
        matches = [d for d in entries if d.startswith(text)] if len(text) >= MIN_PREFIX else []
        if len(matches) > 1:
            raise SignoffError(f"digest prefix {text} is ambiguous: give more digits")
        if not matches:
            missing.append(text)
        else:
            targets.append(entries[matches[0]])
    if missing:
        raise SignoffError(f"no translated entry of '{language}' has digest {', '.join(missing)} "
                           "(changed since you looked? see 'pipeline review list')")
    return list({target.digest: target for target in targets}.values())


def pending(config: Config, language: str, page: str | None = None) -> list[Pending]:
    """The entries waiting for a doctor, once per digest, in catalog order."""
    wanted = set(check_page(config, page))
    verdict = evaluate(config, language)
    findings: dict[tuple, list[Finding]] = {}
    for finding in verdict.findings:
        findings.setdefault((finding.path, finding.key), []).append(finding)
    grouped: dict[str, dict] = {}
    for domain in verdict.domains:
        if domain.domain not in wanted or domain.catalog is None:
            continue
        path = config.catalog_path(language, domain.domain)
        for entry in domain.catalog.messages:
            state = domain.states.get(entry.key)
            if state not in (WAITING, STALE):
                continue
            digest = domain.digests[entry.key]
            item = grouped.setdefault(digest, {"places": [], "findings": [], "state": state,
                                               "earlier": None})
            item["places"].append(Located(domain.domain, path, domain.path, entry))
            item["findings"].extend(findings.get((domain.path, entry.key), []))
            if state == STALE:
                item["state"] = STALE
                item["earlier"] = earlier_approval(domain, entry)
    return [Pending(digest, tuple(item["places"]), item["state"], tuple(item["findings"]),
                    item["earlier"]) for digest, item in grouped.items()]


def _decision(function: Callable[Concatenate[Config, P], R]) -> Callable[Concatenate[Config, P], R]:
    """Run a decision holding the project lock, whole: ledger line and catalog rewrites."""
    @functools.wraps(function)
    def locked(config: Config, *args: P.args, **kwargs: P.kwargs) -> R:
        with project_lock(config):
            return function(config, *args, **kwargs)
    return locked


@_decision
def approve(config: Config, language: str, signer: Signer, targets: Iterable[Target],
            now: datetime | None = None) -> Decision:
    """Sign one approve statement for the targets, then clear their fuzzy flags."""
    targets = tuple(targets)
    if not targets:
        return Decision(None)
    staged, written = _edit_catalogs(language, targets, lambda entry: entry.with_fuzzy(False))
    try:  # staged first: a full disk stops the approval before its line is appended
        statement = _record(config, language, signer, APPROVE, targets, now=now)
    except BaseException:
        staged.discard()
        raise
    staged.commit()
    return Decision(statement, targets, written)


@_decision
def reject(config: Config, language: str, signer: Signer, target: Target, note: str,
           now: datetime | None = None) -> Decision:
    """Sign a reject statement, then mark the entry fuzzy with the doctor's note for the translator."""
    note = " ".join(note.split())
    if not note:
        raise SignoffError("a rejection needs a note telling the translator what is wrong")
    statement = _record(config, language, signer, REJECT, (target,), note, now)
    comment = (f"rejected by {signer.reviewer.name} on "
               f"{statement.time.strftime('%Y-%m-%d')}: {note}")

    def mark(entry: Entry) -> Entry:
        return entry.with_fuzzy(True).replace(comments=(*entry.comments, comment))

    staged, written = _edit_catalogs(language, (target,), mark)
    staged.commit()
    return Decision(statement, (target,), written)


@dataclass(frozen=True)
class Correction:
    """A doctor's own wording, approved: the decision, the text it replaced, the warnings on it."""

    decision: Decision
    replaced: Target
    warnings: tuple[str, ...] = ()


class CorrectionRefused(SignoffError):
    """The doctor's wording fails a check (or changes nothing): nothing was written or signed."""


@_decision
def correct(config: Config, language: str, signer: Signer, target: Target, msgstrs: Sequence[str],
            now: datetime | None = None) -> Correction:
    """Put the doctor's wording in place of a translation and approve it, in one signed statement.

    The checks run on the new text in every catalog that holds the pair; an error
    refuses the correction before anything is signed or written. The catalogs' new
    text (not fuzzy, with a comment naming who changed what for the translator) is
    staged, then the approve statement (with the new pair's texts, and the old wording
    in its note) appended, and only then are the staged catalogs put in place.
    """
    if not signer.reviewer.may_review(language):
        raise SignoffError(f"reviewer '{signer.reviewer.id}' may not sign off '{language}' (the "
                           f"roster allows: {', '.join(signer.reviewer.languages) or 'none'})")
    new = tuple(text.replace("\r\n", "\n") for text in msgstrs)
    old = target.entry
    if len(new) != len(old.msgstrs):
        raise CorrectionRefused(f"the entry has {len(old.msgstrs)} form(s), the correction "
                                f"{len(new)}: nothing was signed")
    if new == old.msgstrs:
        raise CorrectionRefused("the corrected text is the same as the translation: approve it "
                                "instead (nothing was signed)")
    warnings = _check_correction(config, language, target, new)
    changed = _corrected_targets(language, target, new)
    was = " | ".join(" ".join(text.split()) for text in old.msgstrs)
    now = now or utc_now()
    comment = f"corrected by {signer.reviewer.name} on {now.strftime('%Y-%m-%d')}, was: {was}"

    def rewrite(entry: Entry) -> Entry:
        return entry.replace(msgstrs=new, comments=(*entry.comments, comment)).with_fuzzy(False)

    staged, written = _edit_catalogs(language, (target,), rewrite)
    try:  # staged first, as approve: a full disk stops the correction before its line is appended
        statement = _record(config, language, signer, APPROVE, changed, f"corrected; was: {was}", now)
    except BaseException:
        staged.discard()
        raise
    staged.commit()
    return Correction(Decision(statement, changed, written), target, warnings)


def _check_correction(config: Config, language: str, target: Target,
                      msgstrs: tuple[str, ...]) -> tuple[str, ...]:
    """The warnings the checks find in the new text; an error refuses it (CorrectionRefused)."""
    from pipeline.checks.runner import check_entry, disabled_checks, make_context

    disabled = disabled_checks(config)
    errors, warnings = [], []
    for path in dict.fromkeys(place.path for place in target.places):
        catalog = read_po(path)
        context = make_context(catalog, language, config)
        for place in (p for p in target.places if p.path == path):
            entry = place.entry.replace(msgstrs=msgstrs).with_fuzzy(False)
            for check, message in check_entry(entry, context):
                if check.severity >= ERROR:
                    errors.append(f"[{check.name}] {message}")
                elif check.name not in disabled:
                    warnings.append(f"[{check.name}] {message}")
    if errors:
        raise CorrectionRefused(f"nothing was signed: the corrected text fails a check: "
                                f"{'; '.join(dict.fromkeys(errors))}")
    return tuple(dict.fromkeys(warnings))


def _corrected_targets(language: str, target: Target, msgstrs: tuple[str, ...]) -> tuple[Target, ...]:
    """The new text pair in each of the target's places, grouped by its digest."""
    found: dict[str, list[Located]] = {}
    for place in target.places:
        entry = place.entry.replace(msgstrs=msgstrs).with_fuzzy(False)
        found.setdefault(entry_digest(language, entry, place.plural_forms), []).append(
            Located(place.domain, place.path, place.shown, entry, place.plural_forms))
    return tuple(Target(digest, tuple(places)) for digest, places in found.items())


@_decision
def revoke(config: Config, language: str, signer: Signer, targets: Iterable[Target],
           note: str = "", now: datetime | None = None) -> Decision:
    """Sign a revoke statement: the targets are no longer approved (the catalogs stay as they are)."""
    targets = tuple(targets)
    if not targets:
        return Decision(None)
    statement = _record(config, language, signer, REVOKE, targets, " ".join(note.split()), now)
    return Decision(statement, targets)


def _record(config: Config, language: str, signer: Signer, meaning: str,
            targets: tuple[Target, ...], note: str = "", now: datetime | None = None) -> Statement:
    """Sign a statement chained to the ledger's last line and append it, flushed to disk.

    Its time is ``now``, or the time of the statement it follows when that is later
    (another machine's clock a little ahead), so that it is never refused as backdated.
    """
    roster = load_roster(config)

    def make(prev: str, last: LedgerLine | None) -> Statement:
        moment = now or utc_now()
        before = _authentic_time(last, language, roster)
        if last is not None and before is not None and before > moment:
            if before > utc_now() + CLOCK_SKEW:
                raise SignoffError(f"line {last.number} is dated {format_time(before)}, in the "
                                   "future: nothing can be appended after it until then (check "
                                   "the clocks of this machine and of whoever signed it)",
                                   ledger_path(config, language))
            moment = before
        return signer.sign(language, meaning, targets, note, moment, prev)

    return append_signed(ledger_path(config, language), make)


def _authentic_time(line: LedgerLine | None, language: str, roster: Roster) -> datetime | None:
    """The time of the ledger's last statement, when its doctor really signed it."""
    if line is None or line.statement is None:
        return None
    if statement_problem(line.statement, language, roster) is not None:
        return None
    return line.statement.time


def _edit_catalogs(language: str, targets: tuple[Target, ...], change) -> tuple[Staging, tuple[str, ...]]:
    """Stage ``change`` applied to each target's entries, re-reading each catalog so concurrent
    edits survive; the catalogs it changes, as shown."""
    by_path: dict[Path, tuple[str, dict]] = {}
    for target in targets:
        for place in target.places:
            if change(place.entry) == place.entry:
                continue  # e.g. approving an entry that is not fuzzy: no need to open its catalog
            shown, keys = by_path.setdefault(place.path, (place.shown, {}))
            keys[place.entry.key] = target.digest
    files: dict[Path, bytes | str] = {}
    written = []
    for path, (shown, keys) in by_path.items():
        catalog = read_po(path)
        rule = catalog.header_field("Plural-Forms")
        catalog.entries = [change(entry) if not entry.obsolete and entry.key in keys
                           and entry_digest(language, entry, rule) == keys[entry.key] else entry
                           for entry in catalog.entries]
        text = format_po(catalog)
        if read_if_exists(path) != text.encode("utf-8"):
            files[path] = text
            written.append(shown)
    return stage_files(files), tuple(written)


def back_translation(config: Config, language: str, entry: Entry) -> str | None:
    """The stored back-translation of an entry, when ``pipeline translate --back`` made one."""
    from pipeline.mt.backtranslate import back_translation as cached
    return cached(config, language, entry)


# ---------------------------------------------------------------- audit


@dataclass(frozen=True)
class LogRecord:
    """One statement that counts, with the text pairs it covers where they are still known."""

    language: str
    line: int
    statement: Statement
    name: str
    texts: dict[str, Located | None]

    def as_dict(self) -> dict:
        s = self.statement
        return {"language": self.language, "line": self.line, "time": format_time(s.time),
                "reviewer": s.reviewer, "name": self.name, "meaning": s.meaning,
                "note": s.note, "key": s.key,
                "entries": [_text_dict(digest, place) for digest, place in self.texts.items()]}


def audit_log(config: Config, languages: Iterable[str]) -> tuple[list[LogRecord], list[LedgerProblem]]:
    """Every counted statement in ledger order, and every ledger line that does not count.

    A text no catalog holds any more is shown as the statement signed it, when it
    carries it (and it hashes to its digest).
    """
    records: list[LogRecord] = []
    problems: list[LedgerProblem] = []
    roster = load_roster(config)
    for language in languages:
        state = read_signoffs(config, language, roster)
        problems.extend(state.problems)
        if not state.statements:
            continue
        known = translated_entries(config, language)
        shown = config.relative(ledger_path(config, language))
        for signed in state.statements:
            texts = {digest: known[digest].places[0] if digest in known
                     else _as_signed(language, digest, signed.statement, shown)
                     for digest in signed.statement.digests}
            records.append(LogRecord(language, signed.line, signed.statement,
                                     signed.reviewer.name, texts))
    return records, problems


def _as_signed(language: str, digest: str, statement: Statement, ledger: str) -> Located | None:
    """The text a statement signed for a digest, placed in the ledger, when it carries it."""
    entry = signed_text(language, digest, statement.texts.get(digest))
    if entry is None:
        return None
    return Located("", Path(ledger), f"{ledger} (as signed; in no catalog now)", entry)


def verify(config: Config, languages: Iterable[str],
           against: str | None = None) -> tuple[int, list[LedgerProblem]]:
    """How many statements count, and every line that does not (or counts only once).

    ``against``: a git revision whose ledgers must be contained unchanged in today's,
    with every line added since signed by a current key (see :mod:`pipeline.signoff.history`).
    A ledger whose bytes, and the roster's, are those of a run before is not verified
    again: that run's outcome is kept (:mod:`pipeline.signoff.verified`).
    """
    languages = tuple(languages)
    roster = load_roster(config)
    counted, problems = 0, list[LedgerProblem]()
    for language in languages:
        state = verified_signoffs(config, language, roster)
        counted += len(state.statements)
        problems.extend(state.problems)
    if against is not None:
        from pipeline.signoff.history import history_problems
        problems.extend(history_problems(config, languages, against, roster, problems))
    return counted, problems


def _text_dict(digest: str, place: Located | None) -> dict:
    if place is None:
        return {"digest": digest, "known": False}
    entry = place.entry
    if not place.domain:  # no catalog holds it: the text as the statement signed it
        return {"digest": digest, "known": False, "as_signed": True, "msgctxt": entry.msgctxt,
                "msgid": entry.msgid, "msgid_plural": entry.msgid_plural,
                "msgstrs": list(entry.msgstrs)}
    return {"digest": digest, "known": True, "domain": place.domain, "path": place.shown,
            "line": entry.line, "msgctxt": entry.msgctxt, "msgid": entry.msgid,
            "msgid_plural": entry.msgid_plural, "msgstrs": list(entry.msgstrs)}
