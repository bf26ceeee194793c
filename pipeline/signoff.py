"""Doctor sign-off: entry digests, the signed ledger and the roster.

(Skeleton: keys, roster, ledger and verification are built in the sign-off work.)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from pipeline.catalog import Entry
from pipeline.config import Config


@dataclass(frozen=True)
class Approval:
    """A valid approve statement covering one entry digest."""

    reviewer: str
    name: str
    time: datetime


def entry_digest(language: str, entry: Entry) -> str:
    """SHA-256 over the canonical encoding of the text pair; flags and comments are not part of it."""
    payload = [language, entry.msgctxt, entry.msgid, entry.msgid_plural, list(entry.msgstrs)]
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def approvals(config: Config, language: str) -> dict[str, Approval]:
    """Digest → approval, for every digest covered by a valid, unrevoked approve statement."""
    return {}
