"""Signing keys: private files outside the repository, mode 0600, never overwritten, refused when exposed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import click
import pytest

from pipeline.errors import SignoffError
from pipeline.signoff.keys import (default_key_file, generate_key, key_id, load_private_key,
                           parse_public_key)
from pipeline.signoff.roster import load_roster


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_key_is_private_and_its_public_half_parses(tmp_path):
    new = generate_key("dr-eris", tmp_path / "keys" / "eris.key")
    assert mode(new.path) == 0o600
    assert mode(new.path.parent) == 0o700
    private = load_private_key(new.path)
    assert key_id(private.public_key()) == new.key_id == key_id(parse_public_key(new.public_key))
    assert [p.name for p in new.path.parent.iterdir()] == ["eris.key"]


def test_the_default_place_is_the_keys_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(tmp_path / "mine"))
    assert default_key_file("dr-eris") == tmp_path / "mine" / "dr-eris.key"
    assert generate_key("dr-eris").path == tmp_path / "mine" / "dr-eris.key"


def test_without_the_variable_keys_go_to_the_user_config_dir(monkeypatch):
    monkeypatch.delenv("PIPELINE_KEYS_DIR", raising=False)
    assert default_key_file("x") == Path(click.get_app_dir("pipeline")) / "keys" / "x.key"


def test_an_existing_key_file_is_never_overwritten(tmp_path):
    path = tmp_path / "eris.key"
    path.write_text("precious")
    with pytest.raises(SignoffError, match="never overwritten"):
        generate_key("dr-eris", path)
    assert path.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eris.key"]


@pytest.mark.parametrize("exposed", [0o644, 0o640, 0o604, 0o660])
def test_a_key_readable_by_others_is_refused(tmp_path, exposed):
    path = generate_key("dr-eris", tmp_path / "eris.key").path
    os.chmod(path, exposed)
    with pytest.raises(SignoffError, match="chmod 600") as error:
        load_private_key(path)
    assert f"{exposed:04o}" in str(error.value) and str(path) in str(error.value)


def test_a_key_file_that_is_no_ed25519_key_is_refused(tmp_path):
    path = tmp_path / "bad.key"
    path.write_text("-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n")
    os.chmod(path, 0o600)
    with pytest.raises(SignoffError, match="not an unencrypted PEM"):
        load_private_key(path)
    with pytest.raises(SignoffError, match="no key file"):
        load_private_key(tmp_path / "missing.key")


def test_a_reviewer_id_must_be_a_plain_name(tmp_path):
    with pytest.raises(SignoffError, match="not a valid reviewer id"):
        generate_key("../evil", tmp_path / "x.key")


def test_keygen_prints_roster_lines_that_work(project, tmp_path):
    key_file = tmp_path / "keys" / "eris.key"
    result = project.run("keygen", "zahide-eris", "--key-file", str(key_file))
    assert result.exit_code == 0, result.output
    assert mode(key_file) == 0o600
    assert "never commit" in result.output
    lines = result.output[result.output.index("[reviewers.zahide-eris]"):]
    project.write("reviewers.toml", lines.replace("languages = []", 'languages = ["en"]'))
    reviewer = load_roster(project.config).get("zahide-eris")
    assert reviewer.current_key.key_id == key_id(load_private_key(key_file).public_key())

    again = project.run("keygen", "zahide-eris", "--key-file", str(key_file))
    assert again.exit_code == 1
    assert "never overwritten" in again.output


def test_keygen_for_a_rostered_doctor_prints_a_key_rotation(project, tmp_path):
    first = project.run("keygen", "zahide-eris", "--key-file", str(tmp_path / "old.key"))
    section = first.output[first.output.index("[reviewers.zahide-eris]"):]
    project.write("reviewers.toml", section.replace("languages = []", 'languages = ["en"]'))
    second = project.run("keygen", "zahide-eris", "--key-file", str(tmp_path / "new.key"))
    assert second.exit_code == 0
    assert "[[reviewers.zahide-eris.retired_keys]]" in second.output
    new_key_line = next(line for line in second.output.splitlines() if line.startswith("key = "))
    rotation = second.output[second.output.index("[[reviewers"):]
    old_roster = project.read("reviewers.toml")
    old_key_line = next(line for line in old_roster.splitlines() if line.startswith("key = "))
    project.write("reviewers.toml", old_roster.replace(old_key_line, new_key_line) + rotation)
    reviewer = load_roster(project.config).get("zahide-eris")
    assert len(reviewer.keys) == 2 and reviewer.keys[1].retired is not None
    assert reviewer.current_key.key_id == key_id(load_private_key(tmp_path / "new.key").public_key())


def test_keygen_works_outside_a_project(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from pipeline.cli import cli
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(tmp_path / "k"))
    result = CliRunner().invoke(cli, ["keygen", "dr-x"])
    assert result.exit_code == 0, result.output
    assert mode(tmp_path / "k" / "dr-x.key") == 0o600
