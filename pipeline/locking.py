"""One writer at a time: the project lock, and who owns a folder a run leaves beside its output.

Every command that writes holds the project lock exclusively; every command that
only reads holds it shared, so a reader never sees a project half-way through a
pull or a build, and two writers never interleave their rewrites. The lock is an
OS file lock (``flock``) on ``lock`` in the cache folder: the kernel releases it
when its process ends, however it ends, so a killed command never leaves the
project locked and there is no stale lock file to delete.

A run that finds the project busy says so once (through the notice function the
command line configures) and waits, or, told not to wait, fails at once with a
:class:`~pipeline.errors.LockedError`. The lock is re-entrant within a process:
a decision taken inside a command that already holds it does not lock again.
Forked workers close their copy, so only the process that took the lock holds it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import LockedError, PipelineError
from pipeline.processes import alive, start_ticks

LOCK_FILE = "lock"
OWNER_FILE = ".pipeline-owner"
EXCLUSIVE, SHARED = "exclusive", "shared"
_NAMED_PID = re.compile(r"-(\d+)-[A-Za-z0-9_]+$")  # tempfile.mkdtemp(prefix=f"…-{pid}-")


@dataclass
class Policy:
    """How this process takes the lock: whether it waits, what it calls itself, where it says so."""

    wait: bool = True
    command: str = "pipeline"
    notice: Callable[[str], None] | None = None


@dataclass
class _Hold:
    fd: int | None = None
    mode: str = SHARED
    depth: int = 0


_POLICY = Policy()
_HOLD = _Hold()
_MUTEX = threading.RLock()  # threads of one process take turns; the OS lock is the process's


@contextmanager
def policy(wait: bool = True, command: str = "pipeline",
           notice: Callable[[str], None] | None = None) -> Iterator[None]:
    """How this process takes the lock within the block (the command line sets it per command)."""
    global _POLICY
    previous, _POLICY = _POLICY, Policy(wait, command, notice)
    try:
        yield
    finally:
        _POLICY = previous


def lock_path(config: Config) -> Path:
    return config.cache_dir / LOCK_FILE


@contextmanager
def project_lock(config: Config, mode: str = EXCLUSIVE) -> Iterator[None]:
    """Hold the project lock (``EXCLUSIVE`` to write, ``SHARED`` to read) for the block."""
    with _MUTEX:
        if _HOLD.depth:
            if mode == EXCLUSIVE and _HOLD.mode == SHARED:
                raise RuntimeError("a reader of the project may not start writing it")
            _HOLD.depth += 1
            try:
                yield
            finally:
                _HOLD.depth -= 1
            return
        fd = _acquire(lock_path(config), mode)
        _HOLD.fd, _HOLD.mode, _HOLD.depth = fd, mode, 1
        try:
            yield
        finally:
            _HOLD.depth = 0
            held, _HOLD.fd = _HOLD.fd, None
            if held is not None:
                _release(held, mode)


def _acquire(path: Path, mode: str) -> int | None:
    """The open lock file, locked; None for a reader of a project whose cache folder is read-only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as error:
        if mode == SHARED:
            return None  # nothing of ours can write there either
        raise PipelineError(f"cannot take the project lock: {error.strerror}; the cache folder "
                            "must be writable for commands that write", path) from None
    operation = fcntl.LOCK_EX if mode == EXCLUSIVE else fcntl.LOCK_SH
    try:
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not _POLICY.wait:
                raise LockedError(f"the project is busy: {holder} holds its lock; run again "
                                  "when it has finished, or without --no-wait to wait", path) from None
            if _POLICY.notice is not None:
                _POLICY.notice(f"waiting for {holder} to finish with the project "
                               f"({'reading' if mode == SHARED else 'writing'} waits for it; "
                               "--no-wait fails instead)")
            fcntl.flock(fd, operation)
    except BaseException:
        os.close(fd)
        raise
    _record_holder(fd)
    return fd


def _release(fd: int, mode: str) -> None:
    with suppress(OSError):
        if mode == EXCLUSIVE:
            os.ftruncate(fd, 0)  # nobody holds it now; a reader's note would be overwritten anyway
    os.close(fd)  # closing the last descriptor unlocks


def _record_holder(fd: int) -> None:
    """Who holds the lock, for the notice of whoever waits (shared holders overwrite each other)."""
    data = json.dumps({"pid": os.getpid(), "command": _POLICY.command}).encode("utf-8")
    with suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)


def _holder(fd: int) -> str:
    """``another command (pid N, `pipeline build`)``, as far as the lock file says."""
    try:
        recorded = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
        pid, command = int(recorded["pid"]), str(recorded["command"])
    except (OSError, ValueError, KeyError, TypeError):
        return "another command"
    return f"another command (pid {pid}, `{command}`)"


def _forget_in_child() -> None:
    """A forked worker drops its copy of the lock: the lock lives and dies with its taker."""
    if _HOLD.fd is not None:
        with suppress(OSError):
            os.close(_HOLD.fd)
        _HOLD.fd = None  # still counted as held, so nothing in the worker locks again


os.register_at_fork(after_in_child=_forget_in_child)


# ------------------------------------------------------------------ owned folders


def mark_owner(folder: Path) -> None:
    """Record in ``folder`` that this process made it and removes it when done."""
    owner = {"pid": os.getpid(), "started": start_ticks(os.getpid()), "host": socket.gethostname()}
    (folder / OWNER_FILE).write_text(json.dumps(owner) + "\n", encoding="utf-8")


def abandoned(folder: Path) -> bool:
    """Whether the run that made ``folder`` is provably gone (ended, or its pid now someone else's).

    The owner is in the folder's marker, else its pid in the folder's name (``…-PID-XXXX``,
    for the moment between the marker's removal and the folder's rename). A folder whose
    owner ran on another machine is never provably abandoned; one naming no owner at all
    was made before owners were recorded and counts as abandoned.
    """
    try:
        owner = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
        pid, started, host = int(owner["pid"]), owner.get("started"), owner.get("host")
    except FileNotFoundError:
        named = _NAMED_PID.search(folder.name)
        return named is None or not alive(int(named.group(1)))
    except (OSError, ValueError, KeyError, TypeError):
        return False  # unreadable: not proof of anything
    if host != socket.gethostname():
        return False
    if not alive(pid):
        return True
    return started is not None and start_ticks(pid) not in (None, started)
