"""What every command shares: the app object the group hands them, and how they print."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any, NoReturn
from collections.abc import Sequence

import click

from pipeline.config import Config, load_config
from pipeline.errors import PipelineError
from pipeline.cache.store import values_folder
from pipeline.fsutil import sweep


class App:
    """The configuration, loaded on first use, and the languages a command asked for."""

    def __init__(self, config_path: Path | None):
        self.config_path = config_path

    @cached_property
    def config(self) -> Config:
        from pipeline.mt.store import move_old_store

        config = load_config(self.config_path)
        sweep(_staging_folders(config), skip=_unstaged(config))  # what killed runs left staged
        try:
            moved = move_old_store(config)  # at once, before anything deletes the cache folder
        except PipelineError as error:  # only commands that use the store need to stop
            warn("warning", error.format_message())
            return config
        if moved:
            warn("notice", moved, colour="cyan")
        return config

    def sweep_own(self) -> None:
        """Remove what this run staged and did not put in place: it is stopping."""
        if "config" in self.__dict__:
            sweep(_staging_folders(self.config), own=True, skip=_unstaged(self.config))

    def languages(self, requested: Sequence[str]) -> tuple[str, ...]:
        """The target languages of ``--lang`` (every one when none), refusing unknown ones."""
        return self.config.check_languages(tuple(requested))

    def language(self, requested: str) -> str:
        """The one target language of a sign-off command, refusing an unknown one."""
        return self.languages((requested,))[0]


pass_app = click.make_pass_decorator(App)


def _staging_folders(config: Config) -> list[Path]:
    """Where commands stage files: catalogs and ledgers, the paid store, the cache."""
    return [config.locale_dir, config.translations_dir, config.cache_dir]


def _unstaged(config: Config) -> list[Path]:
    """Folders below those where nothing is staged: not walked (the store's values)."""
    return [values_folder(config.cache_dir)]


def use_color() -> bool | None:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    return None


def style(text: str, **kwargs: Any) -> str:
    if use_color() is False:
        return text
    return click.style(text, **kwargs)


def echo(text: str = "", err: bool = False) -> None:
    click.echo(text, err=err, color=use_color())


def warn(label: str, text: str, colour: str = "yellow") -> None:
    """One line on stderr, its label in colour: ``warning: …``, ``note: …``."""
    echo(style(f"{label}: ", fg=colour) + text, err=True)


def roster_trust(config: Config, publishing: bool = False) -> str:
    """One line on the roster's trust: why it does not count (an error), or, for a command that
    publishes from a roster no trust root is pinned for, a notice saying so (no roster file: no
    doctor, nothing to check). Returns the refusal ("" if none)."""
    from pipeline.signoff.roster import load_roster
    from pipeline.signoff.trust import unpinned_notice

    roster = load_roster(config)
    if roster.refused:
        warn("error", roster.refused, colour="red")
    elif publishing and not roster.root and roster.content is not None:
        warn("notice", unpinned_notice(config), colour="cyan")
    return roster.refused


def entries(count: int) -> str:
    """``1 entry``, ``2 entries``."""
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def table(headings: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> str:
    """A plain text table: the first column left-aligned, the numbers right-aligned."""
    cells = [tuple(str(value) for value in row) for row in rows]
    widths = [max(len(heading), *(len(row[i]) for row in cells)) if cells else len(heading)
              for i, heading in enumerate(headings)]

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(value.ljust(width) if i == 0 else value.rjust(width)
                         for i, (value, width) in enumerate(zip(values, widths))).rstrip()

    out = [style(line(headings), bold=True)]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def fail() -> NoReturn:
    """Exit with the error code after a report that already says what failed."""
    click.get_current_context().exit(PipelineError.exit_code)
