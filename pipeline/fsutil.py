"""The package's one way to write a file: a reader sees the old file or the new one, never half.

Every write goes to a new file beside its target, ``.NAME.pipeline-PID-RANDOM.tmp``
(PID: the run's process, which its workers share), that a rename puts in
place. A *durable* write reaches the disk before the rename (files a user
keeps: catalogs, sheets, exports, keys); a cache file skips that, since a
lost one is only made again. What a run that was killed left staged is
found by that name: :func:`sweep` removes it once its run is gone.
"""

from __future__ import annotations

import os
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from collections.abc import Collection, Iterator

from pipeline.processes import alive, start_time

_ATTEMPTS = 100  # random names tried before giving up (a clash is already unlikely)
# A rename over an existing file waits on the file system's journal (freeing the old
# file's blocks), not on the CPU: several at once finish many times sooner.
_RENAME_THREADS = 8
_THREADED_RENAMES = 32  # fewer renames than this go one after another
_TEMPORARY_RE = re.compile(r"^\.(.+)\.pipeline-(\d+)-[0-9a-f]{8}\.(tmp|aside)$")
_run = os.getpid()  # the process whose run the temporary files belong to


def set_run(pid: int) -> None:
    """Name temporary files after ``pid``'s run: a worker forked by that process calls it."""
    global _run
    _run = pid


def temporary_name(path: Path, kind: str = "tmp") -> Path:
    """A fresh name beside ``path`` for a file of this run: ``tmp`` is staged, ``aside`` set aside.

    Only ``tmp`` files are ever swept: a file set aside is a user's file waiting to go back.
    """
    return path.with_name(f".{path.name}.pipeline-{_run}-{secrets.token_hex(4)}.{kind}")


def target_of(path: Path) -> Path:
    """The file a temporary file stands for (``path`` itself when it is not one)."""
    match = _TEMPORARY_RE.match(path.name)
    return path.with_name(match.group(1)) if match else path


def write_atomic(path: Path, data: bytes | str, durable: bool = True,
                 mode: int | None = None, staging: Path | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    ``mode``: the file's permissions (default: an existing file's, else what the umask allows).
    ``staging``: the folder of the temporary file, on the same file system (default: ``path``'s).
    """
    with atomic_file(path, durable, mode, staging=staging) as handle:
        handle.write(_encoded(data))


@contextmanager
def atomic_file(path: Path, durable: bool = True, mode: int | None = None,
                exclusive: bool = False, staging: Path | None = None) -> Iterator[BinaryIO]:
    """``with atomic_file(path) as handle``: what is written takes ``path``'s place at the end.

    On an error the temporary file is removed and ``path`` is as it was.
    ``exclusive``: never replace a file; one that appeared meanwhile wins
    (``FileExistsError``).
    """
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        if staging is not None:
            staging.mkdir(parents=True, exist_ok=True)
        fd, temporary = _create_temporary(path, mode, staging)
    try:
        with naming(path), os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        with naming(path):
            if exclusive:
                os.link(temporary, path)
                temporary.unlink()
            else:
                os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """An OSError names ``path`` when it names no file (a write to an open file: disk full) or
    one staged for it: anything in a hidden ``.NAME.…`` beside it."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None or _staged_for(Path(exc.filename), path):
            exc.filename = str(path)
        raise


def _staged_for(filename: Path, path: Path) -> bool:
    return any(part.parent == path.parent and part.name.startswith(f".{path.name}.")
               for part in (filename, *filename.parents))


@dataclass
class Staging:
    """New file contents written beside their targets, not yet in place."""

    files: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, target)
    folders: list[Path] = field(default_factory=list)  # created for the new files

    def __iadd__(self, other: Staging) -> Staging:
        self.files += other.files
        self.folders += other.folders
        return self

    @property
    def targets(self) -> list[Path]:
        return [target for _, target in self.files]

    def commit(self) -> None:
        """One ``os.sync`` for all, then each rename (atomic on its own).

        One sync instead of an fsync per file keeps a pull of thousands of
        catalogs from waiting on the disk thousands of times. Many renames run
        on a few threads; every one is attempted or done before the first
        failure (in staging order) is raised, so what is in place is settled.
        """
        if self.files:
            os.sync()
        if len(self.files) < _THREADED_RENAMES:
            for temporary, target in self.files:
                os.replace(temporary, target)
            return
        with ThreadPoolExecutor(_RENAME_THREADS) as pool:
            failures = list(pool.map(_replace, self.files))
        for failure in failures:
            if failure is not None:
                raise failure

    def discard(self) -> None:
        """Remove every temporary file, and the folders made for them: as if nothing happened."""
        for temporary, _ in self.files:
            temporary.unlink(missing_ok=True)
        for folder in sorted(set(self.folders), key=lambda p: len(p.parts), reverse=True):
            try:
                folder.rmdir()
            except OSError:
                pass


def _replace(files: tuple[Path, Path]) -> OSError | None:
    """Put one staged file in place; the error, returned instead of raised, when that fails."""
    try:
        os.replace(*files)
    except OSError as exc:
        return exc
    return None


def write_files(files: dict[Path, bytes | str]) -> None:
    """Write many files: all to temporary files first, one sync, then the renames."""
    stage_files(files).commit()


def stage_files(files: dict[Path, bytes | str]) -> Staging:
    """Write each file's new content beside it, leaving every target as it was.

    On any failure what was written so far is removed again.
    """
    staging = Staging()
    try:
        for path, data in files.items():
            with naming(path):
                staging.folders += _make_folders(path.parent)
                fd, temporary = _create_temporary(path)
                staging.files.append((temporary, path))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(_encoded(data))
    except BaseException:
        staging.discard()
        raise
    return staging


def _create_temporary(path: Path, mode: int | None = None, staging: Path | None = None
                      ) -> tuple[int, Path]:
    """A new file ``.NAME.RANDOM.tmp`` beside ``path`` (or in ``staging``), open for writing, with
    the mode it will keep.

    That is ``mode`` when given, else the mode of the file it replaces, else
    what the umask allows (the kernel applies it to a new file).
    """
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            pass
    for _ in range(_ATTEMPTS):
        temporary = temporary_name(path)
        if staging is not None:
            temporary = staging / temporary.name
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                         0o666 if mode is None else 0o600)
        except FileExistsError:
            continue
        if mode is not None:
            try:
                os.fchmod(fd, mode)  # exactly this mode, whatever the umask
            except BaseException:
                os.close(fd)
                temporary.unlink(missing_ok=True)
                raise
        return fd, temporary
    raise FileExistsError(f"no free temporary name beside {path}")


def _make_folders(folder: Path) -> list[Path]:
    """Create a folder and its missing parents; the ones created, outermost first."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir(exist_ok=True)
    return list(reversed(missing))


def read_if_exists(path: Path) -> bytes | None:
    """A file's bytes, or None when there is no such file (other errors go on)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Write only when the bytes differ, so unchanged files keep their mtime."""
    data = _encoded(data)
    if read_if_exists(path) == data:
        return False
    write_atomic(path, data)
    return True


def append_line(path: Path, line: str) -> None:
    """Append one line and flush it to disk before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line.rstrip("\n") + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def umask() -> int:
    """The process umask (reading it means setting it: it is put straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _encoded(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


# ---------------------------------------------------------------- what runs left staged


def sweep(folders: list[Path], own: bool = False, skip: Collection[Path] = ()) -> int:
    """Remove the staged files that runs no longer running left in these folders (and below).

    ``own``: this run's instead, as it stops. A file of a live run is never
    touched, nor one set aside. ``skip``: folders below them where nothing is
    staged, not walked. Returns how many were removed; a folder that cannot be
    read or written is passed over (there is nothing to free there).
    """
    removed = 0
    for folder in folders:
        for root, subfolders, names in os.walk(folder):
            subfolders[:] = [name for name in subfolders if Path(root, name) not in skip]
            for name in names:
                match = _TEMPORARY_RE.match(name)
                if match and match.group(3) == "tmp":
                    removed += _remove_if_left(Path(root, name), int(match.group(2)), own)
    return removed


def _remove_if_left(path: Path, owner: int, own: bool) -> bool:
    """Remove a staged file that its run left (``own``: that this run is leaving)."""
    left = owner == _run if own else not _running_since(owner, path)
    if left:
        try:
            path.unlink()
        except OSError:
            return False
    return left


def _running_since(pid: int, path: Path) -> bool:
    """Whether process ``pid`` runs and was already running when ``path`` was made.

    A process started after the file was made only reuses a dead run's number.
    """
    if not alive(pid):
        return False
    started = start_time(pid)
    try:
        return started is None or started <= path.stat().st_mtime + 1
    except FileNotFoundError:
        return True  # gone already
