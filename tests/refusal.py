"""Helpers for tests of refused input: one line on stderr, an exit code, and nothing modified."""

from __future__ import annotations

from typing import Any


def refuses(project: Any, *args: str, expected: str, exit_code: int = 1,
            env: dict[str, str] | None = None, subprocess: bool = False) -> str:
    """Run a command that must fail; returns its one stderr line.

    It must exit with ``exit_code``, print exactly one line on stderr containing
    ``expected`` (a traceback is never one line), and leave every project file
    as it was (bytes and mtime).
    """
    before = project.snapshot()
    if subprocess:
        process = project.run_subprocess(*args, env=env)
        code, stderr = process.returncode, process.stderr
    else:
        result = project.run(*args)
        code, stderr = result.exit_code, result.stderr
    assert code == exit_code, stderr
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    assert expected in stderr, stderr
    assert project.snapshot() == before
    return stderr.rstrip("\n")
