"""The store: values found only for the same inputs and code, and never planted from outside."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline.cache.index as index_module
import pipeline.cache.store as store_module
from conftest import REPO
from pipeline.cache import FileIndex, Store, code_identity


@pytest.fixture
def settled(monkeypatch):
    """Trust the file index at once (files written by a test are otherwise too fresh)."""
    monkeypatch.setattr(index_module, "RACY_SECONDS", -10.0)


def test_a_value_is_found_under_the_same_kind_key_and_code_only(tmp_path):
    store = Store(tmp_path, identity="code-1", secret=b"s" * 32)
    store.put("facts", "key", b"value")
    assert store.get("facts", "key") == b"value"
    assert store.get("facts", "other key") is None
    assert store.get("catalog", "key") is None
    assert Store(tmp_path, identity="code-2", secret=b"s" * 32).get("facts", "key") is None


def test_a_value_planted_without_the_secret_is_not_found(tmp_path):
    mine = Store(tmp_path, identity="code", secret=b"mine" * 8)
    theirs = Store(tmp_path, identity="code", secret=b"theirs" * 6)
    theirs.put("facts", "key", b'{"approved": true}')  # same address, another key
    assert mine.get("facts", "key") is None
    mine.put("facts", "key", b"honest")
    value_file = next(path for path in (tmp_path / "objects").rglob("*") if path.is_file())
    value_file.write_bytes(value_file.read_bytes()[:32] + b"forged")  # the old MAC, new bytes
    assert mine.get("facts", "key") is None


def test_plain_values_come_back_from_marshal_as_they_went_in(tmp_path):
    store = Store(tmp_path, identity="code", secret=b"s" * 32)
    value = (1, {"digest": ("id1", "id2")}, ["text", None, True])
    store.put_marshal("signoffs", "key", value)
    assert store.get_marshal("signoffs", "key") == value
    store.put("signoffs", "key", b"\xff not marshal")  # authenticated, but not a value
    assert store.get_marshal("signoffs", "key") is None
    assert store.get_marshal("signoffs", "other key") is None


def test_an_unwritable_store_only_costs_time(tmp_path):
    (tmp_path / "objects").write_text("a file where the folder should be", encoding="utf-8")
    store = Store(tmp_path, identity="code", secret=b"s" * 32)
    store.put("facts", "key", b"value")
    assert store.get("facts", "key") is None


def test_the_index_knows_an_unchanged_file_without_reading_it(tmp_path, settled, monkeypatch):
    file = tmp_path / "catalog.po"
    file.write_bytes(b"first")
    index = FileIndex(tmp_path / "index.json", b"s" * 32)
    digest = index.digest(file)
    index.save()
    again = FileIndex(tmp_path / "index.json", b"s" * 32)
    monkeypatch.setattr(index_module, "read_if_exists", lambda path: pytest.fail("read again"))
    assert again.known(file) == again.digest(file) == digest


def test_the_index_sees_an_edit_that_keeps_size_and_modification_time(tmp_path, settled):
    file = tmp_path / "catalog.po"
    file.write_bytes(b"first")
    index = FileIndex(tmp_path / "index.json", b"s" * 32)
    before = index.digest(file)
    times = file.stat()
    file.write_bytes(b"fifth")  # same size
    os.utime(file, ns=(times.st_atime_ns, times.st_mtime_ns))  # same mtime: the ctime moved
    assert index.known(file) is None
    assert index.digest(file) != before


def test_a_fresh_file_is_hashed_again_next_time(tmp_path):
    file = tmp_path / "catalog.po"
    file.write_bytes(b"just written")
    index = FileIndex(tmp_path / "index.json", b"s" * 32)
    index.digest(file)
    assert index.known(file) is None  # it could still change within the same clock tick


def test_a_forged_index_is_ignored(tmp_path, settled):
    file = tmp_path / "catalog.po"
    file.write_bytes(b"text")
    index = FileIndex(tmp_path / "index.json", b"s" * 32)
    index.digest(file)
    index.save()
    data = (tmp_path / "index.json").read_bytes()
    (tmp_path / "index.json").write_bytes(data[:32] + data[32:].replace(b'"', b'"', 1) + b" ")
    assert FileIndex(tmp_path / "index.json", b"s" * 32).entries == {}


def test_the_secret_is_made_once_outside_the_project_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv(store_module.SECRET_VARIABLE)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    store_module._secret_file.cache_clear()
    first = store_module.cache_secret()
    store_module._secret_file.cache_clear()
    assert store_module.cache_secret() == first and len(first) == 32
    path = tmp_path / "config" / "pipeline" / store_module.SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_a_writable_home_nothing_kept_is_trusted(tmp_path, monkeypatch):
    monkeypatch.delenv(store_module.SECRET_VARIABLE)
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocked))
    store_module._secret_file.cache_clear()
    first = store_module.cache_secret()
    store_module._secret_file.cache_clear()
    assert store_module.cache_secret() != first  # a key for one process only


def identity_in_subprocess(pythonpath: list[Path]) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, pythonpath))}
    return subprocess.run([sys.executable, "-c",
                           "from pipeline.cache import code_identity; print(code_identity())"],
                          env=env, cwd=pythonpath[0], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_code_identity_follows_the_package_files_and_the_installed_libraries(tmp_path):
    copy = tmp_path / "code"
    shutil.copytree(REPO / "pipeline", copy / "pipeline",
                    ignore=shutil.ignore_patterns("__pycache__"))
    original = identity_in_subprocess([copy])
    assert identity_in_subprocess([copy]) == original  # computed, the same every time
    module = copy / "pipeline" / "catalogs" / "linebreak.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = identity_in_subprocess([copy])
    assert edited != original
    libraries = tmp_path / "site"
    (libraries / "markdown_it_py-99.0.dist-info").mkdir(parents=True)
    assert identity_in_subprocess([copy, libraries]) not in (original, edited)


def test_the_code_identity_costs_little():
    code_identity.cache_clear()
    import time
    started = time.perf_counter()
    code_identity()
    assert time.perf_counter() - started < 5  # a sanity bound, not a benchmark (see make bench)
