"""Parsed catalogs kept between runs, by the digest of each file's bytes.

Parsing is most of what a pull costs on a large site; a catalog whose bytes
were parsed before is loaded from a compact ``marshal`` copy in the store
instead, about ten times faster. The file index tells a file's digest without
reading it while its size, times and inode are unchanged; any save or
checkout changes them and the file is read and hashed again. A copy that is
missing, spoilt or made by other code is not found, and the file is parsed.
"""

from __future__ import annotations

import marshal
from pathlib import Path

from pipeline.catalogs.model import Catalog, Entry
from pipeline.errors import CatalogError
from pipeline.catalogs.pofile import parse_po_bytes
from pipeline.cache import Store, sha256

KIND = "catalog"
_FIELDS = ("msgid", "msgstrs", "msgctxt", "msgid_plural", "flags", "comments", "extracted",
           "references", "previous_msgctxt", "previous_msgid", "previous_msgid_plural",
           "obsolete", "line")


class CatalogCache:
    def __init__(self, store: Store):
        self.store = store

    def read(self, path: Path) -> Catalog:
        """The catalog at ``path``, parsed or from the store; parse errors are raised as usual."""
        digest = self.store.index.known(path)
        if digest is not None:
            kept = self._kept(digest)
            if kept is not None:
                return kept
        try:
            found = self.store.index.read(path)
        except OSError as exc:
            raise CatalogError(f"cannot read: {exc.strerror}", path) from None
        if found is None:
            raise CatalogError("cannot read: no such file", path)
        data, digest = found
        return self.parsed(data, digest, path)

    def parsed(self, data: bytes, digest: str, path: Path) -> Catalog:
        """The catalog these bytes (of this SHA-256, read from ``path``) hold, from the store or parsed."""
        catalog = self._kept(digest)
        if catalog is None:
            catalog = parse_po_bytes(data, path)
            self.remember(data, catalog)
        return catalog

    def remember(self, data: bytes | str, catalog: Catalog) -> None:
        """Keep the parsed form of these catalog bytes (``catalog`` is what they parse to)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.store.put(KIND, sha256(data), marshal.dumps(
            (_fields(catalog.header), [_fields(entry) for entry in catalog.entries])))

    def _kept(self, digest: str) -> Catalog | None:
        value = self.store.get(KIND, digest)
        if value is None:
            return None
        try:
            header, entries = marshal.loads(value)
            return Catalog(header=_entry(header), entries=[_entry(e) for e in entries])
        except (ValueError, EOFError, TypeError):
            return None


def _fields(entry: Entry) -> tuple:
    return tuple(getattr(entry, name) for name in _FIELDS)


def _entry(fields: tuple) -> Entry:
    return Entry(*fields)
