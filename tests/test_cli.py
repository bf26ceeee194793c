"""The command-line contract: every command has help, errors are one line with an exit code."""

from __future__ import annotations

import click
import pytest

from pipeline.cli import cli

COMMANDS = sorted(cli.commands)
SUBCOMMANDS = sorted((group, name) for group, command in cli.commands.items()
                     if isinstance(command, click.Group) for name in command.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(project, command):
    result = project.run(command, "--help")
    assert result.exit_code == 0
    assert cli.commands[command].help, f"{command} has no help text"
    assert "Usage:" in result.output


@pytest.mark.parametrize("group, command", SUBCOMMANDS)
def test_every_subcommand_has_help_and_is_in_the_readme(project, group, command):
    from conftest import REPO
    result = project.run(group, command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output
    assert cli.commands[group].commands[command].help
    assert f"pipeline {group} {command}" in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    from conftest import REPO
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"pipeline {command}" in readme, f"README does not document 'pipeline {command}'"


def test_missing_config_is_one_clear_line(tmp_path, monkeypatch):
    from click.testing import CliRunner
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 1
    assert "no pipeline.toml here or in any parent directory" in result.output
    assert result.output.count("\n") == 1


def test_module_entry_point_runs_as_a_subprocess(project):
    result = project.run_subprocess("--help")
    assert result.returncode == 0
    assert "pull" in result.stdout and "status" in result.stdout
