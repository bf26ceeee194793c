"""What the gate finds on the pages of a language, kept by the pages' content.

A page is checked once its catalog is clear (every entry translated, clean and
approved) against the page rules of :mod:`pipeline.gate.rules`: every unit of
the article, title and description included, has an approved translation with
the source's link targets. What the check of one page finds depends on nothing
but the article's bytes and the catalog's bytes (every entry of which is then
approved), so it is kept in the store under their digests; the verdict itself
is never kept: whether the catalog is clear is worked out from the ledger on
every run. The findings of a language's pages are kept together, as one value
mapping each page's digest to its findings, so a run reads one value per
language and writes it again only when a page changed.

Articles are read and parsed once per run for all the languages that need
them, on every core when there are many. A check needs only the link targets
of each translation (:func:`pipeline.gate.translated.unit_problems`); a visitor
(the build) gets the tokens of the pages it wants that passed, with each
article read, so that nothing is parsed twice. The site catalog is held against
the strings the templates need.
"""

from __future__ import annotations

from dataclasses import astuple
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.cache import Store, digest_of, sha256, shared_store
from pipeline.catalogs.model import Entry
from pipeline.config import Config
from pipeline.errors import SourceError
from pipeline.gate.rules import (Blocker, Lookup, PageProblem, UnitProblem, chrome_blockers,
                                 page_problems)
from pipeline.gate.translated import Approved, approved_lookup, translate, unit_problems
from pipeline.parallel import chunked, fork_map, jobs
from pipeline.source.articles import (SITE_DOMAIN, Article, Document, find_sources, read_document,
                                      read_source_bytes, slug_for)
from pipeline.source.templates import chrome_strings

if TYPE_CHECKING:
    from markdown_it.token import Token

    from pipeline.gate.verdict import DomainVerdict

# The kind of value in the store: the findings of a language's pages, by each page's digest.
PAGES = "pages"
# Checking many articles is spread over worker processes (below that, starting them costs more).
PARALLEL_FROM = 32
_CHUNK = 20

# What one page's check found, as kept: PageProblem's fields.
Rows = list[list]


class PageVisitor(Protocol):
    """Who sees every article the gate reads: ``visit`` runs on a worker, ``collect`` here."""

    def wants(self, language: str, slug: str) -> bool:
        """Whether to make the tokens of this page, should it pass."""

    def visit(self, article: Article, document: Document, pages: dict[str, list[Token]]
              ) -> object:
        """``pages``: language → the tokens of each wanted page that passed (the source's too)."""

    def collect(self, result: object) -> None:
        """What ``visit`` returned, in article order."""


def check_page(article: Article, document: Document, entries: Approved) -> list[PageProblem]:
    """What keeps one page off the site."""
    lookup = approved_lookup(entries)
    return _problems(article, entries, unit_problems(document, lookup), lookup)


def make_page(article: Article, document: Document, entries: Approved
              ) -> tuple[list[Token], list[PageProblem]]:
    """The translated tokens of one page, and what keeps it off the site."""
    lookup = approved_lookup(entries)
    tokens, failed = translate(document, lookup)
    return tokens, _problems(article, entries, failed, lookup)


def _problems(article: Article, entries: Approved, failed: list[UnitProblem], lookup: Lookup
              ) -> list[PageProblem]:
    return page_problems(article.units, failed, lookup, lambda msgid: entries[(None, msgid)].line)


class PageCheck:
    """The pages of the languages of one run, checked together on first use."""

    def __init__(self, config: Config, visitor: PageVisitor | None = None):
        self.config, self.visitor = config, visitor
        self.languages: dict[str, dict[str, DomainVerdict]] = {}
        self._found: dict[str, tuple[Blocker, ...]] | None = None

    def add(self, language: str, domains: tuple[DomainVerdict, ...]) -> None:
        self.languages[language] = {domain.domain: domain for domain in domains}
        self._found = None

    def blockers(self, language: str) -> tuple[Blocker, ...]:
        """What keeps the pages of a language off the site: template strings, then articles."""
        if self._found is None:
            self._found = self._check()
        return self._found[language]

    def _check(self) -> dict[str, tuple[Blocker, ...]]:
        config = self.config
        store = shared_store(config.cache_dir)
        sources = {slug_for(path): path for path in find_sources(config.source_dir)}
        digests = {slug: _source_digest(store, path) for slug, path in sources.items()}
        keys: dict[str, dict[str, str]] = {}  # language → slug → digest, of each page to check
        stored: dict[str, dict[str, Rows]] = {}  # language → digest → rows, as kept before
        found: dict[str, dict[str, Rows]] = {}  # language → slug → rows
        todo: dict[str, list[str]] = {}  # slug → the languages whose page is checked now
        for language, domains in self.languages.items():
            keys[language] = {slug: _page_key(slug, digests[slug], domain.facts.sha)
                              for slug in sources if (domain := domains.get(slug)) is not None
                              and domain.clear and domain.facts is not None}
            stored[language] = _kept(store, config, language) if keys[language] else {}
            found[language] = {slug: stored[language][key]
                               for slug, key in keys[language].items() if key in stored[language]}
            for slug in keys[language]:
                if slug not in found[language]:
                    todo.setdefault(slug, []).append(language)
        if self.visitor is not None:  # its pages are rendered from this parse: all of them
            todo = {slug: [language for language in self.languages if slug in keys[language]]
                    for slug in todo}
        for slug, checked in self._read(sources, digests, todo):
            for language, rows in checked.items():
                found[language].setdefault(slug, rows)
        for language in self.languages:
            current = {keys[language][slug]: rows for slug, rows in found[language].items()}
            if current != stored[language]:
                store.put_json(PAGES, _address(config, language), current)
        store.save()
        needed = chrome_strings(config) if any(
            (site := domains.get(SITE_DOMAIN)) is not None and site.clear
            for domains in self.languages.values()) else []
        return {language: self._blockers(language, sources, found[language], needed)
                for language in self.languages}

    def _read(self, sources: dict[str, Path], digests: dict[str, str],
              todo: dict[str, list[str]]) -> list[tuple[str, dict[str, Rows]]]:
        """Read the articles to check, in source order; what their pages' checks found."""
        items = [(slug, path, digests[slug], todo[slug]) for slug, path in sources.items()
                 if slug in todo]
        state = (self.config, self.visitor, self.languages)
        workers = jobs() if len(items) >= PARALLEL_FROM else 1
        found = []
        for chunk, results in zip(chunked(items, _CHUNK),
                                  fork_map(_check_articles, chunked(items, _CHUNK), state,
                                           workers)):
            for (slug, *_), (rows, visited) in zip(chunk, results):
                found.append((slug, rows))
                if self.visitor is not None:
                    self.visitor.collect(visited)
        return found

    def _blockers(self, language: str, sources: dict[str, Path], rows: dict[str, Rows],
                  needed: list[Entry]) -> tuple[Blocker, ...]:
        """The blockers of a language's pages, in source order, from what their checks found."""
        config, domains = self.config, self.languages[language]
        found: list[Blocker] = []
        site = domains.get(SITE_DOMAIN)
        if site is not None and site.clear:
            found.extend(chrome_blockers(needed, site.approved_entries(), site.path))
        for slug, path in sources.items():
            if rows.get(slug):
                article = config.relative(path)
                found.extend(PageProblem(*row).blocker(article, domains[slug].path)
                             for row in rows[slug])
        return tuple(found)


def _check_articles(state: tuple, chunk: list[tuple[str, Path, str, list[str]]]
                    ) -> list[tuple[dict[str, Rows], object]]:
    """Read some articles and check their pages (on a worker when there are many)."""
    config, visitor, languages = state
    results = []
    for slug, path, digest, wanted in chunk:
        data = read_source_bytes(path)
        if sha256(data) != digest:
            raise SourceError("changed while the pipeline was reading it: run the command again",
                              path)
        article, document = read_document(path, config.relative(path), data)
        pages = {}
        if visitor is not None and visitor.wants(config.source_language, slug):
            pages[config.source_language] = list(document.tokens)
        found = {}
        for language in wanted:
            domain = languages[language][slug]
            entries = domain.approved_rows()
            if visitor is not None and visitor.wants(language, slug):
                tokens, problems = make_page(article, document, entries)
                if not problems:
                    pages[language] = tokens
            else:
                problems = check_page(article, document, entries)
            if domain.facts is not None:  # a catalog's rows are needed for its page only
                domain.facts.release()
            found[language] = [list(astuple(problem)) for problem in problems]
        results.append((found, visitor.visit(article, document, pages) if visitor else None))
    return results


def _kept(store: Store, config: Config, language: str) -> dict[str, Rows]:
    """The findings kept of a language's pages, by page digest (each a function of its page)."""
    kept = store.get_json(PAGES, _address(config, language))
    return kept if isinstance(kept, dict) else {}


def _page_key(slug: str, source: str, catalog: str) -> str:
    """What a page's findings are kept under in its language's value: the article's and the
    catalog's digests (fixed length, so the slug after them is unambiguous), not hashed again."""
    return f"{source} {catalog} {slug}"


def _address(config: Config, language: str) -> str:
    return digest_of(language, str(config.root.resolve()))


def _source_digest(store: Store, path: Path) -> str:
    try:
        digest = store.index.digest(path)
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", path) from None
    if digest is None:
        raise SourceError("cannot read: No such file or directory", path)
    return digest
