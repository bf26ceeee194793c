"""The machine-translation store: every text paid for is kept, so it is never paid for again.

Paid data, not a cache: one SQLite file in its own folder (``[paths] translations``,
ignored by git) that ``make clean`` keeps. It holds the forward drafts and the
back-translations shown to doctors — drafts only, which are fuzzy and never
count as a review, so whoever can write the file gains nothing. SQLite gives
atomic writes (a batch is one transaction, so a crash leaves whole batches or
none), safe use from the worker threads of one run and from several runs at once.

Earlier versions kept the file in the cache folder; the first open moves it here.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import threading
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from collections.abc import Iterable, Sequence

from pipeline.cache.digests import sha256
from pipeline.config import Config
from pipeline.errors import StoreError
from pipeline.fsutil import atomic_file

STORE_NAME = "machine-translations.sqlite3"
_COMPANIONS = ("-wal", "-shm")  # SQLite's files beside a database in WAL mode
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    engine TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    text TEXT NOT NULL,
    translation TEXT NOT NULL,
    billed INTEGER NOT NULL,
    options TEXT,
    received TEXT
)
"""
_FIELDS = "key, engine, options, source, target, text, translation, billed, received"
# Columns added since the first version, each added to an older store when it is opened.
_ADDED = {"options": "TEXT", "received": "TEXT"}


@dataclass(frozen=True)
class Stored:
    translation: str
    billed: int


@dataclass(frozen=True)
class Draft:
    """A stored translation of one text, with the engine that made it and when it was stored."""

    engine: str
    translation: str
    received: str | None  # ISO date; None: stored by a version that did not keep it


@dataclass(frozen=True)
class Row:
    """One stored translation, with everything that decided it; ``key`` is their digest."""

    key: str
    engine: str
    options: dict | None  # None: stored by a version that did not keep the options
    source: str
    target: str
    text: str
    translation: str
    billed: int

    @classmethod
    def received(cls, engine: str, options: dict, source: str, target: str, text: str,
                 translation: str, billed: int) -> Row:
        """A translation just received from an engine, under its key."""
        return cls(store_key(engine, options, source, target, text), engine, options, source,
                   target, text, translation, billed)

    def with_options(self, options: dict) -> Row:
        return Row(self.key, self.engine, options, self.source, self.target, self.text,
                   self.translation, self.billed)

    @property
    def verified(self) -> bool:
        """The key is the digest of the row's own fields: nobody changed one without the other."""
        return self.options is not None and self.key == store_key(
            self.engine, self.options, self.source, self.target, self.text)


def store_key(engine: str, options: dict, source: str, target: str, text: str) -> str:
    """A digest of everything that decides a translation: engine, its options, languages, text."""
    payload = json.dumps([engine, options, source, target, text], ensure_ascii=False,
                         sort_keys=True, separators=(",", ":"))
    return sha256(payload.encode("utf-8"))


def store_path(config: Config) -> Path:
    return config.translations_dir / STORE_NAME


def old_store_path(config: Config) -> Path:
    """Where versions before the store had its own folder kept it: in the cache folder."""
    return config.cache_dir / STORE_NAME


class TranslationStore:
    """Translations by key; thread-safe, one transaction per :meth:`put_many` or :meth:`add_new`."""

    def __init__(self, path: Path, readonly: bool = False):
        self.path = path
        self._lock = threading.Lock()
        try:
            if readonly:
                self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                           check_same_thread=False, timeout=30)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
                self._db.execute("PRAGMA journal_mode=WAL")
                _create_or_upgrade(self._db)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the machine-translation store ({exc}); move it away "
                             "to start a new one", path) from None

    def get_many(self, keys: Iterable[str]) -> dict[str, Stored]:
        found: dict[str, Stored] = {}
        wanted = list(dict.fromkeys(keys))
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, translation, billed FROM translations WHERE key IN ({marks})",
                    chunk)
                found.update((key, Stored(text, billed)) for key, text, billed in rows)
        return found

    def drafts_of(self, source: str, target: str, texts: Iterable[str]) -> dict[str, list[Draft]]:
        """Text → every stored translation of it from ``source`` into ``target``, by any engine."""
        found: dict[str, list[Draft]] = {}
        wanted = list(dict.fromkeys(texts))
        with self._lock:
            received = "received" if "received" in _columns(self._db) else "NULL"
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT text, engine, translation, {received} FROM translations "
                    f"WHERE source = ? AND target = ? AND text IN ({marks}) ORDER BY key",
                    [source, target, *chunk])
                for text, engine, translation, received in rows:
                    found.setdefault(text, []).append(Draft(engine, translation, received))
        return found

    def get(self, key: str) -> Stored | None:
        return self.get_many([key]).get(key)

    def put_many(self, rows: Iterable[Row]) -> None:
        """Store rows in one transaction, replacing any under the same key."""
        with self._lock, self._db:
            self._db.executemany(f"INSERT OR REPLACE INTO translations ({_FIELDS}) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", map(_values, rows))

    def add_new(self, rows: Sequence[Row]) -> int:
        """Store the rows whose key is not here yet, in one transaction; how many were added."""
        with self._lock, self._db:
            cursor = self._db.executemany(f"INSERT OR IGNORE INTO translations ({_FIELDS}) "
                                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", map(_values, rows))
            return max(cursor.rowcount, 0)

    def rows(self) -> list[Row]:
        """Every stored row, by key."""
        with self._lock:
            options = "options" if _has_options(self._db) else "NULL"
            found = self._db.execute(
                f"SELECT key, engine, {options}, source, target, text, translation, billed "
                "FROM translations ORDER BY key").fetchall()
        return [Row(key, engine, json.loads(opts) if opts is not None else None, *rest)
                for key, engine, opts, *rest in found]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> TranslationStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _values(row: Row) -> tuple:
    options = None if row.options is None else json.dumps(
        row.options, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (row.key, row.engine, options, row.source, row.target, row.text, row.translation,
            row.billed, datetime.now(UTC).date().isoformat())


def _create_or_upgrade(db: sqlite3.Connection) -> None:
    """The table as this version writes it: an older store gains the columns added since."""
    db.execute(_SCHEMA)
    present = _columns(db)
    for column, kind in _ADDED.items():
        if column not in present:
            db.execute(f"ALTER TABLE translations ADD COLUMN {column} {kind}")
    db.commit()


def _columns(db: sqlite3.Connection) -> set[str]:
    return {column[1] for column in db.execute("PRAGMA table_info(translations)")}


def _has_options(db: sqlite3.Connection) -> bool:
    return "options" in _columns(db)


def open_store(config: Config) -> TranslationStore:
    """The store for reading and writing, created on first use (or moved out of the cache)."""
    move_old_store(config)
    return TranslationStore(store_path(config))


def read_only_store(config: Config) -> TranslationStore | None:
    """The store for lookups only, or None when no run has made one yet."""
    move_old_store(config)
    path = store_path(config)
    return TranslationStore(path, readonly=True) if path.is_file() else None


def lookup_store(config: Config) -> AbstractContextManager[TranslationStore | None]:
    """``with lookup_store(config) as store``: read-only, None before a first run; creates none."""
    store = read_only_store(config)
    return store if store is not None else nullcontext()


# ---------------------------------------------------------------- from the cache folder


def move_old_store(config: Config) -> str | None:
    """Move the store out of the cache folder, where earlier versions kept it; a notice if moved.

    Only when there is no store in its own folder yet. The old file is
    checkpointed first, so its ``-wal`` holds nothing the main file lacks; the
    main file moves last, so an interrupted move is finished by the next one.
    """
    old, new = old_store_path(config), store_path(config)
    if new.exists() or not old.is_file():
        return None
    try:
        _settle(old)
        new.parent.mkdir(parents=True, exist_ok=True)
        for suffix in (*_COMPANIONS, ""):
            companion = old.with_name(old.name + suffix)
            if companion.exists():
                _move(companion, new.with_name(new.name + suffix))
    except FileNotFoundError:
        if new.exists():  # another run moved it meanwhile
            return None
        raise
    except OSError as exc:
        raise StoreError(f"cannot move the machine-translation store to "
                         f"{config.relative(new)} ({exc.strerror or exc})", old) from None
    return (f"moved the machine translations from {config.relative(old)} to "
            f"{config.relative(new)}: paid data is kept apart from the caches now")


def _settle(path: Path) -> None:
    """Bring an old store to this version's table and write its WAL into the main file."""
    try:
        with closing(sqlite3.connect(path, timeout=30)) as db:
            _create_or_upgrade(db)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the machine-translation store ({exc}); move it away "
                         "to start a new one", path) from None


def _move(source: Path, target: Path) -> None:
    """A rename; across file systems a copy renamed into place, then the original removed."""
    try:
        os.replace(source, target)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    with open(source, "rb") as original, \
            atomic_file(target, mode=os.fstat(original.fileno()).st_mode & 0o777) as handle:
        shutil.copyfileobj(original, handle)
    source.unlink()
