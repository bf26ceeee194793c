"""What the gate requires, in one place: every reason a language is held back, and its rule.

Language L is publishable iff none of these rules finds anything in it:

- each live message of each catalog is translated in all plural forms, not
  fuzzy, free of check errors and approved (:func:`entry_reason`);
- each catalog has a header ``msgfmt --check`` accepts (:func:`catalog_blockers`);
- the strings of the page templates with placeholders keep them (:func:`checked_as`).

``status``, ``check``, ``review`` and ``build`` see a language through
:func:`pipeline.gate.verdict.evaluate`, which applies these rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.catalogs.model import Catalog
from pipeline.source.articles import SITE_DOMAIN
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

# Review state of a translated entry (DomainVerdict.states).
APPROVED = "approved"
STALE = "stale"
WAITING = "waiting"
REJECTED = "rejected"
REVIEW_STATES = (APPROVED, STALE, WAITING, REJECTED)

MISSING_CATALOG = "catalog missing: run 'pipeline pull'"
PYTHON_FORMAT = "python-format"


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
    if state == STALE:
        return CHANGED
    return NOT_APPROVED


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
