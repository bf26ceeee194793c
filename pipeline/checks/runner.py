"""Running the registered checks over one catalog: :func:`check_catalog`.

The runner knows the checks only through the registry; it knows nothing of
caching or of the gate, which keeps what it finds (:mod:`pipeline.gate.facts`).
Checks run errors first, the final ones (nothing else is worth saying about
an empty or untranslated text) before the rest, then warnings; within a
severity, in the order they were registered. A project may disable warnings
(``[checks] disable`` in pipeline.toml, read by :mod:`pipeline.config`).
"""

from __future__ import annotations

import hashlib
import statistics
from dataclasses import replace
from functools import lru_cache
from typing import Any, NamedTuple

from pipeline.catalogs.model import Catalog, Entry
from pipeline.checks.gettext import header_plural_count
from pipeline.checks.registry import (CATALOG, CHECKS, ENTRY, PAIR, WARNING, Check, Context,
                                      Finding, Pair, Scope)
from pipeline.config import Config, line_of
from pipeline.errors import ConfigError
from pipeline.glossary import load_glossary
from pipeline.source.markup import visible_length


class Plan(NamedTuple):
    """The checks to run, by what they look at, in running order."""

    catalog: tuple[Check[Catalog], ...]
    entry: tuple[Check[Entry], ...]
    pair: tuple[Check[Pair], ...]


def plan(disabled: frozenset[str] = frozenset()) -> Plan:
    """The registered checks but the disabled ones, in running order."""
    return _plan(tuple(CHECKS.values()), disabled)


@lru_cache(maxsize=8)
def _plan(registered: tuple[Check[Any], ...], disabled: frozenset[str]) -> Plan:
    ordered = sorted((item for item in registered if item.name not in disabled),
                     key=lambda item: (-item.severity.rank, not item.final))

    def scoped(scope: Scope) -> tuple[Check[Any], ...]:
        return tuple(item for item in ordered if item.scope == scope)
    return Plan(scoped(CATALOG), scoped(ENTRY), scoped(PAIR))


def disabled_checks(config: Config) -> frozenset[str]:
    """The project's ``[checks] disable``, refused unless every name is a registered warning."""
    for name in sorted(config.disabled_checks):
        item = CHECKS.get(name)
        if item is None:
            raise _setting_error(config, name, f"[checks] disable: there is no check '{name}' "
                                 f"(the checks are {', '.join(sorted(CHECKS))})")
        if item.severity > WARNING:
            raise _setting_error(config, name, f"[checks] disable: '{name}' is an error check, "
                                 "and error checks cannot be disabled (they keep unsafe or wrong "
                                 "text from being published); only warnings can")
    return config.disabled_checks


def _setting_error(config: Config, name: str, message: str) -> ConfigError:
    try:
        text = config.path.read_text(encoding="utf-8") if config.path else ""
    except OSError:
        text = ""
    start = line_of(text, "[checks]") or 1
    return ConfigError(message, config.path, line_of(text, f'"{name}"', start))


def check_catalog(catalog: Catalog, path: str, language: str, config: Config) -> list[Finding]:
    """Every finding of a catalog's header and filled-in entries (empty ones are untranslated)."""
    checks = plan(disabled_checks(config))
    context = make_context(catalog, language, config)
    memo = pair_memo(context, checks.pair)
    findings = [_finding(item, message, path, catalog.header, language)
                for item in checks.catalog for message in item.run(catalog, context)]
    for entry in catalog.messages:
        if not any(entry.msgstrs):
            continue
        for item, message in _check_entry(entry, context, memo, checks):
            findings.append(_finding(item, message, path, entry, language))
    return findings


def check_entry(entry: Entry, context: Context) -> list[tuple[Check[Entry] | Check[Pair], str]]:
    """Every problem of one filled-in entry, as (check, message), by every registered check."""
    return _check_entry(entry, context, None, plan())


def pairs(entry: Entry, nplurals: int | None = None) -> list[Pair]:
    """The (source, translation) pairs of an entry: one, or one per plural form."""
    if entry.msgid_plural is None:
        return [Pair(entry.msgid, entry.msgstr)]
    single = nplurals == 1
    return [Pair(entry.msgid if index == 0 and not single else entry.msgid_plural, text, index)
            for index, text in enumerate(entry.msgstrs)]


def _check_entry(entry: Entry, context: Context, memo: PairMemo | None, checks: Plan
                 ) -> list[tuple[Check[Entry] | Check[Pair], str]]:
    problems: list[tuple[Check[Entry] | Check[Pair], str]] = [
        (item, message) for item in checks.entry for message in item.run(entry, context)]
    for pair in pairs(entry, context.nplurals):
        prefix = f"msgstr[{pair.form}]: " if pair.form is not None else ""
        known = memo.results(pair) if memo is not None else None
        # Nothing found by the shared checks: only the catalog-wide ones can still fire.
        for item in (checks.pair if memo is None or known else memo.catalog_wide):
            if known is None or item.catalog_wide:
                messages: tuple[str, ...] = item.run(pair, context)
            else:
                messages = known.get(item.name, ())
            if messages:
                problems.extend((item, prefix + message) for message in messages)
                if item.final:
                    break
    return problems


class PairMemo:
    """What the pair checks found in each text pair, shared by the catalogs of one language.

    The same pair (site boilerplate, a repeated sentence) is checked once. Only
    checks that depend on nothing but the pair and the language are kept here:
    they run against a context without the catalog's own measures, so a check
    that reads them without declaring itself ``catalog_wide`` fails loudly.
    """

    _LIMIT = 200_000

    def __init__(self, context: Context, pair_checks: tuple[Check[Pair], ...]) -> None:
        self.context = replace(context, nplurals=None, usual_ratio=None, ratio_measured=None)
        self.shared = tuple(item for item in pair_checks if not item.catalog_wide)
        self.catalog_wide = tuple(item for item in pair_checks if item.catalog_wide)
        self.found: dict[bytes, dict[str, tuple[str, ...]]] = {}

    def results(self, pair: Pair) -> dict[str, tuple[str, ...]]:
        """Check name → messages for the pair, for the checks that are not catalog-wide."""
        text = f"{len(pair.source)}:{pair.source}{pair.translation}"
        key = hashlib.blake2b(text.encode("utf-8"), digest_size=20).digest()
        found = self.found.get(key)
        if found is None:
            if len(self.found) >= self._LIMIT:
                self.found.clear()
            found = self.found[key] = self._run(Pair(pair.source, pair.translation))
        return found

    def _run(self, pair: Pair) -> dict[str, tuple[str, ...]]:
        found = {}
        for item in self.shared:
            messages = item.run(pair, self.context)
            if messages:
                found[item.name] = messages
                if item.final:
                    break
        return found


_memos: dict[tuple[object, ...], PairMemo] = {}


def pair_memo(context: Context, pair_checks: tuple[Check[Pair], ...]) -> PairMemo:
    """The memo of the context's language, glossary and pair checks (the last few kept)."""
    key = (context.language, context.source_language, context.glossary, pair_checks)
    memo = _memos.get(key)
    if memo is None:
        if len(_memos) >= 4:
            _memos.clear()
        memo = _memos[key] = PairMemo(context, pair_checks)
    return memo


def _finding(item: Check[Catalog] | Check[Entry] | Check[Pair], message: str, path: str,
             entry: Entry, language: str) -> Finding:
    return Finding(item.name, item.severity, message, path, entry.line or 1, entry.msgid,
                   entry.msgctxt, language, entry.fuzzy)


def make_context(catalog: Catalog, language: str, config: Config) -> Context:
    ratio, measured = usual_ratio(catalog, language)
    return Context(language, config.source_language, load_glossary(config, language),
                   header_plural_count(catalog), ratio, measured)


# Translations of Turkish prose run about as long as the source in alphabetic
# scripts and much shorter in Chinese and Japanese; a catalog with enough
# translated entries measures its own ratio instead.
DEFAULT_RATIOS = {"zh": 0.4, "ja": 0.5, "ko": 0.5}
_RATIO_SAMPLE = 8
_RATIO_MIN_LENGTH = 20


def usual_ratio(catalog: Catalog, language: str) -> tuple[float, bool]:
    """The median length ratio of the catalog's translations, or the pair's default."""
    lengths = [(visible_length(pair.source), pair.translation)
               for entry in catalog.messages if entry.has_translation for pair in pairs(entry)]
    ratios = [visible_length(translation) / source for source, translation in lengths
              if source >= _RATIO_MIN_LENGTH]
    if len(ratios) >= _RATIO_SAMPLE:
        return statistics.median(ratios), True
    return DEFAULT_RATIOS.get(language.split("_")[0], 1.0), False
