"""The review page as a queue: what waits first, what is left, where to go next, what matches a search.

Plain functions over the page's rows and overviews (:mod:`pipeline.signoff.page`):
they choose what to show and in which order, never what a row's state is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from pipeline.gate.verdict import APPROVED, DISPUTED, REJECTED
from pipeline.signoff.i18n import N_, _
from pipeline.signoff.page import UNTRANSLATED, Article, Language, Row

# What the extraction calls each kind of text (pipeline.source), as the page names it.
KINDS = {"title": N_("title"), "description": N_("description"), "heading": N_("heading"),
         "paragraph": N_("paragraph"), "list item": N_("list item"), "blockquote": N_("quotation"),
         "table cell": N_("table cell"), "image alt text": N_("image text"),
         "site name": N_("site name")}
MAX_QUERY = 200  # characters of a search kept
HOLDING_BACK = (REJECTED, DISPUTED, UNTRANSLATED)  # besides waiting: what keeps a text unpublished


@dataclass(frozen=True)
class Listing:
    """What an article page lists: only the waiting rows (the default) or all, and a search."""

    show_all: bool = False
    query: str = ""
    by_score: bool = False  # lowest back-translation agreement first, instead of reading order

    @classmethod
    def of(cls, fields: Mapping[str, Any]) -> Listing:
        """From a page's query (or a decision form carrying it on)."""
        query = fields.get("q")
        return cls(fields.get("show") == "all",
                   " ".join(query.split())[:MAX_QUERY] if isinstance(query, str) else "",
                   fields.get("sort") == "score")

    def params(self) -> dict[str, str]:
        """The same listing as query parameters (none for the default)."""
        return {**({"show": "all"} if self.show_all else {}), **({"q": self.query} if self.query else {}),
                **({"sort": "score"} if self.by_score else {})}

    def link(self, **changes: Any) -> str:
        """The query string (with its ?) of this listing with some fields changed."""
        params = replace(self, **changes).params()
        return "?" + urlencode(params) if params else ""


@dataclass(frozen=True)
class Progress:
    """How far a language or an article is: approved of all, and what still holds it back."""

    approved: int
    total: int
    waiting: int
    remaining: int  # waiting for a doctor, rejected, disputed or not translated yet

    @property
    def percent(self) -> int:
        return 100 * self.approved // self.total if self.total else 100


def article_progress(article: Article) -> Progress:
    counts = article.counts
    total = sum(counts.values())
    return Progress(counts[APPROVED], total, article.waiting,
                    article.waiting + sum(counts[state] for state in HOLDING_BACK))


def language_progress(language: Language) -> Progress:
    parts = [article_progress(article) for article in language.articles]
    return Progress(sum(p.approved for p in parts), sum(p.total for p in parts),
                    sum(p.waiting for p in parts), sum(p.remaining for p in parts))


def closest_first(languages: Iterable[Language]) -> list[Language]:
    """Languages with the least left to do first; those already publishable last (nothing to do)."""
    return sorted(languages, key=lambda language: (language.publishable,
                                                   language_progress(language).remaining,
                                                   language.code))


def articles_closest_first(language: Language) -> list[Article]:
    """A language's articles, the nearest to done first; the finished ones at the end."""
    def order(article: Article) -> tuple[bool, int, str]:
        remaining = article_progress(article).remaining
        return remaining == 0, remaining, article.title
    return sorted(language.articles, key=order)


def shown_rows(rows: Iterable[Row], listing: Listing) -> list[Row]:
    """The rows a page shows: waiting ones only unless it shows all, those matching its search,
    in reading order or lowest agreement first (rows without a score last)."""
    wanted = fold(listing.query).split()
    shown = [row for row in rows
             if (listing.show_all or row.waiting) and all(word in _haystack(row) for word in wanted)]
    if listing.by_score:
        shown.sort(key=lambda row: (row.score is None, row.score or 0.0, row.number))
    return shown


def lowest_scores(rows: Iterable[Row]) -> frozenset[int]:
    """Numbers of the rows flagged for a closer look: the lowest quarter of the agreement scores
    among the waiting rows that have one (at least the lowest)."""
    scored = sorted((row.score, row.number) for row in rows if row.waiting and row.score is not None)
    flagged = scored[:max(1, len(scored) // 4)]
    return frozenset(number for _score, number in flagged)


def next_waiting(rows: Iterable[Row], after: int) -> Row | None:
    """The first waiting row after row number ``after``, else the first waiting one (None: none left)."""
    waiting = [row for row in rows if row.waiting]
    return next((row for row in waiting if row.number > after), waiting[0] if waiting else None)


def kind_label(kind: str) -> str:
    """A row's kind of text in the interface's language (an unknown kind as written)."""
    return _(KINDS[kind]) if kind in KINDS else kind


def fold(text: str) -> str:
    """Text as search compares it: case and the dotted/dotless i ignored (İ, I, ı, i all match)."""
    return text.casefold().replace("\u0307", "").replace("ı", "i")


def _haystack(row: Row) -> str:
    entry = row.entry
    parts = [entry.msgctxt or "", entry.msgid, entry.msgid_plural or "", *entry.msgstrs,
             row.back or "", *row.comments, *row.extracted]
    return fold("\n".join(parts))
