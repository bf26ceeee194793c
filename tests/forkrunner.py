"""Run pipeline commands as processes forked from one that has already imported the package.

Each command still runs in a process of its own, with its own stdin, stdout,
stderr and exit code, and holds the project lock as ``python -m pipeline``
would; only the import at start-up (about 0.4 s of CPU per command) is paid once.
The runner itself runs no command and starts no thread, so forking it is safe.
It reads one JSON request per line on stdin and answers each with its exit code.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

from conftest import REPO

TIMEOUT = 300  # seconds for one command


def main() -> None:
    import pipeline.cli
    import pipeline.gate.status
    import pipeline.mt.backtranslate
    import pipeline.mt.translate
    import pipeline.pull
    import pipeline.signoff.session
    import pipeline.site.build  # each loaded once, here

    for line in sys.stdin:
        request = json.loads(line)
        child = os.fork()
        if child == 0:
            _run(pipeline.cli.cli, request)
        _, status = os.waitpid(child, 0)
        print(json.dumps(os.waitstatus_to_exitcode(status)), flush=True)


def _run(cli, request: dict) -> None:
    code = 1
    try:
        os.chdir(request["cwd"])
        for fd, (name, flags) in enumerate(((request["stdin"], os.O_RDONLY),
                                            (request["stdout"], os.O_WRONLY | os.O_CREAT),
                                            (request["stderr"], os.O_WRONLY | os.O_CREAT))):
            os.dup2(os.open(name, flags, 0o600), fd)
        try:
            cli.main(request["args"], prog_name="pipeline")
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
    finally:
        os._exit(code)


class ForkRunner:
    """One runner process; ``run`` blocks until its command has finished."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.process = subprocess.Popen(
            [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join((str(REPO), str(REPO / "tests"))),
                 "NO_COLOR": "1"})

    def run(self, cwd: Path, *args: str, input: str = "") -> subprocess.CompletedProcess:
        streams = {name: self.folder / name for name in ("stdin", "stdout", "stderr")}
        streams["stdin"].write_text(input, encoding="utf-8")
        for name in ("stdout", "stderr"):
            streams[name].write_bytes(b"")
        request = {"cwd": str(cwd), "args": list(args), **{k: str(v) for k, v in streams.items()}}
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        if not select.select([self.process.stdout], [], [], TIMEOUT)[0]:
            self.process.kill()  # a hung command must fail the test, not hang it
            raise AssertionError(f"pipeline {' '.join(args)} did not finish in {TIMEOUT} s")
        code = json.loads(self.process.stdout.readline())
        return subprocess.CompletedProcess(args, code, streams["stdout"].read_text(encoding="utf-8"),
                                           streams["stderr"].read_text(encoding="utf-8"))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


if __name__ == "__main__":
    main()
