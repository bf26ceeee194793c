"""One exception hierarchy for everything a user can fix.

Each error knows the file and line at fault and its exit code; the CLI prints
``str(error)`` as one line on stderr and exits with ``error.exit_code``.
"""

from __future__ import annotations

from pathlib import Path

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3


class PipelineError(Exception):
    """An error the user can act on, pointing at the file and line at fault."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __reduce__(self):
        # Keep path and line when an error crosses from a worker process.
        return (type(self), (self.message, self.path, self.line))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = _display_path(self.path)
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class ConfigError(PipelineError):
    """pipeline.toml or reviewers.toml is missing or wrong."""


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

    exit_code = EXIT_STOPPED


def _display_path(path: Path) -> str:
    """Show paths relative to the working directory when they are inside it.

    A link is shown as itself, not as where it leads: it is the file at fault.
    """
    try:
        unfollowed = path.resolve() if path.name in ("", ".", "..") else \
            path.parent.resolve() / path.name
        return str(unfollowed.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
