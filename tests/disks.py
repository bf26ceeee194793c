"""Real disks for tests of a full disk or a read-only folder: a small tmpfs of their own.

Mounting needs root (as the CI job runs); elsewhere the tests using them are
skipped with that reason. A test module imports ``mount_disk_fixture`` to use the
``mount_disk`` fixture.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

FULL = "no space left on device; free some space on its disk and run the command again"
READ_ONLY = "read-only file system; mount it read-write, or run the command in a writable copy of the project"


class Disk:
    """A tmpfs of its own, to fill up or make read-only."""

    def __init__(self, mount: Path):
        self.mount = mount

    def fill(self) -> None:
        """Write a file until the disk is full, down to the last page."""
        with open(self.mount / "filler", "wb", buffering=0) as filler:
            for size in (1 << 20, 1 << 12, 1):
                with suppress(OSError):
                    while True:
                        filler.write(b"\0" * size)

    def read_only(self) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(self.mount)], check=True)


@pytest.fixture(name="mount_disk")
def mount_disk_fixture(tmp_path: Path) -> Iterator:
    """``mount_disk(folder)``: a new 16 MiB tmpfs at ``folder`` (made empty), holding what was there."""
    mounted: list[Path] = []

    def mount(folder: Path) -> Disk:
        kept = tmp_path / f"kept-{len(mounted)}"
        if folder.exists():
            shutil.move(folder, kept)
        folder.mkdir(parents=True)
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)],
                                capture_output=True, text=True)
        if result.returncode:
            pytest.skip(f"cannot mount a tmpfs ({result.stderr.strip()}): the disk tests need root")
        mounted.append(folder)
        if kept.exists():
            shutil.copytree(kept, folder, dirs_exist_ok=True, symlinks=True)
        return Disk(folder)

    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], check=False)


__all__ = ["FULL", "READ_ONLY", "Disk", "mount_disk_fixture"]
