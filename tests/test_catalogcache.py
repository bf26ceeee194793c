"""Parsed catalogs kept between runs: identical to a parse, and never stale."""

from __future__ import annotations

import os

from pipeline.catalogcache import CatalogCache
from pipeline.pofile import read_po


def test_a_cached_catalog_is_the_parsed_catalog(project):
    project.run("pull")
    project.set_translation("de", "Genişletilmiş gözenekler", "Vergrößerte Poren", fuzzy=True)
    cache = CatalogCache(project.root / ".pipeline-cache")
    path = project.po("de")
    first = cache.read(path)
    again = cache.read(path)
    parsed = read_po(path)
    assert (again.header, again.entries) == (first.header, first.entries) == (parsed.header,
                                                                              parsed.entries)
    assert list(cache.folder.iterdir())


def test_an_edited_file_is_parsed_again(project):
    project.run("pull")
    cache = CatalogCache(project.root / ".pipeline-cache")
    path = project.po("de")
    cache.read(path)
    before = path.stat().st_mtime_ns
    project.set_translation("de", "Genişletilmiş gözenekler", "Vergrößerte Poren")
    os.utime(path, ns=(before, before))  # the same mtime: the size still tells the change
    entry = next(e for e in cache.read(path).messages if e.msgid == "Genişletilmiş gözenekler")
    assert entry.msgstr == "Vergrößerte Poren"


def test_a_damaged_copy_is_ignored(project):
    project.run("pull")
    cache = CatalogCache(project.root / ".pipeline-cache")
    path = project.po("de")
    cache.read(path)
    for copy in cache.folder.iterdir():
        copy.write_bytes(b"\x00garbage")
    assert cache.read(path).entries == read_po(path).entries
