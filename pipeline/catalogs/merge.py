"""Merging a fresh template into an existing catalog, the way ``msgmerge --previous`` does.

- an unchanged string keeps its translation, flags and translator comments;
- a changed string gets the nearest old translation, marked fuzzy, with the
  msgid that translation was made for kept as ``#|`` so the translator sees what
  changed (an entry that was already fuzzy keeps its own ``#|``);
- a new string starts empty; an old one that is gone becomes obsolete (``#~``),
  and an obsolete one that comes back is revived.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from pipeline.catalogs.model import FUZZY, Catalog, Entry

# msgmerge's FUZZY_THRESHOLD is 0.6 on fstrcmp, the same measure as fuzz.ratio.
FUZZY_CUTOFF = 60.0


def merge(old: Catalog | None, template: Catalog, header: Entry, nplurals: int) -> Catalog:
    """A catalog with the template's messages and the old catalog's translations."""
    if old is None:
        fresh = [_untranslated(entry, nplurals) for entry in template.messages]
        return Catalog(header=header, entries=fresh)

    live = {entry.key: entry for entry in old.entries if not entry.obsolete}
    dead = {entry.key: entry for entry in old.entries if entry.obsolete}
    exact = {}
    for entry in template.messages:
        previous = live.get(entry.key) or dead.get(entry.key)
        if previous is not None:
            exact[entry.key] = previous
    candidates = [e for e in old.entries if e.key not in exact and any(e.msgstrs)]
    new = [entry for entry in template.messages if entry.key not in exact]
    nearest = _fuzzy_matches(new, candidates)

    merged = []
    for entry in template.messages:
        if entry.key in exact:
            merged.append(_carry_over(entry, exact[entry.key], nplurals))
        elif entry.key in nearest:
            merged.append(_fuzzy_from(entry, nearest[entry.key], nplurals))
        else:
            merged.append(_untranslated(entry, nplurals))

    used = set(exact) | {match.key for match in nearest.values()}
    obsolete = [_obsolete(entry) for entry in old.entries
                if entry.key not in used and any(entry.msgstrs)]
    return Catalog(header=header, entries=merged + obsolete)


def _fuzzy_matches(new: list[Entry], candidates: list[Entry]) -> dict[tuple, Entry]:
    """For each new message key, the most similar old translated message (≥ 60 %), if any."""
    if not new or not candidates:
        return {}
    choices = [candidate.msgid for candidate in candidates]
    found = {}
    for entry in new:
        best = process.extractOne(entry.msgid, choices, scorer=fuzz.ratio,
                                  score_cutoff=FUZZY_CUTOFF)
        if best is not None:
            found[entry.key] = candidates[best[2]]
    return found


def _carry_over(template: Entry, previous: Entry, nplurals: int) -> Entry:
    flags = _keepable_flags(previous.flags)
    return _with_previous(template.replace(
        msgstrs=_fit(previous.msgstrs, template, nplurals),
        flags=flags,
        comments=previous.comments,
    ), previous)


def _fuzzy_from(template: Entry, match: Entry, nplurals: int) -> Entry:
    others = tuple(flag for flag in _keepable_flags(match.flags) if flag != FUZZY)
    return _with_previous(template.replace(
        msgstrs=_fit(match.msgstrs, template, nplurals),
        flags=(FUZZY, *others),
        comments=match.comments,
    ), match)


def _with_previous(merged: Entry, old: Entry) -> Entry:
    """The ``#|`` lines: the msgid the translation was made for, as msgmerge --previous keeps it.

    That is the old message itself when it was translated, but its own ``#|`` when it was
    already fuzzy (the text the translation was made for is older still). Only a fuzzy
    result with a translation keeps them: elsewhere they say nothing.
    """
    if not merged.fuzzy or not merged.msgstrs[0]:
        return merged.replace(previous_msgctxt=None, previous_msgid=None,
                              previous_msgid_plural=None)
    if old.fuzzy:
        return merged.replace(previous_msgctxt=old.previous_msgctxt,
                              previous_msgid=old.previous_msgid,
                              previous_msgid_plural=old.previous_msgid_plural)
    return merged.replace(previous_msgctxt=old.msgctxt, previous_msgid=old.msgid,
                          previous_msgid_plural=old.msgid_plural)


def _untranslated(template: Entry, nplurals: int) -> Entry:
    count = nplurals if template.msgid_plural is not None else 1
    msgstrs, flags = ("",) * count, _keepable_flags(template.flags)
    if template.msgstrs == msgstrs and template.flags == flags:
        return template  # the common case, and a hot path on a cold pull
    return template.replace(msgstrs=msgstrs, flags=flags)


def _obsolete(entry: Entry) -> Entry:
    return entry.replace(obsolete=True, references=(), extracted=(),
                         flags=(FUZZY,) if entry.fuzzy else ())


def _fit(msgstrs: tuple[str, ...], template: Entry, nplurals: int) -> tuple[str, ...]:
    """The old forms, reshaped to the singular or plural shape the template now has."""
    if template.msgid_plural is None:
        return (msgstrs[0],)
    if len(msgstrs) >= nplurals:
        return msgstrs[:nplurals]
    return msgstrs + ("",) * (nplurals - len(msgstrs))


def _keepable_flags(flags: tuple[str, ...]) -> tuple[str, ...]:
    # Format flags on prose make msgfmt reject correct text such as Turkish "%30".
    if not flags:
        return flags
    return tuple(flag for flag in flags if not flag.endswith("-format"))
