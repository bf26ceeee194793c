"""One exception hierarchy for everything a user can fix, or chose to stop.

Each error knows the file and line at fault, its exit code (a class
attribute) and how to show itself: ``format_message()`` is the one line
``file:line: message`` that the review page renders, ``show()`` what the CLI
prints on stderr before exiting with ``exit_code``.

Exit codes: 1 an error, 2 wrong usage, 3 a language was stopped, 75 the project is busy
(``--no-wait``; 75 is sysexits' EX_TEMPFAIL: try again later), 130 interrupted (Ctrl-C),
143 terminated (SIGTERM); 141 when the output's reader went away (the CLI's).
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import IO

import click

KEPT = "work finished before the interrupt is kept"  # what any command keeps when stopped


class PipelineError(Exception):
    """An error the user can act on, pointing at the file and line at fault."""

    exit_code: int = 1
    label: str | None = "error"  # shown before the message on stderr

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __reduce__(self) -> tuple[type[PipelineError], tuple[str, Path | None, int | None]]:
        # Keep path and line when an error crosses from a worker process.
        return (type(self), (self.message, self.path, self.line))

    def format_message(self) -> str:
        """One line: ``file:line: message``, or only the message when no file is at fault."""
        if self.path is None:
            return self.message
        where = display_path(self.path)
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.format_message()

    def show(self, file: IO[str] | None = None) -> None:
        """Print the error as the CLI does: one line on stderr (or ``file``), its label in colour.

        Colour follows the Click context (the CLI turns it off for ``NO_COLOR``)
        and is dropped when the output is not a terminal.
        """
        label = click.style(f"{self.label}: ", fg="red", bold=True) if self.label else ""
        click.echo(label + self.format_message(), file=file, err=file is None)


class UsageError(PipelineError):
    """Options that do not go together, or a command used the wrong way."""

    exit_code = 2


class ConfigError(PipelineError):
    """pipeline.toml or reviewers.toml is missing or wrong."""


class LanguageError(ConfigError):
    """A ``--lang`` the configuration does not name: wrong usage, as Click's own errors are."""

    exit_code = UsageError.exit_code


class SourceError(PipelineError):
    """A source article cannot be read or parsed."""


class CatalogError(PipelineError):
    """A .po or .pot file is malformed."""


class SignoffError(PipelineError):
    """A key, roster or ledger problem."""


class EngineError(PipelineError):
    """A machine-translation engine failed."""


class StoreError(PipelineError):
    """The machine-translation store, or an export of it, cannot be read or written."""


class BuildError(PipelineError):
    """The site cannot be built."""


class StoppedError(PipelineError):
    """A language was stopped because it is not fully reviewed (``--strict``)."""

    exit_code = 3


class LockedError(PipelineError):
    """Another command holds the project lock and this one was told not to wait (``--no-wait``)."""

    exit_code = 75


class Interrupted(PipelineError):
    """Ctrl-C: the command stopped, and its message says what was kept.

    Like Click's ``Abort``, not an error of the user's: shown without the
    ``error:`` label.
    """

    exit_code = 130
    label = None
    verb = "interrupted"

    def __init__(self, message: str = f"{verb}: {KEPT}", path: Path | str | None = None,
                 line: int | None = None):
        super().__init__(message, path, line)


class Terminated(Interrupted):
    """SIGTERM: stopped from outside (a cancelled CI job, ``kill``), kept what Ctrl-C keeps."""

    exit_code = 143
    verb = "terminated"

    def __init__(self, message: str = f"{verb}: {KEPT}", path: Path | str | None = None,
                 line: int | None = None):
        super().__init__(message, path, line)


def stopped(stop: KeyboardInterrupt, kept: str = KEPT) -> Interrupted:
    """A Ctrl-C or a SIGTERM as the error that ends the command: ``interrupted: KEPT``."""
    from pipeline.interrupts import SigTerm

    kind = Terminated if isinstance(stop, SigTerm) else Interrupted
    return kind(f"{kind.verb}: {kept}")


def file_error(exc: OSError) -> PipelineError:
    """An error of the file system (disk full, read-only, no permission) as one line naming the
    file and what to do. A temporary file stands for the file it was to become."""
    from pipeline.fsutil import target_of

    filename = exc.filename if isinstance(exc.filename, str) else None
    reason = (exc.strerror or str(exc)).rstrip(".")
    advice = _ADVICE.get(exc.errno or 0, "")
    return PipelineError(f"{reason.lower()}{'; ' + advice if advice else ''}",
                         target_of(Path(filename)) if filename else None)


_ADVICE = {
    errno.ENOSPC: "free some space on its disk and run the command again",
    errno.EDQUOT: "free some of your disk quota and run the command again",
    errno.EROFS: "mount it read-write, or run the command in a writable copy of the project",
    errno.EACCES: "let this user read and write it (or its folder), then run the command again",
    errno.EPERM: "let this user read and write it (or its folder), then run the command again",
}


def display_path(path: Path) -> str:
    """Show paths relative to the working directory when they are inside it.

    A link is shown as itself, not as where it leads: it is the file at fault.
    """
    try:
        unfollowed = path.resolve() if path.name in ("", ".", "..") else \
            path.parent.resolve() / path.name
        return str(unfollowed.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
