"""Helpers for tests that start, signal and kill ``pipeline`` processes on a site big enough for workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
try:
    import generate
finally:
    sys.path.remove(str(REPO / "bench"))

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="finds child processes through /proc (Linux)")


def big_site(root: Path, articles: int = 200) -> Path:
    """A generated site: a cold pull plans its articles on worker processes."""
    generate.generate(root, articles)
    return root


def start(site: Path, *args: str, session: bool = False) -> subprocess.Popen:
    """``python -m pipeline ARGS`` on 4 workers; ``session``: in its own process group, as a
    terminal runs it (Ctrl-C then reaches the whole group)."""
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=session,
                            env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1",
                                 "PIPELINE_JOBS": "4"})


def ctrl_c(process: subprocess.Popen) -> None:
    """Ctrl-C at a terminal: SIGINT to every process of the foreground group."""
    os.killpg(process.pid, signal.SIGINT)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def staged(root: Path) -> list[Path]:
    """The files runs staged and did not put in place."""
    return sorted(root.rglob(".*.pipeline-*.tmp"))


def wait_for(condition: Callable[[], object], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return bool(condition())
