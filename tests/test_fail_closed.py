"""Fail closed on configuration: what is named exists, the environment works, usage errors exit 2.

A typo in ``[paths] source`` used to read as "0 article(s)" and make ``build``
delete every article page with exit 0; a missing roster read as no doctors.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, Project
from pipeline.cli import cli
from refusal import refuses

ARTICLE_PAGE = Path("public/tr/mikro/index.html")


def configure(project: Project, paths: str) -> None:
    project.write("pipeline.toml", project.read("pipeline.toml") + f"\n[paths]\n{paths}\n")


# ---------------------------------------------------------------- what is named exists


def test_a_typo_in_the_source_folder_is_an_error_and_no_page_is_removed(project):
    assert project.run("pull").exit_code == 0
    assert project.run("build").exit_code == 0
    configure(project, 'source = "sourc"')
    for command in ("pull", "build", "status"):
        refuses(project, command, expected="pipeline.toml:10: [paths] source: there is no folder "
                                           "'sourc' (the source articles; a folder named in "
                                           "[paths] must exist)")
    assert (project.root / ARTICLE_PAGE).is_file()


@pytest.mark.parametrize("paths, expected", [
    ('locale = "pipeline.toml"', "[paths] locale: 'pipeline.toml' is not a folder"),
    ('reviewers = "reviewer.toml"', "[paths] reviewers: there is no file 'reviewer.toml' (the "
                                    "doctor roster"),
    ('glossary = "terms"', "[paths] glossary: there is no folder 'terms'"),
    ('reviewers = "source"', "[paths] reviewers: 'source' is not a file"),
    ('source = "pipeline.toml"', "[paths] source: 'pipeline.toml' is not a folder"),
])
def test_a_configured_folder_or_file_that_is_missing_is_named(project, paths, expected):
    configure(project, paths)
    refuses(project, "status", expected=f"pipeline.toml:10: {expected}")


def test_without_a_source_folder_nothing_runs(project):
    shutil.rmtree(project.root / "source")
    refuses(project, "pull", expected="pipeline.toml: there is no folder 'source' for [paths] "
                                      "source (the source articles): create it")


def test_defaults_that_are_made_later_may_be_missing(project):
    """No locale/ before the first pull; no roster or glossary yet means no doctors, no terms."""
    result = project.run("status")
    assert result.exit_code == 0, result.output
    assert not (project.root / "reviewers.toml").exists()


def test_a_named_locale_folder_is_made_by_the_first_pull(project):
    """pull makes the catalogs' folder; until then every language is stopped, never published."""
    configure(project, 'locale = "catalogs"')
    assert "stopped" in project.run("status").output
    assert project.run("pull").exit_code == 0
    assert (project.root / "catalogs" / "mikro.pot").is_file()


def test_the_shipped_configuration_loads():
    result = CliRunner().invoke(cli, ["--config", str(REPO / "pipeline.toml"), "status", "--json"])
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------- an empty site


def test_a_build_that_would_remove_every_article_page_needs_allow_empty(project):
    assert project.run("pull").exit_code == 0
    assert project.run("build").exit_code == 0
    (project.root / "source" / "mikro.md").unlink()
    line = refuses(project, "build", expected="source: there is no article left in source/, and "
                                              "building would remove every article page of public/")
    assert "pass --allow-empty if that is meant" in line
    assert (project.root / ARTICLE_PAGE).is_file()
    result = project.run("build", "--allow-empty")
    assert result.exit_code == 0, result.output
    assert not (project.root / ARTICLE_PAGE).exists()
    assert (project.root / "public" / "index.html").is_file()
    assert project.run("build").exit_code == 0  # nothing left to remove


def test_an_empty_source_folder_builds_when_nothing_was_published(project):
    (project.root / "source" / "mikro.md").unlink()
    result = project.run("build")
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------- wrong usage


@pytest.mark.parametrize("args", [("status", "--lang", "xx"), ("check", "--lang", "xx"),
                                  ("translate", "--lang", "xx"), ("review", "list", "--lang", "xx"),
                                  ("review", "log", "--lang", "en", "--lang", "xx")])
def test_an_unknown_language_is_a_usage_error_naming_the_configured_ones(project, args):
    line = refuses(project, *args, exit_code=2, expected="unknown language 'xx' for --lang: the "
                                                         "target languages in pipeline.toml are "
                                                         "en, de, ar, ru")
    assert line.startswith("error: unknown language")


def test_an_unknown_language_exits_2_as_a_subprocess(project):
    refuses(project, "status", "--lang", "fr", exit_code=2, subprocess=True,
            expected="unknown language 'fr' for --lang")


# ---------------------------------------------------------------- the environment
# Each variable the README names, through the command line.


def test_pipeline_config_names_the_configuration(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {"PIPELINE_CONFIG": str(project.root / "pipeline.toml")}
    result = Project(elsewhere).run_subprocess("pull", env=environment)
    assert result.returncode == 0, result.stderr
    assert (project.root / "locale" / "mikro.pot").is_file()


def test_pipeline_config_naming_a_missing_file_is_an_error(project, monkeypatch, tmp_path):
    monkeypatch.setenv("PIPELINE_CONFIG", str(tmp_path / "missing.toml"))
    refuses(project, "status", expected="missing.toml: configuration file not found")


def test_pipeline_keys_dir_is_where_keygen_writes(project, tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(tmp_path / "keys"))
    result = project.run("keygen", "dr-eris")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "keys" / "dr-eris.key").is_file()


def test_pipeline_cache_secret_is_used_instead_of_a_secret_file(project, tmp_path):
    home = tmp_path / "home"
    secret_file = home / "pipeline" / "cache-secret"
    environment = {"XDG_CONFIG_HOME": str(home), "PIPELINE_CACHE_SECRET": "from CI"}
    assert project.run_subprocess("pull", env=environment).returncode == 0
    assert not secret_file.exists()
    unset = {"XDG_CONFIG_HOME": str(home), "PIPELINE_CACHE_SECRET": ""}
    assert project.run_subprocess("status", env=unset).returncode == 0
    assert secret_file.is_file()


def test_deepl_auth_key_and_server_url_reach_the_server(project, fake_deepl, monkeypatch):
    assert project.run("pull").exit_code == 0
    monkeypatch.setenv("DEEPL_SERVER_URL", fake_deepl.url)
    monkeypatch.setenv("DEEPL_AUTH_KEY", fake_deepl.key)
    result = project.run("translate", "--dry-run", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert [r.path for r in fake_deepl.requests] == ["/v2/usage"]
    monkeypatch.setenv("DEEPL_AUTH_KEY", "")
    result = project.run("translate", "--dry-run", "--lang", "en")
    assert "(no machine engine)" in result.output


def test_no_color_turns_colour_off():
    runner = CliRunner()
    args = ["--config", "/nonexistent/pipeline.toml", "status"]
    coloured = runner.invoke(cli, args, color=True, env={"NO_COLOR": ""})
    plain = runner.invoke(cli, args, color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" in coloured.stderr
    assert "\x1b[" not in plain.stderr and plain.stderr.startswith("error: ")


def test_options_come_from_pipeline_command_option(project):
    assert project.run("pull").exit_code == 0
    result = project.run_subprocess("build", env={"PIPELINE_BUILD_STRICT": "1"})
    assert result.returncode == 3, result.stderr  # every target language is stopped


ENVIRONMENT_TESTS = {
    "PIPELINE_CONFIG": test_pipeline_config_names_the_configuration,
    "PIPELINE_KEYS_DIR": test_pipeline_keys_dir_is_where_keygen_writes,
    "PIPELINE_CACHE_SECRET": test_pipeline_cache_secret_is_used_instead_of_a_secret_file,
    "DEEPL_AUTH_KEY": test_deepl_auth_key_and_server_url_reach_the_server,
    "DEEPL_SERVER_URL": test_deepl_auth_key_and_server_url_reach_the_server,
    "NO_COLOR": test_no_color_turns_colour_off,
    "PIPELINE_BUILD_STRICT": test_options_come_from_pipeline_command_option,
}


def test_every_environment_variable_the_readme_names_is_tested_here_or_elsewhere():
    """Names in the README: each has a test above, or a test elsewhere that sets it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b((?:PIPELINE|DEEPL)_[A-Z][A-Z_]*[A-Z]|NO_COLOR)\b", readme))
    assert {"PIPELINE_CONFIG", "PIPELINE_KEYS_DIR", "DEEPL_AUTH_KEY", "NO_COLOR"} <= named
    tests = "\n".join(path.read_text(encoding="utf-8") for path in (REPO / "tests").rglob("*.py"))
    untested = sorted(name for name in named if name not in ENVIRONMENT_TESTS and not re.search(
        rf'setenv\(\s*"{name}"|"{name}"\s*:', tests))
    assert untested == []
