"""What the doctors' review page shows: each article of a language in reading order, with review states.

The overview counts come from the gate's verdict (:func:`pipeline.gate.verdict.evaluate`),
so the page, ``status`` and ``build`` agree about what is approved. An article's
rows do not: what a doctor reads and signs is the catalog as read for that very
request, judged by the gate's own rule (:func:`judge_article`) against the
verified ledger, and each digest on the page is computed from the entry shown
beside it. Nothing there comes from the gate's kept facts, so a forged cache can
neither change the text a doctor reads nor the digest signed. The ledger's
verification may come from the store, authenticated and kept under the ledger's
and the roster's exact bytes (:mod:`pipeline.signoff.verified`), like the gate's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from babel import Locale

from pipeline.catalogs.model import Entry
from pipeline.catalogs.pofile import parse_po_bytes
from pipeline.checks import Finding, check_catalog
from pipeline.config import Config
from pipeline.errors import CatalogError, SignoffError
from pipeline.fsutil import read_if_exists
from pipeline.signoff.i18n import N_, _, language_label
from pipeline.gate.facts import catalog_paths, learn
from pipeline.gate.verdict import APPROVED, DISPUTED, REJECTED, STALE, WAITING, DomainVerdict, \
    Verdict, earlier_approval, evaluate
from pipeline.signoff.context import EMPTY, RowContext, Subject, row_contexts
from pipeline.signoff.verified import verified_signoffs
from pipeline.signoff.verify import Approval, Dispute, Rejection, SignoffState, entry_digest, \
    former_domains
from pipeline.source.articles import SITE_DOMAIN, domains

UNTRANSLATED = "untranslated"
ROW_STATES = (WAITING, STALE, REJECTED, DISPUTED, APPROVED, UNTRANSLATED)
SITE_TITLE = N_("Site chrome (menus, labels, dates)")


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
    dispute: Dispute | None = None
    context: RowContext = EMPTY

    # What the doctor reads beside the texts (see :mod:`pipeline.signoff.context`).
    comments = property(lambda self: self.context.comments)
    extracted = property(lambda self: self.context.extracted)
    mt_origin = property(lambda self: self.context.mt_origin)
    glossary = property(lambda self: self.context.glossary)
    warnings = property(lambda self: self.context.warnings)
    score = property(lambda self: self.context.score)
    source_diff = property(lambda self: self.context.source_diff)
    target_diff = property(lambda self: self.context.target_diff)

    @property
    def waiting(self) -> bool:
        """Waiting for a doctor: never approved, or changed since it was."""
        return self.state in (WAITING, STALE)

    @property
    def anchor(self) -> str:
        return f"e-{self.digest[:16]}" if self.digest else f"n-{self.number}"

    @property
    def key_field(self) -> str:
        """Which entry this row shows, as its forms send it back (see :func:`parse_key_field`)."""
        return key_field(self.entry.key)


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
class Label:
    """A language as a page names it: its code, its name in the interface's language, its direction."""

    code: str
    name: str
    direction: str

    @classmethod
    def of(cls, language: str) -> Label:
        return cls(language, language_label(language), text_direction(language))


@dataclass(frozen=True)
class Language(Label):
    """One language the doctor may sign off, with the gate's verdict on it."""

    articles: tuple[Article, ...]
    waiting: int
    publishable: bool
    ledger_failures: int


@dataclass(frozen=True)
class ArticleView:
    """One article of one language, row by row, as the review page shows it."""

    language: Label
    article: Article
    rows: tuple[Row, ...]

    @property
    def waiting_rows(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.waiting)


@dataclass(frozen=True)
class Judged:
    """One article's catalog as read now, judged by the gate's rule against the verified ledger."""

    messages: list[Entry]
    verdict: DomainVerdict

    def waiting(self) -> dict[tuple[str | None, str], str]:
        """Entry key → digest, for every entry waiting for a doctor (never approved, or stale)."""
        states, digests = self.verdict.states, self.verdict.digests
        return {key: digests[key] for key, state in states.items() if state in (WAITING, STALE)}


def language_overview(config: Config, language: str) -> Language:
    """The language's articles with their counts, and how many text pairs wait for a doctor."""
    return _language(config, language, evaluate(config, language))


def judge_article(config: Config, language: str, domain: str,
                  signoffs: SignoffState | None = None) -> Judged:
    """The article's catalog read from disk now (never from a cache), checked and digested afresh.

    ``signoffs``: the language's verified ledger, when already read.
    """
    if domain not in domains(config):
        raise SignoffError(f"no page '{domain}': pages are {', '.join(domains(config))}")
    signoffs = signoffs if signoffs is not None else verified_signoffs(config, language)
    ((_, path, shown),) = catalog_paths(config, language, [domain])
    try:
        data = read_if_exists(path)
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path) from None
    if data is None:
        return Judged([], DomainVerdict(domain, shown, None, signoffs))
    catalog = parse_po_bytes(data, path)
    facts = learn(catalog, hashlib.sha256(data).hexdigest(), domain, shown, language, config,
                  check_catalog)
    return Judged(catalog.messages, DomainVerdict(domain, shown, facts, signoffs))


def article_view(config: Config, language: str, domain: str) -> ArticleView:
    """Every entry of one article of the language, in reading order, with its review state."""
    judged = judge_article(config, language, domain)
    findings: dict[tuple, list[Finding]] = {}
    for finding in judged.verdict.findings:
        findings.setdefault(finding.key, []).append(finding)
    rows = [_row(language, judged.verdict, entry, number, findings)
            for number, entry in enumerate(judged.messages, start=1)]
    return ArticleView(Label.of(language), _article(judged.verdict, judged.messages),
                       _with_context(config, language, judged.verdict, rows))


def key_field(key: tuple[str | None, str]) -> str:
    """An entry's key (msgctxt, msgid) as one form field: JSON, so no newline is altered in transit."""
    return json.dumps(list(key), ensure_ascii=False)


def parse_key_field(text: object) -> tuple[str | None, str] | None:
    """The entry key a form sent back, or None when the field is not one."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if (isinstance(value, list) and len(value) == 2 and isinstance(value[1], str)
            and (value[0] is None or isinstance(value[0], str))):
        return value[0], value[1]
    return None


def text_direction(language: str) -> str:
    return Locale.parse(language).text_direction


def _language(config: Config, language: str, verdict: Verdict) -> Language:
    waiting = {domain.digests[key] for domain in verdict.domains
               for key, state in domain.states.items() if state in (WAITING, STALE)}
    failures = len(verdict.signoffs.failures) if verdict.signoffs else 0
    return Language(language, language_label(language), text_direction(language),
                    tuple(_article(domain, _messages(domain)) for domain in verdict.domains),
                    len(waiting), verdict.publishable, failures)


def _article(domain: DomainVerdict, messages: list[Entry]) -> Article:
    counts = dict.fromkeys(ROW_STATES, 0)
    for entry in messages:
        counts[domain.states.get(entry.key, UNTRANSLATED)] += 1
    return Article(domain.domain, _title(domain.domain, messages), counts)


def _title(domain: str, messages: list[Entry]) -> str:
    if domain == SITE_DOMAIN:
        return _(SITE_TITLE)
    titled = next((entry.msgid for entry in messages if "type: title" in entry.extracted), None)
    return titled or domain


def _messages(domain: DomainVerdict) -> list[Entry]:
    return domain.catalog.messages if domain.catalog is not None else []


def _with_context(config: Config, language: str, domain: DomainVerdict,
                  rows: list[Row]) -> tuple[Row, ...]:
    """The rows with their context, worked out for the whole article at once."""
    former = former_domains(domain.catalog.header) if domain.catalog is not None else ()
    subjects = [Subject(domain.domain, row.entry, row.digest, row.findings, former) for row in rows]
    contexts = row_contexts(config, language, subjects, domain.signoffs)
    return tuple(replace(row, context=context, back=context.back)
                 for row, context in zip(rows, contexts))


def _row(language: str, domain: DomainVerdict, entry: Entry, number: int,
         findings: dict[tuple, list[Finding]]) -> Row:
    kind = next((text.removeprefix("type: ") for text in entry.extracted
                 if text.startswith("type: ")), "")
    state = domain.states.get(entry.key)
    if state is None or not entry.has_translation:
        return Row(number, entry, UNTRANSLATED, kind=kind,
                   findings=tuple(findings.get(entry.key, ())))
    rule = domain.facts.plural_forms if domain.facts is not None else ""
    digest = entry_digest(language, entry, rule)  # of the very entry this row shows
    signoffs = domain.signoffs
    return Row(number, entry, state, digest, kind, tuple(findings.get(entry.key, ())),
               approval=signoffs.approved.get(digest), rejection=signoffs.rejected.get(digest),
               earlier=earlier_approval(domain, entry) if state == STALE else None,
               dispute=signoffs.disputed.get(digest))
