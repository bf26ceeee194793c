"""Ctrl-C during work that must be finished: the first one stops the run, none cuts the stopping short.

Within :func:`guard`, the first SIGINT raises KeyboardInterrupt as usual —
unless it arrives inside a :func:`shielded` block, which then runs to its end
and raises it there. From that first interrupt on, and from the moment any
exception leaves a shielded block, the run is *stopping*: every further Ctrl-C
is noted (one line on stderr) and ignored until the guard ends, so the work of
stopping — awaiting the requests in flight, writing what they returned — is
never cut short. (Ignoring it costs no time: the interpreter would await the
requests in flight before exiting anyway.)

SIGTERM (a CI job cancelled, ``kill``) stops a run the same way
(:class:`SigTerm`) once :func:`stop_on_terminate` is called (the console script does).

Python delivers signals to the main thread only; elsewhere both are no-ops.
"""

from __future__ import annotations

import functools
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType, TracebackType
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

STOPPING = (signal.SIGINT, signal.SIGTERM)
NOTE = (b"interrupt noted: stopping; waiting for the requests in flight and keeping every "
        b"translation received\n")


class SigTerm(KeyboardInterrupt):
    """SIGTERM: a stop from outside, handled as Ctrl-C is (its own exit code, 143)."""


def _interrupt(signum: int) -> KeyboardInterrupt:
    return SigTerm() if signum == signal.SIGTERM else KeyboardInterrupt()


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise SigTerm()


def stop_on_terminate() -> None:
    """Let SIGTERM stop the run as Ctrl-C does (no handler: it ends the process on the spot)."""
    if _in_main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)


class _Guard:
    """The state of the one SIGINT handler of this process, while a guard is installed."""

    def __init__(self) -> None:
        self.active = False
        self.depth = 0          # shielded blocks open in the main thread
        self.stopping = False   # an interrupt was raised (or deferred), or an error left a shield
        self.pending = False    # the first interrupt arrived inside a shielded block
        self.noted = False
        self.signum: int = signal.SIGINT  # the signal that stopped the run

    def reset(self) -> None:
        self.depth, self.stopping, self.pending, self.noted = 0, False, False, False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping or not self.active:
            self._note()
            return
        self.stopping = True
        self.signum = signum
        if self.depth:
            self.pending = True
            return
        raise _interrupt(signum)

    def _note(self) -> None:
        if not self.noted:
            self.noted = True
            with suppress(OSError):
                os.write(2, NOTE)  # safe in a signal handler, unlike print


_GUARD = _Guard()


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def guard() -> Iterator[None]:
    """Stop at the first Ctrl-C (or SIGTERM) and ignore the others until the block ends; nestable.

    Not installed outside the main thread, nor where SIGINT is ignored (a
    background job), nor inside another guard (the outer one decides).
    SIGTERM is guarded only where it already stops the run (:func:`stop_on_terminate`).
    """
    if _GUARD.active or not _in_main_thread() or signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in STOPPING
                if signum == signal.SIGINT or signal.getsignal(signum) == _terminated}
    _GUARD.reset()
    _GUARD.active = True
    try:
        for signum in previous:
            signal.signal(signum, _GUARD.handle)
        yield
    finally:
        _GUARD.active = False
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def whole(function: Callable[P, R]) -> Callable[P, R]:
    """A function no Ctrl-C cuts short (:func:`shielded`), for steps that must not stop midway."""
    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with guard(), shielded():
            return function(*args, **kwargs)
    return run


def shielded() -> _Shield:
    """A block no Ctrl-C cuts short: the first one arriving inside is raised at its end.

    Use it around work that must be whole: a file and the bookkeeping of what
    went into it, a batch received and handed over. An exception leaving the
    block means the run is stopping: no later Ctrl-C interrupts the stopping.
    """
    return _Shield()


class _Shield:
    def __init__(self) -> None:
        self.counted = False

    def __enter__(self) -> None:
        if _GUARD.active and _in_main_thread():
            _GUARD.depth += 1
            self.counted = True

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if not self.counted:
            return
        _GUARD.depth -= 1
        if kind is not None:
            _GUARD.stopping = True
            _GUARD.pending = False
        elif not _GUARD.depth and _GUARD.pending:
            _GUARD.pending = False
            raise _interrupt(_GUARD.signum)
