"""A full disk, a read-only locale/: one line naming the file and what to do, exit 1, files as they were.

The disks are real (tests/disks.py): a small tmpfs mounted for the test, filled up, or
remounted read-only.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from conftest import ARTICLE, Project
from disks import FULL, READ_ONLY, mount_disk_fixture  # noqa: F401 (the mount_disk fixture)
from pipeline.errors import file_error
from pipeline.signoff.review import translated_entries
from processes import staged
from signing import add_doctor, translate

@pytest.fixture
def site(make_project, tmp_path: Path) -> Project:
    """Six articles pulled, English drafted (fuzzy) with a doctor to approve it."""
    project = make_project({f"makale-{n}": ARTICLE.replace("Genişletilmiş", f"Genişletilmiş {n}")
                            for n in range(6)})
    assert project.run("pull").exit_code == 0
    translate(project, "en", fuzzy=True)
    add_doctor(project, tmp_path / "keys", languages=("en",))
    return project


def changed_source(project: Project) -> None:
    for path in (project.root / "source").glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8") + "\nYeni bir paragraf.\n", encoding="utf-8")


def approve_args(project: Project, tmp_path: Path) -> list[str]:
    digests = sorted(translated_entries(project.config, "en"))[:3]
    return ["review", "approve", "--lang", "en", "--reviewer", "dr-test",
            "--key-file", str(tmp_path / "keys" / "dr-test.key"),
            *(option for digest in digests for option in ("--entry", digest))]


def one_line_and_nothing_changed(project: Project, before: dict, result, line: str) -> None:
    assert (result.exit_code, result.output) == (1, line + "\n")
    assert project.snapshot() == before
    assert staged(project.root) == []


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "worker processes"])
def test_pull_on_a_full_disk(site: Project, mount_disk, monkeypatch, parallel: bool) -> None:
    if parallel:
        monkeypatch.setattr("pipeline.pull.PARALLEL_THRESHOLD", 2)
    changed_source(site)
    disk = mount_disk(site.root)
    disk.fill()
    before = site.snapshot()
    result = site.run("pull")
    assert result.output.startswith("error: locale/") and result.output.count("\n") == 1
    line = result.output.rstrip("\n")
    assert line.endswith(f": {FULL}") and ".tmp" not in line
    one_line_and_nothing_changed(site, before, result, line)


def test_build_on_a_full_disk(site: Project, mount_disk, approve_all, translate_all) -> None:
    translate_all(site, "en")
    approve_all(site, "en")
    assert site.run("build").exit_code == 0
    translate_all(site, "de")
    approve_all(site, "de")  # a language more to publish: the build must write again
    disk = mount_disk(site.root)
    disk.fill()
    before = site.snapshot()
    result = site.run("build")
    one_line_and_nothing_changed(site, before, result, f"error: public: {FULL}")


@pytest.mark.parametrize("fuzzy, at_fault", [(True, "locale/en/LC_MESSAGES/"),
                                             (False, "locale/en/signoffs.jsonl")],
                         ids=["catalogs to rewrite", "only the ledger to write"])
def test_review_approve_on_a_full_disk(site: Project, mount_disk, tmp_path: Path, fuzzy: bool,
                                       at_fault: str) -> None:
    translate(site, "en", fuzzy=fuzzy)
    disk = mount_disk(site.root)
    disk.fill()
    before = site.snapshot()
    result = site.run(*approve_args(site, tmp_path))
    assert result.output.startswith(f"error: {at_fault}")
    one_line_and_nothing_changed(site, before, result, result.output.rstrip("\n"))
    assert result.output.endswith(f": {FULL}\n")


def test_build_into_a_read_only_folder(site: Project, mount_disk) -> None:
    disk = mount_disk(site.root / "published")
    disk.read_only()
    before = site.snapshot()
    result = site.run("build", "--out", "published/site")
    assert (result.exit_code, result.output) == (1, f"error: published/site: {READ_ONLY}\n")
    assert site.snapshot() == before


@pytest.mark.parametrize("command", ["pull", "translate", "approve"])
def test_a_read_only_locale_folder(site: Project, mount_disk, tmp_path: Path, command: str) -> None:
    args = {"pull": ["pull"], "translate": ["translate", "--engine", "pseudo", "--lang", "de"],
            "approve": approve_args(site, tmp_path)}[command]
    if command == "pull":
        changed_source(site)
    disk = mount_disk(site.root / "locale")
    disk.read_only()
    before = site.snapshot()
    result = site.run(*args)
    assert result.output.startswith("error: locale/") and result.output.count("\n") == 1
    assert result.output.endswith(f": {READ_ONLY}\n")
    assert result.exit_code == 1 and site.snapshot() == before


@pytest.mark.parametrize("number, advice", [
    (errno.EACCES, "let this user read and write it (or its folder), then run the command again"),
    (errno.EDQUOT, "free some of your disk quota and run the command again"),
    (errno.EIO, ""),
])
def test_every_file_system_error_names_the_file_a_temporary_stands_for(number, advice, tmp_path,
                                                                       monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    exc = OSError(number, "Some Reason.", str(tmp_path / "locale" / ".x.po.pipeline-12-0123abcd.tmp"))
    assert file_error(exc).format_message() == "locale/x.po: some reason" + (
        f"; {advice}" if advice else "")
