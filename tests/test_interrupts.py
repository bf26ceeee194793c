"""Ctrl-C inside a guard: the first one stops (after any shielded block), the others are ignored."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from pipeline import interrupts


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
