"""Ctrl-C inside a guard: the first one stops (after any shielded block), the others are ignored."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

import click
import pytest

from pipeline import interrupts
from pipeline.cli import cli
from conftest import Project
from pipeline.config import load_config
from pipeline.pull import NOTHING_CHANGED
from processes import big_site, ctrl_c as ctrl_c_at_the_terminal, linux_only, staged, start, wait_for


def ctrl_c() -> None:
    """A real SIGINT to this process; its handler runs in the main thread before this returns."""
    os.kill(os.getpid(), signal.SIGINT)


def test_the_first_ctrl_c_stops_at_once_and_later_ones_are_noted_only(capfd):
    steps = []
    with pytest.raises(KeyboardInterrupt), interrupts.guard():
        ctrl_c()
        steps.append("not reached")
    assert steps == []

    with pytest.raises(KeyboardInterrupt), interrupts.guard():
        try:
            ctrl_c()
        finally:  # stopping: nothing cuts this short
            ctrl_c()
            ctrl_c()
            steps.append("finished")
    assert steps == ["finished"]
    assert capfd.readouterr().err.count("interrupt noted: stopping") == 1


def test_a_shielded_block_finishes_before_the_interrupt():
    steps = []
    with pytest.raises(KeyboardInterrupt), interrupts.guard():
        with interrupts.shielded():
            ctrl_c()
            steps.append("written")
            with interrupts.shielded():
                ctrl_c()  # the second one, while the first waits: ignored
                steps.append("counted")
            steps.append("whole block")
        steps.append("not reached")
    assert steps == ["written", "counted", "whole block"]


def test_an_error_leaving_a_shield_means_stopping():
    with pytest.raises(ValueError), interrupts.guard():
        try:
            with interrupts.shielded():
                raise ValueError("quota")
        finally:
            ctrl_c()  # ignored: the run is already stopping
            written = True
    assert written


def test_the_previous_handler_comes_back():
    before = signal.getsignal(signal.SIGINT)
    with interrupts.guard(), interrupts.guard():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(KeyboardInterrupt):
        ctrl_c()


def test_outside_the_main_thread_nothing_changes():
    seen = []

    def work() -> None:
        with interrupts.guard(), interrupts.shielded():
            seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [signal.getsignal(signal.SIGINT)]


# ---------------------------------------------------------------- every command, as a user stops it

ARGUMENTS = {  # what each command needs to get as far as opening the project
    "mv": ["mikro", "mikro-yeni"], "mt export": ["-"], "mt import": ["-"], "keygen": ["dr-test"],
    "review list": ["--lang", "en"], "review approve": ["--lang", "en", "--reviewer", "dr-test"],
    "review reject": ["--lang", "en", "--reviewer", "dr-test", "--entry", "ab12", "--note", "x"],
    "review revoke": ["--lang", "en", "--reviewer", "dr-test", "--entry", "ab12"],
    "review correct": ["--lang", "en", "--reviewer", "dr-test", "--entry", "ab12", "--text", "x"],
    "review sheet": ["--lang", "en", "--output", "sheet.md"],
    "review serve": ["--lang", "en", "--reviewer", "dr-test"],
}


def every_command() -> list[str]:
    def walk(command: click.Command, path: list[str]) -> Iterator[str]:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path)
    return list(walk(cli, []))


@pytest.mark.parametrize("command", every_command())
def test_ctrl_c_stops_every_command_with_one_line_and_exit_130(project, monkeypatch, command):
    real = load_config

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        ctrl_c()  # a real SIGINT: the default handler raises KeyboardInterrupt here
        return real(*args, **kwargs)

    monkeypatch.setattr("pipeline.cli.app.load_config", interrupted)
    result = project.run(*command.split(), *ARGUMENTS.get(command, []))
    assert result.exit_code == 130, result.output
    assert result.output == "interrupted: work finished before the interrupt is kept\n"


# ---------------------------------------------------------------- a large pull, stopped from outside


def _stop_while_staging(process, site, stop) -> tuple[str, str]:
    """Wait until the workers have staged files, ``stop`` the run; its (stdout, stderr)."""
    assert wait_for(lambda: staged(site / "locale"), 60), "nothing was staged"
    stop(process)
    return process.communicate(timeout=60)


@linux_only
@pytest.mark.parametrize("stop, code, line", [
    (ctrl_c_at_the_terminal, 130, f"interrupted: {NOTHING_CHANGED}\n"),
    (lambda process: process.send_signal(signal.SIGTERM), 143, f"terminated: {NOTHING_CHANGED}\n"),
    (lambda process: os.killpg(process.pid, signal.SIGTERM), 143, f"terminated: {NOTHING_CHANGED}\n"),
], ids=["ctrl-c", "sigterm", "sigterm to the group"])
def test_a_large_pull_stopped_changes_nothing_says_so_and_leaves_no_staged_file(tmp_path, stop,
                                                                                code, line):
    site = big_site(tmp_path / "site")
    process = start(site, "pull", session=True)
    out, err = _stop_while_staging(process, site, stop)
    assert (process.returncode, err, out) == (code, line, "")
    assert staged(site) == [] and not list((site / "locale").rglob("*.po*"))


@linux_only
def test_what_a_killed_pull_staged_is_swept_by_the_next_command_but_a_live_run_s_is_not(tmp_path):
    site = big_site(tmp_path / "site")
    process = start(site, "pull")
    _stop_while_staging(process, site, lambda p: p.send_signal(signal.SIGKILL))
    left = staged(site)
    assert left, "the killed pull left nothing staged to sweep"
    live = site / "locale" / f".x.po.pipeline-{os.getpid()}-0123abcd.tmp"  # a run still going
    live.write_text("staged")
    status = Project(site).run_subprocess("status")
    assert status.returncode in (0, 1), status.stderr
    assert staged(site) == [live]
