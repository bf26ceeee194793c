"""Files stay inside the project: links and '..' cannot bring a file in, or send one out.

The attacker is a translator with push access: a committed link under ``source/``
to a file of the machine that runs the pipeline (an environment file, a private
key) must not be published or copied into the tracked catalogs; a linked ledger
must not make approvals append elsewhere; and no private key is ever written or
read inside the project, where ``git add -A`` would commit it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ARTICLE, REPO, Project
from pipeline.signoff.review import translated_entries
from refusal import refuses
from signing import add_doctor, ledger, translate

SECRET = "DEEPL_AUTH_KEY=gizli-anahtar-123"
# A file outside the project that would even parse as an article.
LEAKED = f"---\ntitle: Sızıntı\n---\n\n{SECRET}\n"


def project_files_text(project: Project) -> str:
    """Every project file's text (the cache folder too), to look for a leaked secret."""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace")
                     for path in project.root.rglob("*") if path.is_file() and not path.is_symlink()
                     and path.name != ".env")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


# ---------------------------------------------------------------- sources


def test_a_source_linked_out_of_the_project_is_neither_pulled_nor_published(project, outside):
    """Attack 3: the link is refused by pull and build; the secret reaches no file."""
    assert project.run("pull").exit_code == 0
    assert project.run("build").exit_code == 0
    (outside / "secret.env").write_text(LEAKED, encoding="utf-8")
    (project.root / "source" / "sizinti.md").symlink_to(outside / "secret.env")
    for command in ("pull", "build", "status"):
        line = refuses(project, command, expected="source/sizinti.md: source article leads "
                                                  "outside source/")
        assert str(outside / "secret.env") in line
    assert SECRET not in project_files_text(project)


def test_the_linked_source_is_refused_as_a_subprocess_too(project, outside):
    (outside / "secret.env").write_text(LEAKED, encoding="utf-8")
    (project.root / "source" / "sizinti.md").symlink_to(outside / "secret.env")
    line = refuses(project, "pull", subprocess=True,
                   expected="error: source/sizinti.md: source article leads outside source/")
    assert "replace the link with the file itself" in line
    assert not (project.root / "locale").exists()


def test_a_link_to_an_ignored_file_of_the_project_is_refused_too(project):
    """Kept to its own folder, not just the project: a .env beside pipeline.toml stays private."""
    project.write(".env", LEAKED)
    (project.root / "source" / "ortam.md").symlink_to(Path("..") / ".env")
    refuses(project, "pull", expected="source/ortam.md: source article leads outside source/")


def test_a_link_within_the_source_folder_is_allowed(project):
    (project.root / "source" / "kopya.md").symlink_to("mikro.md")
    result = project.run("pull")
    assert result.exit_code == 0, result.output
    assert (project.root / "locale" / "kopya.pot").is_file()


def test_a_dangling_link_out_of_the_project_is_refused_as_outside(project, outside):
    (project.root / "source" / "yok.md").symlink_to(outside / "missing.md")
    refuses(project, "pull", expected="source/yok.md: source article leads outside source/")


# ---------------------------------------------------------------- catalogs, templates, ledger


def test_a_catalog_linked_out_of_the_project_is_refused(project, outside):
    assert project.run("pull").exit_code == 0
    moved = outside / "mikro.po"
    project.po("de").rename(moved)
    project.po("de").symlink_to(moved)
    before = moved.read_bytes()
    for command in ("pull", "status", "check"):
        refuses(project, command, expected="locale/de/LC_MESSAGES/mikro.po: catalog leads "
                                           "outside locale/")
    assert moved.read_bytes() == before


def test_a_language_folder_linked_out_of_the_project_is_refused(project, outside):
    assert project.run("pull").exit_code == 0
    os.rename(project.root / "locale" / "ru", outside / "ru")
    (project.root / "locale" / "ru").symlink_to(outside / "ru")
    refuses(project, "pull", expected="locale/ru/LC_MESSAGES/mikro.po: catalog leads outside locale/")
    # The gate refuses the first file of the folder it reaches: a catalog folder, or the ledger.
    assert "leads outside locale/" in refuses(project, "status", expected="locale/ru/")


def test_a_template_linked_out_of_the_project_is_not_written_through(project, outside):
    assert project.run("pull").exit_code == 0
    (outside / "stolen.pot").write_text("", encoding="utf-8")
    (project.root / "locale" / "mikro.pot").unlink()
    (project.root / "locale" / "mikro.pot").symlink_to(outside / "stolen.pot")
    project.write("source/mikro.md", ARTICLE + "\nYeni paragraf.\n")
    refuses(project, "pull", expected="locale/mikro.pot: template leads outside locale/")
    assert (outside / "stolen.pot").read_text(encoding="utf-8") == ""


def test_a_ledger_linked_out_of_the_project_takes_no_approval(project, outside, tmp_path,
                                                              monkeypatch):
    """Attack 3: approvals would append to a file outside the project."""
    assert project.run("pull").exit_code == 0
    translate(project, "en")
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(tmp_path / "keys"))
    add_doctor(project, tmp_path / "keys")
    (outside / "signoffs.jsonl").write_text("", encoding="utf-8")
    ledger(project, "en").symlink_to(outside / "signoffs.jsonl")
    digest = next(iter(translated_entries(project.config, "en")))
    refuses(project, "review", "approve", "--lang", "en", "--reviewer", "dr-test",
            "--entry", digest, expected="locale/en/signoffs.jsonl: ledger leads outside locale/")
    refuses(project, "status", "--lang", "en", expected="locale/en/signoffs.jsonl: ledger")
    refuses(project, "review", "verify", expected="locale/en/signoffs.jsonl: ledger")
    assert (outside / "signoffs.jsonl").read_text(encoding="utf-8") == ""


# ---------------------------------------------------------------- roster, glossary, page templates


def test_a_roster_linked_out_of_the_project_is_refused(project, outside):
    (outside / "reviewers.toml").write_text("[reviewers]\n", encoding="utf-8")
    (project.root / "reviewers.toml").symlink_to(outside / "reviewers.toml")
    refuses(project, "status", expected="reviewers.toml: the reviewers file leads outside the project")


def test_a_glossary_linked_out_of_the_project_is_refused(project, outside):
    assert project.run("pull").exit_code == 0
    (outside / "terms.csv").write_text("source,target\nmikro,micro\n", encoding="utf-8")
    (project.root / "glossary").mkdir()
    (project.root / "glossary" / "tr-en.csv").symlink_to(outside / "terms.csv")
    refuses(project, "check", "--lang", "en",
            expected="glossary/tr-en.csv: glossary leads outside glossary/")


def test_a_page_template_linked_out_of_the_project_is_refused(project, outside):
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    project.write("templates/article.html", '{% extends "base.html" %}')
    (project.root / "templates" / "secret.txt").symlink_to(outside / "secret.txt")
    for command in ("pull", "build"):
        refuses(project, command, expected="templates/secret.txt: project template leads "
                                           "outside templates/")
    assert SECRET not in project_files_text(project)


def test_a_templates_folder_linked_out_of_the_project_is_refused(project, outside):
    (outside / "article.html").write_text(SECRET, encoding="utf-8")
    (project.root / "templates").symlink_to(outside)
    refuses(project, "pull", expected="templates: the templates folder leads outside the project")


# ---------------------------------------------------------------- configured paths


@pytest.mark.parametrize("key, value", [("source", "../elsewhere"), ("locale", "../elsewhere"),
                                        ("glossary", "../elsewhere"),
                                        ("reviewers", "../elsewhere/reviewers.toml")])
def test_configured_paths_out_of_the_project_are_refused_at_load(project, outside, key, value):
    (outside / "reviewers.toml").write_text("", encoding="utf-8")
    project.write("pipeline.toml", project.read("pipeline.toml") + f'\n[paths]\n{key} = "{value}"\n')
    line = refuses(project, "status", expected=f'pipeline.toml:10: [paths] {key} = "{value}" '
                                               "resolves outside the project")
    assert "only output, cache and translations may be elsewhere" in line


def test_a_source_folder_linked_out_of_the_project_is_refused(project, outside):
    os.rename(project.root / "source", outside / "source")
    (project.root / "source").symlink_to(outside / "source")
    refuses(project, "pull", expected="source: the source folder leads outside the project")


def test_dot_dot_that_stays_inside_is_fine(project):
    project.write("pipeline.toml", project.read("pipeline.toml")
                  + '\n[paths]\nsource = "source/../source"\n')
    assert project.run("pull").exit_code == 0


def test_output_cache_and_store_may_live_outside_the_project(project, outside):
    project.write("pipeline.toml", project.read("pipeline.toml") + (
        '\n[paths]\noutput = "../elsewhere/public"\ncache = "../elsewhere/cache"\n'
        'translations = "../elsewhere/paid"\n'))
    assert project.run("pull").exit_code == 0
    result = project.run("build")
    assert result.exit_code == 0, result.output
    assert (outside / "public" / "tr" / "mikro" / "index.html").is_file()
    assert (outside / "cache").is_dir()


# ---------------------------------------------------------------- keys


def test_keygen_refuses_a_keys_dir_inside_the_project(project, monkeypatch):
    """Attack 3: PIPELINE_KEYS_DIR inside the project would let 'git add -A' commit the key."""
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(project.root / "keys"))
    line = refuses(project, "keygen", "dr-eris",
                   expected="keys/dr-eris.key: PIPELINE_KEYS_DIR points into the project")
    assert "set it to a folder outside the project, or unset it" in line
    assert not (project.root / "keys").exists()


def test_keygen_refuses_a_key_file_inside_the_project(project, monkeypatch, tmp_path):
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(tmp_path / "keys"))
    refuses(project, "keygen", "dr-eris", "--key-file", "locale/dr-eris.key",
            expected="locale/dr-eris.key: a private key is never written inside the project")
    assert not (project.root / "locale" / "dr-eris.key").exists()


def test_keygen_refuses_the_project_even_when_its_configuration_is_broken(project, monkeypatch):
    project.write("pipeline.toml", "[site\n")
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(project.root / "keys"))
    refuses(project, "keygen", "dr-eris", expected="PIPELINE_KEYS_DIR points into the project")


def test_keygen_outside_the_project_still_works(project, tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(tmp_path / "keys"))
    result = project.run("keygen", "dr-eris")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "keys" / "dr-eris.key").is_file()


def test_a_key_inside_the_project_is_not_read(project, tmp_path, monkeypatch):
    assert project.run("pull").exit_code == 0
    translate(project, "en")
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(tmp_path / "keys"))
    key = add_doctor(project, tmp_path / "keys")
    inside = project.root / "dr-test.key"
    os.rename(key, inside)
    line = refuses(project, "review", "approve", "--lang", "en", "--reviewer", "dr-test",
                   "--key-file", "dr-test.key", "--entry", next(iter(translated_entries(
                       project.config, "en"))),
                   expected="dr-test.key: a private key inside the project is refused")
    assert "move it out" in line and "--key-file" in line


def test_key_files_are_ignored_by_git():
    assert "*.key" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
