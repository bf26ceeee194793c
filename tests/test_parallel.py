"""Worker processes: results in order, errors carried back, and no worker outlives its run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO
from pipeline.errors import CatalogError
from pipeline.parallel import fork_map

sys.path.insert(0, str(REPO / "bench"))
try:
    import generate
finally:
    sys.path.remove(str(REPO / "bench"))

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="finds child processes through /proc (Linux)")


def _square(offset: int, chunk: list[int]) -> list[int]:
    return [offset + n * n for n in chunk]


def _fails_on_three(state: None, chunk: list[int]) -> list[int]:
    if 3 in chunk:
        raise CatalogError("bad entry", Path("x.po"), 3)
    return chunk


def test_chunks_come_back_in_order_from_the_workers() -> None:
    chunks = [[n, n + 1] for n in range(0, 20, 2)]
    assert fork_map(_square, chunks, 100, workers=3) == [_square(100, c) for c in chunks]


def test_an_error_in_a_worker_keeps_its_file_and_line() -> None:
    with pytest.raises(CatalogError) as caught:
        fork_map(_fails_on_three, [[1], [2], [3], [4]], None, workers=2)
    assert (caught.value.message, caught.value.path, caught.value.line) == ("bad entry",
                                                                           Path("x.po"), 3)


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


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def big_site(root: Path) -> Path:
    """A generated site of 200 articles: a cold pull plans them on worker processes."""
    generate.generate(root, 200)
    return root


@linux_only
def test_killing_only_the_parent_of_a_pull_ends_its_workers_and_closes_its_output(tmp_path):
    site = big_site(tmp_path / "site")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "pull"], cwd=site, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO), "PIPELINE_JOBS": "4"})
    try:
        assert wait_for(lambda: len(children(process.pid)) >= 4, 30), "no workers started"
        workers = children(process.pid)
        process.send_signal(signal.SIGKILL)  # the parent only, as an OOM killer or CI would
        stdout = process.stdout
        assert stdout is not None
        reader = threading.Thread(target=stdout.read)
        reader.start()
        reader.join(5)
        assert not reader.is_alive(), "stdout is still held open after the parent died"
        assert wait_for(lambda: not any(running(pid) for pid in workers), 5), \
            f"workers still running: {[pid for pid in workers if running(pid)]}"
    finally:
        process.kill()
        process.wait()
