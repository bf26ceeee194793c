"""Writes that leave files either as they were or fully updated."""

from __future__ import annotations

import os

import pytest

from pipeline.fsutil import append_line, stage_files, write_atomic, write_if_changed


def test_staged_files_replace_their_targets_only_on_commit(tmp_path):
    old = tmp_path / "old.po"
    old.write_text("eski")
    os.chmod(old, 0o640)
    staging = stage_files({old: "yeni", tmp_path / "a" / "b" / "new.po": "yeni dosya"})
    assert old.read_text() == "eski" and not (tmp_path / "a" / "b" / "new.po").exists()
    staging.commit()
    assert old.read_text() == "yeni" and old.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "a" / "b" / "new.po").read_text() == "yeni dosya"
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_discarding_leaves_no_trace(tmp_path):
    (tmp_path / "keep").mkdir()
    staging = stage_files({tmp_path / "keep" / "x.po": "1", tmp_path / "new" / "dir" / "y.po": "2"})
    staging.discard()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["keep"]


def test_a_failure_while_staging_removes_what_was_staged(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    with pytest.raises(OSError):
        stage_files({tmp_path / "ok" / "a.po": "1", blocked / "b.po": "2"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked"]


def test_write_if_changed_keeps_the_mtime_of_an_unchanged_file(tmp_path):
    path = tmp_path / "x.po"
    write_atomic(path, "aynı")
    before = path.stat().st_mtime_ns
    assert write_if_changed(path, "aynı") is False
    assert path.stat().st_mtime_ns == before
    assert write_if_changed(path, "farklı") is True and path.read_text() == "farklı"


def test_append_line_adds_exactly_one_line(tmp_path):
    path = tmp_path / "ledger.jsonl"
    append_line(path, '{"a": 1}')
    append_line(path, '{"b": 2}\n')
    assert path.read_text() == '{"a": 1}\n{"b": 2}\n'
