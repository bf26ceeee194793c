"""Files stay inside the project: the one rule for where the pipeline reads and writes.

Every file the pipeline reads or writes as part of the project (source articles,
templates, catalogs, ledgers, the roster, glossaries, the project's page templates)
must, once links and ``..`` are followed, be inside the folder it belongs to; and
every such folder, and the roster, must be inside the project. Otherwise a link
committed by anyone with push access (``source/x.md -> ~/.env``) would publish a
file from the machine that runs the pipeline, copy it into tracked catalogs and send
it to DeepL; a linked ledger would make approvals append elsewhere.

A link that stays inside its folder is allowed (``locale/pt -> pt_BR``). A file is
kept to its *own* folder, not merely to the project, so that a link in ``source/``
cannot publish an ignored file of the project either (a ``.env`` beside
``pipeline.toml``, the cache folder).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.errors import PipelineError


class OutsideError(PipelineError):
    """A project file that leads, through a link or ``..``, out of the folder it belongs to."""


def real(path: Path) -> Path:
    """Where ``path`` really is: every link and ``..`` followed, even a dangling last link."""
    return Path(os.path.realpath(path))


def escapes(path: Path, folder: Path) -> Path | None:
    """Where ``path`` really is when that is not inside ``folder`` (really); None when it is."""
    found, bound = real(path), real(folder)
    return None if found == bound or found.is_relative_to(bound) else found


def is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


class Bounds:
    """Keeps files to their folders, for one configuration.

    Resolving every path costs more than reading many files, so the folder holding
    a file is resolved once per run and the file itself is only looked at with
    ``lstat``: a plain file in a folder known to be inside is inside.
    """

    def __init__(self, root: Path):
        self.root = root
        self._folders: dict[tuple[str, Path], Path | None] = {}

    def check(self, path: Path, folder: Path, what: str) -> Path:
        """``path``, or an OutsideError when it leads out of ``folder``."""
        parent, name = os.path.split(path)
        key = (parent, folder)
        if key not in self._folders:
            self._folders[key] = escapes(Path(parent), folder)
        where = self._folders[key]
        if where is not None or name in ("", ".", "..") or is_link(path):
            where = escapes(path, folder)
        if where is not None:
            raise outside(path, what, self.shown(folder), where)
        return path

    def shown(self, folder: Path) -> str:
        """A folder as messages name it: relative to the project, or 'the project'."""
        if real(folder) == real(self.root):
            return "the project"
        try:
            return real(folder).relative_to(real(self.root)).as_posix() + "/"
        except ValueError:
            return folder.as_posix() + "/"


def outside(path: Path, what: str, folder: str, where: Path) -> OutsideError:
    return OutsideError(
        f"{what} leads outside {folder} (to {where}): links and '..' may not bring a file into "
        "the project from elsewhere; replace the link with the file itself", path)
