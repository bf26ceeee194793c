"""One writer at a time: the project lock, waiting or --no-wait, readers sharing, kills, owned folders."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import click
import pytest

from conftest import Project
from pipeline.cli import cli
from pipeline import locking
from pipeline.errors import LockedError
from pipeline.locking import (EXCLUSIVE, OWNER_FILE, SHARED, abandoned, lock_path, mark_owner,
                              policy, project_lock)

HOLDER = textwrap.dedent("""\
    import os, sys, time
    from pipeline.config import load_config
    from pipeline.locking import policy, project_lock
    with policy(command=sys.argv[2]), project_lock(load_config(), sys.argv[1]):
        child = os.fork() if sys.argv[3] == "fork" else None
        if child == 0:
            time.sleep(60)  # a worker outliving its parent must not keep the project locked
            os._exit(0)
        print("held", child or "", flush=True)
        sys.stdin.readline()  # until the test says so, or kills this process
    """)


class Holder:
    """Another process holding the project lock, as a command does while it works."""

    def __init__(self, project: Project, mode: str = EXCLUSIVE, command: str = "pipeline build",
                 fork: bool = False):
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, mode, command, "fork" if fork else "-"],
            cwd=project.root, env=Project._environment(None), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        held, *child = self.process.stdout.readline().split()
        assert held == "held"
        self.child = int(child[0]) if child else None

    def release(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        assert self.process.wait(timeout=30) == 0

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.fixture
def pulled(project) -> Project:
    assert project.run("pull").exit_code == 0
    return project


def test_a_writer_told_not_to_wait_fails_at_once_with_one_line_naming_the_holder(pulled):
    holder = Holder(pulled)
    try:
        started = time.monotonic()
        result = pulled.run_subprocess("pull", "--no-wait")
        assert time.monotonic() - started < 10
        from_environment = pulled.run_subprocess("build", env={"PIPELINE_NO_WAIT": "1"})
    finally:
        holder.release()
    assert from_environment.returncode == 75 and "the project is busy" in from_environment.stderr
    assert result.returncode == LockedError.exit_code == 75
    assert result.stderr == (
        f"error: .pipeline-cache/lock: the project is busy: another command (pid "
        f"{holder.process.pid}, `pipeline build`) holds its lock; run again when it has finished, "
        "or without --no-wait to wait\n")
    assert result.stdout == ""


def test_a_second_writer_waits_with_one_notice_then_runs(pulled):
    holder = Holder(pulled, command="pipeline translate")
    waiting = pulled.start_subprocess("build")
    try:
        assert waiting.stderr is not None
        notice = waiting.stderr.readline()
        assert notice == (f"notice: waiting for another command (pid {holder.process.pid}, "
                          "`pipeline translate`) to finish with the project (writing waits for "
                          "it; --no-wait fails instead)\n")
        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting
    finally:
        holder.release()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "tr: published" in out and err == ""
    assert (pulled.root / "public" / ".pipeline-site").is_file()


def test_readers_share_the_lock_and_wait_for_a_writer(pulled):
    reader = Holder(pulled, SHARED, command="pipeline status")
    try:
        assert pulled.run_subprocess("status", "--no-wait").returncode == 0
        busy = pulled.run_subprocess("pull", "--no-wait")
        assert busy.returncode == 75 and "`pipeline status`" in busy.stderr
    finally:
        reader.release()
    writer = Holder(pulled)
    try:
        for command in (("status",), ("check",), ("review", "list", "--lang", "en")):
            refused = pulled.run_subprocess(*command, "--no-wait")
            assert refused.returncode == 75, command
            assert refused.stderr.count("\n") == 1 and "the project is busy" in refused.stderr
    finally:
        writer.release()


def test_the_kernel_frees_the_lock_of_a_killed_command(pulled):
    holder = Holder(pulled)
    holder.kill()
    assert holder.process.returncode == -signal.SIGKILL
    result = pulled.run_subprocess("pull", "--no-wait")
    assert result.returncode == 0, result.stderr


def test_forked_workers_do_not_keep_the_lock_of_their_parent(pulled):
    holder = Holder(pulled, fork=True)  # its forked child sleeps on after the parent is killed
    holder.kill()
    try:
        result = pulled.run_subprocess("pull", "--no-wait")
    finally:
        assert holder.child is not None
        os.kill(holder.child, signal.SIGKILL)
    assert result.returncode == 0, result.stderr


def test_the_lock_is_reentrant_and_a_reader_cannot_start_writing(pulled):
    config = pulled.config
    with project_lock(config, EXCLUSIVE):
        with project_lock(config, SHARED), project_lock(config, EXCLUSIVE):
            pass
        holder = json.loads(lock_path(config).read_text(encoding="utf-8"))
        assert holder["pid"] == os.getpid()
    assert lock_path(config).read_text(encoding="utf-8") == ""  # nobody holds it
    reading = project_lock(config, SHARED)
    with reading, pytest.raises(RuntimeError), project_lock(config, EXCLUSIVE):
        pass


def test_in_process_no_wait_raises_the_locked_error(pulled):
    holder = Holder(pulled)
    try:
        with policy(wait=False), pytest.raises(LockedError, match="pipeline build"), \
                project_lock(pulled.config):
            pass
        assert pulled.run("status", "--no-wait").exit_code == 75
        assert locking.Policy() == locking._POLICY  # a command's --no-wait ends with it
    finally:
        holder.release()


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    found = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(_commands(command, f"{prefix}{name} "))
        else:
            found[prefix + name] = command
    return found


# Commands that touch no project file: a doctor's key, the clinic's root key.
UNLOCKED = {"keygen", "roster keygen"}
WRITERS = {"pull", "mv", "build", "translate", "mt import", "review reject", "review revoke",
           "review correct", "roster sign"}
PER_DECISION = {"review approve", "review serve"}


def test_every_command_says_whether_it_writes_or_reads_and_offers_no_wait():
    for name, command in _commands(cli).items():
        mode = getattr(command.callback, "lock_mode", None)
        if name in UNLOCKED:
            assert mode is None, name
            continue
        expected = (EXCLUSIVE if name in WRITERS else "per decision" if name in PER_DECISION
                    else SHARED)
        assert mode == expected, name
        assert "--no-wait" in [opt for param in command.params for opt in param.opts], name


# ---------------------------------------------------------------- folders a run owns


def test_a_folder_is_abandoned_only_when_its_owner_is_provably_gone(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    mark_owner(mine)
    assert not abandoned(mine)

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    gone = tmp_path / "gone"
    gone.mkdir()
    owner = json.loads((mine / OWNER_FILE).read_text(encoding="utf-8"))
    (gone / OWNER_FILE).write_text(json.dumps({**owner, "pid": int(ended.stdout)}))
    assert abandoned(gone)

    reused = tmp_path / "reused"  # this pid, but a process that started at another moment
    reused.mkdir()
    (reused / OWNER_FILE).write_text(json.dumps({**owner, "started": "1"}))
    assert abandoned(reused)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / OWNER_FILE).write_text(json.dumps({**owner, "pid": int(ended.stdout),
                                                    "host": "another-machine"}))
    assert not abandoned(elsewhere)

    named_alive = tmp_path / f".public.pipeline-new-{os.getpid()}-abc_12"
    named_gone = tmp_path / f".public.pipeline-new-{int(ended.stdout)}-abc_12"
    for folder in (named_alive, named_gone):
        folder.mkdir()
    assert not abandoned(named_alive) and abandoned(named_gone)


def test_a_build_removes_only_staging_folders_whose_run_is_gone(pulled):
    from pipeline.site.build import MARKER

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = pulled.root / f".public.pipeline-new-{sleeper.pid}-live"
        dead = pulled.root / ".public.pipeline-new-1999999999-dead"
        for folder in (live, dead):
            folder.mkdir()
            (folder / MARKER).write_text("", encoding="utf-8")
        (live / OWNER_FILE).write_text(json.dumps({"pid": sleeper.pid, "started": None,
                                                   "host": socket.gethostname()}))
        assert pulled.run("build").exit_code == 0
        assert live.is_dir() and not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert not (pulled.root / "public" / OWNER_FILE).exists()


def test_lock_file_lives_in_the_cache_folder(pulled):
    assert lock_path(pulled.config) == pulled.root / ".pipeline-cache" / "lock"
    assert lock_path(pulled.config).is_file()
