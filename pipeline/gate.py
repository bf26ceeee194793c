"""The publication gate: is language L fully translated, clean and approved by a doctor?

One function, :func:`evaluate`, used by ``status``, ``check``, ``build`` and ``review``.
Language L is publishable iff every entry of every catalog of L is translated in
all plural forms, not fuzzy, free of check errors, and its digest stands approved
in the verified ledger of L.

Each translated entry also gets a review state: *approved*; *rejected* (the
latest word on its digest is a doctor's reject); *stale* (not approved, but the
ledger approves another text of the same entry, matched by domain, msgctxt and
msgid, or by the ``#|`` previous msgid pull kept when the source changed);
otherwise *waiting* for a doctor.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pipeline.catalog import Catalog, Entry
from pipeline.checks import ERROR, Finding, check_catalog
from pipeline.config import Config
from pipeline.ledger import format_time
from pipeline.pofile import read_po
from pipeline.signoff import Approval, SignoffState, entry_digest, entry_ids, read_signoffs
from pipeline.source import domains

# Why an entry holds its language back (Blocker.reason).
UNTRANSLATED = "untranslated"
FUZZY = "fuzzy"
CHECK_ERROR = "check error"
NOT_APPROVED = "not approved"
CHANGED = "changed since approval"
REJECTED_BY_DOCTOR = "rejected"

# Review state of a translated entry (DomainVerdict.states).
APPROVED = "approved"
STALE = "stale"
WAITING = "waiting"
REJECTED = "rejected"
REVIEW_STATES = (APPROVED, STALE, WAITING, REJECTED)


@dataclass(frozen=True)
class Blocker:
    """One entry holding a language back, and why."""

    reason: str
    path: str
    line: int
    msgid: str
    detail: str = ""
    digest: str = ""

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.path}:{self.line}: {self.reason}{detail}"


@dataclass(frozen=True)
class DomainVerdict:
    """One catalog of the language, with the approval of each approved entry."""

    domain: str
    path: str
    catalog: Catalog | None
    approvals: dict[tuple, Approval] = field(default_factory=dict)
    states: dict[tuple, str] = field(default_factory=dict)
    digests: dict[tuple, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    language: str
    domains: tuple[DomainVerdict, ...]
    blockers: tuple[Blocker, ...]
    findings: tuple[Finding, ...]
    signoffs: SignoffState | None = None

    @property
    def publishable(self) -> bool:
        return bool(self.domains) and not self.blockers

    def review_counts(self) -> dict[str, int]:
        """How many translated entries are approved, stale, waiting or rejected."""
        counts = Counter(state for domain in self.domains for state in domain.states.values())
        return {state: counts[state] for state in REVIEW_STATES}

    def blocker_counts(self) -> dict[str, int]:
        return dict(Counter(blocker.reason for blocker in self.blockers))


def evaluate(config: Config, language: str) -> Verdict:
    """The gate's verdict on one target language."""
    signoffs = read_signoffs(config, language)
    verdicts, blockers, findings = [], [], []
    for domain in domains(config):
        verdict, domain_blockers, domain_findings = _evaluate_domain(config, language, domain,
                                                                     signoffs)
        verdicts.append(verdict)
        blockers.extend(domain_blockers)
        findings.extend(domain_findings)
    return Verdict(language, tuple(verdicts), tuple(blockers), tuple(findings), signoffs)


def review_state(domain: str, entry: Entry, digest: str, signoffs: SignoffState) -> str:
    """Approved, rejected, stale or waiting: where a translated entry stands with the doctors."""
    if digest in signoffs.approved:
        return APPROVED
    if digest in signoffs.rejected:
        return REJECTED
    if any(entry_id in signoffs.approved_ids for entry_id in entry_ids(domain, entry)):
        return STALE
    return WAITING


def earlier_approval(domain: str, entry: Entry, signoffs: SignoffState) -> Approval | None:
    """For a stale entry: the approval of its earlier text."""
    return next((signoffs.approved_ids[entry_id] for entry_id in entry_ids(domain, entry)
                 if entry_id in signoffs.approved_ids), None)


def _evaluate_domain(config: Config, language: str, domain: str, signoffs: SignoffState):
    path = config.catalog_path(language, domain)
    shown = config.relative(path)
    if not path.exists():
        blocker = Blocker(UNTRANSLATED, shown, 0, "", "catalog missing: run 'pipeline pull'")
        return DomainVerdict(domain, shown, None), [blocker], []
    catalog = read_po(path)
    findings = check_catalog(catalog, shown, language, config)
    errors = {f.key: f for f in findings if f.severity == ERROR}
    blockers, entry_approvals, states, digests = [], {}, {}, {}
    for entry in catalog.messages:
        if not entry.has_translation:
            blockers.append(Blocker(UNTRANSLATED, shown, entry.line, entry.msgid))
            continue
        key = entry.key
        digest = digests[key] = entry_digest(language, entry)
        state = states[key] = review_state(domain, entry, digest, signoffs)
        if state == APPROVED:
            entry_approvals[key] = signoffs.approved[digest]
            if not entry.fuzzy and key not in errors:
                continue
        blockers.append(_blocker(entry, state, errors.get(key), domain, digest, shown, signoffs))
    verdict = DomainVerdict(domain, shown, catalog, entry_approvals, states, digests)
    return verdict, blockers, findings


def _blocker(entry: Entry, state: str, error: Finding | None, domain: str, digest: str,
             shown: str, signoffs: SignoffState) -> Blocker:
    def block(reason: str, detail: str = "") -> Blocker:
        return Blocker(reason, shown, entry.line, entry.msgid, detail, digest)

    if entry.fuzzy:
        if state != APPROVED:
            return block(FUZZY)
        approval = signoffs.approved[digest]
        return block(FUZZY, f"approved by {approval.name} on {format_time(approval.time)} but "
                     "marked fuzzy since: clear the flag if the text is right")
    if error is not None:
        return block(CHECK_ERROR, error.message)
    if state == REJECTED:
        rejection = signoffs.rejected[digest]
        return block(REJECTED_BY_DOCTOR, f"by {rejection.name} on "
                     f"{format_time(rejection.time)}: {rejection.note}")
    if state == STALE:
        earlier = earlier_approval(domain, entry, signoffs)
        return block(CHANGED, f"{earlier.name} approved an earlier text on "
                     f"{format_time(earlier.time)}; it needs a new review")
    return block(NOT_APPROVED, "waiting for a doctor's sign-off")
