"""pull: templates and catalogs created, merged, stable byte for byte, valid for msgfmt."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pipeline.catalogs.pofile import read_po

if TYPE_CHECKING:
    from tests.conftest import Project

needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")


def test_first_pull_writes_a_template_and_a_catalog_per_language(project):
    result = project.run("pull")
    assert result.exit_code == 0, result.output
    assert (project.root / "locale" / "mikro.pot").exists()
    for language in ("en", "de", "ar", "ru"):
        catalog = read_po(project.po(language))
        fields = catalog.header_fields()
        assert fields["Language"] == language
        assert fields["Content-Type"] == "text/plain; charset=UTF-8"
        assert fields["Plural-Forms"].startswith("nplurals=")
        for name in ("Project-Id-Version", "POT-Creation-Date", "PO-Revision-Date"):
            assert fields[name]
        assert len(catalog.messages) == 6  # the title and the heading share one entry
    assert "1 article(s), 8 catalog(s): 10 file(s) written" in result.output  # article + site chrome


def test_entries_carry_reference_and_block_type(project):
    project.run("pull")
    entries = {e.msgid: e for e in read_po(project.root / "locale" / "mikro.pot").entries}
    title = entries["Mikro İğneleme Nedir?"]
    assert title.references == ("source/mikro.md:2", "source/mikro.md:9")
    assert title.extracted == ("type: title", "type: heading")
    link = entries["Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."]
    assert link.references == ("source/mikro.md:16",)
    assert not any(entry.flags for entry in entries.values())


def test_second_pull_changes_nothing(project):
    project.run("pull")
    before = project.snapshot()
    time.sleep(0.01)
    result = project.run("pull")
    assert "everything up to date" in result.output
    assert project.snapshot() == before


@needs_gettext
def test_every_written_file_passes_msgfmt_check_and_msgcat_keeps_it(project):
    project.run("pull")
    project.set_translation("en", "Mikro İğneleme Nedir?", "What Is Microneedling?")
    for path in project.root.rglob("*.po"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
        rewritten = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True)
        assert rewritten.stdout == path.read_text(encoding="utf-8")


def test_source_change_keeps_translations_and_marks_the_changed_one_fuzzy(project):
    project.run("pull")
    project.set_translation("en", "Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür.",
                     "Microneedling is a **minimally invasive** procedure for your skin.")
    project.set_translation("en", "Genişletilmiş gözenekler", "Enlarged pores")
    article = project.read("source/mikro.md")
    project.write("source/mikro.md", article.replace("bir prosedürdür", "bir işlemdir")
                  .replace("- Genişletilmiş gözenekler\n", ""))
    project.run("pull")
    catalog = read_po(project.po("en"))
    changed = next(e for e in catalog.messages if "işlemdir" in e.msgid)
    assert changed.fuzzy
    assert changed.previous_msgid.endswith("bir prosedürdür.")
    assert changed.msgstr.startswith("Microneedling is")
    [gone] = catalog.obsolete
    assert gone.msgid == "Genişletilmiş gözenekler" and gone.msgstr == "Enlarged pores"
    assert "#~ msgid \"Genişletilmiş gözenekler\"" in project.po("en").read_text(encoding="utf-8")


def test_a_second_change_keeps_the_msgid_the_translation_was_made_for(project: Project,
                                                                     tmp_path: Path) -> None:
    """Issue 16: a string changed twice keeps its first #|, as msgmerge --previous does."""
    original = "Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür."
    project.run("pull")
    project.set_translation("en", original,
                            "Microneedling is a **minimally invasive** procedure for your skin.")
    article = project.read("source/mikro.md")
    project.write("source/mikro.md", article.replace("bir prosedürdür", "bir işlemdir"))
    project.run("pull")
    before_second = project.po("en").read_text(encoding="utf-8")
    project.write("source/mikro.md", article.replace("bir prosedürdür", "bir tedavi işlemidir"))
    project.run("pull")
    changed = next(e for e in read_po(project.po("en")).messages if "tedavi işlemidir" in e.msgid)
    assert changed.fuzzy and changed.previous_msgid == original
    assert changed.msgstr.startswith("Microneedling is")
    if shutil.which("msgmerge"):
        (tmp_path / "old.po").write_text(before_second, encoding="utf-8")
        theirs = subprocess.run(["msgmerge", "--previous", "--quiet", "-o", "-", "old.po",
                                 str(project.root / "locale" / "mikro.pot")],
                                cwd=tmp_path, capture_output=True, text=True, check=True).stdout
        ours = project.po("en").read_text(encoding="utf-8")
        assert ours.partition("\n\n")[2] == theirs.partition("\n\n")[2]


def test_translator_comments_and_revision_date_survive_a_pull(project):
    project.run("pull")
    path = project.po("de")
    text = path.read_text(encoding="utf-8").replace(
        '#. type: list item\n#: source/mikro.md:13\n',
        '# Terminologie mit Dr. B. abgestimmt\n#. type: list item\n#: source/mikro.md:13\n')
    path.write_text(text, encoding="utf-8")
    project.write("source/mikro.md", project.read("source/mikro.md") + "\nYeni paragraf.\n")
    project.run("pull")
    entry = next(e for e in read_po(path).messages if e.msgid == "Genişletilmiş gözenekler")
    assert entry.comments == ("Terminologie mit Dr. B. abgestimmt",)


@pytest.mark.parametrize("broken_file, content, expected", [
    ("source/mikro.md", "---\ntitle: [bozuk\n---\n", "source/mikro.md:2: malformed front matter"),
    ("source/ikinci.md", "---\ntitle: Başlık\n", "source/ikinci.md:1: front matter opened"),
    ("source/Kötü Ad.md", "Metin.\n", "not a safe slug"),
    ("locale/de/LC_MESSAGES/mikro.po", 'msgid "a"\nmsgstr "b\n', "mikro.po:2: expected a string"),
    ("pipeline.toml", "[site\nname = 1\n", "pipeline.toml:1: invalid TOML"),
])
def test_bad_input_is_one_line_naming_the_file_and_nothing_is_written(project, broken_file, content,
                                                                       expected):
    project.run("pull")
    project.write("source/mikro.md", project.read("source/mikro.md") + "\nDeğişiklik.\n")
    project.write(broken_file, content)
    before = project.snapshot()
    result = project.run("pull")
    assert result.exit_code == 1
    assert expected in result.output
    assert result.output.count("\n") == 1
    assert project.snapshot() == before


def test_non_utf8_source_is_refused_and_nothing_is_written(project):
    project.run("pull")
    (project.root / "source" / "mikro.md").write_bytes(b"---\ntitle: Ba\xfe\n---\n")
    before = project.snapshot()
    result = project.run("pull")
    assert result.exit_code == 1
    assert "source/mikro.md:2: not valid UTF-8" in result.output
    assert project.snapshot() == before


def test_removed_article_is_reported_not_deleted(project):
    project.run("pull")
    (project.root / "source" / "mikro.md").unlink()
    project.write("source/baska.md", "---\ntitle: Başka\n---\n\nBaşka bir makale.\n")
    result = project.run("pull")
    assert "locale/mikro.pot has no source article" in result.output
    assert (project.root / "locale" / "mikro.pot").exists()


def test_pull_as_a_subprocess(project):
    result = project.run_subprocess("pull")
    assert result.returncode == 0, result.stderr
    assert "10 file(s) written" in result.stdout


def test_many_articles_are_planned_in_worker_processes_with_the_same_result(make_project, monkeypatch):
    from conftest import ARTICLE
    project = make_project({f"makale-{n}": ARTICLE.replace("Genişletilmiş", f"Genişletilmiş {n}")
                            for n in range(6)})

    def catalogs() -> dict[str, list[bytes]]:
        """Every generated file, without the lines that carry the time of the pull."""
        return {name: [line for line in data.split(b"\n") if b"-Date:" not in line]
                for name, (data, _) in project.snapshot().items() if name.startswith("locale")}

    project.run("pull")
    serial = catalogs()
    shutil.rmtree(project.root / "locale")
    shutil.rmtree(project.root / ".pipeline-cache")
    monkeypatch.setattr("pipeline.pull.PARALLEL_THRESHOLD", 2)
    assert project.run("pull").exit_code == 0
    assert catalogs() == serial


def test_an_error_in_a_worker_process_names_its_file_and_line_and_writes_nothing(make_project,
                                                                                 monkeypatch):
    from conftest import ARTICLE
    articles = {f"makale-{n}": ARTICLE for n in range(6)}
    articles["makale-4"] = "---\ntitle: Başlık\npublished: dün\n---\n"
    project = make_project(articles)
    monkeypatch.setattr("pipeline.pull.PARALLEL_THRESHOLD", 2)
    result = project.run("pull")
    assert result.exit_code == 1
    assert result.output == ("error: source/makale-4.md:3: front matter 'published' must be an "
                             "ISO date such as 2023-02-06\n")
    assert not (project.root / "locale").exists()


def test_a_changed_module_of_the_package_makes_pull_rewrite_what_it_produces(project, tmp_path):
    """A change to the code that writes catalogs is seen without deleting any state by hand."""
    from conftest import REPO

    assert project.run_subprocess("pull").returncode == 0
    assert "everything up to date" in project.run_subprocess("pull").stdout
    copy = tmp_path / "code"
    shutil.copytree(REPO / "pipeline", copy / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    module = copy / "pipeline" / "pull.py"
    module.write_text(module.read_text(encoding="utf-8").replace(
        "do not edit it by hand.", "never edit it by hand."), encoding="utf-8")
    rewritten = project.run_subprocess("pull", env={"PYTHONPATH": str(copy)})
    assert rewritten.returncode == 0, rewritten.stderr
    assert "wrote locale/mikro.pot" in rewritten.stdout
    assert "never edit it by hand" in project.read("locale/mikro.pot")
    assert "everything up to date" in project.run_subprocess(
        "pull", env={"PYTHONPATH": str(copy)}).stdout


# ------------------------------------------------------- lines reused from the last pull

LONG_TRANSLATION = ("Microneedling is a **minimally invasive** procedure for your skin, which "
                    "a doctor carries out in a short session; the skin heals within days.")
PARAGRAPH = "Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür."


def _generated(project: Project) -> dict[str, list[bytes]]:
    """Every template and catalog, without the lines that carry the time of a pull."""
    return {name: [line for line in data.split(b"\n") if b"-Date:" not in line]
            for name, (data, _) in project.snapshot().items() if name.startswith("locale")}


def _pulled_again_from_scratch(project: Project, locale: Path) -> dict[str, list[bytes]]:
    """What a pull with no state of its own makes of the catalogs in ``locale``."""
    shutil.rmtree(project.root / "locale")
    shutil.copytree(locale, project.root / "locale")
    shutil.rmtree(project.root / ".pipeline-cache")
    assert project.run("pull").exit_code == 0
    return _generated(project)


def test_lines_a_pull_wrote_are_reused_and_the_files_are_those_of_a_pull_from_scratch(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.catalogs import pofile

    project.run("pull")
    project.set_translation("en", PARAGRAPH, LONG_TRANSLATION)
    project.run("pull")  # takes the translated catalog as its own
    shutil.copytree(project.root / "locale", tmp_path / "before")
    reused: list[int] = []

    def counted(text: str, catalog: pofile.Catalog) -> dict:
        lines = pofile.laid_out_entries(text, catalog)
        reused.append(len(lines))
        return lines

    monkeypatch.setattr("pipeline.pull.laid_out_entries", counted)
    project.write("source/mikro.md", project.read("source/mikro.md").replace(
        "- Genişletilmiş gözenekler\n", "- Genişletilmiş ve yağlı gözenekler\n"))
    assert project.run("pull").exit_code == 0
    pulled = _generated(project)
    assert sum(reused) >= 4 * 5  # the template's and every catalog's unchanged entries
    monkeypatch.undo()
    assert pulled == _pulled_again_from_scratch(project, tmp_path / "before")


def test_a_catalog_laid_out_by_hand_is_laid_out_again_not_reused(project: Project,
                                                                 tmp_path: Path) -> None:
    project.run("pull")
    project.set_translation("en", PARAGRAPH, LONG_TRANSLATION)
    project.run("pull")
    path = project.po("en")
    text = path.read_text(encoding="utf-8")
    first, _, rest = LONG_TRANSLATION.partition("procedure")
    by_hand = f'msgstr ""\n"{first}"\n"procedure{rest}"\n'
    assert 'msgstr ""\n"Microneedling' in text and by_hand not in text
    start = text.index('msgstr ""\n"Microneedling')
    end = text.index("\n\n", start) + 1
    path.write_text(text[:start] + by_hand + text[end:], encoding="utf-8")
    assert next(e for e in read_po(path).messages if e.msgid == PARAGRAPH).msgstr == LONG_TRANSLATION
    shutil.copytree(project.root / "locale", tmp_path / "before")
    project.write("source/mikro.md", project.read("source/mikro.md") + "\nYeni paragraf.\n")
    project.run("pull")
    assert by_hand not in path.read_text(encoding="utf-8")
    assert _generated(project) == _pulled_again_from_scratch(project, tmp_path / "before")
