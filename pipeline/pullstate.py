"""What the last pull learnt, so a pull with nothing changed reads almost nothing.

For each domain it keeps a digest of the inputs (the source article, or the
page templates) and the size and modification time of every file the pull
wrote or confirmed. When the inputs hash the same and no output was touched
since, merging again could only reproduce the same bytes, so the domain is
skipped without parsing anything. The state lives in the cache folder (ignored
by git); losing it only costs one full pull.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline import __version__
from pipeline.config import Config
from pipeline.fsutil import write_if_changed

STATE_FILE = "pull-state.json"


class PullState:
    def __init__(self, path: Path, salt: str, domains: dict[str, dict]):
        self.path = path
        self.salt = salt
        self.domains = domains

    @classmethod
    def load(cls, config: Config) -> "PullState":
        path = config.cache_dir / STATE_FILE
        salt = _salt(config)
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        domains = saved.get("domains", {}) if saved.get("salt") == salt else {}
        return cls(path, salt, domains if isinstance(domains, dict) else {})

    def fingerprint(self, data: bytes) -> str:
        return hashlib.sha256(self.salt.encode("utf-8") + b"\0" + data).hexdigest()

    def unchanged(self, domain: str, fingerprint: str, outputs: list[Path]) -> bool:
        known = self.domains.get(domain)
        if not known or known.get("inputs") != fingerprint:
            return False
        return known.get("outputs") == [_stat(path) for path in outputs]

    def record(self, fingerprints: dict[str, str], outputs: dict[str, list[Path]]) -> None:
        self.domains = {domain: {"inputs": fingerprints[domain],
                                 "outputs": [_stat(path) for path in outputs[domain]]}
                        for domain in fingerprints}
        try:
            write_if_changed(self.path, json.dumps({"salt": self.salt, "domains": self.domains},
                                               sort_keys=True))
        except OSError:
            pass  # a cache that cannot be written only makes the next pull slower


def _salt(config: Config) -> str:
    """What, besides the inputs, shapes the output: the tool and the project's configuration."""
    settings = config.path.read_bytes() if config.path and config.path.exists() else b""
    return hashlib.sha256(__version__.encode() + b"\0" + settings).hexdigest()


def _stat(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return [info.st_size, info.st_mtime_ns]
