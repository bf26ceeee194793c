"""Handing a session's work back: counts per language, the exact git commands, or one commit."""

from __future__ import annotations

import re
import shlex
import subprocess

import httpx
import pytest

from pipeline.signoff.handback import APPROVED, CORRECTED, REJECTED, HandBackError, Tally, commit
from pipeline.signoff.review import approve, correct, open_signer, translated_entries
from pipeline.signoff.verify import ledger_path
from signing import add_doctor, entry, translate
from tests.signoff.test_server import Serving, _printed_address, shown

TITLE = "Mikro İğneleme Nedir?"
ITEM = "Genişletilmiş gözenekler"
LEDGER = "locale/en/signoffs.jsonl"
CATALOG = "locale/en/LC_MESSAGES/mikro.po"


def git(root, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def repo(project, tmp_path):
    """The test article in a git repository, English translated, one doctor; all committed."""
    project.run("pull")
    translate(project, "en", slug="mikro")
    translate(project, "de", slug="mikro", fuzzy=True)
    project.key = add_doctor(project, tmp_path / "keys")
    git(project.root, "init", "--quiet")
    git(project.root, "config", "user.name", "Maintainer")
    git(project.root, "config", "user.email", "maintainer@example.org")
    (project.root / ".gitignore").write_text(".pipeline-cache/\n", encoding="utf-8")
    git(project.root, "add", "-A")
    git(project.root, "commit", "--quiet", "-m", "sample project")
    return project


def from_the_page(url: str, action: str, project, msgid: str, **fields: str) -> httpx.Response:
    """A decision on an English string, posted as the page at the printed address posts it."""
    origin, token = re.fullmatch(r"(http://[^/]+)/t/([^/]+)/", url).groups()
    with httpx.Client() as http:
        return http.post(f"{url}en/mikro/{action}",
                         headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"},
                         data={"token": token, **fields, **shown(project, "en", msgid)})


def target(project, language, msgid):
    return next(t for t in translated_entries(project.config, language).values()
                if t.entry.msgid == msgid)


def test_the_summary_counts_each_kind_per_language_and_names_each_file_once():
    tally = Tally("Uzm. Dr. Zahide Eriş")
    tally.record("en", APPROVED, 5, (LEDGER, CATALOG))
    tally.record("en", CORRECTED, 1, (LEDGER, CATALOG))
    tally.record("de", REJECTED, 2, ("locale/de/signoffs.jsonl", "locale/de/LC_MESSAGES/it's.po"))
    assert tally.summary() == ["en: 5 approved, 0 rejected, 1 corrected",
                               "de: 0 approved, 2 rejected, 0 corrected"]
    assert tally.message() == "Review by Uzm. Dr. Zahide Eriş: en 5 approved, 1 corrected; de 2 rejected"
    add, commit_line = tally.commands()
    assert shlex.split(add) == ["git", "add", "--", LEDGER, CATALOG, "locale/de/signoffs.jsonl",
                                "locale/de/LC_MESSAGES/it's.po"]
    assert shlex.split(commit_line)[:4] == ["git", "commit", "-m", tally.message()]
    assert shlex.split(commit_line)[4:] == shlex.split(add)[2:]


def test_one_commit_takes_the_sessions_files_and_nothing_else(repo):
    signer = open_signer(repo.config, "en", "dr-test", repo.key)
    tally = Tally(signer.reviewer.name)
    ledger = repo.config.relative(ledger_path(repo.config, "en"))
    fix = correct(repo.config, "en", signer, target(repo, "en", ITEM), ["Enlarged pores"])
    tally.record("en", CORRECTED, 1, (ledger, *fix.decision.catalogs_written))
    done = approve(repo.config, "en", signer, [target(repo, "en", TITLE)])
    tally.record("en", APPROVED, 1, (ledger, *done.catalogs_written))
    (repo.root / "unrelated.txt").write_text("staged by someone else\n", encoding="utf-8")
    git(repo.root, "add", "unrelated.txt")

    commit(repo.root, tally)

    assert git(repo.root, "log", "--format=%s", "-1").strip() == (
        "Review by Dr. Test Hekim: en 1 approved, 1 corrected")
    assert sorted(git(repo.root, "show", "--name-only", "--format=", "HEAD").split()) == [
        CATALOG, LEDGER]
    assert git(repo.root, "diff", "--cached", "--name-only").split() == ["unrelated.txt"]
    assert git(repo.root, "rev-list", "--count", "HEAD").strip() == "2"


def test_a_failed_commit_says_so_and_loses_nothing(project, tmp_path):
    project.run("pull")
    tally = Tally("Dr. Test Hekim")
    tally.record("en", APPROVED, 1, ("locale/en/LC_MESSAGES/mikro.po",))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above the project
        with pytest.raises(HandBackError, match=r"git add failed: .*commit by hand"):
            commit(project.root, tally)
    assert (project.root / "locale/en/LC_MESSAGES/mikro.po").exists()


def test_the_terminal_session_ends_with_the_commands(repo):
    result = repo.run("review", "approve", "--lang", "en", "--reviewer", "dr-test",
                      "--key-file", str(repo.key), input="a\nr\nnot this word\nq\n")
    assert result.exit_code == 0, result.output
    assert "en: 1 approved, 1 rejected, 0 corrected" in result.output
    add = next(line.strip() for line in result.output.splitlines() if "git add" in line)
    assert add == f"git add -- {LEDGER} {CATALOG}"
    commit_line = next(line.strip() for line in result.output.splitlines() if "git commit" in line)
    subprocess.run(shlex.split(add), cwd=repo.root, check=True)
    subprocess.run(shlex.split(commit_line), cwd=repo.root, check=True, capture_output=True)
    assert git(repo.root, "status", "--porcelain", "--untracked-files=no").strip() == ""


def test_serve_commit_makes_one_commit_when_the_page_stops(repo):
    serving = Serving(repo, "--lang", "en", "--commit")
    try:
        url = _printed_address(serving.lines)
        assert from_the_page(url, "correct", repo, ITEM, text="Enlarged pores").status_code == 303
        assert from_the_page(url, "approve", repo, TITLE).status_code == 303
    finally:
        output = serving.stop()
    assert serving.process.returncode == 0, output
    assert "en: 1 approved, 0 rejected, 1 corrected" in output
    assert re.search(r"committed [0-9a-f]+: Review by Dr\. Test Hekim: en 1 approved, 1 corrected",
                     output)
    assert sorted(git(repo.root, "show", "--name-only", "--format=", "HEAD").split()) == [
        CATALOG, LEDGER]
    assert entry(repo, "en", ITEM).msgstrs == ("Enlarged pores",)


def test_a_session_that_decided_nothing_prints_no_commands(repo):
    skipped = repo.run("review", "approve", "--lang", "en", "--reviewer", "dr-test",
                           "--key-file", str(repo.key), input="s\nq\n")
    assert skipped.exit_code == 0
    assert "git add" not in skipped.output and "approved 0, rejected 0" in skipped.output


def test_serve_commit_outside_a_repository_prints_the_commands_and_fails(
        project, tmp_path, monkeypatch):
    project.run("pull")
    translate(project, "en", slug="mikro")
    project.key = add_doctor(project, tmp_path / "keys")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above it
    serving = Serving(project, "--lang", "en", "--commit")
    try:
        url = _printed_address(serving.lines)
        assert from_the_page(url, "approve", project, TITLE).status_code == 303
    finally:
        output = serving.stop()
    assert serving.process.returncode == 1, output
    assert "en: 1 approved, 0 rejected, 0 corrected" in output
    assert f"git add -- {LEDGER}" in output
    assert "error: git add failed" in output and "commit by hand" in output
    assert len((project.root / LEDGER).read_text(encoding="utf-8").splitlines()) == 1
