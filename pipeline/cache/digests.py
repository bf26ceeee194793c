"""The one hasher of the package: SHA-256 of bytes, of a stream of parts, of plain values, and keyed."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_of_parts(parts: Iterable[bytes]) -> str:
    """The SHA-256 of the parts one after another (their concatenation), never all in memory."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part)
    return hasher.hexdigest()


def digest_of(*parts: object) -> str:
    """A digest of plain values (strings, numbers, lists, None), in order."""
    encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return sha256(encoded.encode("utf-8"))


def keyed(secret: bytes, *parts: bytes) -> bytes:
    """HMAC-SHA-256 of the parts one after another: 32 bytes only a holder of ``secret`` can make.

    Fed part by part, so a value of megabytes is not copied to put its address before it.
    """
    mac = hmac.new(secret, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(part)
    return mac.digest()
