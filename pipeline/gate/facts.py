"""What the gate learns from a catalog before it reads the ledger, kept by the catalog's content.

Reading a catalog, checking its entries and digesting its text pairs is the
costly part of the gate, and none of it depends on the sign-off ledger. So
the facts of each catalog are kept in the store (:mod:`pipeline.cache.store`),
under a digest of the catalog's bytes and of everything else they depend on:
language, domain and path, the glossary, the configuration, the registered
checks, and (as for every value of the store) the code identity. A catalog
whose digest matches is not parsed again; anything else is worked out
afresh, and a store that cannot be read or written only costs time. Approval
is never kept here: the gate holds these entry digests against the ledger,
verified, on every run.
"""

from __future__ import annotations

import json
import os
from itertools import chain
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from collections.abc import Callable, Mapping

from pipeline.catalogs.model import Catalog, Entry
from pipeline import checks
from pipeline.checks import ERROR, Finding
from pipeline.config import Config
from pipeline.errors import CatalogError
from pipeline.fsutil import read_if_exists
from pipeline.glossary import glossary_path
from pipeline.gate.rules import (MARK_CLEAN, MARK_ERROR, MARK_FUZZY, MARK_FUZZY_ERROR,
                                 MARK_UNFILLED, checked_as)
from pipeline.parallel import chunked, fork_map, jobs
from pipeline.catalogs.pofile import parse_po_bytes
from pipeline.signoff.verify import SignoffState, entry_digest, entry_ids, former_domains
from pipeline.cache import Store, digest_of, sha256, shared_store

# Kinds of value in the store: one catalog's facts, its rows and findings, a whole language.
FACTS, DETAILS, BUNDLE = "facts", "facts-details", "facts-language"
FRONT_MATTER = ("type: title", "type: description")

CheckCatalog = Callable[[Catalog, str, str, Config], list[Finding]]


class EntryRow(NamedTuple):
    """A live message as blockers, review lists and pages need it."""

    msgctxt: str | None
    msgid: str
    line: int
    error: str | None  # the check error that holds it back, if any
    msgstrs: tuple[str, ...] = ()

    @property
    def msgstr(self) -> str:
        return self.msgstrs[0]

    def entry(self) -> Entry:
        """The message as an entry: its text pair and line (flags and comments are not kept)."""
        return Entry(self.msgid, self.msgstrs, self.msgctxt, line=self.line)


@dataclass
class CatalogFacts:
    """One catalog as the gate sees it without the ledger; per-message lists are in file order.

    The rows and findings are kept apart (they are big and most runs only count
    them) and read on first use: from their JSON text, or through ``details``.
    """

    sha: str
    strings: int
    translated: int
    fuzzy: int
    checked: int  # messages with any form filled in: what the checks looked at
    check_errors: int
    digests: list[str]  # "" where a form is empty
    marks: str
    id_text: str  # each message's entry ids (see ids), space-separated
    front: list[list]  # [msgctxt, msgid, msgstrs, line, digest] of title and description
    plural_forms: str = ""  # the header's Plural-Forms
    catalog_errors: list = field(default_factory=list)  # [line, message] of errors of the whole catalog
    rows: str | list[EntryRow] | None = field(repr=False, default=None)
    found: str | list[Finding] | None = field(repr=False, default=None)
    details: Callable[[], tuple[str | list[EntryRow], str | list[Finding]]] | None = field(
        repr=False, default=None)

    def entries(self) -> list[EntryRow]:
        rows, _ = self._fetch()
        if isinstance(rows, str):
            rows = self.rows = [EntryRow(row[0], row[1], row[2], row[3], tuple(row[4]))
                                for row in json.loads(rows)]
        return rows

    def findings(self) -> list[Finding]:
        _, found = self._fetch()
        if isinstance(found, str):
            found = self.found = [Finding(*row) for row in json.loads(found)]
        return found

    def release(self) -> None:
        """Let go of the rows and findings when they can be fetched again: a big site's
        catalogs are held all at once, their rows only one at a time."""
        if self.details is not None:
            self.rows = self.found = None

    @property
    def ids(self) -> list[str]:
        """Each message's entry ids, comma-separated, "" where a form is empty, in file order.

        Kept as one string and split when asked for: only the stale checks of entries not
        approved need them, and a run where nothing changed would load thousands for nothing.
        """
        return self.id_text.split(" ") if self.marks else []

    def share(self, strings: Mapping[str, str]) -> None:
        """Hold each digest as the equal string of ``strings`` (the ledger's), if any."""
        self.digests = list(map(strings.get, self.digests, self.digests))

    def front_entries(self) -> list[tuple[str, Entry]]:
        """(digest, entry) of the title and description, enough to show them without parsing."""
        return [(digest, Entry(msgid, tuple(msgstrs), msgctxt, line=line))
                for msgctxt, msgid, msgstrs, line, digest in self.front]

    def to_json(self) -> dict:
        return {"sha": self.sha, "counts": [self.strings, self.translated, self.fuzzy, self.checked,
                                            self.check_errors],
                "digests": self.digests, "marks": self.marks, "ids": self.id_text,
                "front": self.front, "plural_forms": self.plural_forms,
                "catalog_errors": self.catalog_errors}

    def details_line(self, domain: str) -> str:
        """The rows and findings as one line of the details file (JSON has no raw tab or newline)."""
        kept_rows, kept_found = self._fetch()
        rows = kept_rows if isinstance(kept_rows, str) else _dump([list(r) for r in kept_rows])
        found = kept_found if isinstance(kept_found, str) else _dump(
            [_finding_row(f) for f in kept_found])
        return f"{domain}\t{self.sha}\t{rows}\t{found}\n"

    @classmethod
    def from_json(cls, data: dict, details: str | None = None) -> CatalogFacts:
        strings, translated, fuzzy, checked, check_errors = data["counts"]
        facts = cls(data["sha"], strings, translated, fuzzy, checked, check_errors,
                    data["digests"], data["marks"], data["ids"], data["front"],
                    data["plural_forms"], data["catalog_errors"])
        if details is not None:
            facts.rows, facts.found = _split_details(details)[1:]
        return facts

    def _fetch(self) -> tuple[str | list[EntryRow], str | list[Finding]]:
        """The rows and findings, fetched through ``details`` on first use."""
        if self.rows is None or self.found is None:
            assert self.details is not None, "facts without rows are always made with details"
            self.rows, self.found = self.details()
        return self.rows, self.found


def learn(catalog: Catalog, sha: str, domain: str, shown: str, language: str, config: Config,
          check: CheckCatalog) -> CatalogFacts:
    """Check a catalog and digest its entries."""
    messages = catalog.messages
    findings = check(checked_as(domain, catalog), shown, language, config)
    errors = {finding.key: finding for finding in findings if finding.severity == ERROR}
    keys = {entry.key for entry in messages}
    catalog_errors = [[finding.line, finding.message] for finding in findings
                      if finding.severity == ERROR and finding.key not in keys]
    digests, marks, ids, rows, front = [], [], [], [], []
    former = former_domains(catalog.header)  # names before a 'pipeline mv': ids for stale checks
    plural_forms = catalog.header_field("Plural-Forms")
    for entry in messages:
        error = errors.get(entry.key)
        rows.append(EntryRow(entry.msgctxt, entry.msgid, entry.line,
                             error.message if error else None, entry.msgstrs))
        if not entry.has_translation:
            digests.append("")
            ids.append("")
            marks.append(MARK_UNFILLED)
            continue
        digest = entry_digest(language, entry, plural_forms)
        digests.append(digest)
        ids.append(",".join(entry_ids(domain, entry, former)))
        marks.append((MARK_FUZZY_ERROR if error else MARK_FUZZY) if entry.fuzzy else
                     (MARK_ERROR if error else MARK_CLEAN))
        if any(kind in entry.extracted for kind in FRONT_MATTER):
            front.append([entry.msgctxt, entry.msgid, list(entry.msgstrs), entry.line, digest])
    return CatalogFacts(
        sha, len(messages), sum(1 for entry in messages if entry.translated),
        sum(1 for entry in messages if entry.fuzzy),
        sum(1 for entry in messages if any(entry.msgstrs)),
        sum(1 for finding in findings if finding.severity == ERROR),
        digests, "".join(marks), " ".join(ids), front, catalog.header_field("Plural-Forms"), catalog_errors,
        rows, list(findings))


class FactsStore:
    """The kept facts of one language's catalogs: looked up, brought up to date, kept again.

    Each catalog's facts are kept under a digest of its bytes and of everything
    else they depend on (:func:`_context`); the rows and findings apart, as
    only reports, review lists and ``check`` need them. The facts of the whole
    language are also kept as one value under the digests of all its catalogs,
    so a run where nothing changed reads one value instead of thousands.
    """

    def __init__(self, config: Config, language: str, check: CheckCatalog,
                 with_details: bool = False):
        self.config, self.language, self.check = config, language, check
        # Rows and findings of what workers learn, sent back at once (else read when asked for).
        self.with_details = with_details
        self.store = shared_store(config.cache_dir)
        self.context = _context(config, language, check)
        self.current: dict[str, tuple[str, CatalogFacts]] = {}
        self.ready: dict[str, CatalogFacts | CatalogError | bool | None] = {}
        self.learnt: set[str] = set()
        self.bundle: str | None = None  # the key of the whole language, when every catalog is known
        self.bundled = False

    def prepare(self, catalogs: list[tuple[str, Path, str]],
                meanwhile: Callable[[], None] | None = None) -> None:
        """Look every catalog up; work out those not kept beforehand, on every core, when many.

        ``meanwhile``: other work of this process, done while the workers learn.
        """
        digests = {domain: _digest(self.store, path) for domain, path, _ in catalogs}
        self.bundle = digest_of(self.context, [[domain, shown, digests[domain]]
                                               for domain, _, shown in catalogs])
        missing = [] if self._unbundle(catalogs, digests) else self._look_up_all(catalogs, digests)
        if len(missing) < PARALLEL_FROM or jobs() < 2:
            if meanwhile is not None:
                meanwhile()
            return
        chunks = chunked(missing, _CHUNK)
        state = (self.config, self.language, self.check, self.context, self.with_details)
        for chunk, results in zip(chunks, fork_map(_learn_files, chunks, state,
                                                   meanwhile=meanwhile)):
            for (domain, path, shown), result in zip(chunk, results):
                self.ready[domain] = self._learnt_elsewhere(domain, path, shown, result)

    def _look_up_all(self, catalogs: list[tuple[str, Path, str]],
                     digests: dict[str, str | None]) -> list[tuple[str, Path, str]]:
        """Take the kept facts of each catalog; the catalogs that have none."""
        missing = []
        for domain, path, shown in catalogs:
            found = self.ready[domain] = self._look_up(domain, path, shown, digests[domain])
            if found is None:
                missing.append((domain, path, shown))
        return missing

    def _learnt_elsewhere(self, domain: str, path: Path, shown: str,
                          result: dict | tuple | None) -> CatalogFacts | CatalogError | None:
        """What a worker learnt of a catalog, and kept in the store itself."""
        if isinstance(result, tuple):
            return CatalogError(*result)
        if result is None:
            return None
        facts = self._known(domain, path, shown, result["facts"])
        if "details" in result:
            facts.rows, facts.found = _split_details(result["details"])[1:]
        return facts

    def facts(self, domain: str, path: Path, shown: str) -> CatalogFacts | None:
        """The facts of one catalog (None when it does not exist); a malformed one raises CatalogError."""
        found = (self.ready.pop(domain) if domain in self.ready
                 else self._look_up(domain, path, shown, _digest(self.store, path)))
        if isinstance(found, CatalogError):
            raise found
        if found is None:
            found = learn_file(domain, path, shown, self.language, self.config, self.check)
            if found is not None:
                self._record(domain, shown, found)
        return found if isinstance(found, CatalogFacts) else None

    def save(self) -> None:
        """Keep the facts learnt this run, and those of the whole language when all are known."""
        for domain in self.learnt:
            shown, facts = self.current[domain]
            details = (facts.details_line(domain)
                       if facts.rows is not None and facts.found is not None else None)
            _keep(self.store, self._key(domain, shown, facts.sha), facts.to_json(), details)
        self.learnt = set()
        if self.bundle is not None and not self.bundled and not self.ready:
            self.store.put_marshal(BUNDLE, self.bundle, {domain: facts.to_json() for domain, (_, facts)
                                                         in self.current.items()})
            self.bundled = True
        self.store.save()

    def close(self) -> None:
        """Let go of everything kept (the facts handed out refer back to this store)."""
        self.current, self.ready = {}, {}

    def _unbundle(self, catalogs: list[tuple[str, Path, str]], digests: dict[str, str | None]
                  ) -> bool:
        """Take every catalog's facts from the value kept for the whole language, if there is one."""
        kept = self.store.get_marshal(BUNDLE, self.bundle) if self.bundle else None
        if not isinstance(kept, dict):
            return False
        ready: dict[str, CatalogFacts | bool] = {}
        try:
            for domain, path, shown in catalogs:
                ready[domain] = (False if digests[domain] is None else
                                 self._known(domain, path, shown, kept[domain]))
        except (KeyError, TypeError, ValueError):
            return False
        self.ready.update(ready)
        self.bundled = True
        return True

    def _look_up(self, domain: str, path: Path, shown: str, sha: str | None
                 ) -> CatalogFacts | bool | None:
        """The kept facts when the catalog is unchanged, False when it does not exist, else None."""
        if sha is None:
            return False
        kept = self.store.get_json(FACTS, self._key(domain, shown, sha))
        if kept is None:
            return None
        try:
            facts = self._known(domain, path, shown, kept)
        except (KeyError, TypeError, ValueError):
            return None
        return facts if facts.sha == sha else None

    def _known(self, domain: str, path: Path, shown: str, data: object) -> CatalogFacts:
        facts = CatalogFacts.from_json(data)  # type: ignore[arg-type]
        facts.details = lambda: self._details(domain, path, shown, facts.sha)
        self.current[domain] = (shown, facts)
        return facts

    def _details(self, domain: str, path: Path, shown: str, sha: str) -> tuple:
        """The rows and findings of kept facts: from the store, or learnt again."""
        kept = self.store.get(DETAILS, self._key(domain, shown, sha))
        if kept is not None:
            try:
                kept_sha, rows, found = _split_details(kept.decode("utf-8"))
                if kept_sha == sha:
                    return rows, found
            except (UnicodeDecodeError, ValueError):
                pass
        learnt = learn(read_judged(path, sha), sha, domain, shown, self.language, self.config,
                       self.check)
        self.store.put(DETAILS, self._key(domain, shown, sha),
                       learnt.details_line(domain).encode("utf-8"))
        return learnt.rows, learnt.found

    def _record(self, domain: str, shown: str, facts: CatalogFacts) -> CatalogFacts:
        self.current[domain] = (shown, facts)
        self.learnt.add(domain)
        return facts

    def _key(self, domain: str, shown: str, sha: str) -> str:
        return _facts_key(self.context, domain, shown, sha)


def _facts_key(context: str, domain: str, shown: str, sha: str) -> str:
    """What a catalog's facts and details are kept under, here and in the workers."""
    return digest_of(context, domain, shown, sha)


def _keep(store: Store, key: str, facts: dict, details: str | None) -> None:
    """Keep a catalog's facts, and its rows and findings when known."""
    store.put_json(FACTS, key, facts)
    if details is not None:
        store.put(DETAILS, key, details.encode("utf-8"))


def ledger_strings(signoffs: SignoffState) -> dict[str, str]:
    """Each digest the counted statements name, by itself: facts that hold the same one share
    the ledger's string (a big site has a million)."""
    every = [*chain.from_iterable(signed.statement.digests for signed in signoffs.statements)]
    return dict(zip(every, every))


def gate_inputs(config: Config, language: str, check: CheckCatalog,
                names: list[str] | None = None) -> str:
    """A digest of the catalogs, ledger and roster the gate reads for a language, and of how.

    With the articles and the page templates (which the gate's page checks read,
    and the caller adds: :func:`pipeline.site.state.world_key`), the same digest
    means the same verdict; the code identity is part of every address in the
    store. The file index gives the digests of unchanged files without reading them.
    """
    from pipeline.signoff.trust import pinned_root, roster_log_path
    from pipeline.signoff.verify import ledger_path
    from pipeline.source.articles import domains

    store = shared_store(config.cache_dir)
    files = [config.roster_path, roster_log_path(config), ledger_path(config, language)]
    files += [config.catalog_path(language, domain)
              for domain in (names if names is not None else domains(config))]
    root = pinned_root(config.root)  # the same files count otherwise under another trust root
    return digest_of(_context(config, language, check), str(config.root.resolve()),
                     root.key_id if root else None, [_digest(store, path) for path in files])


def learn_file(domain: str, path: Path, shown: str, language: str, config: Config,
               check: CheckCatalog) -> CatalogFacts | None:
    """The facts of one catalog file, worked out afresh (None when it does not exist)."""
    found = _read_indexed(shared_store(config.cache_dir), path)
    if found is None:
        return None
    data, sha = found
    return learn(parse_po_bytes(data, path), sha, domain, shown, language, config, check)


# Learning many catalogs is spread over worker processes (below that, starting them costs more).
PARALLEL_FROM = 64
_CHUNK = 32


def _learn_files(state: tuple, chunk: list[tuple[str, Path, str]]) -> list[dict | tuple | None]:
    """In a worker: learn each catalog and keep its facts in the store; the facts as JSON data
    (with the rows and findings when asked for), or the error that stops it."""
    config, language, check, context, with_details = state
    store = shared_store(config.cache_dir)
    results: list[dict | tuple | None] = []
    for domain, path, shown in chunk:
        try:
            facts = learn_file(domain, path, shown, language, config, check)
        except CatalogError as error:
            results.append((error.message, error.path, error.line))
            continue
        if facts is None:
            results.append(None)
            continue
        data, details = facts.to_json(), facts.details_line(domain)
        _keep(store, _facts_key(context, domain, shown, facts.sha), data, details)
        results.append({"facts": data, "details": details} if with_details else {"facts": data})
    return results


def catalog_paths(config: Config, language: str, names: list[str] | None = None
                  ) -> list[tuple[str, Path, str]]:
    """(domain, path, path as shown) of every catalog of a language, in domain order.

    The shown path is ``config.relative`` of the file, worked out once for the
    folder: resolving thousands of paths one by one costs more than reading them.
    """
    from pipeline.source.articles import domains

    folder = config.inside(config.locale_dir / language / "LC_MESSAGES", "catalog folder",
                           config.locale_dir)
    shown_folder = config.relative(folder)
    try:
        links = {entry.name for entry in os.scandir(folder) if entry.is_symlink()}
    except OSError:
        links = set()
    found = []
    for domain in names if names is not None else domains(config):
        path = folder / f"{domain}.po"
        shown = (config.relative(config.inside(path, "catalog", config.locale_dir))
                 if path.name in links else f"{shown_folder}/{domain}.po")
        found.append((domain, path, shown))
    return found


def read_judged(path: Path, sha: str) -> Catalog:
    """The catalog whose bytes were judged: one edited since is an error, never mixed in."""
    found = _read_plain(path)
    if found is None or sha256(found) != sha:
        raise CatalogError("changed while the pipeline was reading it: run the command again", path)
    return parse_po_bytes(found, path)


def _read_plain(path: Path) -> bytes | None:
    try:
        return read_if_exists(path)
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path) from None


def _read_indexed(store: Store, path: Path) -> tuple[bytes, str] | None:
    """A catalog's bytes and digest, read once and noted in the file index."""
    try:
        return store.index.read(path)
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path) from None


def _context(config: Config, language: str, check: CheckCatalog) -> str:
    """Everything the facts depend on besides the catalog and the code: language, configuration,
    glossary and which checks are registered (a test or a plugin may add one at run time)."""
    registered = [[item.name, item.severity, item.scope, item.final, item.catalog_wide,
                   item.function.__module__, item.function.__qualname__]
                  for item in checks.CHECKS.values()]
    return digest_of(language, check.__module__, check.__qualname__, registered,
                     _file_digest(config.path), _file_digest(glossary_path(config, language)))


def _file_digest(path: Path | None) -> str | None:
    try:
        return sha256(path.read_bytes()) if path is not None else None
    except OSError:
        return None


def _digest(store: Store, path: Path) -> str | None:
    """A catalog's digest through the file index; an unreadable one is a CatalogError."""
    try:
        return store.index.digest(path)
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path) from None


def _split_details(line: str) -> tuple[str, str, str]:
    """The sha, rows and findings of a details line."""
    _, sha, rows, found = line.rstrip("\n").split("\t")
    return sha, rows, found


def _finding_row(finding: Finding) -> list:
    return [finding.check, finding.severity, finding.message, finding.path, finding.line,
            finding.msgid, finding.msgctxt, finding.language, finding.fuzzy]


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
