"""One content-addressed store for everything the pipeline can work out again.

Every value is kept under a digest of what it was made from: the content of
its inputs and the identity of the code that made it (:func:`code_identity`,
computed from the package's own files and the installed versions of the
libraries it imports). A changed input, module or library version is another
address, so a stale value is never found and nothing is invalidated by hand.

Values are authenticated with a secret kept outside the project and outside
the cache folder (:func:`cache_secret`). Whoever can write the cache folder (a
CI cache restored from another branch, another user of the machine) can delete
values or spoil them, never plant one: a value that is missing, corrupt, made
by other code or that fails to verify is simply not found, and worked out
again. The cache folder only ever saves time.

:class:`FileIndex` maps each file's size, times and inode to the SHA-256 of its
bytes, so files that did not change are not hashed again.
"""

from __future__ import annotations

import hmac
import json
import marshal
import os
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import click

from pipeline.cache.digests import keyed, sha256
from pipeline.cache.identity import code_identity
from pipeline.cache.index import FileIndex
from pipeline.fsutil import write_atomic

SECRET_VARIABLE = "PIPELINE_CACHE_SECRET"
SECRET_FILE = "cache-secret"
_MAC_SIZE = 32
_MARSHAL_VERSION = 2
# Values unused for this long are swept, at most once a day.
KEEP_DAYS = 30



# ------------------------------------------------------------------ the secret


def cache_secret() -> bytes:
    """The key that authenticates cached values: never in the project, never in the cache.

    ``$PIPELINE_CACHE_SECRET`` when set (a CI secret, so that only trusted runs
    can write what later runs trust); else a random key made once in the user's
    config directory, mode 0600. Where neither can be had, a key for this
    process only: nothing kept is then trusted, which costs time, never safety.
    """
    configured = os.environ.get(SECRET_VARIABLE)
    if configured:
        return bytes.fromhex(sha256(configured.encode("utf-8")))
    return _secret_file(Path(click.get_app_dir("pipeline")) / SECRET_FILE)


@lru_cache(maxsize=4)
def _secret_file(path: Path) -> bytes:
    try:
        data = path.read_bytes()
        if len(data) == _MAC_SIZE and path.stat().st_mode & 0o077 == 0:
            return data
    except OSError:
        pass
    fresh = os.urandom(_MAC_SIZE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(path, fresh, durable=False, mode=0o600)
    except OSError:
        pass  # a read-only home: this process's key only
    return fresh


# ------------------------------------------------------------------ the store


def values_folder(cache_dir: Path) -> Path:
    """Where a store keeps its values. Nothing is staged there (values are written through
    the cache folder's ``staging``), so the sweep of what killed runs left passes it over:
    a big site's store holds tens of thousands of files."""
    return cache_dir / "objects"

_open: dict[Path, Store] = {}


def shared_store(folder: Path) -> Store:
    """The one store of a cache folder in this process, so that its file index is read once."""
    store = _open.get(folder)
    if store is None or store.secret != cache_secret() or store.identity != code_identity():
        store = _open[folder] = Store(folder)
    return store



class Store:
    """Values by (kind, key) under the code identity, authenticated, in one cache folder.

    ``kind`` names what a value is (``catalog``, ``facts``…); ``key`` is a
    digest of everything the value is made from besides the code.
    """

    def __init__(self, folder: Path, identity: str | None = None, secret: bytes | None = None):
        self.folder = folder
        self.identity = identity if identity is not None else code_identity()
        self.secret = secret if secret is not None else cache_secret()
        self._index: FileIndex | None = None

    @property
    def index(self) -> FileIndex:
        if self._index is None:
            self._index = FileIndex(self.folder / "index.json", self.secret)
        return self._index

    def get(self, kind: str, key: str) -> bytes | None:
        """The value kept for (kind, key), or None when there is none that verifies."""
        address = self._address(kind, key)
        path = self._path(kind, address)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
                age = time.time() - os.fstat(handle.fileno()).st_mtime
        except OSError:
            return None
        mac, value = data[:_MAC_SIZE], data[_MAC_SIZE:]
        if not hmac.compare_digest(mac, self._mac(address, value)):
            return None
        if age > 86400:
            _touch(path)  # in use: spared by the sweep
        return value

    def put(self, kind: str, key: str, value: bytes) -> None:
        """Keep a value; a cache that cannot be written only makes a later run slower."""
        address = self._address(kind, key)
        path = self._path(kind, address)
        try:
            write_atomic(path, self._mac(address, value) + value, durable=False,
                         staging=self.folder / "staging")
        except OSError:
            pass

    def get_json(self, kind: str, key: str) -> object | None:
        return self._decoded(kind, key, json.loads)

    def put_json(self, kind: str, key: str, value: object) -> None:
        self.put(kind, key, json.dumps(value, ensure_ascii=False,
                                       separators=(",", ":")).encode("utf-8"))

    def get_marshal(self, kind: str, key: str) -> object | None:
        """A value kept with :meth:`put_marshal`, or None."""
        return self._decoded(kind, key, marshal.loads)

    def put_marshal(self, kind: str, key: str, value: Any) -> None:
        """Keep plain values (dicts, lists, tuples, strings, numbers) in marshal's format.

        For big values read on every run: tens of thousands of digests load two to four
        times faster than from JSON, tuples stay tuples. marshal is not meant for bytes
        from elsewhere: these come only from this code, since a value is loaded only once
        its authentication verifies, and the code identity names the Python version
        whose format they are in. Format version 2 has no references between objects,
        so equal values are equal bytes, whichever process made them.
        """
        self.put(kind, key, marshal.dumps(value, _MARSHAL_VERSION))

    def _decoded(self, kind: str, key: str, decode: Callable[[bytes], object]) -> object | None:
        value = self.get(kind, key)
        if value is None:
            return None
        try:
            return decode(value)
        except (ValueError, EOFError, TypeError):
            return None

    def save(self) -> None:
        """Keep the file index, and sweep values unused for long (at most once a day)."""
        if self._index is not None:
            self._index.save()
        self._sweep()

    def _address(self, kind: str, key: str) -> str:
        return sha256(f"{self.identity}\0{kind}\0{key}".encode())

    def _path(self, kind: str, address: str) -> Path:
        return values_folder(self.folder) / kind / address[:2] / address[2:]

    def _mac(self, address: str, value: bytes) -> bytes:
        return keyed(self.secret, address.encode("ascii") + b"\0", value)

    def _sweep(self) -> None:
        stamp = self.folder / "swept"
        try:
            if time.time() - stamp.stat().st_mtime < 86400:
                return
        except OSError:
            pass
        limit = time.time() - KEEP_DAYS * 86400
        objects = values_folder(self.folder)
        if objects.is_dir():
            for path in objects.glob("*/*/*"):
                try:
                    if path.stat().st_mtime < limit:
                        path.unlink()
                except OSError:
                    pass
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.touch()
        except OSError:
            pass


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass
