"""Renaming an article: `pipeline mv`.

A rename keeps every translation and every doctor's approval: the catalogs move with
the article, approvals (digests of text pairs) still count, and an edit after the
rename is still "changed since approval", through the `# renamed from OLD` record.
(Translation memory over the catalogs of a gone article: tests/mt/test_translate.py.)
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from conftest import Project
from pipeline.catalogs.model import Entry
from pipeline.catalogs.pofile import format_po, read_po
from pipeline.signoff.review import pending
from refusal import refuses

LANGUAGES = ("en", "de", "ar", "ru")
LIST_ITEM = "Genişletilmiş gözenekler"
# The six strings of ARTICLE, as the template holds them (the title and the heading are one).
STRINGS = ("Mikro İğneleme Nedir?", "Cildiniz için minimal invaziv bir prosedür.",
           "Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür.", LIST_ITEM,
           "İnce çizgiler veya kırışıklıklar.",
           "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.")


def entries(project: Project, language: str, slug: str) -> dict[str, Entry]:
    return {entry.msgid: entry for entry in read_po(project.po(language, slug)).messages}


def rewrite_strings(article: str, changed: int) -> str:
    """The article with its last ``changed`` body strings (of five) replaced by new ones."""
    for number, text in enumerate(STRINGS[-changed:] if changed else ()):
        article = article.replace(text.rstrip("."), f"Yepyeni paragraf {number}")
    return article


def report(project: Project, language: str) -> dict[str, Any]:
    result = project.run("status", "--json", "--lang", language)
    assert result.exit_code == 0, result.output
    [found] = json.loads(result.stdout)
    return found


# ---------------------------------------------------------------- pipeline mv


def test_mv_moves_the_article_its_template_and_every_catalog_and_pull_then_changes_nothing(
        project: Project) -> None:
    assert project.run("pull").exit_code == 0
    project.set_translation("en", LIST_ITEM, "Enlarged pores")
    source = project.read("source/mikro.md")

    result = project.run("mv", "mikro", "igneleme")

    assert result.exit_code == 0, result.output
    assert "moved locale/de/LC_MESSAGES/mikro.po → locale/de/LC_MESSAGES/igneleme.po" in result.output
    assert "'mikro' is now 'igneleme': 6 file(s) moved" in result.output
    root = project.root
    assert project.read("source/igneleme.md") == source
    assert sorted(str(p.relative_to(root)) for p in root.rglob("mikro*")) == []
    template = project.read("locale/igneleme.pot")
    assert "source/mikro.md" not in template and "#: source/igneleme.md:2 source/igneleme.md:9" in template
    assert '"Project-Id-Version: Test Kliniği / igneleme\\n"' in template
    assert "# Template for the article 'igneleme' of Test Kliniği." in template
    for language in LANGUAGES:
        catalog = read_po(project.po(language, "igneleme"))
        assert catalog.header_field("Project-Id-Version") == "Test Kliniği / igneleme"
        assert catalog.header.comments[0].endswith("translation of the article 'igneleme' of "
                                                   "Test Kliniği.")
        assert catalog.header.comments[-1] == "renamed from mikro"
        assert {ref.partition(":")[0] for e in catalog.messages for ref in e.references} == \
            {"source/igneleme.md"}
    assert entries(project, "en", "igneleme")[LIST_ITEM].msgstr == "Enlarged pores"

    before = project.snapshot()
    result = project.run("pull")
    assert "everything up to date" in result.output and result.stderr == ""
    assert project.snapshot() == before


def test_a_second_rename_keeps_every_former_name(project: Project) -> None:
    project.run("pull")
    assert project.run("mv", "mikro", "igneleme").exit_code == 0
    assert project.run("mv", "igneleme", "mikro-igneleme").exit_code == 0
    comments = read_po(project.po("en", "mikro-igneleme")).header.comments
    assert comments[1:] == ("renamed from mikro", "renamed from igneleme")
    assert project.run("mv", "mikro-igneleme", "mikro").exit_code == 0  # back: not its own former
    assert read_po(project.po("en", "mikro")).header.comments[1:] == (
        "renamed from igneleme", "renamed from mikro-igneleme")


@pytest.mark.parametrize("setup, args, expected, code", [
    ("article", ("mikro", "akne"), "source/akne.md: already exists", 1),
    ("catalog", ("mikro", "akne"), "locale/de/LC_MESSAGES/akne.po: already exists", 1),
    ("template", ("mikro", "akne"), "locale/akne.pot: already exists", 1),
    (None, ("yok", "akne"), "source/yok.md: no such article; nothing moved", 1),
    (None, ("mikro", "Akne"), "'Akne' is not a valid article name", 2),
    (None, ("mikro", "akne.md"), "'akne.md' is not a valid article name", 2),
    (None, ("mikro", "../akne"), "'../akne' is not a valid article name", 2),
    (None, ("mikro", "site"), "the name 'site' is reserved", 2),
    (None, ("site", "akne"), "the name 'site' is reserved", 2),
    (None, ("mikro", "mikro"), "the same name", 2),
])
def test_refusals_are_one_line_and_move_nothing(project: Project, setup: str | None,
                                                args: tuple[str, str], expected: str,
                                                code: int) -> None:
    if setup == "article":
        project.write("source/akne.md", "---\ntitle: Akne\n---\n\nAkne izleri.\n")
    project.run("pull")
    if setup == "catalog":
        project.write("locale/de/LC_MESSAGES/akne.po", project.read("locale/de/LC_MESSAGES/mikro.po"))
    if setup == "template":
        project.write("locale/akne.pot", project.read("locale/mikro.pot"))
    line = refuses(project, "mv", *args, expected=expected, exit_code=code)
    assert line.endswith("nothing moved")


def _fail_once(monkeypatch: pytest.MonkeyPatch, name: str, nth: int) -> list[str]:
    """Make ``os.<name>`` fail with ENOSPC on its nth call on a catalog; the others go through."""
    real: Callable[..., Any] = getattr(os, name)
    seen: list[str] = []

    def failing(path: Any, *args: Any, **kwargs: Any) -> Any:
        if "LC_MESSAGES" in str(path):
            seen.append(str(path))
            if len(seen) == nth:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, failing)
    return seen


@pytest.mark.parametrize("name, stage", [("open", "staging the new files"),
                                         ("rename", "setting the old files aside"),
                                         ("replace", "putting the new files in place")])
def test_a_failure_midway_leaves_every_file_as_it_was(project: Project,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      name: str, stage: str) -> None:
    project.run("pull")
    project.set_translation("en", LIST_ITEM, "Enlarged pores")
    seen = _fail_once(monkeypatch, name, nth=3)  # the third catalog, after others succeeded

    line = refuses(project, "mv", "mikro", "igneleme", expected="No space left on device")

    assert len(seen) >= 3, stage
    assert line.endswith("nothing moved") and ".tmp" not in line
    assert "LC_MESSAGES/" in line


# ---------------------------------------------------------------- approvals after a rename


def test_approvals_keep_counting_and_the_page_is_published_under_the_new_name(
        project: Project, translate_all: Any, approve_all: Any) -> None:
    project.run("pull")
    translate_all(project, "en")
    approve_all(project, "en")
    assert project.run("build").exit_code == 0
    ledger = project.read("locale/en/signoffs.jsonl")

    assert project.run("mv", "mikro", "igneleme").exit_code == 0

    assert report(project, "en")["publishable"]
    result = project.run("build")
    assert result.exit_code == 0, result.output
    assert "en: published" in result.output
    public = project.root / "public"
    assert (public / "en" / "igneleme" / "index.html").is_file()
    assert not (public / "en" / "mikro").exists()
    assert project.read("locale/en/signoffs.jsonl") == ledger  # signed lines are never rewritten


def test_an_edit_after_mv_is_changed_since_approval_not_waiting(
        project: Project, translate_all: Any, approve_all: Any) -> None:
    project.run("pull")
    translate_all(project, "en")
    approve_all(project, "en", name="Dr. Ayşe Demir")
    project.run("mv", "mikro", "igneleme")
    project.set_translation("en", LIST_ITEM, "Enlarged pores (edited)", slug="igneleme")

    found = report(project, "en")
    assert (found["stale"], found["waiting"]) == (1, 0)
    assert found["blocked"] == {"changed since approval": 1}
    [item] = pending(project.config, "en")
    assert item.state == "stale"
    assert item.earlier is not None and item.earlier.name == "Dr. Ayşe Demir"
    build = project.run("build")
    assert "locale/en/LC_MESSAGES/igneleme.po:" in build.output
    assert "changed since approval: Dr. Ayşe Demir approved an earlier text" in build.output

    # The header comment is what carries it: without it the edit would only be waiting.
    path = project.po("en", "igneleme")
    catalog = read_po(path)
    catalog.header = catalog.header.replace(comments=catalog.header.comments[:1])
    path.write_text(format_po(catalog), encoding="utf-8")
    found = report(project, "en")
    assert (found["stale"], found["waiting"]) == (0, 1)


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext is not installed")
def test_moved_files_are_as_gettext_writes_them(project: Project) -> None:
    project.run("pull")
    project.set_translation("en", LIST_ITEM, "Enlarged pores")
    project.run("mv", "mikro", "igneleme")
    for path in [project.root / "locale" / "igneleme.pot",
                 *(project.po(language, "igneleme") for language in LANGUAGES)]:
        subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], check=True,
                       capture_output=True)
        rewritten = subprocess.run(["msgcat", str(path)], capture_output=True, text=True,
                                   check=True)
        assert rewritten.stdout == path.read_text(encoding="utf-8")
