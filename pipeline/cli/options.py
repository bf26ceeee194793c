"""The options several commands share, each declared once with its help and environment variable.

One helper per meaning: ``languages_option`` narrows a command to some
languages, ``language_option`` names the one language a sign-off command works
on. Both read ``PIPELINE_LANG``, so a doctor who reviews one language can set
it once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar
from collections.abc import Callable

import click

F = TypeVar("F", bound=Callable[..., Any])
Decorator = Callable[[F], F]

LANG_VARIABLE = "PIPELINE_LANG"


def _shared(*declarations: str, envvar: str, **attributes: Any) -> Decorator:
    """An option read from ``envvar`` too, which ``--help`` names."""
    return click.option(*declarations, envvar=envvar, show_envvar=True, **attributes)


config_option: Decorator = _shared(
    "--config", "config_path", envvar="PIPELINE_CONFIG",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The project's pipeline.toml (default: found in this or a parent directory).")

languages_option: Decorator = _shared(
    "--lang", "languages", envvar=LANG_VARIABLE, multiple=True, metavar="L",
    help="Only this target language (repeatable).")

language_option: Decorator = _shared(
    "--lang", "language", envvar=LANG_VARIABLE, required=True, metavar="L",
    help="The target language (the source language, e.g. tr: its articles as a whole).")

reviewer_option: Decorator = _shared(
    "--reviewer", envvar="PIPELINE_REVIEWER", required=True, metavar="ID",
    help="Your reviewer id in reviewers.toml.")

reader_option: Decorator = _shared(
    "--reviewer", "reader", envvar="PIPELINE_REVIEWER", metavar="ID",
    help="The doctor it is for: in their language and time zone (roster locale and timezone).")

key_file_option: Decorator = _shared(
    "--key-file", envvar="PIPELINE_KEY_FILE", type=click.Path(path_type=Path, dir_okay=False),
    help="The private key file (default: <keys dir>/ID.key; the keys dir is "
         "$PIPELINE_KEYS_DIR or the user's config directory).")

root_key_option: Decorator = _shared(
    "--key-file", "root_key_file", envvar="PIPELINE_ROOT_KEY_FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The clinic's root private key file, outside the project (default: <keys dir>/"
         "clinic-root.key; the keys dir is $PIPELINE_KEYS_DIR or the user's config directory).")

page_option: Decorator = _shared(
    "--page", envvar="PIPELINE_PAGE", metavar="SLUG", help="Only this page (article slug).")

json_option: Decorator = _shared(
    "--json", "as_json", envvar="PIPELINE_JSON", is_flag=True,
    help="Print JSON instead of a table.")

out_option: Decorator = _shared(
    "--out", envvar="PIPELINE_OUT", type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default: [paths] output in pipeline.toml, public/).")

no_wait_option: Decorator = _shared(
    "--no-wait", envvar="PIPELINE_NO_WAIT", is_flag=True,
    help="When another command is using the project, fail at once (exit code 75) instead of "
         "waiting for it.")
