"""Independent work spread over the machine's cores, on worker processes forked from this one.

Forking lets a worker start with everything this process holds: the
configuration, the gate's verdicts, a check function a test put in place
(none of which need to be importable by name). Work goes out in chunks and
results come back in order, so the outcome is that of doing the chunks here,
one after another. A pipeline error in a worker is raised here as it was.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from collections.abc import Callable, Sequence

from pipeline.errors import PipelineError

JOBS_VARIABLE = "PIPELINE_JOBS"
T = TypeVar("T")

_work: tuple = ()


def jobs() -> int:
    """Worker processes to use: PIPELINE_JOBS, else the cores this process may run on."""
    configured = os.environ.get(JOBS_VARIABLE, "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def fork_map(function: Callable[[Any, Any], Any], chunks: list, state: Any,
             workers: int | None = None) -> list:
    """``function(state, chunk)`` for every chunk, in order: on forked workers when it pays."""
    workers = jobs() if workers is None else workers
    if workers < 2 or len(chunks) < 2 or not _can_fork():
        return [function(state, chunk) for chunk in chunks]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(workers, len(chunks)), mp_context=context,
                             initializer=_begin, initargs=(function, state)) as pool:
        results = list(pool.map(_run, chunks))
    for result in results:
        if isinstance(result, _Failure):
            raise result.error()
    return results


def _can_fork() -> bool:
    """Forking is safe only without other threads (a server calling the gate has some)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


@dataclass(frozen=True)
class _Failure:
    """A pipeline error met in a worker, carried back whole (an exception loses path and line)."""

    kind: type
    message: str
    path: Path | None
    line: int | None

    def error(self) -> PipelineError:
        return self.kind(self.message, self.path, self.line)


def _begin(function: Callable, state: Any) -> None:
    global _work
    _work = (function, state)


def _run(chunk: Any) -> Any:
    function, state = _work
    try:
        return function(state, chunk)
    except PipelineError as error:
        return _Failure(type(error), error.message, error.path, error.line)
