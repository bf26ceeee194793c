"""Which entries still read exactly as a machine drafted them, by which engine and when.

An entry's wording came from machine translation and was not edited when its
translation equals a draft the store holds for its source text, restored to
Markdown the way ``pipeline translate`` wrote it. Reads the store only.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.catalogs.model import Entry
from pipeline.config import Config
from pipeline.mt.inline_xml import Tagged, restore, to_xml
from pipeline.mt.store import Draft, lookup_store


def machine_origins(config: Config, language: str,
                    entries: Iterable[Entry]) -> dict[tuple[str | None, str], Draft]:
    """Entry key → the stored draft its translation is, unedited; entries edited since are left out."""
    entries = list(entries)
    sources = {entry.key: _sources(entry) for entry in entries if entry.has_translation}
    if not sources:
        return {}
    texts = {tagged.xml for pairs in sources.values() for _, tagged in pairs}
    with lookup_store(config) as store:
        if store is None:
            return {}
        drafts = store.drafts_of(config.source_language, language, texts)
    found = {}
    for entry in entries:
        pairs = sources.get(entry.key)
        draft = _drafted(entry, pairs, drafts) if pairs else None
        if draft is not None:
            found[entry.key] = draft
    return found


def _sources(entry: Entry) -> list[tuple[str, Tagged]]:
    texts = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
    return [(text, to_xml(text)) for text in texts]


def _drafted(entry: Entry, pairs: list[tuple[str, Tagged]],
             drafts: dict[str, list[Draft]]) -> Draft | None:
    """The draft whose restored text is exactly the entry's translation (every form), if any."""
    first, tagged = pairs[0]
    for draft in drafts.get(tagged.xml, []):
        texts = [restore(first, tagged, draft.translation)[0]]
        for source, other in pairs[1:]:
            same = [d for d in drafts.get(other.xml, []) if d.engine == draft.engine]
            if not same:
                break
            texts.append(restore(source, other, same[0].translation)[0])
        else:
            forms = len(entry.msgstrs)
            if (texts[0], *(texts[-1],) * (forms - 1)) == entry.msgstrs:
                return draft
    return None
