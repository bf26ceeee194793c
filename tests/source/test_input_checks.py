"""Bad input is refused through the command line: one line naming file and line, nothing modified."""

from __future__ import annotations

import pytest

from conftest import ARTICLE
from refusal import refuses

GOOD_HEAD = "---\ntitle: Başlık\n"


@pytest.mark.parametrize("text, expected", [
    ("", "source/yeni.md:1: the article is empty"),
    ("\n  \n", "source/yeni.md:1: the article is empty"),
    ("Yalnızca metin.\n", "source/yeni.md:1: no front matter"),
    ("---\ndescription: Açıklama\n---\n\nMetin.\n", "source/yeni.md:1: front matter has no 'title'"),
    ("---\ntitle: ''\n---\n\nMetin.\n", "source/yeni.md:2: front matter 'title' is empty"),
    ("---\ntitle:   \n---\n\nMetin.\n", "source/yeni.md:2: front matter 'title' is empty"),
    ("---\ntitle: Bir\ndescription: x\ntitle: İki\n---\n\nMetin.\n",
     "source/yeni.md:4: front matter 'title' is given twice (first at line 2)"),
    (GOOD_HEAD + "description: a\ndescription: b\n---\n\nMetin.\n",
     "source/yeni.md:4: front matter 'description' is given twice (first at line 3)"),
    ("---\ntitle:\n  - Bir\n  - İki\n---\n\nMetin.\n",
     "source/yeni.md:2: front matter 'title' must be text, not a list"),
    (GOOD_HEAD + "reviewed_by:\n  - Dr. A\n  - Dr. B\n---\n\nMetin.\n",
     "source/yeni.md:3: front matter 'reviewed_by' must be text, not a list"),
    (GOOD_HEAD + "reviewed_by: [Dr. A, Dr. B]\n---\n\nMetin.\n",
     "source/yeni.md:3: front matter 'reviewed_by' must be text, not a list"),
    # YAML errors at the line at fault, not where the parser noticed.
    (GOOD_HEAD + "  description: içeri kaymış\n---\n\nMetin.\n",
     "source/yeni.md:3: malformed front matter: mapping values are not allowed"),
    ('---\ntitle: "Kapanmamış\ndescription: x\n---\n\nMetin.\n',
     "source/yeni.md:2: malformed front matter"),
    ("---\ntitle: 'Kapanmamış\ndescription: x\n---\n\nMetin.\n",
     "source/yeni.md:2: malformed front matter"),
    ("---\ntitle: [Bir, İki\ndescription: x\n---\n\nMetin.\n",
     "source/yeni.md:2: malformed front matter: did not find expected ',' or ']', while parsing "
     "a flow sequence that begins on this line"),
    (GOOD_HEAD + "description\npublished: 2023-02-06\n---\n\nMetin.\n",
     "source/yeni.md:3: malformed front matter: could not find expected ':'"),
    (GOOD_HEAD + "\tdescription: sekme\n---\n\nMetin.\n",
     "source/yeni.md:3: malformed front matter"),
    (GOOD_HEAD + "description:\n    a: 1\n  b: 2\n---\n\nMetin.\n",
     "source/yeni.md:5: malformed front matter"),
])
def test_bad_source_articles_are_refused_at_the_right_line(project, text, expected):
    assert project.run("pull").exit_code == 0
    project.write("source/yeni.md", text)
    for command in ("pull", "build"):
        refuses(project, command, expected=expected)


def test_a_bad_article_is_refused_as_a_subprocess(project):
    project.write("source/yeni.md", "---\ntitle: Bir\ntitle: İki\n---\n\nMetin.\n")
    line = refuses(project, "pull", subprocess=True,
                   expected="error: source/yeni.md:3: front matter 'title' is given twice")
    assert "YAML would silently keep the last" in line


def test_a_folder_named_like_an_article_is_an_error_not_a_traceback(project):
    (project.root / "source" / "klasor.md").mkdir()
    for command in ("pull", "build", "status"):
        refuses(project, command, expected="source/klasor.md: a folder named like an article")


def test_a_dangling_link_named_like_an_article_is_an_error_not_a_traceback(project):
    (project.root / "source" / "kayip.md").symlink_to("silinmis.md")
    for command in ("pull", "build"):
        refuses(project, command, expected="source/kayip.md: a link to 'silinmis.md', which does "
                                           "not exist")


@pytest.mark.parametrize("name", ["yeni.MD", "yeni.markdown", "yeni.md.txt", "yeni.Md"])
def test_near_misses_are_warned_about_and_the_command_goes_on(project, name):
    project.write(f"source/{name}", ARTICLE)
    for command in ("pull", "build"):
        result = project.run(command)
        assert result.exit_code == 0, result.output
        assert result.stderr == (f"warning: source/{name}: not read: articles are '*.md' files "
                                 "(lowercase suffix); rename it to 'yeni.md' if it is one\n")
    assert not (project.root / "locale" / "yeni.pot").exists()


def test_other_files_of_the_source_folder_are_not_warned_about(project):
    project.write("source/notlar.txt", "x")
    project.write("source/.yeni.md.swp", "x")
    project.write("source/mikro.md~", "x")
    result = project.run("pull")
    assert result.exit_code == 0 and result.stderr == ""


# ---------------------------------------------------------------- catalogs

CONTENT_TYPE = '"Content-Type: text/plain; charset=UTF-8\\n"'


@pytest.mark.parametrize("replacement, expected", [
    ('"Content-Type: text/plain; charset=ISO-8859-9\\n"', "the header says charset=ISO-8859-9"),
    ('"Content-Type: text/plain; charset=CHARSET\\n"', "the header says charset=CHARSET"),
    ('"Content-Type: text/plain\\n"', "the header declares no charset"),
])
def test_a_catalog_header_that_is_not_utf8_is_refused_naming_its_line(project, replacement,
                                                                       expected):
    """The reader refuses it: every command reads the file as UTF-8, gettext tools as declared."""
    assert project.run("pull").exit_code == 0
    path = project.po("de")
    text = path.read_text(encoding="utf-8")
    line = text.split("\n").index(CONTENT_TYPE) + 1
    path.write_text(text.replace(CONTENT_TYPE, replacement), encoding="utf-8")
    project.write("source/mikro.md", ARTICLE + "\nYeni paragraf.\n")  # pull has work to do
    for command in ("pull", "status", "build"):
        message = refuses(project, command,
                          expected=f"locale/de/LC_MESSAGES/mikro.po:{line}: {expected}")
        assert "make it 'Content-Type: text/plain; charset=UTF-8\\n'" in message
    before = project.snapshot()
    result = project.run("check")  # reports it as an error finding, as any malformed catalog
    assert result.exit_code == 1
    assert f"locale/de/LC_MESSAGES/mikro.po:{line}: error: [gettext] {expected}" in result.stdout
    assert project.snapshot() == before


def test_a_lowercase_utf8_charset_is_fine(project):
    assert project.run("pull").exit_code == 0
    path = project.po("de")
    path.write_text(path.read_text(encoding="utf-8").replace("charset=UTF-8", "charset=utf-8"),
                    encoding="utf-8")
    assert project.run("status").exit_code == 0
