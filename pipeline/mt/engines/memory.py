"""Translation memory: the project's own finished translations of one language.

Only entries that are translated and not fuzzy count. An exact match (same
msgctxt, msgid and msgid_plural) is reused as it is; a near match is a
fuzzy draft for a translator, never a translation.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from pipeline.catalogs.model import Entry

NEAR_CUTOFF = 90.0
# fuzz.ratio ≥ r needs the shorter length ≥ (r / (200 - r)) × the longer one.
_LENGTH_FACTOR = NEAR_CUTOFF / (200.0 - NEAR_CUTOFF)


@dataclass(frozen=True)
class NearMatch:
    entry: Entry
    score: float


class TranslationMemory:
    """Exact and near lookups over finished translations; the first one seen wins on conflict."""

    def __init__(self, entries: Iterable[Entry]):
        self._exact: dict[tuple, Entry] = {}
        for entry in entries:
            if entry.translated and not entry.is_header:
                self._exact.setdefault(_identity(entry), entry)
        by_length = sorted(self._exact.values(), key=lambda entry: len(entry.msgid))
        self._lengths = [len(entry.msgid) for entry in by_length]
        self._by_length = by_length

    def __len__(self) -> int:
        return len(self._exact)

    def exact(self, entry: Entry) -> Entry | None:
        match = self._exact.get(_identity(entry))
        if match is None or len(match.msgstrs) != len(entry.msgstrs):
            return None
        return match

    def near(self, entry: Entry, cutoff: float = NEAR_CUTOFF) -> NearMatch | None:
        """The most similar other translated msgid (≥ cutoff %), of the same shape."""
        size = len(entry.msgid)
        low = bisect_left(self._lengths, size * _LENGTH_FACTOR)
        high = bisect_right(self._lengths, size / _LENGTH_FACTOR)
        candidates = [candidate for candidate in self._by_length[low:high]
                      if (candidate.msgid_plural is None) == (entry.msgid_plural is None)
                      and len(candidate.msgstrs) == len(entry.msgstrs)
                      and _identity(candidate) != _identity(entry)]
        if not candidates:
            return None
        best = process.extractOne(entry.msgid, [c.msgid for c in candidates],
                                  scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None:
            return None
        return NearMatch(candidates[best[2]], best[1])


def _identity(entry: Entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)
