"""What the doctors' review page shows: each article of a language in reading order, with review states.

Everything here is read from the gate's verdict (:func:`pipeline.gate.verdict.evaluate`),
so the page, ``status`` and ``build`` never disagree about what is approved.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from pipeline.catalogs.model import Entry, language_name
from pipeline.checks import Finding
from pipeline.config import Config
from pipeline.errors import SignoffError
from pipeline.gate.verdict import APPROVED, REJECTED, STALE, WAITING, DomainVerdict, Verdict, \
    earlier_approval, evaluate
from pipeline.signoff.review import back_translation
from pipeline.signoff.verify import Approval, Rejection
from pipeline.source.articles import SITE_DOMAIN

UNTRANSLATED = "untranslated"
ROW_STATES = (WAITING, STALE, REJECTED, APPROVED, UNTRANSLATED)
SITE_TITLE = "Site chrome (menus, labels, dates)"


@dataclass(frozen=True)
class Row:
    """One entry of an article as the doctor reads it, with where it stands."""

    number: int
    entry: Entry
    state: str
    digest: str = ""
    kind: str = ""
    findings: tuple[Finding, ...] = ()
    back: str | None = None
    approval: Approval | None = None
    rejection: Rejection | None = None
    earlier: Approval | None = None

    @property
    def waiting(self) -> bool:
        """Waiting for a doctor: never approved, or changed since it was."""
        return self.state in (WAITING, STALE)

    @property
    def anchor(self) -> str:
        return f"e-{self.digest[:16]}" if self.digest else f"n-{self.number}"


@dataclass(frozen=True)
class Article:
    """One catalog of a language: its title and how many entries stand in each state."""

    domain: str
    title: str
    counts: dict[str, int]

    @property
    def waiting(self) -> int:
        return self.counts[WAITING] + self.counts[STALE]


@dataclass(frozen=True)
class Language:
    """One language the doctor may sign off, with the gate's verdict on it."""

    code: str
    name: str
    direction: str
    articles: tuple[Article, ...]
    waiting: int
    publishable: bool
    ledger_failures: int


@dataclass(frozen=True)
class ArticleView:
    """One article of one language, row by row, as the review page shows it."""

    language: Language
    article: Article
    rows: tuple[Row, ...]

    @property
    def waiting_digests(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.digest for row in self.rows if row.waiting))


def language_overview(config: Config, language: str) -> Language:
    """The language's articles with their counts, and how many text pairs wait for a doctor."""
    return _language(config, language, evaluate(config, language))


def article_view(config: Config, language: str, domain: str) -> ArticleView:
    """Every entry of one article of the language, in reading order, with its review state."""
    verdict = evaluate(config, language)
    found = next((d for d in verdict.domains if d.domain == domain), None)
    if found is None:
        raise SignoffError(f"no page '{domain}': pages are "
                           f"{', '.join(d.domain for d in verdict.domains)}")
    findings: dict[tuple, list[Finding]] = {}
    for finding in verdict.findings:
        if finding.path == found.path:
            findings.setdefault(finding.key, []).append(finding)
    rows = tuple(_row(config, language, found, verdict, entry, number, findings)
                 for number, entry in enumerate(_messages(found), start=1))
    return ArticleView(_language(config, language, verdict), _article(found), rows)


def text_direction(language: str) -> str:
    return Locale.parse(language).text_direction


def _language(config: Config, language: str, verdict: Verdict) -> Language:
    waiting = {domain.digests[key] for domain in verdict.domains
               for key, state in domain.states.items() if state in (WAITING, STALE)}
    failures = len(verdict.signoffs.failures) if verdict.signoffs else 0
    return Language(language, language_name(language), text_direction(language),
                    tuple(_article(domain) for domain in verdict.domains), len(waiting),
                    verdict.publishable, failures)


def _article(domain: DomainVerdict) -> Article:
    counts = dict.fromkeys(ROW_STATES, 0)
    for entry in _messages(domain):
        counts[domain.states.get(entry.key, UNTRANSLATED)] += 1
    return Article(domain.domain, _title(domain), counts)


def _title(domain: DomainVerdict) -> str:
    if domain.domain == SITE_DOMAIN:
        return SITE_TITLE
    titled = next((entry.msgid for entry in _messages(domain) if "type: title" in entry.extracted),
                  None)
    return titled or domain.domain


def _messages(domain: DomainVerdict) -> list[Entry]:
    return domain.catalog.messages if domain.catalog is not None else []


def _row(config: Config, language: str, domain: DomainVerdict, verdict: Verdict, entry: Entry,
         number: int, findings: dict[tuple, list[Finding]]) -> Row:
    kind = next((text.removeprefix("type: ") for text in entry.extracted
                 if text.startswith("type: ")), "")
    state = domain.states.get(entry.key)
    if state is None:
        return Row(number, entry, UNTRANSLATED, kind=kind,
                   findings=tuple(findings.get(entry.key, ())))
    digest = domain.digests[entry.key]
    signoffs = verdict.signoffs
    return Row(number, entry, state, digest, kind, tuple(findings.get(entry.key, ())),
               back_translation(config, language, entry),
               approval=signoffs.approved.get(digest), rejection=signoffs.rejected.get(digest),
               earlier=earlier_approval(domain, entry) if state == STALE else None)
