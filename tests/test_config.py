"""pipeline.toml: defaults, discovery and errors naming the line."""

from __future__ import annotations

import pytest

from pipeline.config import find_config, load_config
from pipeline.errors import ConfigError

GOOD = """\
[site]
name = "Klinik"
base_url = "https://klinik.example/"

[languages]
source = "tr"
targets = ["en", "pt_BR"]
"""


def test_defaults_and_paths(tmp_path):
    (tmp_path / "pipeline.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "source").mkdir()
    config = load_config(tmp_path / "pipeline.toml")
    assert config.languages == ("en", "pt_BR")
    assert config.base_url == "https://klinik.example"
    assert config.source_dir == tmp_path / "source"
    assert config.catalog_path("en", "a") == tmp_path / "locale" / "en" / "LC_MESSAGES" / "a.po"
    assert config.template_path("a") == tmp_path / "locale" / "a.pot"
    assert config.cache_dir == tmp_path / ".pipeline-cache"
    assert config.translations_dir == tmp_path / "machine-translations"


@pytest.mark.parametrize("translations", [".pipeline-cache", ".pipeline-cache/paid"])
def test_paid_translations_may_not_live_in_the_cache_folder(tmp_path, translations):
    (tmp_path / "pipeline.toml").write_text(
        GOOD + f'\n[paths]\ntranslations = "{translations}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "pipeline.toml")
    assert "outside the cache folder" in caught.value.message and caught.value.line == 10


def test_found_from_a_subdirectory(tmp_path):
    (tmp_path / "pipeline.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "source" / "deep").mkdir(parents=True)
    assert find_config(tmp_path / "source" / "deep") == tmp_path / "pipeline.toml"


@pytest.mark.parametrize("change, line, message", [
    (('targets = ["en", "pt_BR"]', 'targets = ["en", "pt-BR"]'), 7, "not a gettext language code"),
    (('targets = ["en", "pt_BR"]', 'targets = ["en", "qq"]'), 7, "unknown language 'qq'"),
    (('targets = ["en", "pt_BR"]', 'targets = ["tr"]'), 7, "also a target"),
    (('targets = ["en", "pt_BR"]', 'targets = []'), 7, "non-empty list"),
    (('base_url = "https://klinik.example/"', 'base_url = "klinik"'), 3, "absolute http(s) URL"),
    (('name = "Klinik"', 'name = "Klinik'), 2, "invalid TOML"),
    (('name = "Klinik"', 'name = "Klinik"\ntimezone = "Europe/Nowhere"'), 3, "not a known time zone"),
    (('name = "Klinik"', 'name = "Klinik"\ntimezone = "../etc/passwd"'), 3, "not a known time zone"),
])
def test_errors_name_the_line(tmp_path, change, line, message):
    (tmp_path / "pipeline.toml").write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "pipeline.toml")
    assert message in caught.value.message
    assert caught.value.line == line


def test_the_site_time_zone_is_utc_unless_set(tmp_path):
    (tmp_path / "source").mkdir()
    (tmp_path / "pipeline.toml").write_text(GOOD, encoding="utf-8")
    assert load_config(tmp_path / "pipeline.toml").timezone == "UTC"
    (tmp_path / "pipeline.toml").write_text(
        GOOD.replace('name = "Klinik"', 'name = "Klinik"\ntimezone = "Europe/Istanbul"'), encoding="utf-8")
    assert load_config(tmp_path / "pipeline.toml").timezone == "Europe/Istanbul"


def test_checks_disable_turns_warnings_off(tmp_path):
    (tmp_path / "source").mkdir()
    (tmp_path / "pipeline.toml").write_text(
        GOOD + '\n[checks]\ndisable = ["length", "repeated-words"]\n', encoding="utf-8")
    assert load_config(tmp_path / "pipeline.toml").disabled_checks == {"length", "repeated-words"}
    (tmp_path / "pipeline.toml").write_text(GOOD, encoding="utf-8")
    assert load_config(tmp_path / "pipeline.toml").disabled_checks == frozenset()


@pytest.mark.parametrize("table, line, message", [
    ('[checks]\ndisable = [\n  "length",\n  "urls",\n]\n', 12, "'urls' is an error check"),
    ('[checks]\ndisable = ["lenght"]\n', 10, "there is no check 'lenght'"),
    ('[checks]\ndisable = "length"\n', 10, "must be a list of check names"),
    ('[checks]\nenable = ["length"]\n', 10, "no setting 'enable'"),
])
def test_checks_disable_refuses_error_checks_and_unknown_names(tmp_path, table, line, message):
    from pipeline.checks.runner import disabled_checks

    (tmp_path / "source").mkdir()
    (tmp_path / "pipeline.toml").write_text(GOOD + "\n" + table, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        disabled_checks(load_config(tmp_path / "pipeline.toml"))
    assert message in caught.value.message
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{tmp_path / 'pipeline.toml'}:{line}: ")


@pytest.mark.parametrize("command", ["status", "check", "build"])
def test_a_wrong_checks_table_stops_every_command_that_checks(project, command):
    project.run("pull")
    config = project.read("pipeline.toml")
    project.write("pipeline.toml", config + '\n[checks]\ndisable = ["urls"]\n')
    result = project.run(command)
    assert result.exit_code == 1
    line = len(config.splitlines()) + 3
    assert f"pipeline.toml:{line}: [checks] disable: 'urls' is an error check" in result.output
