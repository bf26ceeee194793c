"""What the last pull left, so a pull with nothing changed reads almost nothing.

For each domain the store keeps, under a digest of its inputs (the source
article, or the page templates) and of the configuration, the digest of
every file the pull wrote or confirmed for them. When the files still have
those digests (the file index tells without reading them), merging again
could only reproduce the same bytes, so the domain is skipped without parsing
anything. The code identity is part of every address in the store, so a
changed module or library makes every domain new.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Config
from pipeline.store import Store, digest_of, sha256, shared_store

KIND = "pull"


class PullState:
    def __init__(self, store: Store, settings: str):
        self.store = store
        self.settings = settings

    @classmethod
    def load(cls, config: Config) -> "PullState":
        return cls(shared_store(config.cache_dir), _settings(config))

    def fingerprint(self, data: bytes) -> str:
        return sha256(data)

    def unchanged(self, domain: str, fingerprint: str, outputs: list[Path]) -> bool:
        kept = self.store.get_json(KIND, self._key(domain, fingerprint, outputs))
        return kept is not None and kept == [self.store.index.digest(path) for path in outputs]

    def record(self, domain: str, fingerprint: str, outputs: dict[Path, str]) -> None:
        """Keep the digests of the files a pull left for these inputs (path → digest)."""
        paths = list(outputs)
        self.store.put_json(KIND, self._key(domain, fingerprint, paths), list(outputs.values()))

    def _key(self, domain: str, fingerprint: str, outputs: list[Path]) -> str:
        return digest_of(self.settings, domain, fingerprint, [str(path) for path in outputs])


def _settings(config: Config) -> str:
    """What, besides the inputs and the code, shapes the output: the project's configuration."""
    try:
        settings = config.path.read_bytes() if config.path else b""
    except OSError:
        settings = b""
    return sha256(settings)
