"""The glossary of a language pair: the agreed rendering of each source term.

One CSV file per pair, ``<glossary dir>/<source>-<target>.csv`` (for example
``glossary/tr-en.csv``), UTF-8, with a header row naming at least the columns
``source`` and ``target``; further columns (such as ``note``) are kept for
people and ignored here. Blank rows and rows whose first cell starts with ``#``
are skipped. A term whose target equals its source (``Botox,Botox``) is a name
to keep as it is. The checks warn when a source term is not rendered with its
target; machine translation sends the same pairs as an engine glossary.

Source terms match the way Turkish is read: case-insensitively with Turkish
casing (İ/i, I/ı) and with suffixes attached (``mikro iğneleme`` also finds
``Mikro İğnelemeden``; ``ilaç`` also finds ``ilacı``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from pipeline.cache.digests import sha256
from pipeline.config import Config
from pipeline.errors import ConfigError

TURKIC = ("tr", "az")
# Turkish final consonants soften before a vowel suffix: kitap → kitabı, ilaç → ilacı.
_SOFTENED = {"p": "pb", "ç": "çc", "t": "td", "k": "kğg"}
_MIN_SUFFIXED = 4
_FUZZY_CUTOFF = 85
_FUZZY_MIN_LENGTH = 6


class GlossaryError(ConfigError):
    """A glossary file is malformed."""


def turkish_lower(text: str) -> str:
    """Lower case by Turkish rules: İ → i and I → ı (``str.lower`` turns İ into i + a dot)."""
    return text.replace("İ", "i").replace("I", "ı").lower()


def fold(text: str, language: str) -> str:
    """Text folded for a case-insensitive comparison in the given language."""
    if language.split("_")[0] in TURKIC:
        return turkish_lower(text)
    return text.casefold()


@dataclass(frozen=True)
class Term:
    source: str
    target: str
    line: int

    @property
    def kept(self) -> bool:
        """A name or brand written the same in both languages."""
        return turkish_lower(self.source) == turkish_lower(self.target)

    @cached_property
    def pattern(self) -> re.Pattern:
        """The term in lower-cased Turkish text, suffixes allowed on longer last words."""
        words = turkish_lower(self.source).split()
        last = words[-1]
        head = r"\s+".join(re.escape(word) for word in words[:-1])
        if len(last) < _MIN_SUFFIXED:
            tail = re.escape(last) + r"(?!\w)"
        elif last[-1] in _SOFTENED:
            tail = re.escape(last[:-1]) + f"[{_SOFTENED[last[-1]]}]" + r"\w*"
        else:
            tail = re.escape(last) + r"\w*"
        return re.compile(r"(?<!\w)" + (head + r"\s+" if head else "") + tail)


@dataclass(frozen=True)
class Glossary:
    """The terms of one language pair, and where they were read from."""

    language: str
    path: str
    terms: tuple[Term, ...] = ()

    def entries(self) -> dict[str, str]:
        """Source term → target term, as an engine glossary takes them."""
        return {term.source: term.target for term in self.terms}

    def terms_in(self, source_text: str) -> list[Term]:
        """The terms that occur in a source text."""
        lowered = turkish_lower(source_text)
        return [term for term in self.terms if term.pattern.search(lowered)]

    def rendered(self, term: Term, translation: str) -> bool:
        """Whether a translation renders the term with its target (inflected forms allowed)."""
        target = fold(term.target, self.language)
        text = fold(translation, self.language)
        if target in text:
            return True
        if len(target) < _FUZZY_MIN_LENGTH:
            return False
        from rapidfuzz import fuzz  # only here: a run that checks nothing does not load it

        return fuzz.partial_ratio(target, text, score_cutoff=_FUZZY_CUTOFF) > 0

    def kept_words(self) -> frozenset[str]:
        """Lower-cased words of the names kept as they are."""
        return self._kept_words

    def name_words(self) -> frozenset[str]:
        """Words of every target term, lower-cased the Turkish way to compare with source words."""
        return self._name_words

    @cached_property
    def _kept_words(self) -> frozenset[str]:
        return frozenset(word for term in self.terms if term.kept
                         for word in turkish_lower(term.source).split())

    @cached_property
    def _name_words(self) -> frozenset[str]:
        return frozenset(word for term in self.terms for word in turkish_lower(term.target).split())

    def where(self, term: Term) -> str:
        return f"{self.path}:{term.line}"


def glossary_path(config: Config, language: str) -> Path:
    return config.inside(config.glossary_dir / f"{config.source_language}-{language}.csv",
                         "glossary", config.glossary_dir)


def load_glossary(config: Config, language: str) -> Glossary:
    """The glossary from the source language to ``language``; empty when there is no file."""
    path = glossary_path(config, language)
    shown = _shown.get((config.root, path)) or _shown.setdefault((config.root, path),
                                                                 config.relative(path))
    if not path.exists():
        return Glossary(language, shown)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GlossaryError(f"cannot read: {exc.strerror}", path) from None
    return _glossary(language, shown, path, data)


# Glossary path → as shown in messages (resolving it for every catalog checked costs more
# than the check).
_shown: dict[tuple[Path, Path], str] = {}


@lru_cache(maxsize=16)
def _glossary(language: str, shown: str, path: Path, data: bytes) -> Glossary:
    """A glossary by content: every catalog of a language shares one (and its compiled terms)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GlossaryError("not valid UTF-8 (save the glossary as UTF-8)", path) from None
    return Glossary(language, shown, parse_glossary(text, path))


def parse_glossary(text: str, path: Path | str = "<glossary>") -> tuple[Term, ...]:
    """The terms of a glossary CSV; a malformed row is an error naming its line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise GlossaryError(f"malformed CSV: {exc}", path, reader.line_num) from None
    rows = [(line, row) for line, row in rows
            if any(cell.strip() for cell in row) and not row[0].lstrip().startswith("#")]
    if not rows:
        return ()
    header_line, header = rows[0]
    columns = [cell.strip().lower() for cell in header]
    if "source" not in columns or "target" not in columns:
        raise GlossaryError("the first row must name the columns 'source' and 'target'",
                            path, header_line)
    source_at, target_at = columns.index("source"), columns.index("target")
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        cells = [*row, *[""] * len(columns)]
        source, target = cells[source_at].strip(), cells[target_at].strip()
        if not source or not target:
            raise GlossaryError("a row needs both a source and a target term", path, line)
        key = turkish_lower(" ".join(source.split()))
        if key in seen:
            raise GlossaryError(f"'{source}' is listed twice (first at line {seen[key]})", path, line)
        seen[key] = line
        terms.append(Term(source, target, line))
    return tuple(terms)


def glossary_digest(terms: dict[str, str]) -> str | None:
    """A short digest of the terms: a changed glossary is synced anew and shares no stored draft."""
    if not terms:
        return None
    payload = json.dumps(sorted(terms.items()), ensure_ascii=False, separators=(",", ":"))
    return sha256(payload.encode("utf-8"))[:16]
