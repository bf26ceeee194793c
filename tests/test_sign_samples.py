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


def test_new_key_replaces_the_sample_key_and_signs_afresh(sample, capsys):
    from pipeline.signoff.roster import load_roster
    from pipeline.signoff.verify import read_signoffs

    config_args = ["--config", str(sample.root / "pipeline.toml")]
    assert sign_samples.main([*config_args, "--key-file", str(sample.key)]) == 0
    before = load_roster(sample.config).get("sample-reviewer").current_key.key_id
    roster = (sample.root / "reviewers.toml").read_text(encoding="utf-8")

    assert sign_samples.main([*config_args, "--new-key"]) == 0
    after = load_roster(sample.config).get("sample-reviewer").current_key.key_id
    assert after != before
    changed = (sample.root / "reviewers.toml").read_text(encoding="utf-8")
    assert [line for line in changed.splitlines() if not line.startswith("key = ")] == \
        [line for line in roster.splitlines() if not line.startswith("key = ")]
    assert len(ledger(sample, "en").read_text().splitlines()) == 1
    assert all(read_signoffs(sample.config, language).problems == () for language in ("en", "de"))
    assert evaluate(sample.config, "en").publishable and not evaluate(sample.config, "de").publishable
    assert not list(sample.root.rglob("*.key"))


def test_new_key_signs_the_roster_with_a_throwaway_sample_root(sample, capsys, monkeypatch):
    from pipeline.signoff.roster import load_roster
    from pipeline.signoff.trust import TRUST_ROOT_VARIABLE

    assert sign_samples.main(["--config", str(sample.root / "pipeline.toml"), "--new-key"]) == 0
    root = capsys.readouterr().out.split(f"{TRUST_ROOT_VARIABLE}=")[1].split()[0]
    monkeypatch.setenv(TRUST_ROOT_VARIABLE, root)
    assert not load_roster(sample.config).refused and load_roster(sample.config).get("sample-reviewer")
    assert evaluate(sample.config, "en").publishable
    assert not list(sample.root.rglob("*.key"))


def test_new_root_refuses_a_roster_log_with_real_doctors(sample, tmp_path):
    from pipeline.signoff.keys import load_private_key
    from pipeline.signoff.roster import read_roster
    from pipeline.signoff.trust import sign_roster

    sample.write("reviewers.toml", sample.read("reviewers.toml").replace("sample-reviewer", "zahide-eris"))
    root = generate_key("clinic-root", tmp_path / "root.key")
    sign_roster(sample.config, load_private_key(root.path), read_roster(sample.config).content)
    log = (sample.root / "reviewers.sig.jsonl").read_text()
    assert sign_samples.main(["--config", str(sample.root / "pipeline.toml"), "--new-root"]) == 1
    assert (sample.root / "reviewers.sig.jsonl").read_text() == log


def test_the_shipped_roster_is_signed_by_the_readme_sample_root(monkeypatch):
    """The README's labelled SAMPLE value of PIPELINE_TRUST_ROOT is the root of the shipped log."""
    import re

    from pipeline.config import load_config
    from pipeline.signoff.roster import load_roster
    from pipeline.signoff.trust import TRUST_ROOT_VARIABLE

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (value,) = re.findall(rf"^{TRUST_ROOT_VARIABLE}=(\S+) make check +# SAMPLE root", readme, re.MULTILINE)
    monkeypatch.setenv(TRUST_ROOT_VARIABLE, value)
    roster = load_roster(load_config(REPO / "pipeline.toml"))
    assert roster.refused == "" and roster.get("sample-reviewer") is not None
    for path in REPO.glob("*"):  # never in a file the pipeline reads
        if path.is_file() and path.name != "README.md":
            assert value not in path.read_text(encoding="utf-8", errors="replace"), path


def test_the_shipped_sample_ledgers_verify_and_are_labelled_sample():
    from pipeline.config import load_config
    from pipeline.signoff.review import verify

    config = load_config(REPO / "pipeline.toml")
    counted, problems = verify(config, config.languages)
    assert counted == 2 and problems == []
    for language in ("en", "de"):
        (line,) = ledger_lines_of(config, language)
        assert line.statement.reviewer == "sample-reviewer"


def ledger_lines_of(config, language):
    from pipeline.signoff.ledger import read_ledger
    from pipeline.signoff.verify import ledger_path
    return read_ledger(ledger_path(config, language))


def test_the_shipped_article_carries_a_sample_source_signature():
    from pipeline.config import load_config
    from pipeline.gate.source import source_verdict

    config = load_config(REPO / "pipeline.toml")
    assert config.source_signoff is True
    verdict = source_verdict(config)
    assert verdict.drafts == () and len(verdict.articles) == 1
    (line,) = ledger_lines_of(config, "tr")
    assert line.statement.reviewer == "sample-reviewer"
    assert verdict.articles[0].signature.name == "Dr. Sample Reviewer (sample)"


def test_new_key_signs_the_source_when_the_sample_reviewer_may(sample, capsys):
    roster = sample.root / "reviewers.toml"
    roster.write_text(roster.read_text().replace('["en", "de"]', '["tr", "en", "de"]'))
    assert sign_samples.main(["--config", str(sample.root / "pipeline.toml"), "--new-key"]) == 0
    assert "tr: approved 1 of 1 articles" in capsys.readouterr().out
    assert len(ledger(sample, "tr").read_text().splitlines()) == 1


def test_the_shipped_catalogs_are_as_pull_leaves_them(tmp_path):
    """`make` on a fresh clone changes no tracked file: the sample is pulled from today's article."""
    import shutil

    from click.testing import CliRunner

    from pipeline.cli import cli

    for name in ("pipeline.toml", "reviewers.toml", "reviewers.sig.jsonl"):
        shutil.copy2(REPO / name, tmp_path / name)
    for folder in ("source", "locale"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    before = {path: path.read_bytes() for path in (tmp_path / "locale").rglob("*") if path.is_file()}
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "pipeline.toml"), "pull"])
    assert result.exit_code == 0, result.output
    after = {path: path.read_bytes() for path in (tmp_path / "locale").rglob("*") if path.is_file()}
    changed = sorted(str(path.relative_to(tmp_path)) for path in after if before.get(path) != after[path])
    assert changed == [], "the shipped catalogs are stale: run `pipeline pull` and commit them"
