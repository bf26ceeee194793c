"""Merging a fresh template into an existing catalog, the way ``msgmerge --previous`` does.

- an unchanged string keeps its translation, fuzzy flag and translator comments
  (its other flags, like its extracted comments and references, come from the template);
- a changed string gets the nearest old translation, marked fuzzy, with the
  msgid that translation was made for kept as ``#|`` so the translator sees what
  changed (an entry that was already fuzzy keeps its own ``#|``);
- a string that gains, loses or rewords its plural is fuzzy too;
- a new string starts empty; an old one that is gone becomes obsolete (``#~``),
  and an obsolete one that comes back is revived.

Two deliberate departures: format flags (``python-format``…) never reach prose, and plural
forms are fitted to the header's ``nplurals`` so that ``msgfmt --check`` passes.
"""

from __future__ import annotations

import math
from itertools import groupby
from operator import itemgetter

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from pipeline.catalogs.model import FUZZY, Catalog, Entry

# msgmerge's fuzzy search (gettext's msgl-fsearch.c and fstrcmp), reproduced exactly: a
# similarity above FUZZY_THRESHOLD on the UTF-8 bytes of the msgids, a tiny bonus for a
# candidate in no or the same context, and its order among equals.
FUZZY_THRESHOLD = 0.6
_CONTEXT_BONUS = 0.00001
# rapidfuzz's percentage only shortlists; the exact weight decides.
_SHORTLIST_CUTOFF = 100 * (FUZZY_THRESHOLD - 2 * _CONTEXT_BONUS)
_GRAM = 4  # msgmerge indexes runs of four characters
# Two strings of lengths l and m can reach the threshold only if l/spread <= m <= l*spread.
_SPREAD = 2 / FUZZY_THRESHOLD - 1
_SHORT_MSG_MAX = int((_GRAM - 1) * 4 * _SPREAD)  # the longest short message indexed, in bytes


def merge(old: Catalog | None, template: Catalog, header: Entry, nplurals: int) -> Catalog:
    """A catalog with the template's messages and the old catalog's translations."""
    if old is None:
        fresh = [_untranslated(entry, nplurals) for entry in template.messages]
        return Catalog(header=header, entries=fresh)

    exact: dict[tuple[str | None, str], int] = {}
    for index, entry in enumerate(old.entries):
        if entry.key not in exact or not entry.obsolete:  # a live message wins over its ghost
            exact[entry.key] = index
    search: _FuzzySearch | None = None
    used: set[int] = set()
    merged: list[Entry] = []
    for entry in template.messages:
        position = exact.get(entry.key)
        if position is not None:
            merged.append(_merged(entry, old.entries[position], nplurals, fuzzy_match=False))
        else:
            if search is None:
                search = _FuzzySearch(old.entries)
            position = search.nearest(entry)
            if position is None:
                merged.append(_untranslated(entry, nplurals))
                continue
            merged.append(_merged(entry, old.entries[position], nplurals, fuzzy_match=True))
        used.add(position)

    # gettext keeps no obsolete message without a translation (in its first form).
    obsolete = [_obsolete(entry) for index, entry in enumerate(old.entries)
                if index not in used and entry.msgstrs[0]]
    return Catalog(header=header, entries=merged + obsolete)


class _FuzzySearch:
    """The old translated messages (live or obsolete, used or not), searched as msgmerge does."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.positions = [position for position, entry in enumerate(entries) if entry.msgstrs[0]]
        self.choices = [entries[position].msgid.encode() for position in self.positions]

    def nearest(self, entry: Entry) -> int | None:
        """The position of the old message msgmerge takes for ``entry``, if any.

        msgmerge looks only at messages sharing a run of four characters with the msgid
        (for a msgid shorter than that: at short messages of a plausible length) and takes
        the first with the highest weight, in decreasing order of shared runs (or of
        increasing length), then in file order.
        """
        query = entry.msgid.encode()
        if not query or not self.choices:
            return None
        hits = process.extract(query, self.choices, scorer=fuzz.ratio,
                               score_cutoff=_SHORTLIST_CUTOFF, limit=None)
        weighed = sorted((-_weight(query, choice, entry.msgctxt, self.candidate(index).msgctxt), index)
                         for choice, _, index in hits)
        for negative, group in groupby(weighed, key=itemgetter(0)):
            if -negative <= FUZZY_THRESHOLD:
                break
            indices = [index for _, index in group]
            tie = len(indices) > 1
            ranked = [(order, index) for index in indices
                      if (order := _search_order(entry.msgid, query, self.candidate(index).msgid,
                                                 self.choices[index], tie)) is not None]
            if ranked:
                return self.positions[min(ranked)[1]]
        return None

    def candidate(self, index: int) -> Entry:
        """The old message behind a choice."""
        return self.entries[self.positions[index]]


def _weight(query: bytes, choice: bytes, context: str | None, candidate_context: str | None) -> float:
    """msgmerge's fuzzy_search_goal_function: fstrcmp on bytes, plus the context bonus."""
    total = len(query) + len(choice)
    weight = (total - Indel.distance(query, choice)) / total
    if candidate_context is None or candidate_context == context:
        weight += _CONTEXT_BONUS
    return weight


def _search_order(msgid: str, query: bytes, candidate: str, choice: bytes, tie: bool) -> int | None:
    """Where msgmerge's index puts a candidate (lower first), or None when it never looks at it.

    Only a tie needs the position; otherwise whether msgmerge looks at it at all.
    """
    if len(msgid) >= _GRAM:
        runs = (msgid[i:i + _GRAM] for i in range(len(msgid) - _GRAM + 1))
        if not tie:
            return 0 if any(run in candidate for run in runs) else None
        grams = {candidate[i:i + _GRAM] for i in range(len(candidate) - _GRAM + 1)}
        shared = sum(run in grams for run in runs)
        return -shared if shared else None
    shortest, longest = math.ceil(len(query) / _SPREAD), int(len(query) * _SPREAD)
    if shortest <= len(choice) <= min(longest, _SHORT_MSG_MAX):
        return len(choice)
    return None


def _merged(template: Entry, old: Entry, nplurals: int, fuzzy_match: bool) -> Entry:
    """The template's message with the old one's translation, as msgmerge's message_merge.

    The translation and translator comments come from the old message, everything else
    from the template. The result is fuzzy when the old message was, when it is only
    similar, or when the plural changed (gained, lost or reworded): a gained plural takes
    the singular translation in every form, a lost one keeps its first form.
    """
    fuzzy = fuzzy_match or old.fuzzy or template.msgid_plural != old.msgid_plural
    others = template.flags and tuple(flag for flag in _keepable_flags(template.flags) if flag != FUZZY)
    msgstrs = _forms(old, template, nplurals)
    context, msgid, plural = _previous(old) if fuzzy and msgstrs[0] else (None, None, None)
    # Built whole rather than with replace(): this runs for every message of every catalog.
    return Entry(msgid=template.msgid, msgstrs=msgstrs, msgctxt=template.msgctxt,
                 msgid_plural=template.msgid_plural, flags=(FUZZY, *others) if fuzzy else others,
                 comments=old.comments, extracted=template.extracted,
                 references=template.references, previous_msgctxt=context,
                 previous_msgid=msgid, previous_msgid_plural=plural,
                 obsolete=template.obsolete, line=template.line)


def _previous(old: Entry) -> tuple[str | None, str | None, str | None]:
    """The ``#|`` lines of a fuzzy result: the msgid its translation was made for.

    That is the old message itself when it was translated, but its own ``#|`` when it was
    already fuzzy (the text the translation was made for is older still), as msgmerge
    --previous keeps it. Only a fuzzy result with a translation has them.
    """
    if old.fuzzy:
        return old.previous_msgctxt, old.previous_msgid, old.previous_msgid_plural
    return old.msgctxt, old.msgid, old.msgid_plural


def _untranslated(template: Entry, nplurals: int) -> Entry:
    count = nplurals if template.msgid_plural is not None else 1
    msgstrs, flags = ("",) * count, _keepable_flags(template.flags)
    if template.msgstrs == msgstrs and template.flags == flags:
        return template  # the common case, and a hot path on a cold pull
    return template.replace(msgstrs=msgstrs, flags=flags)


def _obsolete(entry: Entry) -> Entry:
    return entry.replace(obsolete=True, references=(), extracted=(),
                         flags=(FUZZY,) if entry.fuzzy else ())


def _forms(old: Entry, template: Entry, nplurals: int) -> tuple[str, ...]:
    """The old translation in the template's shape: one form, or ``nplurals`` forms."""
    if template.msgid_plural is None:
        return old.msgstrs[:1]
    if old.msgid_plural is None:
        return old.msgstrs[:1] * nplurals
    # msgmerge would keep a count of forms that disagrees with the header (and msgfmt
    # --check would then fail): the forms are fitted to the header instead.
    if len(old.msgstrs) >= nplurals:
        return old.msgstrs[:nplurals]
    return old.msgstrs + ("",) * (nplurals - len(old.msgstrs))


def _keepable_flags(flags: tuple[str, ...]) -> tuple[str, ...]:
    # Format flags on prose make msgfmt reject correct text such as Turkish "%30".
    if not flags:
        return flags
    return tuple(flag for flag in flags if not flag.endswith("-format"))
