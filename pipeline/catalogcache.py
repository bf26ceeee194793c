"""Parsed catalogs kept between runs, keyed by each file's size and modification time.

Parsing is most of what a pull costs on a large site; a catalog that has not
changed since it was last read (or written by us) is loaded from a compact
``marshal`` copy instead, about ten times faster. Any change to the file —
an editor's save, a ``git checkout`` — changes its size or modification time and sends it back
to the parser. The copies live in the cache folder (ignored by git); a missing
or unreadable copy only costs a parse.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path

from pipeline.catalog import Catalog, Entry
from pipeline.pofile import read_po

FORMAT = 1
_FIELDS = ("msgid", "msgstrs", "msgctxt", "msgid_plural", "flags", "comments", "extracted",
           "references", "previous_msgctxt", "previous_msgid", "previous_msgid_plural",
           "obsolete", "line")


class CatalogCache:
    def __init__(self, cache_dir: Path):
        self.folder = cache_dir / "catalogs"

    def read(self, path: Path) -> Catalog:
        """The catalog at ``path``, parsed or from the cache; parse errors are raised as usual."""
        key = _stat_key(path)
        copy = self._copy_path(path)
        try:
            stored_key, header, entries = marshal.loads(copy.read_bytes())
            if stored_key == key:
                return Catalog(header=_entry(header), entries=[_entry(e) for e in entries])
        except (OSError, ValueError, EOFError, TypeError):
            pass
        catalog = read_po(path)
        self.remember(path, catalog)
        return catalog

    def remember(self, path: Path, catalog: Catalog) -> None:
        """Keep a copy of a catalog that is now on disk exactly as ``catalog`` says."""
        try:
            data = marshal.dumps((_stat_key(path), _fields(catalog.header),
                                  [_fields(entry) for entry in catalog.entries]))
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self._copy_path(path).with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, self._copy_path(path))
        except OSError:
            pass  # a cache that cannot be written only makes the next run slower

    def _copy_path(self, path: Path) -> Path:
        name = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()
        return self.folder / f"{name}.bin"


def _stat_key(path: Path) -> tuple[int, ...]:
    # Size and nanosecond mtime, as make and rsync judge files: a copy that keeps its
    # times (cp -p, a restored backup) is still known; any save or checkout is not.
    info = path.stat()
    return (FORMAT, info.st_size, info.st_mtime_ns)


def _fields(entry: Entry) -> tuple:
    return tuple(getattr(entry, name) for name in _FIELDS)


def _entry(fields: tuple) -> Entry:
    return Entry(*fields)
