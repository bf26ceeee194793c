"""The file index: a file's size, times and inode → the SHA-256 of its bytes."""

from __future__ import annotations

import hmac
import json
import os
import time
from pathlib import Path

from pipeline.cache.digests import keyed, sha256
from pipeline.fsutil import read_if_exists, write_atomic

# A file changed within this long of being indexed could keep its size and times
# (timestamps are coarse on some file systems): such a file is hashed again next time.
RACY_SECONDS = 2.0
_MAC_SIZE = 32


class FileIndex:
    """File → SHA-256 of its bytes, trusted only while size, times and inode are unchanged.

    The change time cannot be set back by a user, so a file edited and given
    its old modification time again is still seen as changed. The index is
    authenticated as a whole, like every value of the store.
    """

    def __init__(self, path: Path, secret: bytes):
        self.path = path
        self.secret = secret
        self.entries = self._load()
        self.changed = False

    def known(self, file: Path) -> str | None:
        """The SHA-256 of a file's bytes when the index still vouches for it, without reading it."""
        known = self.entries.get(str(file))
        return known[4] if known is not None and known[:4] == _stat(file) else None

    def digest(self, file: Path) -> str | None:
        """The SHA-256 of a file's bytes (None when it does not exist)."""
        stat = _stat(file)
        if stat is None:
            return None
        known = self.entries.get(str(file))
        if known is not None and known[:4] == stat:
            return known[4]
        data = read_if_exists(file)
        return None if data is None else self.record(file, data, stat)

    def read(self, file: Path) -> tuple[bytes, str] | None:
        """A file's bytes and their digest, read once (None when it does not exist)."""
        stat = _stat(file)
        data = read_if_exists(file)
        if data is None or stat is None:
            return None
        return data, self.record(file, data, stat)

    def record(self, file: Path, data: bytes, stat: list[int] | None = None) -> str:
        """The digest of bytes just read from or written to ``file``, kept when the file is settled."""
        digest = sha256(data)
        stat = stat if stat is not None else _stat(file)
        if (stat is not None and stat[0] == len(data) and _settled(stat)
                and self.entries.get(str(file)) != [*stat, digest]):
            self.entries[str(file)] = [*stat, digest]
            self.changed = True
        return digest

    def forget(self, file: Path) -> None:
        if self.entries.pop(str(file), None) is not None:
            self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        body = json.dumps(self.entries, separators=(",", ":")).encode("utf-8")
        try:
            write_atomic(self.path, self._mac(body) + body, durable=False)
            self.changed = False
        except OSError:
            pass

    def _load(self) -> dict[str, list]:
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        mac, body = data[:_MAC_SIZE], data[_MAC_SIZE:]
        if not hmac.compare_digest(mac, self._mac(body)):
            return {}
        try:
            entries = json.loads(body)
        except ValueError:
            return {}
        return entries if isinstance(entries, dict) else {}

    def _mac(self, body: bytes) -> bytes:
        return keyed(self.secret, b"file index\0", body)


def _stat(file: Path) -> list[int] | None:
    try:
        info = os.stat(file)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _settled(stat: list[int]) -> bool:
    """Modified long enough ago that a later change cannot share its times."""
    return time.time_ns() - max(stat[1], stat[2]) > RACY_SECONDS * 1e9

