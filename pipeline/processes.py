"""Other processes of this machine: whether one runs, and since when (a reused pid is another run)."""

from __future__ import annotations

import os
from pathlib import Path


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_ticks(pid: int) -> str | None:
    """When the process started, in clock ticks since boot (Linux; None elsewhere or if gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()[19]


def start_time(pid: int) -> float | None:
    """When the process started, in seconds since the epoch (Linux; None elsewhere or if gone)."""
    ticks = start_ticks(pid)
    try:
        booted = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                      if line.startswith("btime "))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return None if ticks is None else booted + int(ticks) / os.sysconf("SC_CLK_TCK")
