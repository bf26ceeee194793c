"""Parsed catalogs kept between runs: identical to a parse, and never stale."""

from __future__ import annotations

import os

from pipeline.catalogs.cache import CatalogCache
from pipeline.catalogs.pofile import read_po
from pipeline.cache import Store


def store_of(project) -> Store:
    return Store(project.root / ".pipeline-cache")


def test_a_cached_catalog_is_the_parsed_catalog(project):
    project.run("pull")
    project.set_translation("de", "Genişletilmiş gözenekler", "Vergrößerte Poren", fuzzy=True)
    cache = CatalogCache(store_of(project))
    path = project.po("de")
    first = cache.read(path)
    again = cache.read(path)
    parsed = read_po(path)
    assert (again.header, again.entries) == (first.header, first.entries) == (parsed.header,
                                                                              parsed.entries)
    assert list((cache.store.folder / "objects" / "catalog").iterdir())


def test_an_edited_file_is_parsed_again(project, monkeypatch):
    monkeypatch.setattr("pipeline.cache.index.RACY_SECONDS", -10.0)  # trust the index at once
    project.run("pull")
    cache = CatalogCache(store_of(project))
    path = project.po("de")
    cache.read(path)
    before = path.stat().st_mtime_ns
    project.set_translation("de", "Genişletilmiş gözenekler", "Vergrößerte Poren")
    os.utime(path, ns=(before, before))  # the same mtime: the size still tells the change
    entry = next(e for e in cache.read(path).messages if e.msgid == "Genişletilmiş gözenekler")
    assert entry.msgstr == "Vergrößerte Poren"


def test_a_damaged_or_planted_copy_is_ignored(project):
    project.run("pull")
    cache = CatalogCache(store_of(project))
    path = project.po("de")
    cache.read(path)
    copies = list((cache.store.folder / "objects" / "catalog").rglob("*"))
    for copy in copies:
        if copy.is_file():
            data = bytearray(copy.read_bytes())
            data[-5] ^= 0x01  # one flipped bit
            copy.write_bytes(bytes(data))
    assert cache.read(path).entries == read_po(path).entries
