"""Worker processes: results in order, errors carried back, and no worker outlives its run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from contextlib import suppress
from pathlib import Path

import pytest

from pipeline.errors import CatalogError, PipelineError
from pipeline.parallel import fork_map
from conftest import REPO
from processes import big_site, children, linux_only, running, start, wait_for


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


def test_this_process_does_its_own_work_while_the_workers_run() -> None:
    done: list[int] = []
    chunks = [[n] for n in range(6)]
    assert fork_map(_square, chunks, 0, workers=2, meanwhile=lambda: done.append(os.getpid())) \
        == [_square(0, c) for c in chunks]
    assert done == [os.getpid()]


def test_without_workers_its_own_work_is_done_first() -> None:
    order: list[str] = []

    def chunk(state: None, item: int) -> int:
        order.append(f"chunk {item}")
        return item

    assert fork_map(chunk, [1, 2], None, workers=1, meanwhile=lambda: order.append("own")) == [1, 2]
    assert order == ["own", "chunk 1", "chunk 2"]


def test_an_error_in_its_own_work_ends_the_workers() -> None:
    def fail() -> None:
        raise CatalogError("ledger unreadable", Path("tr.jsonl"))

    before = set(children(os.getpid()))
    with pytest.raises(CatalogError, match="ledger unreadable"):
        fork_map(_square, [[n] for n in range(40)], 0, workers=2, meanwhile=fail)
    assert set(children(os.getpid())) <= before


def end(process: subprocess.Popen, workers: list[int]) -> None:
    """Whatever a failed test left: the process and the workers it started."""
    process.kill()
    process.wait()
    for pid in workers:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@linux_only
def test_killing_only_the_parent_of_a_pull_ends_its_workers_and_closes_its_output(tmp_path):
    site = big_site(tmp_path / "site")
    process = start(site, "pull")
    workers: list[int] = []
    try:
        assert wait_for(lambda: len(children(process.pid)) >= 4, 30), "no workers started"
        workers += children(process.pid)
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
        end(process, workers)


def _dies_on_two(state: None, chunk: list[int]) -> list[int]:
    if 2 in chunk:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
    return chunk


def test_a_worker_killed_from_outside_is_one_error_saying_what_to_do() -> None:
    with pytest.raises(PipelineError, match=r"^a worker process died .*PIPELINE_JOBS=1 to use none$"):
        fork_map(_dies_on_two, [[1], [2], [3]], None, workers=2)


PARENT = """
import sys, time
from pipeline import parallel
if sys.argv[1] == "watch":
    parallel._death_signal = lambda: False  # as where Linux's death signal does not exist
def slow(state, chunk):
    time.sleep(60)
    return chunk
print("starting", flush=True)
parallel.fork_map(slow, [[1], [2], [3], [4]], None, workers=4)
"""


@linux_only
@pytest.mark.parametrize("way", ["death signal", "watch"])
def test_workers_end_when_their_parent_is_killed_either_way(way: str) -> None:
    process = subprocess.Popen([sys.executable, "-c", PARENT, way.split()[0]], cwd=REPO,
                               stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    workers: list[int] = []
    try:
        assert wait_for(lambda: len(children(process.pid)) >= 4, 30), "no workers started"
        workers += children(process.pid)
        process.send_signal(signal.SIGKILL)
        assert wait_for(lambda: not any(running(pid) for pid in workers), 3), way
    finally:
        end(process, workers)
