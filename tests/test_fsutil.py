"""Writes that leave files either as they were or fully updated."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from pipeline.fsutil import (append_line, atomic_file, read_if_exists, stage_files, sweep,
                             temporary_name, umask, write_atomic, write_if_changed)


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


def test_a_new_file_gets_the_umask_s_mode_and_a_replaced_one_keeps_its_own(tmp_path: Path) -> None:
    new, old = tmp_path / "new.po", tmp_path / "old.po"
    old.write_text("eski")
    os.chmod(old, 0o640)
    for durable in (True, False):
        write_atomic(new, "yeni", durable=durable)
        write_atomic(old, "yeni", durable=durable)
        assert new.stat().st_mode & 0o777 == 0o666 & ~umask()
        assert old.stat().st_mode & 0o777 == 0o640 and old.read_text() == "yeni"
    write_atomic(tmp_path / "secret", b"x", durable=False, mode=0o600)
    assert (tmp_path / "secret").stat().st_mode & 0o777 == 0o600


def test_a_failed_write_leaves_the_file_as_it_was_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_text("eski")
    with pytest.raises(RuntimeError), atomic_file(path) as handle:
        handle.write(b"half")
        raise RuntimeError("disk full")
    assert path.read_text() == "eski" and sorted(tmp_path.iterdir()) == [path]


def test_an_exclusive_write_never_replaces_a_file(tmp_path: Path) -> None:
    path = tmp_path / "key"
    with atomic_file(path, mode=0o600, exclusive=True) as handle:
        handle.write(b"first")
    with pytest.raises(FileExistsError), atomic_file(path, exclusive=True) as handle:
        handle.write(b"second")
    assert path.read_bytes() == b"first" and sorted(tmp_path.iterdir()) == [path]


def test_every_write_uses_one_temporary_name_beside_its_target(tmp_path: Path) -> None:
    seen = []
    with atomic_file(tmp_path / "a.po") as handle:
        seen += [p.name for p in tmp_path.iterdir()]
        handle.write(b"1")
    staging = stage_files({tmp_path / "b.po": "2"})
    seen += [p.name for p in tmp_path.iterdir() if p.name.startswith(".b.po")]
    staging.discard()
    assert len(seen) == 2 and all(re.fullmatch(rf"\.[ab]\.po\.pipeline-{os.getpid()}-[0-9a-f]{{8}}\.tmp", n)
                                  for n in seen)


def test_read_if_exists(tmp_path: Path) -> None:
    assert read_if_exists(tmp_path / "missing") is None
    (tmp_path / "x").write_bytes(b"data")
    assert read_if_exists(tmp_path / "x") == b"data"
    with pytest.raises(IsADirectoryError):
        read_if_exists(tmp_path)


# ---------------------------------------------------------------- what runs left staged


def _left(folder: Path, pid: int, kind: str = "tmp", age: float | None = None) -> Path:
    """A staged file as the run of process ``pid`` would have left it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".x.po.pipeline-{pid}-0123abcd.{kind}"
    path.write_text("staged")
    if age is not None:
        os.utime(path, (age, age))
    return path


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_a_sweep_removes_only_what_runs_no_longer_running_staged(tmp_path: Path) -> None:
    dead = _left(tmp_path / "de" / "LC_MESSAGES", _dead_pid())
    live = _left(tmp_path / "en", os.getpid())
    aside = _left(tmp_path / "ru", _dead_pid(), kind="aside")  # a user's file waiting to go back
    other = tmp_path / ".x.po.1234.tmp"  # not a name this package makes
    other.write_text("someone else's")
    assert sweep([tmp_path]) == 1
    assert not dead.exists() and live.exists() and aside.exists() and other.exists()
    assert sweep([tmp_path], own=True) == 1
    assert not live.exists() and aside.exists()


@pytest.mark.skipif(not Path("/proc/1/stat").exists(), reason="reads start times from /proc")
def test_a_file_older_than_the_process_now_bearing_its_number_is_swept(tmp_path: Path) -> None:
    reused = _left(tmp_path / "a", 1, age=0)  # process 1 started long after 1970
    current = _left(tmp_path / "b", 1)
    assert sweep([tmp_path]) == 1
    assert not reused.exists() and current.exists()


def test_a_missing_or_unreadable_folder_is_passed_over(tmp_path: Path) -> None:
    assert sweep([tmp_path / "missing"]) == 0


def test_staged_files_are_ignored_by_git_and_set_aside_ones_are_not() -> None:
    target = REPO / "locale" / "en" / "LC_MESSAGES" / "x.po"

    def ignored(path: Path) -> bool:
        return subprocess.run(["git", "check-ignore", "-q", str(path.relative_to(REPO))],
                              cwd=REPO).returncode == 0

    assert ignored(temporary_name(target)) and not ignored(temporary_name(target, "aside"))


def test_many_staged_files_are_all_put_in_place_before_a_failure_is_raised(tmp_path, monkeypatch):
    targets = [tmp_path / f"{number:03d}.po" for number in range(100)]
    staging = stage_files({path: f"yeni {path.name}" for path in targets})
    real = os.replace

    def failing(source, target):
        if Path(target).name == "007.po":
            raise OSError(28, "No space left on device", str(source))
        real(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match="No space"):
        staging.commit()
    assert [path.name for path in targets if not path.exists()] == ["007.po"]
    assert all(path.read_text() == f"yeni {path.name}" for path in targets if path.name != "007.po")
    assert [path.name for path in tmp_path.glob(".007.po.*.tmp")]
