"""The command-line contract: every command has help, errors are one line with an exit code."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import REPO, Project

from pipeline.cli import cli


def command_paths(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and sub-command under ``group``, at any depth, as its words after 'pipeline'."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*path, name))
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*path, name)))
    return paths


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


COMMANDS = command_paths(cli)
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_walk_reaches_the_sub_commands() -> None:
    assert ("review", "approve") in COMMANDS and ("mt", "export") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_and_is_in_the_readme(project: Project, path: tuple[str, ...]) -> None:
    result = project.run(*path, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output
    command = command_at(path)
    assert command.help, f"'pipeline {' '.join(path)}' has no help text"
    undocumented = [param.name for param in command.params
                    if isinstance(param, click.Option) and not param.help]
    assert not undocumented, f"options without help: {undocumented}"
    assert f"pipeline {' '.join(path)}" in README, f"README does not document 'pipeline {' '.join(path)}'"


SHARED_OPTIONS = {"--config", "--lang", "--reviewer", "--key-file", "--json", "--page", "--out"}


def test_each_shared_option_is_declared_once() -> None:
    """Wherever a shared option appears with one meaning, it has one help text and one variable."""
    declarations: defaultdict[tuple[str, str | None], set[tuple[str | None, object]]] = \
        defaultdict(set)
    for path in [(), *COMMANDS]:
        for param in command_at(path).params:
            if isinstance(param, click.Option) and SHARED_OPTIONS & set(param.opts):
                declarations[(param.opts[0], param.name)].add((param.help, param.envvar))
    assert {name for name, _ in declarations} == SHARED_OPTIONS
    assert {key: found for key, found in declarations.items()
            if len(found) > 1 or None in {envvar for _, envvar in found}} == {}


def test_the_one_language_and_the_reviewer_come_from_the_environment(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_LANG", "xx")
    assert "unknown language 'xx' for --lang" in project.run("review", "list").output
    assert "unknown language 'xx' for --lang" in project.run("status").output
    monkeypatch.setenv("PIPELINE_LANG", "en")
    monkeypatch.setenv("PIPELINE_REVIEWER", "nobody")
    assert "Missing option" not in project.run("review", "approve").output


def test_json_page_out_and_key_file_come_from_the_environment(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    assert project.run("pull").exit_code == 0
    monkeypatch.setenv("PIPELINE_JSON", "1")
    assert isinstance(json.loads(project.run("status").output), list)
    monkeypatch.setenv("PIPELINE_PAGE", "nope")
    monkeypatch.setenv("PIPELINE_LANG", "en")
    assert "no page 'nope'" in project.run("review", "list").output
    monkeypatch.delenv("PIPELINE_PAGE")
    monkeypatch.setenv("PIPELINE_OUT", str(tmp_path / "elsewhere"))
    assert project.run("build").exit_code == 0
    assert (tmp_path / "elsewhere" / "tr" / "mikro" / "index.html").is_file()
    monkeypatch.setenv("PIPELINE_KEY_FILE", str(tmp_path / "keys" / "someone.key"))
    assert project.run("keygen", "someone").exit_code == 0
    assert (tmp_path / "keys" / "someone.key").is_file()


def test_missing_config_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 1
    assert "no pipeline.toml here or in any parent directory" in result.output
    assert result.output.count("\n") == 1


def test_module_entry_point_runs_as_a_subprocess(project: Project) -> None:
    result = project.run_subprocess("--help")
    assert result.returncode == 0
    assert "pull" in result.stdout and "status" in result.stdout
