"""What the gate requires, in one place: every reason a language is held back, and its rule.

Language L is publishable iff none of these rules finds anything in it:

- each live message of each catalog is translated in all plural forms, not
  fuzzy, free of check errors and approved (:func:`entry_reason`);
- each catalog has a header ``msgfmt --check`` accepts (:func:`catalog_blockers`);
- each page shows only approved text: every unit of the article, its title and
  description included, has an approved translation (:data:`NOT_IN_CATALOG`) whose
  link targets are exactly the source's, with a safe scheme (:func:`link_problem`);
- every string of the page templates is in the approved site catalog
  (:func:`chrome_blockers`), and those with placeholders keep them
  (:func:`checked_as`).

With ``[gate] source_signoff``, a source article is published (in the source and
in every language) only while a doctor allowed for the source language signs its
current content (:func:`source_reason`); a language's rules above cover only the
articles the source publishes, so a draft article holds no language back.

``status``, ``check``, ``review`` and ``build`` see a language only through
:func:`pipeline.gate.verdict.evaluate`, which applies these rules and no other,
so they cannot disagree about it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipeline.catalogs.model import Catalog, Entry
from pipeline.source.articles import SITE_DOMAIN, Unit
from pipeline.source.templates import has_placeholders

# How each live message of a catalog stands before the ledger is read (CatalogFacts.marks).
MARK_CLEAN, MARK_UNFILLED, MARK_FUZZY, MARK_ERROR, MARK_FUZZY_ERROR = ".", "-", "f", "e", "x"

# Why an entry or a page holds its language back (Blocker.reason).
UNTRANSLATED = "untranslated"
FUZZY = "fuzzy"
CHECK_ERROR = "check error"
NOT_APPROVED = "not approved"
CHANGED = "changed since approval"
REJECTED_BY_DOCTOR = "rejected"
DISPUTED_APPROVAL = "disputed"
NOT_IN_CATALOG = "not in catalog"
UNSAFE_LINK = "unsafe link"
# Why a source article is a draft, published in no language (SourceVerdict.drafts).
SOURCE_UNSIGNED = "source not signed"
SOURCE_CHANGED = "source changed since its signature"

# Review state of a translated entry (DomainVerdict.states).
APPROVED = "approved"
STALE = "stale"
WAITING = "waiting"
REJECTED = "rejected"
DISPUTED = "disputed"  # approved by one doctor while another's rejection stands: not approved
REVIEW_STATES = (APPROVED, STALE, WAITING, REJECTED, DISPUTED)

MISSING_CATALOG = "catalog missing: run 'pipeline pull'"
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
PYTHON_FORMAT = "python-format"

Lookup = Callable[[str], "str | None"]


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


def reason_counts(blockers: Iterable[Blocker]) -> dict[str, int]:
    """How many blockers there are of each reason, by reason."""
    return dict(sorted(Counter(blocker.reason for blocker in blockers).items()))


# ---------------------------------------------------------------- catalogs


def entry_reason(mark: str, state: str | None) -> str | None:
    """Why an entry holds its language back, or None: the gate's rule for one entry."""
    if mark == MARK_UNFILLED:
        return UNTRANSLATED
    if mark == MARK_CLEAN and state == APPROVED:
        return None
    if mark in (MARK_FUZZY, MARK_FUZZY_ERROR):
        return FUZZY
    if mark == MARK_ERROR:
        return CHECK_ERROR
    if state == REJECTED:
        return REJECTED_BY_DOCTOR
    if state == DISPUTED:
        return DISPUTED_APPROVAL
    if state == STALE:
        return CHANGED
    return NOT_APPROVED


def source_reason(state: str) -> str | None:
    """Why a source article is a draft, or None when its current content stands signed."""
    if state == APPROVED:
        return None
    return {STALE: SOURCE_CHANGED, REJECTED: REJECTED_BY_DOCTOR,
            DISPUTED: DISPUTED_APPROVAL}.get(state, SOURCE_UNSIGNED)


def catalog_blockers(errors: Iterable[tuple[int, str]], path: str) -> list[Blocker]:
    """Check errors of a catalog as a whole (its header): the whole language waits for them."""
    return [Blocker(CHECK_ERROR, path, line, "", message) for line, message in errors]


def checked_as(domain: str, catalog: Catalog) -> Catalog:
    """The catalog as the checks must see it, whatever flags a translator left in it.

    Jinja fills a template string's variables in with Python's ``%``, so a site
    string with placeholders is checked as ``python-format``: a translation
    naming another placeholder is a check error, not a page that fails to render.
    """
    if domain != SITE_DOMAIN:
        return catalog
    entries = [entry.replace(flags=(*entry.flags, PYTHON_FORMAT))
               if PYTHON_FORMAT not in entry.flags and not entry.obsolete
               and (has_placeholders(entry.msgid) or has_placeholders(entry.msgid_plural or ""))
               else entry for entry in catalog.entries]
    return Catalog(header=catalog.header, entries=entries)


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class UnitProblem:
    """A unit of an article that cannot go on a translated page, and why."""

    reason: str
    msgid: str
    line: int
    detail: str


@dataclass(frozen=True)
class PageProblem:
    """What keeps one page off the site, without naming files: a function of the page's content."""

    reason: str
    msgid: str
    line: int
    detail: str
    in_catalog: bool = False  # the line is the catalog's (a translation at fault), not the article's

    def blocker(self, article_path: str, catalog_path: str) -> Blocker:
        return Blocker(self.reason, catalog_path if self.in_catalog else article_path, self.line,
                       self.msgid, self.detail)


def is_safe_target(url: str) -> bool:
    """A link or image target a page may carry: http(s), mailto or a relative address."""
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return False
    return scheme == "" or scheme.lower() in SAFE_SCHEMES


def link_problem(source: list[str], translated: list[str]) -> str:
    """What is wrong with a translation's link targets ("" when they are exactly the source's)."""
    if not source and not translated:  # most units
        return ""
    unsafe = [url for url in translated if not is_safe_target(url)]
    if unsafe:
        return f"link to a forbidden scheme: {unsafe[0]}"
    added = Counter(translated) - Counter(source)
    missing = Counter(source) - Counter(translated)
    if added:
        return f"link target not in the source: {min(added)}"
    if missing:
        return f"link target of the source missing: {min(missing)}"
    return ""


def front_matter_problems(units: Iterable[Unit], lookup: Lookup) -> list[PageProblem]:
    """A title or description with no approved translation (the source changed since pull)."""
    return [PageProblem(NOT_IN_CATALOG, unit.text, unit.line,
                        f"front matter '{unit.kind}'; run 'pipeline pull'")
            for unit in units if unit.kind in ("title", "description") and lookup(unit.text) is None]


def page_problems(units: Iterable[Unit], failed: Iterable[UnitProblem], lookup: Lookup,
                  catalog_line: Callable[[str], int]) -> list[PageProblem]:
    """What keeps a translated page off the site: its front matter, then the units that failed.

    ``failed`` are the units the translation could not swap in; a changed link
    is the translation's fault (its catalog line), a missing unit the source's.
    """
    problems = front_matter_problems(units, lookup)
    for unit in failed:
        if unit.reason == UNSAFE_LINK:
            problems.append(PageProblem(UNSAFE_LINK, unit.msgid, catalog_line(unit.msgid),
                                        unit.detail, in_catalog=True))
        else:
            problems.append(PageProblem(unit.reason, unit.msgid, unit.line,
                                        f"{unit.detail}; run 'pipeline pull'"))
    return problems


def chrome_blockers(needed: Iterable[Entry], present: Collection[tuple], site_path: str
                    ) -> list[Blocker]:
    """Template strings the pages need that the approved site catalog lacks (templates changed)."""
    return [Blocker(NOT_IN_CATALOG, *_where(entry.references[0]), entry.msgid,
                    f"not yet in {site_path}; run 'pipeline pull'")
            for entry in needed if entry.key not in present]


def _where(reference: str) -> tuple[str, int]:
    """``templates/page.html:12`` → its path and line (0 when the reference has none)."""
    path, _, line = reference.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (reference, 0)
