"""The sample sign-off script: English fully approved, German half, by the sample reviewer only."""

from __future__ import annotations

import importlib.util

import pytest

from conftest import REPO
from pipeline.gate.verdict import evaluate
from pipeline.signoff.keys import generate_key
from signing import ledger, translate

SPEC = importlib.util.spec_from_file_location("sign_samples", REPO / "scripts" / "sign_samples.py")
sign_samples = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(sign_samples)


@pytest.fixture
def sample(project, tmp_path):
    project.run("pull")
    translate(project, "en")
    translate(project, "de")
    key = generate_key("sample-reviewer", tmp_path / "sample.key")
    project.write("reviewers.toml", '[reviewers.sample-reviewer]\nname = "Dr. Sample Reviewer (sample)"\n'
                  f'languages = ["en", "de"]\nkey = "{key.public_key}"\n')
    project.key = key.path
    return project


def test_samples_publish_english_and_stop_german(sample, capsys):
    config_args = ["--config", str(sample.root / "pipeline.toml"), "--key-file", str(sample.key)]
    assert sign_samples.main(config_args) == 0
    config = sample.config
    english = evaluate(config, "en")
    entries = sum(len(domain.catalog.messages) for domain in english.domains)
    assert f"en: approved {entries} of {entries}" in capsys.readouterr().out
    assert english.publishable
    german = evaluate(config, "de")
    assert not german.publishable and german.review_counts()["approved"] == entries // 2

    assert sign_samples.main([*config_args, "--replace"]) == 0
    assert len(ledger(sample, "en").read_text().splitlines()) == 1


def test_replace_refuses_a_ledger_with_real_statements(sample, tmp_path):
    ledger(sample, "en").write_text('{"reviewer": "zahide-eris"}\n')
    args = ["--config", str(sample.root / "pipeline.toml"), "--key-file", str(sample.key), "--replace"]
    assert sign_samples.main(args) == 1
    assert ledger(sample, "en").read_text() == '{"reviewer": "zahide-eris"}\n'
