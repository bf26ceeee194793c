"""The machine-translation cache: every text paid for once is kept, so it is never paid for again.

One SQLite file under the cache folder (ignored by git). SQLite gives atomic
writes (a batch is one transaction, so a crash leaves whole batches or none),
safe use from the worker threads of one run and from several runs at once.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import ContextManager, Iterable

from pipeline.config import Config
from pipeline.errors import PipelineError

CACHE_NAME = "machine-translations.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    engine TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    text TEXT NOT NULL,
    translation TEXT NOT NULL,
    billed INTEGER NOT NULL
)
"""


@dataclass(frozen=True)
class Cached:
    translation: str
    billed: int


def cache_key(engine: str, options: dict, source: str, target: str, text: str) -> str:
    """A digest of everything that decides a translation: engine, its options, languages, text."""
    payload = json.dumps([engine, options, source, target, text], ensure_ascii=False,
                         sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_path(config: Config) -> Path:
    return config.cache_dir / CACHE_NAME


class MTCache:
    """Translations by cache key; thread-safe, one transaction per :meth:`put_many`."""

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
                self._db.execute(_SCHEMA)
                self._db.commit()
        except sqlite3.Error as exc:
            raise PipelineError(f"cannot open the translation cache ({exc}); delete it to start "
                                "a new one", path) from None

    def get_many(self, keys: Iterable[str]) -> dict[str, Cached]:
        found: dict[str, Cached] = {}
        wanted = list(dict.fromkeys(keys))
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, translation, billed FROM translations WHERE key IN ({marks})",
                    chunk)
                found.update((key, Cached(text, billed)) for key, text, billed in rows)
        return found

    def get(self, key: str) -> Cached | None:
        return self.get_many([key]).get(key)

    def put_many(self, rows: Iterable[tuple[str, str, str, str, str, str, int]]) -> None:
        """Store (key, engine, source, target, text, translation, billed) rows in one transaction."""
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations "
                "(key, engine, source, target, text, translation, billed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", list(rows))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "MTCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_cache(config: Config) -> MTCache:
    return MTCache(cache_path(config))


def read_only_cache(config: Config) -> MTCache | None:
    """The cache for lookups only, or None when no run has made one yet."""
    path = cache_path(config)
    return MTCache(path, readonly=True) if path.is_file() else None


def lookup_cache(config: Config) -> ContextManager[MTCache | None]:
    """``with lookup_cache(config) as cache``: read-only, None before a first run; creates nothing."""
    cache = read_only_cache(config)
    return cache if cache is not None else nullcontext()
