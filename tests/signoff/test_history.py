"""``review verify --against REV`` and git: the ledger's history, proven append-only.

Each test makes a real git repository of a small project in a temporary folder.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest

from conftest import REPO
from pipeline.signoff.keys import generate_key, key_id, load_private_key
from pipeline.signoff.ledger import append_statement, read_ledger, sign, utc_now
from pipeline.signoff.review import approve, open_signer, revoke, translated_entries
from pipeline.signoff.verify import read_signoffs
from signing import add_doctor, ledger, translated

TITLE = "Mikro İğneleme Nedir?"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(project, *args: str) -> str:
    result = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                             "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                            cwd=project.root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout.strip()


def commit(project, message: str) -> str:
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", message)
    return git(project, "rev-parse", "HEAD")


@pytest.fixture
def repo(project, tmp_path):
    """A pulled project with English translated and two doctors, committed to git (as main)."""
    translated(project, tmp_path / "keys")
    project.two = add_doctor(project, tmp_path / "keys", "dr-two", languages=("en",), name="Dr. Two")
    shutil.copy(REPO / ".gitattributes", project.root / ".gitattributes")
    project.write(".gitignore", ".pipeline-cache/\npublic/\n")
    git(project, "init", "-q")
    project.base = commit(project, "a project")
    return project


def targets(project, *msgids: str):
    entries = translated_entries(project.config, "en").values()
    return [t for t in entries if not msgids or t.entry.msgid in msgids]


def decide(project, action, reviewer: str = "dr-test", *msgids: str):
    key = project.key if reviewer == "dr-test" else project.two
    signer = open_signer(project.config, "en", reviewer, key)
    return action(project.config, "en", signer, targets(project, *msgids))


def verify_against(project, revision: str):
    return project.run("review", "verify", "--against", revision)


def test_a_ledger_only_appended_to_since_the_revision_passes(repo):
    decide(repo, approve)
    since = commit(repo, "approved")
    decide(repo, revoke, "dr-test", TITLE)
    for revision in (repo.base, since, "HEAD"):
        result = verify_against(repo, revision)
        assert result.exit_code == 0, result.output
        assert "2 statement(s) verified, 0 line(s) rejected" in result.output


def test_deleting_the_last_line_is_caught_against_the_revision(repo):
    """The revoke was the last line: no later line names it, only git's history knows it."""
    decide(repo, approve)
    decide(repo, revoke, "dr-test", TITLE)
    since = commit(repo, "approved, then revoked the title")
    path = ledger(repo, "en")
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert repo.run("review", "verify").exit_code == 0  # on its own, the ledger looks fine
    result = verify_against(repo, since)
    assert result.exit_code == 1
    assert (f"error: locale/en/signoffs.jsonl:2: line 2 of this ledger at {since} is missing "
            "here or was changed or moved") in result.output


def test_swapped_or_edited_old_lines_are_named_with_their_old_line_number(repo):
    decide(repo, approve, "dr-test", TITLE)
    decide(repo, revoke, "dr-test", TITLE)
    since = commit(repo, "two lines")
    first, second = ledger(repo, "en").read_text(encoding="utf-8").splitlines()
    ledger(repo, "en").write_text(second + "\n" + first + "\n", encoding="utf-8")
    result = verify_against(repo, since)
    assert result.exit_code == 1 and "signoffs.jsonl:2: line 2 of this ledger at" in result.output


def test_a_retired_key_cannot_add_a_backdated_statement_after_the_revision(repo, tmp_path):
    old = generate_key("old", tmp_path / "old.key")
    retired = utc_now() - timedelta(days=10)
    roster = repo.root / "reviewers.toml"
    roster.write_text(roster.read_text(encoding="utf-8").replace(
        '[reviewers.dr-two]', f'[[reviewers.dr-test.retired_keys]]\nkey = "{old.public_key}"\n'
        f'retired = {retired:%Y-%m-%dT%H:%M:%SZ}\n\n[reviewers.dr-two]'), encoding="utf-8")
    since = commit(repo, "dr-test's old key retired")
    private_key = load_private_key(old.path)
    statement = sign(private_key, key_id(private_key.public_key()), "dr-test", "en", "approve",
                     {t.digest: t.entry_ids() for t in targets(repo)}, time=retired - timedelta(days=1))
    append_statement(ledger(repo, "en"), statement)
    assert read_signoffs(repo.config, "en").problems == ()  # dated before the retirement: it counts
    result = verify_against(repo, since)
    assert result.exit_code == 1
    assert (f"signoffs.jsonl:1: added since {since} but signed with key {key_id(private_key.public_key())} "
            "of 'dr-test' (retired") in result.output


def test_an_unknown_revision_or_no_git_is_one_clear_error(repo, monkeypatch):
    result = verify_against(repo, "no-such-branch")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: unknown git revision 'no-such-branch' (not a commit of this repository)"]
    for option_like in ("-h", "--output=x"):  # a revision, never an option of git's
        assert f"error: unknown git revision '{option_like}'" in verify_against(repo, option_like).output

    shutil.rmtree(repo.root / ".git")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(repo.root.parent))
    result = verify_against(repo, "HEAD")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: not inside a git checkout: --against needs the ledgers' git history"]


def test_two_branches_that_each_appended_merge_with_every_line_counted(repo):
    """Two doctors sign on parallel branches; git's union merge keeps both lines, after the same one."""
    decide(repo, approve, "dr-test", TITLE)
    base = commit(repo, "the title approved")
    git(repo, "checkout", "-q", "-b", "one")
    decide(repo, approve, "dr-test")
    commit(repo, "dr-test approves the rest")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "-b", "two")
    decide(repo, revoke, "dr-two", TITLE)
    decide(repo, approve, "dr-two", TITLE)
    commit(repo, "dr-two revokes the title and approves it again")

    git(repo, "merge", "-q", "--no-edit", "one")
    lines = read_ledger(ledger(repo, "en"))
    assert len(lines) == 4 and "<<<<<<<" not in ledger(repo, "en").read_text(encoding="utf-8")
    assert lines[1].statement.prev == lines[0].hash == \
        next(line for line in lines
             if line.statement.reviewer == "dr-test" and line.number > 1).statement.prev
    state = read_signoffs(repo.config, "en")
    assert state.problems == () and len(state.statements) == 4
    assert set(state.approved) == {t.digest for t in targets(repo)}
    for revision in (base, "one", "two", "main"):
        assert verify_against(repo, revision).exit_code == 0
    decide(repo, revoke, "dr-two", TITLE)  # the next statement follows the merged ledger
    assert read_signoffs(repo.config, "en").problems == ()
