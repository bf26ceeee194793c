"""Which commands write the project and which only read it: the one place that says so.

``@writes`` holds the project lock exclusively for the whole command, ``@reads``
holds it shared, ``@decides`` leaves it to each decision (a review session or the
review page may stay open for hours; each approve or reject locks the project
only while it signs, appends and rewrites the catalogs). Each adds ``--no-wait``.
The lock itself is :mod:`pipeline.locking`.
"""

from __future__ import annotations

import functools
from typing import Any
from collections.abc import Callable

import click

from pipeline.cli.app import App, warn
from pipeline.cli.options import no_wait_option
from pipeline.locking import EXCLUSIVE, SHARED, policy, project_lock

DECISIONS = "per decision"


def _locked(mode: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def run(*args: Any, no_wait: bool, **kwargs: Any) -> Any:
            context = click.get_current_context()
            with policy(wait=not no_wait, command=context.command_path,
                        notice=lambda text: warn("notice", text, colour="cyan")):
                if mode == DECISIONS:
                    return command(*args, **kwargs)
                with project_lock(context.find_object(App).config, mode):  # type: ignore[union-attr]
                    return command(*args, **kwargs)

        run.lock_mode = mode  # type: ignore[attr-defined]
        return no_wait_option(run)
    return decorate


writes = _locked(EXCLUSIVE)
reads = _locked(SHARED)
decides = _locked(DECISIONS)
