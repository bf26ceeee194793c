"""What the gate learns from a catalog before it reads the ledger, kept by the catalog's content.

Reading a catalog, checking its entries and digesting its text pairs is the
costly part of the gate, and none of it depends on the sign-off ledger. So
the facts of each catalog are kept in the cache folder, under a digest of the
catalog's bytes and of everything else they depend on: language, domain and
path, the glossary, the configuration, the code of the checks and the versions
of the libraries it uses. A catalog whose digest matches is not parsed again;
anything else is worked out afresh, and a cache that cannot be read or written
only costs time. Approval is never kept here: the gate holds these entry
digests against the ledger, verified, on every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

from pipeline import __version__
from pipeline.catalog import Catalog, Entry
from pipeline import checks
from pipeline.checks import ERROR, Finding
from pipeline.config import Config
from pipeline.errors import CatalogError
from pipeline.glossary import glossary_path
from pipeline.parallel import chunked, fork_map, jobs
from pipeline.pofile import parse_po
from pipeline.signoff import entry_digest, entry_ids

FORMAT = 3
CACHE_FOLDER = "gate"
# How each live message stands before the ledger is read (CatalogFacts.marks).
MARK_CLEAN, MARK_UNFILLED, MARK_FUZZY, MARK_ERROR, MARK_FUZZY_ERROR = ".", "-", "f", "e", "x"
FRONT_MATTER = ("type: title", "type: description")
# The modules whose code shapes the facts, besides those of the registered checks.
_MODULES = ("catalog", "pofile", "linebreak", "checks", "markup", "numbers", "validity",
            "glossary", "signoff", "source", "facts")

CheckCatalog = Callable[[Catalog, str, str, Config], list[Finding]]


class EntryRow(NamedTuple):
    """A live message as blockers, review lists and pages need it."""

    msgctxt: str | None
    msgid: str
    line: int
    error: str | None  # the check error that holds it back, if any
    msgstrs: tuple[str, ...] = ()

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
    ids: list[str]  # entry ids, comma-separated, "" where a form is empty
    front: list[list]  # [msgctxt, msgid, msgstrs, line, digest] of title and description
    plural_forms: str = ""  # the header's Plural-Forms
    rows: str | list | None = field(repr=False, default=None)
    found: str | list | None = field(repr=False, default=None)
    details: Callable[[], tuple[str | list, str | list]] | None = field(repr=False, default=None)

    def entries(self) -> list[EntryRow]:
        self._fetch()
        if isinstance(self.rows, str):
            self.rows = [EntryRow(*row[:4], tuple(row[4])) for row in json.loads(self.rows)]
        return self.rows

    def findings(self) -> list[Finding]:
        self._fetch()
        if isinstance(self.found, str):
            self.found = [Finding(*row) for row in json.loads(self.found)]
        return self.found

    def front_entries(self) -> list[tuple[str, Entry]]:
        """(digest, entry) of the title and description, enough to show them without parsing."""
        return [(digest, Entry(msgid, tuple(msgstrs), msgctxt, line=line))
                for msgctxt, msgid, msgstrs, line, digest in self.front]

    def to_json(self) -> dict:
        return {"sha": self.sha, "counts": [self.strings, self.translated, self.fuzzy, self.checked,
                                            self.check_errors],
                "digests": self.digests, "marks": self.marks, "ids": self.ids,
                "front": self.front, "plural_forms": self.plural_forms}

    def details_line(self, domain: str) -> str:
        """The rows and findings as one line of the details file (JSON has no raw tab or newline)."""
        self._fetch()
        rows = self.rows if isinstance(self.rows, str) else _dump([list(r) for r in self.rows])
        found = self.found if isinstance(self.found, str) else _dump(
            [_finding_row(f) for f in self.found])
        return f"{domain}\t{self.sha}\t{rows}\t{found}\n"

    @classmethod
    def from_json(cls, data: dict, details: str | None = None) -> "CatalogFacts":
        facts = cls(data["sha"], *data["counts"], data["digests"], data["marks"], data["ids"],
                    data["front"], data["plural_forms"])
        if details is not None:
            facts.rows, facts.found = _split_details(details)[1:]
        return facts

    def _fetch(self) -> None:
        if self.rows is None or self.found is None:
            self.rows, self.found = self.details()


def learn(catalog: Catalog, sha: str, domain: str, shown: str, language: str, config: Config,
          check: CheckCatalog) -> CatalogFacts:
    """Check a catalog and digest its entries."""
    messages = catalog.messages
    findings = check(catalog, shown, language, config)
    errors = {finding.key: finding for finding in findings if finding.severity == ERROR}
    digests, marks, ids, rows, front = [], [], [], [], []
    for entry in messages:
        error = errors.get(entry.key)
        rows.append(EntryRow(entry.msgctxt, entry.msgid, entry.line,
                             error.message if error else None, entry.msgstrs))
        if not entry.has_translation:
            digests.append("")
            ids.append("")
            marks.append(MARK_UNFILLED)
            continue
        digest = entry_digest(language, entry)
        digests.append(digest)
        ids.append(",".join(entry_ids(domain, entry)))
        marks.append((MARK_FUZZY_ERROR if error else MARK_FUZZY) if entry.fuzzy else
                     (MARK_ERROR if error else MARK_CLEAN))
        if any(kind in entry.extracted for kind in FRONT_MATTER):
            front.append([entry.msgctxt, entry.msgid, list(entry.msgstrs), entry.line, digest])
    return CatalogFacts(
        sha, len(messages), sum(1 for entry in messages if entry.translated),
        sum(1 for entry in messages if entry.fuzzy),
        sum(1 for entry in messages if any(entry.msgstrs)),
        sum(1 for finding in findings if finding.severity == ERROR),
        digests, "".join(marks), ids, front, catalog.header_field("Plural-Forms"), rows,
        list(findings))


class FactsStore:
    """The kept facts of one language's catalogs: read once, brought up to date, written once.

    Two files: the summary every run reads, and the rows and findings that only
    reports, review lists and ``check`` need, read when first asked for.
    """

    def __init__(self, config: Config, language: str, check: CheckCatalog):
        self.config, self.language, self.check = config, language, check
        self.path = config.cache_dir / CACHE_FOLDER / f"{language}.json"
        self.details_path = self.path.with_suffix(".details")
        self.salt = _salt(config, language, check)
        self.kept = self._load(self.path)
        self.kept_details: dict[str, str] | None = None
        self.current: dict[str, tuple[str, CatalogFacts]] = {}
        self.ready: dict[str, CatalogFacts | CatalogError | bool | None] = {}
        self.changed = False

    def prepare(self, catalogs: list[tuple[str, Path, str]]) -> None:
        """Look every catalog up; work out those not kept beforehand, on every core, when many."""
        missing = []
        for domain, path, shown in catalogs:
            found = self.ready[domain] = self._look_up(domain, path, shown)
            if found is None:
                missing.append((domain, path, shown))
        if len(missing) < PARALLEL_FROM or jobs() < 2:
            return
        chunks = chunked(missing, _CHUNK)
        state = (self.config, self.language, self.check)
        for chunk, results in zip(chunks, fork_map(_learn_files, chunks, state)):
            for (domain, _, shown), result in zip(chunk, results):
                if isinstance(result, tuple):
                    self.ready[domain] = CatalogError(*result)
                elif result is not None:
                    facts = CatalogFacts.from_json(result["facts"], result["details"])
                    self.ready[domain] = self._record(domain, shown, facts)

    def facts(self, domain: str, path: Path, shown: str) -> CatalogFacts | None:
        """The facts of one catalog (None when it does not exist); a malformed one raises CatalogError."""
        found = (self.ready.pop(domain) if domain in self.ready
                 else self._look_up(domain, path, shown))
        if isinstance(found, CatalogError):
            raise found
        if found is None:
            found = learn_file(domain, path, shown, self.language, self.config, self.check)
            if found is not None:
                self._record(domain, shown, found)
        return found or None

    def save(self) -> None:
        """Keep the facts of the catalogs seen this run (only when something changed)."""
        if not self.changed and set(self.current) == set(self.kept):
            return
        summary, details = {}, [f"{self.salt}\n"]
        for domain, (shown, facts) in self.current.items():
            summary[domain] = {"sha": facts.sha, "shown": shown, "facts": facts.to_json()}
            if facts.rows is not None and facts.found is not None:
                details.append(facts.details_line(domain))
            elif (old := self._old_details(domain, facts.sha)) is not None:
                details.append(old)
        try:
            _write(self.path, _dump({"salt": self.salt, "catalogs": summary}))
            _write(self.details_path, "".join(details))
        except OSError:
            pass  # a cache that cannot be written only makes the next run slower

    def close(self) -> None:
        """Let go of everything kept (the facts handed out refer back to this store)."""
        self.kept, self.kept_details, self.current, self.ready = {}, None, {}, {}

    def _look_up(self, domain: str, path: Path, shown: str) -> CatalogFacts | bool | None:
        """The kept facts when the catalog is unchanged, False when it does not exist, else None."""
        data = _read(path)
        if data is None:
            return False
        kept = self.kept.get(domain)
        if kept is None or kept.get("shown") != shown or kept.get("sha") != _sha(data):
            return None
        try:
            facts = CatalogFacts.from_json(kept["facts"])
        except (KeyError, TypeError, ValueError):
            return None
        if facts.sha != kept["sha"]:
            return None
        facts.details = lambda: self._details(domain, path, shown, facts.sha)
        self.current[domain] = (shown, facts)
        return facts

    def _details(self, domain: str, path: Path, shown: str, sha: str) -> tuple:
        """The rows and findings of kept facts: from the details file, or learnt again."""
        old = self._old_details(domain, sha)
        if old is not None:
            return _split_details(old)[1:]
        learnt = learn(read_judged(path, sha), sha, domain, shown, self.language, self.config,
                       self.check)
        self.changed = True  # so that a later save keeps them
        return learnt.rows, learnt.found

    def _old_details(self, domain: str, sha: str) -> str | None:
        """The kept details line of a catalog, when it was written for these bytes."""
        if self.kept_details is None:
            self.kept_details = self._load_details()
        old = self.kept_details.get(domain)
        return old if old is not None and _split_details(old)[0] == sha else None

    def _load_details(self) -> dict[str, str]:
        """Domain → its line of the details file (split, not decoded: most are never used)."""
        try:
            text = self.details_path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return {}
        salt, _, body = text.partition("\n")
        if salt != self.salt:
            return {}
        return {line.partition("\t")[0]: line + "\n" for line in body.split("\n")
                if line.count("\t") == 3}

    def _record(self, domain: str, shown: str, facts: CatalogFacts) -> CatalogFacts:
        self.current[domain] = (shown, facts)
        self.changed = True
        return facts

    def _load(self, path: Path) -> dict[str, dict]:
        try:
            saved = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(saved, dict) or saved.get("salt") != self.salt:
            return {}
        catalogs = saved.get("catalogs")
        return catalogs if isinstance(catalogs, dict) else {}


def gate_inputs(config: Config, language: str, check: CheckCatalog,
                names: list[str] | None = None) -> str:
    """A digest of every file the gate reads for a language, of the code and of the libraries.

    The same digest means the same verdict: the ledger and the roster are among
    those files. Reading them costs a fraction of parsing them.
    """
    import babel
    import cryptography
    import markdown_it
    import rapidfuzz

    from pipeline.signoff import ledger_path
    from pipeline.source import domains

    hasher = hashlib.sha256()

    def add(label: str, data: bytes | None) -> None:
        hasher.update(label.encode("utf-8") + (b"\1" + data if data is not None else b"\0") + b"\0")

    versions = [FORMAT, sys.version, babel.__version__, cryptography.__version__,
                markdown_it.__version__, rapidfuzz.__version__, check.__module__,
                getattr(check, "__qualname__", ""), str(config.root.resolve()),
                *(f"{item.name}:{item.function.__module__}.{item.function.__qualname__}"
                  for item in checks.CHECKS.values())]
    add("versions", _dump(versions).encode("utf-8"))
    for path in sorted(Path(__file__).parent.glob("*.py")):
        add(path.name, path.read_bytes())
    add("config", _read_quietly(config.path))
    add("roster", _read_quietly(config.roster_path))
    add("ledger", _read_quietly(ledger_path(config, language)))
    add("glossary", _read_quietly(glossary_path(config, language)))
    for domain in names if names is not None else domains(config):
        add(domain, _read_quietly(config.catalog_path(language, domain)))
    return hasher.hexdigest()


def learn_file(domain: str, path: Path, shown: str, language: str, config: Config,
               check: CheckCatalog) -> CatalogFacts | None:
    """The facts of one catalog file, worked out afresh (None when it does not exist)."""
    data = _read(path)
    if data is None:
        return None
    return learn(parse_catalog(data, path), _sha(data), domain, shown, language, config, check)


# Learning many catalogs is spread over worker processes (below that, starting them costs more).
PARALLEL_FROM = 64
_CHUNK = 32


def _learn_files(state: tuple, chunk: list[tuple[str, Path, str]]) -> list[dict | tuple | None]:
    """In a worker: the facts of each catalog as JSON data, or the error that stops it."""
    config, language, check = state
    results = []
    for domain, path, shown in chunk:
        try:
            facts = learn_file(domain, path, shown, language, config, check)
        except CatalogError as error:
            results.append((error.message, error.path, error.line))
            continue
        results.append({"facts": facts.to_json(), "details": facts.details_line(domain)}
                       if facts is not None else None)
    return results


def catalog_paths(config: Config, language: str, names: list[str] | None = None
                  ) -> list[tuple[str, Path, str]]:
    """(domain, path, path as shown) of every catalog of a language, in domain order.

    The shown path is ``config.relative`` of the file, worked out once for the
    folder: resolving thousands of paths one by one costs more than reading them.
    """
    from pipeline.source import domains

    folder = config.locale_dir / language / "LC_MESSAGES"
    shown_folder = config.relative(folder)
    try:
        links = {entry.name for entry in os.scandir(folder) if entry.is_symlink()}
    except OSError:
        links = set()
    found = []
    for domain in names if names is not None else domains(config):
        path = folder / f"{domain}.po"
        shown = (config.relative(path) if path.name in links
                 else f"{shown_folder}/{domain}.po")
        found.append((domain, path, shown))
    return found


def parse_catalog(data: bytes, path: Path) -> Catalog:
    """A catalog from the bytes that were digested (read_po's reading of the same file)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError("not valid UTF-8 (catalogs must be UTF-8)", path,
                           data[: exc.start].count(b"\n") + 1) from None
    return parse_po(text, path)


def read_judged(path: Path, sha: str) -> Catalog:
    """The catalog whose bytes were judged: one edited since is an error, never mixed in."""
    data = _read(path)
    if data is None or _sha(data) != sha:
        raise CatalogError("changed while the pipeline was reading it: run the command again", path)
    return parse_catalog(data, path)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path) from None


def _salt(config: Config, language: str, check: CheckCatalog) -> str:
    """Everything the facts depend on besides the catalog: tools, code, configuration, glossary."""
    import babel
    import markdown_it
    import rapidfuzz

    hasher = hashlib.sha256()
    for part in (str(FORMAT), __version__, sys.version, markdown_it.__version__, babel.__version__,
                 rapidfuzz.__version__, language, check.__module__, check.__qualname__):
        hasher.update(part.encode("utf-8") + b"\0")
    for item in checks.CHECKS.values():
        hasher.update(repr((item.name, item.severity, item.scope, item.final, item.catalog_wide,
                            item.function.__module__, item.function.__qualname__)).encode() + b"\0")
    modules = {f"pipeline.{name}" for name in _MODULES}
    modules |= {item.function.__module__ for item in checks.CHECKS.values()} | {check.__module__}
    files = [config.path, glossary_path(config, language)]
    files += [Path(getattr(sys.modules.get(name), "__file__", None) or name) for name in sorted(modules)]
    for path in files:
        hasher.update(str(path).encode() + b"\0" + (_read_quietly(path) or b"-") + b"\0")
    return hasher.hexdigest()


def _read_quietly(path: Path | None) -> bytes | None:
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None


def _split_details(line: str) -> tuple[str, str, str]:
    """The sha, rows and findings of a details line."""
    _, sha, rows, found = line.rstrip("\n").split("\t")
    return sha, rows, found


def _write(path: Path, text: str) -> None:
    """Replace a cache file at once, without waiting for the disk: a torn one is only ignored."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _finding_row(finding: Finding) -> list:
    return [finding.check, finding.severity, finding.message, finding.path, finding.line,
            finding.msgid, finding.msgctxt, finding.language, finding.fuzzy]


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
