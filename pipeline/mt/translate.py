"""The translate stage: drafts for empty strings, from memory first, never paid for twice, never lost.

A run goes in four steps:

1. plan, reading only: each empty entry of each catalog is filled from
   memory, from the machine-translation store, by a near match, or waits
   for the engine;
2. when texts must be sent, ask the engine whether the key works and get it
   ready (formality, glossaries) — a failure here leaves every file as it was;
3. write what is already known, then send batches and write each catalog
   as its last draft arrives (re-reading the catalog, so a translator's edit
   made meanwhile wins);
4. on a used-up quota, an error or Ctrl-C: send nothing more, keep every
   draft received, and say what is still empty; a second Ctrl-C does not cut
   that short (:mod:`pipeline.interrupts`).

Existing translations are never touched: only entries whose every form is
empty get a draft.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path
from typing import Protocol
from collections.abc import Mapping, Sequence

from pipeline import interrupts
from pipeline.catalogs.model import Catalog, Entry
from pipeline.catalogs.cache import CatalogCache
from pipeline.cache import shared_store
from pipeline.config import Config
from pipeline.mt.engines import (Batch, Engine, EngineChoice, QuotaExceeded, Translation, Usage,
                              choose_engines, send_batches)
from pipeline.mt.engines.memory import TranslationMemory
from pipeline.errors import EngineError, Interrupted, Terminated
from pipeline.fsutil import write_if_changed
from pipeline.mt.inline_xml import Tagged, billable_characters, restore, to_xml, visible_words
from pipeline.mt.store import Row, TranslationStore, lookup_store, open_store, store_key
from pipeline.catalogs.pofile import format_po
from pipeline.source.articles import domains, orphan_domains

NOTE_PREFIX = "machine draft:"
MARKUP_NOTE = (f"{NOTE_PREFIX} its inline markup differs from the source; restore the links, "
               "emphasis and code before clearing fuzzy")
CONTEXT_KINDS = ("type: title", "type: description")
MEMORY, NEAR, MACHINE = "memory", "near", "machine"


class Progress(Protocol):
    """Progress of one language's requests (a bar on a terminal, nothing elsewhere)."""

    def start(self, language: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    def start(self, language: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass(frozen=True)
class Fill:
    """What goes into one empty entry: its forms, fuzzy or not, and translator comments."""

    kind: str  # MEMORY, NEAR or MACHINE
    msgstrs: tuple[str, ...]
    notes: tuple[str, ...] = ()
    previous_msgid: str | None = None

    @property
    def fuzzy(self) -> bool:
        return self.kind != MEMORY

    def apply(self, entry: Entry) -> Entry:
        kept = tuple(comment for comment in entry.comments if not comment.startswith(NOTE_PREFIX))
        filled = entry.replace(msgstrs=self.msgstrs, comments=kept + self.notes)
        if not self.fuzzy:
            return filled.with_fuzzy(False)
        filled = filled.with_fuzzy(True)
        if self.previous_msgid is not None:
            filled = filled.replace(previous_msgctxt=None, previous_msgid=self.previous_msgid)
        return filled

    def fits(self, entry: Entry) -> bool:
        return not any(entry.msgstrs) and len(entry.msgstrs) == len(self.msgstrs)


@dataclass(frozen=True)
class LanguageDrafts:
    """What a run did (or, dry, would do) for one language."""

    language: str
    empty: int = 0        # empty strings found
    memory: int = 0       # filled from memory, exactly as translated elsewhere
    near: int = 0         # fuzzy drafts from a near match in memory
    drafts: int = 0       # machine drafts written
    cached: int = 0       # texts whose translation came from the store
    mismatched: int = 0   # machine drafts whose inline markup differs from the source
    remaining: int = 0    # strings still empty
    texts: int = 0        # texts sent (dry run: to send)
    characters: int = 0   # billable characters sent (dry run: to send)
    requests: int = 0
    billed: int = 0       # characters the engine billed


@dataclass(frozen=True)
class TranslateResult:
    reports: tuple[LanguageDrafts, ...]
    engine: str | None
    memory: bool
    dry_run: bool = False
    missing_key: bool = False
    usage: Usage | None = None
    notices: tuple[str, ...] = ()

    @property
    def billed(self) -> int:
        return sum(report.billed for report in self.reports)

    @property
    def remaining(self) -> int:
        return sum(report.remaining for report in self.reports)


class TranslationStopped(EngineError):
    """The run stopped early; every draft received before is kept, and ``result`` says what remains."""

    def __init__(self, message: str, result: TranslateResult):
        super().__init__(message)
        self.result = result


class TranslationInterrupted(TranslationStopped, Interrupted):
    """Ctrl-C stopped the run (exit code 130); every draft received before is kept."""


class TranslationTerminated(TranslationInterrupted, Terminated):
    """SIGTERM stopped the run (exit code 143); every draft received before is kept."""


def translate(config: Config, languages: Sequence[str] = (), engines: Sequence[str] = (),
              dry_run: bool = False, env: Mapping[str, str] | None = None,
              now: datetime | None = None, progress: Progress | None = None) -> TranslateResult:
    """Fill the empty strings of the catalogs with drafts; see the module docstring."""
    choice = choose_engines(config, engines, env)
    stamp = (now or datetime.now(UTC)).date().isoformat()
    machine = choice.machine
    billable = machine is not None and machine.billable
    with lookup_store(config) if billable else nullcontext() as store:
        plans = [_LanguagePlan(config, language, choice, store, stamp)
                 for language in config.check_languages(languages)]
    shared_store(config.cache_dir).save()
    sending = [plan for plan in plans if plan.unsent]
    usage = machine.usage() if machine is not None and (sending or dry_run) else None
    finish = _Finisher(choice, plans, usage)
    if dry_run:
        return finish.result(dry_run=True)
    if sending:
        assert machine is not None  # only a machine engine leaves texts to send
        finish.notices.extend(machine.prepare(config.source_language,
                                              [plan.language for plan in sending]))
    with open_store(config) if sending and billable else nullcontext() as store:
        _run(machine, plans, sending, store, progress or NoProgress(), finish)
    return finish.result()


def _run(machine: Engine | None, plans: list[_LanguagePlan], sending: list[_LanguagePlan],
         store: TranslationStore | None, progress: Progress, finish: _Finisher) -> None:
    """Write what is known, then send; a stop keeps everything written and says what is left.

    The first Ctrl-C stops the run; any later one is ignored until every draft
    received is written (:mod:`pipeline.interrupts`).
    """
    try:
        with interrupts.guard():
            for plan in plans:
                plan.write_known()
            for plan in sending:
                assert machine is not None  # only a machine engine leaves texts to send
                _send(machine, plan, store, progress)
    except interrupts.SigTerm:
        raise finish.stopped("terminated", "", TranslationTerminated) from None
    except KeyboardInterrupt:
        raise finish.stopped("interrupted", "", TranslationInterrupted) from None
    except QuotaExceeded as error:
        raise finish.stopped(str(error), " when the quota renews") from None
    except EngineError as error:
        raise finish.stopped(str(error), "") from None


def _send(machine: Engine, plan: _LanguagePlan, store: TranslationStore | None,
          progress: Progress) -> None:
    source, target = plan.source, plan.language
    batches = machine.batches(list(plan.unsent.items()), source, target)
    options = machine.store_options(source, target)

    def keep(batch: Batch, translations: list[Translation]) -> None:
        if store is not None:
            store.put_many(Row.received(machine.name, options, source, target, text,
                                        translation.text, translation.billed)
                           for text, translation in zip(batch.texts, translations))

    def on_result(batch: Batch, translations: list[Translation]) -> None:
        plan.receive(batch, translations)
        progress.advance(len(batch.texts))

    progress.start(target, len(plan.unsent))
    try:
        send_batches(machine, batches, source, target, on_result, keep)
    finally:
        plan.flush()  # on a stop, every draft received is written before the error goes on
        progress.finish()


@dataclass
class _Waiting:
    """An empty entry waiting for the machine translation of its text(s)."""

    domain: str
    entry: Entry
    sources: tuple[str, ...]
    tagged: tuple[Tagged, ...]


@dataclass
class _Tally:
    memory: int = 0
    near: int = 0
    drafts: int = 0
    cached: int = 0
    mismatched: int = 0
    texts: int = 0
    characters: int = 0
    requests: int = 0
    billed: int = 0


class _LanguagePlan:
    """One language of a run: what is empty, what is known, what must be sent, what was received."""

    def __init__(self, config: Config, language: str, choice: EngineChoice,
                 store: TranslationStore | None, stamp: str):
        self.config, self.language, self.source = config, language, config.source_language
        self.machine, self.stamp = choice.machine, stamp
        self.paths: dict[str, Path] = {}
        self.known: dict[str, dict[tuple, Fill]] = {}
        self.waiting: list[_Waiting] = []
        self.by_text: dict[str, list[_Waiting]] = {}
        self.unsent: dict[str, str | None] = {}
        self.results: dict[str, str] = {}
        self.received: set[Batch] = set()
        self.drafted: dict[str, dict[tuple, Fill]] = {}  # received, not yet written
        self.open: dict[str, int] = {}  # per catalog: entries still waiting for the engine
        self.tally = _Tally()
        self.empty = 0
        self.unfillable = 0  # neither memory nor an engine can fill these
        self.catalogs = CatalogCache(shared_store(config.cache_dir))
        live = domains(config)
        catalogs = self._read_catalogs(live)
        memory = TranslationMemory(entry for catalog in (*catalogs.values(), *self._orphaned(live))
                                   for entry in catalog.entries) if choice.memory else None
        for domain, catalog in catalogs.items():
            self._plan_catalog(domain, catalog, memory)
        self._use_store(store)

    @property
    def remaining(self) -> int:
        return self.empty - self.tally.memory - self.tally.near - self.tally.drafts

    def _read_catalogs(self, live: list[str]) -> dict[str, Catalog]:
        catalogs = {}
        for domain in live:
            path = self.config.catalog_path(self.language, domain)
            if path.exists():
                self.paths[domain] = path
                catalogs[domain] = self.catalogs.read(path)
        return catalogs

    def _orphaned(self, live: list[str]) -> list[Catalog]:
        """The catalogs of articles gone (renamed or removed): memory reads them, after the others.

        A rename made with ``git mv`` and ``pull`` thus gets its translations back; they
        are never filled, nor written.
        """
        paths = (self.config.catalog_path(self.language, domain)
                 for domain in orphan_domains(self.config, live))
        return [self.catalogs.read(path) for path in paths if path.exists()]

    def _plan_catalog(self, domain: str, catalog: Catalog, memory: TranslationMemory | None) -> None:
        context = _context(catalog) if self.machine is not None and self.machine.uses_context \
            else None
        for entry in catalog.messages:
            if any(entry.msgstrs):
                continue
            self.empty += 1
            exact = memory.exact(entry) if memory is not None else None
            if exact is not None:
                self._know(domain, entry, Fill(MEMORY, exact.msgstrs))
            elif self.machine is not None:
                self._wait(domain, entry, context)
            elif memory is not None and (near := memory.near(entry)) is not None:
                note = f"{NOTE_PREFIX} memory, {near.score:.0f}% similar, {self.stamp}"
                self._know(domain, entry, Fill(NEAR, near.entry.msgstrs, notes=(note,),
                                               previous_msgid=near.entry.msgid))
            else:
                self.unfillable += 1

    def _wait(self, domain: str, entry: Entry, context: str | None) -> None:
        sources = (entry.msgid,) if entry.msgid_plural is None else (entry.msgid, entry.msgid_plural)
        waiting = _Waiting(domain, entry, sources, tuple(to_xml(text) for text in sources))
        self.waiting.append(waiting)
        self.open[domain] = self.open.get(domain, 0) + 1
        for tagged in waiting.tagged:
            self.by_text.setdefault(tagged.xml, []).append(waiting)
            self.unsent.setdefault(tagged.xml, context)

    def _know(self, domain: str, entry: Entry, fill: Fill) -> None:
        self.known.setdefault(domain, {})[entry.key] = fill

    def _use_store(self, store: TranslationStore | None) -> None:
        if store is None or not self.unsent or self.machine is None:
            return
        options = self.machine.store_options(self.source, self.language)
        keys = {store_key(self.machine.name, options, self.source, self.language, text): text
                for text in self.unsent}
        for key, stored in store.get_many(keys).items():
            text = keys[key]
            self.results[text] = stored.translation
            del self.unsent[text]
            self.tally.cached += 1
        for waiting in self.waiting:
            if all(tagged.xml in self.results for tagged in waiting.tagged):
                self._know(waiting.domain, waiting.entry, self._machine_fill(waiting))
                self.open[waiting.domain] -= 1

    def write_known(self) -> None:
        """Write the fills known before any request: memory, near matches, stored drafts."""
        for domain, fills in self.known.items():
            self._write(domain, fills)

    def receive(self, batch: Batch, translations: list[Translation]) -> None:
        """Record one batch; write each catalog whose last waiting entry it completes."""
        if batch not in self.received:  # a batch handed over again after an interrupt
            self.received.add(batch)
            self.tally.requests += 1
            for text, translation in zip(batch.texts, translations):
                self.results[text] = translation.text
                self.tally.texts += 1
                self.tally.characters += billable_characters(text)
                self.tally.billed += translation.billed
        touched = {id(waiting): waiting for text in batch.texts
                   for waiting in self.by_text.get(text, [])}
        for waiting in touched.values():
            if all(tagged.xml in self.results for tagged in waiting.tagged) \
                    and waiting.entry.key not in self.drafted.setdefault(waiting.domain, {}):
                self.drafted[waiting.domain][waiting.entry.key] = self._machine_fill(waiting)
                self.open[waiting.domain] -= 1
        for domain in {waiting.domain for waiting in touched.values()}:
            if not self.open[domain]:
                self.flush(domain)

    def flush(self, domain: str | None = None) -> None:
        """Write the drafts received for one catalog (or all): at its last draft, or on a stop."""
        for name in [domain] if domain else list(self.drafted):
            if self.drafted.get(name):
                self._write(name, self.drafted[name])
                del self.drafted[name]  # once written (again: a no-op, filled entries take none)

    def _machine_fill(self, waiting: _Waiting) -> Fill:
        restored = [restore(source, tagged, self.results[tagged.xml])
                    for source, tagged in zip(waiting.sources, waiting.tagged)]
        texts = [text for text, _ in restored]
        forms = len(waiting.entry.msgstrs)
        msgstrs = (texts[0],) + (texts[-1],) * (forms - 1)
        name = self.machine.name if self.machine is not None else "machine"
        notes: tuple[str, ...] = (f"{NOTE_PREFIX} {name}, {self.stamp}",)
        if not all(matches for _, matches in restored):
            notes += (MARKUP_NOTE,)
        return Fill(MACHINE, msgstrs, notes=notes)

    def _write(self, domain: str, fills: dict[tuple, Fill]) -> None:
        """Apply fills to the catalog as it is on disk now, and write it atomically.

        Shielded: a Ctrl-C waits until the catalog is written and its fills counted.
        """
        with interrupts.shielded():
            path = self.paths[domain]
            catalog = self.catalogs.read(path)  # as it is on disk now: a translator's edit wins
            applied = []
            for index, entry in enumerate(catalog.entries):
                fill = fills.get(entry.key)
                if entry.obsolete or fill is None or not fill.fits(entry):
                    continue
                catalog.entries[index] = fill.apply(entry)
                applied.append(fill)
            write_if_changed(path, format_po(catalog))
            for fill in applied:  # counted once written, so a failed write counts nothing
                self._count(fill)

    def _count(self, fill: Fill) -> None:
        if fill.kind == MEMORY:
            self.tally.memory += 1
        elif fill.kind == NEAR:
            self.tally.near += 1
        else:
            self.tally.drafts += 1
            self.tally.mismatched += MARKUP_NOTE in fill.notes

    def report(self, dry_run: bool = False) -> LanguageDrafts:
        if dry_run:
            return self._planned_report()
        tally = self.tally
        return LanguageDrafts(
            self.language, empty=self.empty, memory=tally.memory, near=tally.near,
            drafts=tally.drafts, cached=tally.cached, mismatched=tally.mismatched,
            remaining=self.remaining, texts=tally.texts, characters=tally.characters,
            requests=tally.requests, billed=tally.billed)

    def _planned_report(self) -> LanguageDrafts:
        """What a run would do: fills known now, and the texts it would send."""
        kinds = [fill.kind for fills in self.known.values() for fill in fills.values()]
        return LanguageDrafts(
            self.language, empty=self.empty, memory=kinds.count(MEMORY), near=kinds.count(NEAR),
            drafts=kinds.count(MACHINE), cached=self.tally.cached, remaining=self.unfillable,
            texts=len(self.unsent),
            characters=sum(billable_characters(text) for text in self.unsent))


def _context(catalog: Catalog) -> str | None:
    """The words of the article's title and description: context for the engine, never billed.

    Plain text, so only their visible words: link targets, URLs, e-mail
    addresses and code spans are left out, as in the texts (:func:`visible_words`).
    """
    parts = [visible_words(entry.msgid) for entry in catalog.messages
             if any(kind in entry.extracted for kind in CONTEXT_KINDS)]
    return " ".join(part for part in parts if part) or None


@dataclass
class _Finisher:
    """Builds the result of a run, complete or stopped."""

    choice: EngineChoice
    plans: list[_LanguagePlan]
    usage: Usage | None
    notices: list[str] = field(default_factory=list)

    def result(self, dry_run: bool = False) -> TranslateResult:
        machine = self.choice.machine
        return TranslateResult(
            reports=tuple(plan.report(dry_run) for plan in self.plans),
            engine=machine.name if machine is not None else None, memory=self.choice.memory,
            dry_run=dry_run, missing_key=self.choice.missing_key, usage=self.usage,
            notices=tuple(self.notices))

    def stopped(self, reason: str, again: str,
                kind: type[TranslationStopped] = TranslationStopped) -> TranslationStopped:
        result = self.result()
        drafts = sum(r.drafts + r.memory + r.near for r in result.reports)
        left = [r for r in result.reports if r.remaining]
        where = ", ".join(f"{r.language} {r.remaining}" for r in left) or "none"
        message = (f"{reason}: stopped; {drafts} string(s) filled and kept, "
                   f"{result.remaining} still empty ({where}); run 'pipeline translate' "
                   f"again{again} — drafts already received are stored and not paid twice")
        return kind(message, result)
