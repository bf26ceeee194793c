"""Back-translation: drafts and unapproved translations turned back into the source language.

A doctor who does not read the target language compares the Turkish source
with the back-translation. Back-translations live only in the
machine-translation store — catalogs are never modified — and the review
sheet and screens read them with :func:`back_translation`, which never
sends anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable, Mapping, Sequence

from pipeline.catalogs.model import Entry
from pipeline.config import Config
from pipeline.mt.engines import (DEEPL, Batch, Engine, Translation, Usage, choose_engines,
                              send_batches)
from pipeline.mt.engines.deepl import DeepLSettings
from pipeline.errors import EngineError
from pipeline.mt.inline_xml import billable_characters, restore, to_xml
from pipeline.mt.store import Row, TranslationStore, lookup_store, open_store, store_key
from pipeline.catalogs.pofile import read_po
from pipeline.signoff.verify import approvals, entry_digest
from pipeline.source.articles import domains
from pipeline.mt.translate import NoProgress, Progress


@dataclass(frozen=True)
class BackReport:
    language: str
    strings: int = 0      # filled entries not yet approved
    cached: int = 0       # texts already back-translated
    texts: int = 0        # texts sent (dry run: to send)
    characters: int = 0   # billable characters sent (dry run: to send)
    requests: int = 0
    billed: int = 0


@dataclass(frozen=True)
class BackResult:
    reports: tuple[BackReport, ...]
    dry_run: bool = False
    usage: Usage | None = None

    @property
    def billed(self) -> int:
        return sum(report.billed for report in self.reports)


def to_review(config: Config, language: str) -> list[Entry]:
    """The filled entries of a language that no valid approval covers yet, drafts included."""
    approved = approvals(config, language)
    found: list[Entry] = []
    for domain in domains(config):
        path = config.catalog_path(language, domain)
        if path.exists():
            catalog = read_po(path)
            rule = catalog.header_field("Plural-Forms")
            found.extend(entry for entry in catalog.messages if entry.has_translation
                         and entry_digest(language, entry, rule) not in approved)
    return found


@dataclass(frozen=True)
class _BackPlan:
    language: str
    options: dict
    strings: int
    cached: int
    unsent: tuple[str, ...]

    def report(self, dry_run: bool) -> BackReport:
        if not dry_run:
            return BackReport(self.language, self.strings, self.cached)
        return BackReport(self.language, self.strings, self.cached, len(self.unsent),
                          sum(map(billable_characters, self.unsent)))


def back_translate(config: Config, languages: Sequence[str] = (), dry_run: bool = False,
                   env: Mapping[str, str] | None = None,
                   progress: Progress | None = None) -> BackResult:
    """Back-translate every string waiting for review, sending only what the store lacks."""
    engine = choose_engines(config, (DEEPL,), env).machine
    assert engine is not None  # choose_engines refuses deepl without a key
    with lookup_store(config) as store:
        plans = [_plan(config, engine, store, language)
                 for language in config.check_languages(languages)]
    sending = any(plan.unsent for plan in plans)
    usage = engine.usage() if sending or dry_run else None
    if dry_run or not sending:
        return BackResult(tuple(plan.report(dry_run) for plan in plans), dry_run, usage)
    with open_store(config) as store:
        reports = [_send(engine, store, plan, config.source_language, progress or NoProgress())
                   if plan.unsent else plan.report(dry_run) for plan in plans]
    return BackResult(tuple(reports), dry_run, usage)


def _plan(config: Config, engine: Engine, store: TranslationStore | None,
          language: str) -> _BackPlan:
    source = config.source_language
    options = engine.store_options(language, source)
    texts = list(dict.fromkeys(to_xml(entry.msgstr).xml for entry in to_review(config, language)))
    keys = {store_key(engine.name, options, language, source, text): text for text in texts}
    known = store.get_many(keys) if store is not None else {}
    unsent = tuple(text for key, text in keys.items() if key not in known)
    return _BackPlan(language, options, len(texts), len(known), unsent)


def _send(engine: Engine, store: TranslationStore, plan: _BackPlan, source: str,
          progress: Progress) -> BackReport:
    language = plan.language
    totals = {"texts": 0, "characters": 0, "requests": 0, "billed": 0}

    def keep(batch: Batch, translations: list[Translation]) -> None:
        store.put_many(Row.received(engine.name, plan.options, language, source, text,
                                    translation.text, translation.billed)
                       for text, translation in zip(batch.texts, translations))

    def on_result(batch: Batch, translations: list[Translation]) -> None:
        totals["requests"] += 1
        totals["texts"] += len(batch.texts)
        totals["characters"] += sum(map(billable_characters, batch.texts))
        totals["billed"] += sum(translation.billed for translation in translations)
        progress.advance(len(batch.texts))

    progress.start(language, len(plan.unsent))
    try:
        send_batches(engine, engine.batches([(text, None) for text in plan.unsent], language,
                                            source), language, source, on_result, keep)
    except EngineError as error:
        raise EngineError(f"{error}; back-translations received so far are kept in the store, "
                          "run again to finish") from None
    finally:
        progress.finish()
    return BackReport(language, plan.strings, plan.cached, **totals)


def back_translations(config: Config, language: str, entries: Iterable[Entry]) -> dict[tuple, str]:
    """Entry key → stored back-translation into the source language; reads the store only."""
    source = config.source_language
    options = DeepLSettings.from_config(config).store_options(language, source, None)
    wanted = {}
    for entry in entries:
        if entry.has_translation:
            tagged = to_xml(entry.msgstr)
            wanted[store_key(DEEPL, options, language, source, tagged.xml)] = (entry, tagged)
    with lookup_store(config) as store:
        found = store.get_many(wanted) if store is not None else {}
    return {wanted[key][0].key: restore(wanted[key][0].msgstr, wanted[key][1],
                                        stored.translation)[0]
            for key, stored in found.items()}


def back_translation(config: Config, language: str, entry: Entry) -> str | None:
    """The stored back-translation of one entry's translation, or None when there is none yet."""
    return back_translations(config, language, [entry]).get(entry.key)
