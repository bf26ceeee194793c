"""The one hasher of the package: SHA-256 of bytes, and of plain values."""

from __future__ import annotations

import hashlib
import json


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_of(*parts: object) -> str:
    """A digest of plain values (strings, numbers, lists, None), in order."""
    encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return sha256(encoded.encode("utf-8"))
