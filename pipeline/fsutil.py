"""The package's one way to write a file: a reader sees the old file or the new one, never half.

Every write goes to a new file beside its target, ``.NAME.RANDOM.tmp``, that
a rename puts in place. A *durable* write reaches the disk before the rename
(files a user keeps: catalogs, sheets, exports, keys); a cache file skips
that, since a lost one is only made again.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from collections.abc import Iterator

_ATTEMPTS = 100  # random names tried before giving up (a clash is already unlikely)


def write_atomic(path: Path, data: bytes | str, durable: bool = True,
                 mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    ``mode``: the file's permissions (default: an existing file's, else what the umask allows).
    """
    with atomic_file(path, durable, mode) as handle:
        handle.write(_encoded(data))


@contextmanager
def atomic_file(path: Path, durable: bool = True, mode: int | None = None,
                exclusive: bool = False) -> Iterator[BinaryIO]:
    """``with atomic_file(path) as handle``: what is written takes ``path``'s place at the end.

    On an error the temporary file is removed and ``path`` is as it was.
    ``exclusive``: never replace a file; one that appeared meanwhile wins
    (``FileExistsError``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = _create_temporary(path, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if exclusive:
            os.link(temporary, path)
            temporary.unlink()
        else:
            os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


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
        catalogs from waiting on the disk thousands of times.
        """
        if self.files:
            os.sync()
        for temporary, target in self.files:
            os.replace(temporary, target)

    def discard(self) -> None:
        """Remove every temporary file, and the folders made for them: as if nothing happened."""
        for temporary, _ in self.files:
            temporary.unlink(missing_ok=True)
        for folder in sorted(set(self.folders), key=lambda p: len(p.parts), reverse=True):
            try:
                folder.rmdir()
            except OSError:
                pass


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
            staging.folders += _make_folders(path.parent)
            fd, temporary = _create_temporary(path)
            staging.files.append((temporary, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(_encoded(data))
    except BaseException:
        staging.discard()
        raise
    return staging


def _create_temporary(path: Path, mode: int | None = None) -> tuple[int, Path]:
    """A new file ``.NAME.RANDOM.tmp`` beside ``path``, open for writing, with the mode it will keep.

    That is ``mode`` when given, else the mode of the file it replaces, else
    what the umask allows (the kernel applies it to a new file).
    """
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            pass
    for _ in range(_ATTEMPTS):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
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
