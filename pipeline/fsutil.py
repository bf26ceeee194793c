"""Atomic file writes: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Staging:
    """New file contents written beside their targets, not yet in place."""

    files: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, target)
    folders: list[Path] = field(default_factory=list)  # created for the new files

    def __iadd__(self, other: "Staging") -> "Staging":
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
            if isinstance(data, str):
                data = data.encode("utf-8")
            staging.folders += _make_folders(path.parent)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            staging.files.append((temporary, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            try:
                os.chmod(temporary, path.stat().st_mode & 0o777)
            except FileNotFoundError:
                pass  # a new file keeps the mode the umask gave it
    except BaseException:
        staging.discard()
        raise
    return staging


def _make_folders(folder: Path) -> list[Path]:
    """Create a folder and its missing parents; the ones created, outermost first."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir(exist_ok=True)
    return list(reversed(missing))


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Write only when the bytes differ, so unchanged files keep their mtime."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
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
