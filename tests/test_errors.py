"""Errors: each knows its exit code and shows itself as one line, in the CLI and in a worker."""

from __future__ import annotations

import io
import pickle
import signal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import PipelineGroup
from pipeline.errors import (CatalogError, Interrupted, PipelineError, StoppedError, Terminated,
                             UsageError)
from pipeline.mt.translate import TranslationInterrupted, TranslationStopped, TranslationTerminated


@pytest.mark.parametrize("error_class, code", [(PipelineError, 1), (CatalogError, 1),
                                               (UsageError, 2), (StoppedError, 3),
                                               (Interrupted, 130), (TranslationStopped, 1),
                                               (TranslationInterrupted, 130),
                                               (Terminated, 143), (TranslationTerminated, 143)])
def test_every_exit_code_is_a_class_attribute(error_class: type[PipelineError], code: int) -> None:
    assert error_class.exit_code == code


def test_the_message_is_one_line_naming_file_and_line(tmp_path: Path, monkeypatch:
                                                      pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    error = CatalogError("unterminated string", tmp_path / "locale" / "de.po", 12)
    assert error.format_message() == str(error) == "locale/de.po:12: unterminated string"
    assert PipelineError("no file at fault").format_message() == "no file at fault"


def test_show_prints_the_label_and_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shown = io.StringIO()
    CatalogError("bad", tmp_path / "x.po", 3).show(shown)
    Interrupted().show(shown)
    assert shown.getvalue() == ("error: x.po:3: bad\n"
                                "interrupted: work finished before the interrupt is kept\n")


def test_an_error_keeps_its_file_and_line_across_processes() -> None:
    error = pickle.loads(pickle.dumps(CatalogError("bad", Path("x.po"), 3)))
    assert type(error) is CatalogError and (error.message, error.path, error.line) == (
        "bad", Path("x.po"), 3)


def _at_a_prompt(cause: BaseException) -> click.Abort:
    """The Abort that click.prompt raises on Ctrl-C or Ctrl-D."""
    try:
        try:
            raise cause
        except (KeyboardInterrupt, EOFError):
            raise click.Abort() from None
    except click.Abort as abort:
        return abort


def _group_running(failure: BaseException) -> click.Group:
    group = PipelineGroup("pipeline")

    @group.command()
    def fails() -> None:
        raise failure

    return group


@pytest.mark.parametrize("failure, code, output", [
    (KeyboardInterrupt(), 130, "interrupted: work finished before the interrupt is kept\n"),
    (_at_a_prompt(KeyboardInterrupt()), 130,
     "interrupted: work finished before the interrupt is kept\n"),
    (_at_a_prompt(EOFError()), 1, "Aborted!\n"),
    (UsageError("give either --entry or --sheet, not both"), 2,
     "error: give either --entry or --sheet, not both\n"),
    (StoppedError("stopped: de (not fully reviewed; see the report above)"), 3,
     "error: stopped: de (not fully reviewed; see the report above)\n"),
])
def test_the_group_turns_an_error_or_ctrl_c_into_one_line_and_its_code(
        failure: BaseException, code: int, output: str) -> None:
    result = CliRunner().invoke(_group_running(failure), ["fails"])
    assert (result.exit_code, result.output) == (code, output)


def test_output_cut_short_by_its_reader_stops_quietly_as_shell_tools_do(make_project) -> None:
    """``pipeline pull | true``: no traceback, no error line, the exit code of a SIGPIPE.

    The reader goes before the first line is written (as ``true`` does, or ``head -1`` with
    more to come): once one line is read, the rest may already sit in the pipe's buffer and
    nothing would be cut short, however the pipeline behaved.
    """
    from conftest import ARTICLE
    project = make_project({f"makale-{n}": ARTICLE for n in range(6)})
    process = project.start_subprocess("pull")
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # long before pull has anything to say: it starts and works first
    errors = process.stderr.read()
    assert (process.wait(timeout=60), errors) == (128 + signal.SIGPIPE, "")
