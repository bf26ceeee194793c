"""The publication gate: is language L fully translated, clean and approved by a doctor?

One function, :func:`evaluate` (:func:`evaluate_languages` for several), used by
``status``, ``check``, ``build`` and ``review``. Language L is publishable iff every
entry of every catalog of L is translated in all plural forms, not fuzzy, free of
check errors, and its digest stands approved in the verified ledger of L; every
catalog's header is valid; and every page shows approved text only
(:mod:`pipeline.gate.rules` has each rule).

Each translated entry also gets a review state: *approved*; *disputed* (a doctor
approved it while a colleague's reject of it stands); *rejected* (a doctor's reject
of its digest stands); *stale* (not approved, but the ledger approves another text
of the same entry, matched by domain, msgctxt and msgid, or by the ``#|`` previous
msgid pull kept when the source changed); otherwise *waiting* for a doctor.

What the gate learns from each catalog apart from the ledger (checks, digests)
is kept by the catalog's content (:mod:`pipeline.gate.facts`), so an unchanged
catalog is not read again; so is the outcome of verifying the ledger, by the
ledger's and the roster's bytes (:mod:`pipeline.signoff.verified`). The entries
themselves are read only when someone asks for them (the build, a review list).

The pages of a catalog are checked once the catalog is clear, on first use of
the verdict, for all the languages evaluated together (:mod:`pipeline.gate.pages`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from pipeline.catalogs.model import Catalog, Entry
from pipeline.checks import Finding, check_catalog
from pipeline.checks.runner import disabled_checks
from pipeline.config import Config
from pipeline.gate.facts import (CatalogFacts, EntryRow, FactsStore, catalog_paths, ledger_strings,
                                 read_judged)
from pipeline.gate.pages import PageCheck, PageVisitor
from pipeline.gate.source import SourceVerdict, source_verdict
from pipeline.gate.rules import (APPROVED, CHANGED, CHECK_ERROR, DISPUTED, DISPUTED_APPROVAL,
                                 FUZZY, MARK_CLEAN, MISSING_CATALOG, NOT_APPROVED, REJECTED,
                                 REJECTED_BY_DOCTOR, REVIEW_STATES, STALE, UNTRANSLATED, WAITING,
                                 Blocker, catalog_blockers, entry_reason, reason_counts)
from pipeline.signoff.ledger import format_time
from pipeline.signoff.verified import verified_signoffs
from pipeline.signoff.verify import Approval, SignoffState, entry_ids, former_domains
from pipeline.source.articles import domains

__all__ = ["APPROVED", "CHANGED", "CHECK_ERROR", "DISPUTED", "DISPUTED_APPROVAL", "FUZZY",
           "NOT_APPROVED", "REJECTED",
           "REJECTED_BY_DOCTOR", "REVIEW_STATES", "STALE", "UNTRANSLATED", "WAITING",
           "ApprovedEntries", "Blocker", "DomainVerdict", "Verdict", "earlier_approval",
           "evaluate", "evaluate_languages"]


@dataclass(frozen=True)
class DomainVerdict:
    """One catalog of the language as the gate sees it; entries are read only when asked for."""

    domain: str
    path: str
    facts: CatalogFacts | None
    signoffs: SignoffState
    file: Path | None = None

    @cached_property
    def catalog(self) -> Catalog | None:
        """The catalog exactly as the gate judged it (an edit since is an error, never mixed in)."""
        if self.facts is None or self.file is None:
            return None
        return read_judged(self.file, self.facts.sha)

    @cached_property
    def state_list(self) -> tuple[str | None, ...]:
        """Each live message's review state, in file order (None where a form is empty)."""
        if self.facts is None:
            return ()
        if self.all_approved:
            return (APPROVED,) * len(self.facts.digests)
        signoffs = self.signoffs
        approved, rejected = signoffs.approved, signoffs.rejected
        states: list[str | None] = []
        for digest, ids in zip(self.facts.digests, self.facts.ids):
            if not digest:
                states.append(None)
            elif digest in approved:
                states.append(APPROVED)
            elif digest in signoffs.disputed:
                states.append(DISPUTED)
            elif digest in rejected:
                states.append(REJECTED)
            elif any(i in signoffs.approved_ids for i in ids.split(",")):
                states.append(STALE)
            else:
                states.append(WAITING)
        return tuple(states)

    @cached_property
    def all_approved(self) -> bool:
        """Every live message's text stands approved (most catalogs of a reviewed site)."""
        return self.facts is not None and all(map(self.signoffs.approved.__contains__,
                                                  self.facts.digests))

    @cached_property
    def clear(self) -> bool:
        """Nothing in this catalog holds the language back."""
        if self.facts is None:
            return False
        return (not self.facts.catalog_errors
                and self.facts.marks.count(MARK_CLEAN) == len(self.facts.marks)
                and self.all_approved)

    def reasons(self) -> Counter:
        """How many entries hold the language back, by reason, without reading the catalog."""
        if self.facts is None:
            return Counter({UNTRANSLATED: 1})
        if self.clear:
            return Counter()
        counts = Counter(reason for mark, state in zip(self.facts.marks, self.state_list)
                         if (reason := entry_reason(mark, state)) is not None)
        counts[CHECK_ERROR] += len(self.facts.catalog_errors)
        return +counts

    @cached_property
    def blockers(self) -> tuple[Blocker, ...]:
        if self.facts is None:
            return (Blocker(UNTRANSLATED, self.path, 0, "", MISSING_CATALOG),)
        if self.clear:
            return ()
        found = catalog_blockers(self.facts.catalog_errors, self.path)
        for row, mark, state, digest, ids in zip(self.facts.entries(), self.facts.marks,
                                                 self.state_list, self.facts.digests,
                                                 self.facts.ids):
            reason = entry_reason(mark, state)
            if reason is not None:
                found.append(self._blocker(reason, row, state, digest, ids))
        return tuple(found)

    @property
    def findings(self) -> list[Finding]:
        return self.facts.findings() if self.facts is not None else []

    @cached_property
    def states(self) -> dict[tuple, str]:
        """Entry key → review state, for every translated entry."""
        return {(row.msgctxt, row.msgid): state
                for row, state in zip(self._rows(), self.state_list) if state is not None}

    @cached_property
    def digests(self) -> dict[tuple, str]:
        """Entry key → digest, for every translated entry."""
        return {(row.msgctxt, row.msgid): digest
                for row, digest in zip(self._rows(), self.facts.digests) if digest} \
            if self.facts else {}

    @cached_property
    def approvals(self) -> dict[tuple, Approval]:
        """Entry key → approval, for every approved entry."""
        approved = self.signoffs.approved
        return {(row.msgctxt, row.msgid): approved[digest]
                for row, digest in zip(self._rows(), self.facts.digests) if digest in approved} \
            if self.facts else {}

    def approval_list(self) -> list[Approval]:
        """The approval of each approved entry, in file order (no need to read the catalog)."""
        if self.facts is None:
            return []
        approved = self.signoffs.approved
        return [approved[digest] for digest in self.facts.digests if digest in approved]

    def approved_entries(self) -> ApprovedEntries:
        """The approved entries of this catalog, by key: all a page may show of it."""
        return ApprovedEntries(self)

    def approved_rows(self) -> dict[tuple, EntryRow]:
        """The approved messages of this catalog as the gate keeps them, by key."""
        if self.facts is None:
            return {}
        approved = self.signoffs.approved
        # Publishable means every entry is approved; taking only approved ones keeps it so.
        return {(row.msgctxt, row.msgid): row for row, digest in
                zip(self.facts.entries(), self.facts.digests) if digest in approved}

    def _rows(self) -> list[EntryRow]:
        return self.facts.entries() if self.facts is not None else []

    def _blocker(self, reason: str, row: EntryRow, state: str | None, digest: str,
                 ids: str) -> Blocker:
        detail, signoffs = "", self.signoffs
        if reason == FUZZY and state == APPROVED:
            approval = signoffs.approved[digest]
            detail = (f"approved by {approval.name} on {format_time(approval.time)} but "
                      "marked fuzzy since: clear the flag if the text is right")
        elif reason == CHECK_ERROR:
            detail = row.error or ""
        elif reason == REJECTED_BY_DOCTOR:
            rejection = signoffs.rejected[digest]
            detail = f"by {rejection.name} on {format_time(rejection.time)}: {rejection.note}"
        elif reason == DISPUTED_APPROVAL:
            detail = str(signoffs.disputed[digest])
        elif reason == CHANGED:
            earlier = next(signoffs.approved_ids[i] for i in ids.split(",")
                           if i in signoffs.approved_ids)
            detail = (f"{earlier.name} approved an earlier text on "
                      f"{format_time(earlier.time)}; it needs a new review")
        elif reason == NOT_APPROVED:
            detail = signoffs.refused or "waiting for a doctor's sign-off"
        return Blocker(reason, self.path, row.line, row.msgid, detail, digest)


class ApprovedEntries(Mapping):
    """The approved entries of one catalog, by key, from what the gate learnt of its bytes.

    Every entry is checked against the ledger here again. Titles and
    descriptions (all that index pages and the sitemap show) are at hand
    without the rest, which is read only when a page of the catalog is checked
    or rendered.
    """

    def __init__(self, domain: DomainVerdict):
        self.domain = domain
        self._front: dict[tuple, Entry] | None = None
        self._entries: dict[tuple, Entry] | None = None

    def front(self) -> dict[tuple, Entry]:
        if self._front is None:
            approved, facts = self.domain.signoffs.approved, self.domain.facts
            self._front = {entry.key: entry for digest, entry in
                           (facts.front_entries() if facts else []) if digest in approved}
        return self._front

    def _all(self) -> dict[tuple, Entry]:
        if self._entries is None:
            self._entries = {key: row.entry() for key, row in self.domain.approved_rows().items()}
        return self._entries

    def release(self) -> None:
        """Forget the catalog's entries (a big site is checked and rendered article by article)."""
        self._entries = None

    def __getitem__(self, key: tuple) -> Entry:
        if self._entries is None:
            front = self.front()
            if key in front:
                return front[key]
        return self._all()[key]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


@dataclass(frozen=True)
class Verdict:
    language: str
    domains: tuple[DomainVerdict, ...]
    signoffs: SignoffState | None = None
    pages: PageCheck | None = None  # the pages of this run's languages, checked on first use
    source: SourceVerdict | None = None  # which articles the source publishes (the rest: drafts)

    @property
    def publishable(self) -> bool:
        return (bool(self.domains) and all(domain.clear for domain in self.domains)
                and not self.page_blockers)

    @cached_property
    def page_blockers(self) -> tuple[Blocker, ...]:
        """What keeps the pages of the language off the site (pages of clear catalogs only)."""
        return self.pages.blockers(self.language) if self.pages is not None else ()

    @cached_property
    def blockers(self) -> tuple[Blocker, ...]:
        return tuple(blocker for domain in self.domains for blocker in domain.blockers) \
            + self.page_blockers

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(finding for domain in self.domains for finding in domain.findings)

    def check_errors(self) -> int:
        return sum(domain.facts.check_errors for domain in self.domains if domain.facts)

    def review_counts(self) -> dict[str, int]:
        """How many translated entries are approved, stale, waiting or rejected."""
        counts: Counter = Counter()
        for domain in self.domains:
            counts.update(domain.state_list)
        return {state: counts[state] for state in REVIEW_STATES}

    def blocker_counts(self) -> dict[str, int]:
        counts: Counter = Counter()
        for domain in self.domains:
            counts.update(domain.reasons())
        counts.update(reason_counts(self.page_blockers))
        return dict(counts)


def evaluate(config: Config, language: str, names: list[str] | None = None) -> Verdict:
    """The gate's verdict on one target language (``names``: the domains, when already listed)."""
    return evaluate_languages(config, [language], names)[0]


def evaluate_languages(config: Config, languages: Iterable[str], names: list[str] | None = None,
                       visitor: PageVisitor | None = None,
                       source: SourceVerdict | None = None) -> list[Verdict]:
    """The gate's verdicts on several languages, whose pages are checked together.

    Only the articles the source publishes are covered (``source``: the source
    verdict, when already worked out): a draft holds no language back. Their
    pages are checked on first use of any of the verdicts, each article read
    once for all of them; ``visitor`` sees every article read then (the build
    renders the pages it let through from it).
    """
    source = source if source is not None else source_verdict(config)
    names = source.domains(names if names is not None else domains(config))
    pages = PageCheck(config, visitor)
    verdicts = []
    for language in languages:
        verdict = replace(_catalogs(config, language, names, pages), source=source)
        pages.add(language, verdict.domains)
        verdicts.append(verdict)
    return verdicts


def _catalogs(config: Config, language: str, names: list[str] | None, pages: PageCheck
              ) -> Verdict:
    """The verdict on each catalog of a language (the ledger's verification kept by its bytes,
    or worked out while worker processes learn the catalogs not kept)."""
    disabled_checks(config)  # a wrong [checks] table is an error even when nothing is checked
    store = FactsStore(config, language, check_catalog)
    verified: list[SignoffState] = []
    catalogs = catalog_paths(config, language, names)
    try:
        store.prepare(catalogs, meanwhile=lambda: verified.append(
            verified_signoffs(config, language)))
        signoffs = verified[0]
        verdicts = [DomainVerdict(domain, shown, store.facts(domain, path, shown), signoffs, path)
                    for domain, path, shown in catalogs]
        strings = ledger_strings(signoffs)  # one copy of each digest: the ledger's
        for verdict in verdicts:
            if verdict.facts is not None:
                verdict.facts.share(strings)
    finally:
        store.save()
    return Verdict(language, tuple(verdicts), signoffs, pages)


def earlier_approval(domain: DomainVerdict, entry: Entry) -> Approval | None:
    """For a stale entry of this catalog: the approval of its earlier text (under any former name)."""
    former = former_domains(domain.catalog.header) if domain.catalog is not None else ()
    approved = domain.signoffs.approved_ids
    return next((approved[entry_id] for entry_id in entry_ids(domain.domain, entry, former)
                 if entry_id in approved), None)
