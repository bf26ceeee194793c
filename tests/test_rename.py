"""Renaming an article: `pipeline mv`, and what pull says of a template whose article is gone.

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

from conftest import ARTICLE, Project
from pipeline.cache import shared_store
from pipeline.catalogs.cache import CatalogCache
from pipeline.catalogs.model import Entry
from pipeline.catalogs.pofile import format_po, read_po
from pipeline.rename import find_orphans
from pipeline.signoff.review import pending
from pipeline.source.articles import domains
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


# ---------------------------------------------------------------- pull after a plain rename


def _renamed_by_hand(make_project: Any, changed: int) -> tuple[Project, Any]:
    """A pulled project with one English translation, whose article was then renamed (and edited)
    without `pipeline mv`, and pulled again."""
    project = make_project({"mikro": ARTICLE})
    project.run("pull")
    project.set_translation("en", LIST_ITEM, "Enlarged pores")
    source = project.root / "source"
    (source / "mikro.md").rename(source / "igneleme.md")
    project.write("source/igneleme.md", rewrite_strings(ARTICLE, changed))
    return project, project.run("pull")


def test_pull_suggests_mv_for_a_renamed_article_and_mv_completes_the_rename(make_project: Any
                                                                            ) -> None:
    project, result = _renamed_by_hand(make_project, changed=1)  # 5 of 6 strings: 83 %

    assert result.exit_code == 0
    [warning] = result.stderr.splitlines()
    assert warning.startswith("warning: locale/mikro.pot has no source article any more; it looks "
                              "renamed to source/igneleme.md (83% of the strings are the same): "
                              "run 'pipeline mv mikro igneleme'")
    assert entries(project, "en", "mikro")[LIST_ITEM].msgstr == "Enlarged pores"  # not acted on

    result = project.run("mv", "mikro", "igneleme")

    assert result.exit_code == 0, result.output
    assert "locale/en/LC_MESSAGES/igneleme.po (replacing the empty one pull made)" in result.output
    assert not (project.root / "locale" / "mikro.pot").exists()
    assert entries(project, "en", "igneleme")[LIST_ITEM].msgstr == "Enlarged pores"
    result = project.run("pull")
    assert result.stderr == ""
    assert entries(project, "en", "igneleme")[LIST_ITEM].msgstr == "Enlarged pores"
    assert project.run("pull").output.endswith("everything up to date\n")


def test_pull_suggests_nothing_for_a_half_matching_article_and_keeps_the_orphan(make_project: Any
                                                                                ) -> None:
    project, result = _renamed_by_hand(make_project, changed=3)  # 3 of 6 strings: 50 %

    assert result.exit_code == 0
    [warning] = result.stderr.splitlines()
    assert "pipeline mv mikro igneleme" not in warning and "looks renamed" not in warning
    assert warning == ("warning: locale/mikro.pot has no source article any more; its catalogs "
                       "hold 1 translation(s), kept for translation memory; if the article was "
                       "renamed, 'pipeline mv mikro NEW' moves them onto it")
    assert "remove" not in warning
    assert (project.root / "locale" / "mikro.pot").exists()


def test_a_later_pull_still_points_to_mv_which_refuses_once_the_new_article_has_translations(
        make_project: Any) -> None:
    project, _ = _renamed_by_hand(make_project, changed=0)
    project.set_translation("de", LIST_ITEM, "Erweiterte Poren", slug="igneleme")

    [warning] = project.run("pull").stderr.splitlines()  # igneleme is no longer new: no pairing
    assert warning.endswith("if the article was renamed, 'pipeline mv mikro NEW' moves them onto it")
    refuses(project, "mv", "mikro", "igneleme",
            expected="locale/de/LC_MESSAGES/igneleme.po: already holds 1 translated string(s)")

    config = project.config
    [orphan] = find_orphans(config, domains(config), ["igneleme"],
                            CatalogCache(shared_store(config.cache_dir)))
    assert (orphan.renamed_to, orphan.share, orphan.movable) == ("source/igneleme.md", 1.0, False)
    assert orphan.suggestion is None
    assert str(orphan).endswith("whose catalogs already hold translations; translation memory "
                                "still draws on the catalogs of 'mikro'")


def test_an_orphan_without_translations_may_be_removed(make_project: Any) -> None:
    project = make_project({"mikro": ARTICLE})
    project.run("pull")
    (project.root / "source" / "mikro.md").unlink()
    [warning] = project.run("pull").stderr.splitlines()
    assert warning.endswith("its catalogs hold no translation: remove them if the article is gone")


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
