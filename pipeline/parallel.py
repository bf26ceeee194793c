"""Independent work spread over the machine's cores, on worker processes forked from this one.

Forking lets a worker start with everything this process holds: the
configuration, the gate's verdicts, a check function a test put in place
(none of which need to be importable by name). Work goes out in chunks and
results come back in order, so the outcome is that of doing the chunks here,
one after another. A pipeline error in a worker is raised here as it was.

Workers never outlive this process: each asks the kernel to kill it when its
parent dies (Linux's ``PR_SET_PDEATHSIG``) and watches for a new parent
elsewhere, so a killed ``pull`` leaves no worker holding its output open.
Ctrl-C is this process's to handle: workers ignore it, and any exception here
(the interrupt among them) ends them at once instead of awaiting their chunks.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from collections.abc import Callable, Sequence

from pipeline import fsutil
from pipeline.errors import PipelineError

JOBS_VARIABLE = "PIPELINE_JOBS"
T = TypeVar("T")

_work: tuple = ()

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WATCH_INTERVAL = 0.5  # seconds between a worker's looks at its parent, where prctl is missing


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
             workers: int | None = None, meanwhile: Callable[[], None] | None = None) -> list:
    """``function(state, chunk)`` for every chunk, in order: on forked workers when it pays.

    ``meanwhile``: this process's own work, done while the workers run (before the
    chunks, when there are none), so that no core waits for it.
    """
    workers = jobs() if workers is None else workers
    if workers < 2 or len(chunks) < 2 or not _can_fork():
        if meanwhile is not None:
            meanwhile()
        return [function(state, chunk) for chunk in chunks]
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(min(workers, len(chunks)), mp_context=context,
                               initializer=_begin, initargs=(function, state, os.getpid()))
    try:
        pending = pool.map(_run, chunks)
        if meanwhile is not None:
            meanwhile()
        results = list(pending)
    except BrokenProcessPool:
        _end_now(pool)
        raise PipelineError(f"a worker process died (killed from outside, or out of memory); "
                            f"run the command again, with {JOBS_VARIABLE}=1 to use none") from None
    except BaseException:
        _end_now(pool)
        raise
    pool.shutdown()
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


def _end_now(pool: ProcessPoolExecutor) -> None:
    """Stop every worker without awaiting its chunk: what it staged is swept by its run."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join()


def _begin(function: Callable, state: Any, parent: int) -> None:
    global _work
    _work = (function, state)
    fsutil.set_run(parent)  # what this worker stages is its run's, swept with it
    for signum in (signal.SIGINT, signal.SIGTERM):  # sent to the whole group: the parent stops
        signal.signal(signum, signal.SIG_IGN)           # the run, then this worker
    _die_with(parent)


def _die_with(parent: int) -> None:
    """End this worker as soon as ``parent`` is gone, whatever ended it (even SIGKILL)."""
    signalled = _death_signal()
    if os.getppid() != parent:  # it died before the request above was made
        os._exit(1)
    if not signalled:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _death_signal() -> bool:
    """Ask Linux to SIGKILL this process when the thread that forked it ends; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    """Where no death signal exists: an orphan's parent changes, so look every now and then."""
    while os.getppid() == parent:
        time.sleep(_WATCH_INTERVAL)
    os._exit(1)


def _run(chunk: Any) -> Any:
    function, state = _work
    try:
        return function(state, chunk)
    except PipelineError as error:
        return _Failure(type(error), error.message, error.path, error.line)
