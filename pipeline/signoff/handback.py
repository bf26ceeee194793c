"""Handing a review session's work back: what was decided, and the one commit that records it.

A session (the review page, or the terminal) tallies its decisions per language and
the files they wrote: the ledgers and the catalogs. When it ends, the doctor or the
maintainer is told how many strings were approved, rejected and corrected, and the
exact ``git add`` / ``git commit`` to run, or the commit is made (``review serve
--commit``). Only the session's own files are named, so nothing else staged or
edited in the working tree goes into that commit.
"""

from __future__ import annotations

import shlex
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.signoff.i18n import _

APPROVED, REJECTED, CORRECTED = "approved", "rejected", "corrected"
KINDS = (APPROVED, REJECTED, CORRECTED)


class HandBackError(PipelineError):
    """The session's commit could not be made."""


@dataclass
class Tally:
    """The decisions of one session, per language, and the files they wrote (project-relative)."""

    reviewer: str
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    files: dict[str, None] = field(default_factory=dict)  # in the order first written

    def record(self, language: str, kind: str, strings: int, files: tuple[str, ...]) -> None:
        self.counts.setdefault(language, Counter())[kind] += strings
        self.files.update(dict.fromkeys(files))

    @property
    def empty(self) -> bool:
        return not self.files

    def summary(self) -> list[str]:
        """One line per language: how many strings were approved, rejected and corrected."""
        return [_("%(language)s: %(approved)d approved, %(rejected)d rejected, "
                  "%(corrected)d corrected")
                % {"language": language, "approved": counts[APPROVED],
                   "rejected": counts[REJECTED], "corrected": counts[CORRECTED]}
                for language, counts in self.counts.items()]

    def message(self) -> str:
        """The commit message: who reviewed, and the counts per language (in English, like the log)."""
        parts = []
        for language, counts in self.counts.items():
            done = ", ".join(f"{counts[kind]} {kind}" for kind in KINDS if counts[kind])
            if done:
                parts.append(f"{language} {done}")
        return f"Review by {self.reviewer}: {'; '.join(parts)}"

    def commands(self) -> list[str]:
        """The exact commands that commit the session's files, to run in the project folder."""
        files = " ".join(shlex.quote(name) for name in self.files)
        return [f"git add -- {files}",
                f"git commit -m {shlex.quote(self.message())} -- {files}"]


def commit(root: Path, tally: Tally) -> str:
    """Commit exactly the session's files in the project's git repository; the new commit's id."""
    files = list(tally.files)
    _git(root, "add", "--", *files)
    _git(root, "commit", "--quiet", "-m", tally.message(), "--", *files)
    return _git(root, "rev-parse", "--short", "HEAD").strip()


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=60)
    except OSError as exc:
        raise HandBackError(f"cannot run git ({exc.strerror or exc}): commit by hand with the "
                            "commands printed") from None
    if done.returncode != 0:
        reason = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise HandBackError(f"git {args[0]} failed: {reason[0] if reason else done.returncode} "
                            "(nothing of the review is lost: commit by hand with the commands printed)")
    return done.stdout
