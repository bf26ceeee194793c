"""The command line: parse options, call one stage function, print its result.

No rule of the pipeline lives here; every command hands its work to a module
of the package and only decides how the result is shown. The group builds one
:class:`App` for its commands and turns every :class:`PipelineError` (and
Ctrl-C) into one line on stderr and the error's exit code.

- :mod:`pipeline.cli.options`: the options several commands share, declared once;
- :mod:`pipeline.cli.stages`: ``pull``, ``mv``, ``status``, ``check``, ``build``;
- :mod:`pipeline.cli.machine`: ``translate`` and the ``mt`` group;
- :mod:`pipeline.cli.signoff`: ``keygen`` and the ``review`` group;
- :mod:`pipeline.cli.roster`: the ``roster`` group (the clinic's trust root).
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any, NoReturn

import click

from pipeline import __version__
from pipeline.cli import machine, roster, signoff, stages
from pipeline.cli.app import App, use_color
from pipeline.cli.machine import mt
from pipeline.cli.options import config_option
from pipeline.cli.signoff import review
from pipeline import interrupts
from pipeline.errors import PipelineError, file_error, stopped


class PipelineGroup(click.Group):
    """Shows a PipelineError as one line on stderr and exits with its code; Ctrl-C is one too.

    A command that stops, for whatever reason, first removes the files it staged.
    """

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        extra.setdefault("color", use_color())  # every command's context inherits it
        return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            except BaseException:
                if isinstance(ctx.obj, App):
                    ctx.obj.sweep_own()
                raise
        except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (interrupts.stop_on_terminate)
            self._stop(ctx, stopped(stop))
        except click.Abort as abort:  # a prompt's; Ctrl-D (the input ended) stays Click's
            if isinstance(abort.__context__, KeyboardInterrupt):
                self._stop(ctx, stopped(abort.__context__))
            raise
        except PipelineError as error:
            self._stop(ctx, error)
        except BrokenPipeError:  # what reads the output is gone (| head): stop, as shell tools do
            with suppress(OSError, ValueError):  # the interpreter's last flush must not fail too
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(128 + signal.SIGPIPE)
        except OSError as exc:  # the disk is full, read-only, not ours…: no traceback
            self._stop(ctx, file_error(exc))

    @staticmethod
    def _stop(ctx: click.Context, error: PipelineError) -> NoReturn:
        error.show()
        ctx.exit(error.exit_code)


@click.group(cls=PipelineGroup, context_settings={"auto_envvar_prefix": "PIPELINE",
                                                  "help_option_names": ["-h", "--help"]})
@config_option
@click.version_option(__version__, prog_name="pipeline")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Reviewed translation pipeline for medical articles.

    pull → translate → review → build: Turkish Markdown articles become gettext
    catalogs, get machine drafts, are signed off by doctors, and only fully
    reviewed languages are published.
    """
    ctx.obj = App(config_path)


for _command in (*stages.COMMANDS, *machine.COMMANDS, *signoff.COMMANDS, *roster.COMMANDS):
    cli.add_command(_command)


def main() -> None:
    """The ``pipeline`` console script, and ``python -m pipeline``: SIGTERM stops it as Ctrl-C does."""
    interrupts.stop_on_terminate()
    cli(prog_name="pipeline")


__all__ = ["App", "PipelineGroup", "cli", "main", "mt", "review"]
