"""The gate's rules: one entry, one catalog's header, the site's placeholders, one page's links."""

from __future__ import annotations

import textwrap

import pytest

from pipeline.catalogs.model import Catalog, Entry
from pipeline.gate.rules import (APPROVED, CHANGED, CHECK_ERROR, FUZZY, MARK_CLEAN, MARK_ERROR,
                                 MARK_FUZZY, MARK_FUZZY_ERROR, MARK_UNFILLED, NOT_APPROVED,
                                 NOT_IN_CATALOG, PYTHON_FORMAT, REJECTED, REJECTED_BY_DOCTOR,
                                 STALE, UNSAFE_LINK, UNTRANSLATED, WAITING, PageProblem,
                                 UnitProblem, checked_as, entry_reason, link_problem,
                                 page_problems)
from pipeline.source.articles import Unit


@pytest.mark.parametrize("mark, state, reason", [
    (MARK_UNFILLED, None, UNTRANSLATED),
    (MARK_CLEAN, APPROVED, None),
    (MARK_FUZZY, APPROVED, FUZZY),
    (MARK_FUZZY_ERROR, WAITING, FUZZY),
    (MARK_ERROR, APPROVED, CHECK_ERROR),
    (MARK_CLEAN, REJECTED, REJECTED_BY_DOCTOR),
    (MARK_CLEAN, STALE, CHANGED),
    (MARK_CLEAN, WAITING, NOT_APPROVED),
])
def test_the_rule_for_one_entry(mark, state, reason):
    assert entry_reason(mark, state) == reason


@pytest.mark.parametrize("source, translated, problem", [
    (["https://a.example"], ["https://a.example"], ""),
    (["a.png", "https://a.example"], ["https://a.example", "a.png"], ""),
    (["https://a.example"], [], "link target of the source missing: https://a.example"),
    ([], ["https://b.example"], "link target not in the source: https://b.example"),
    (["javascript:x"], ["javascript:x"], "link to a forbidden scheme: javascript:x"),
    (["https://a.example"], ["https://a.example"] * 2,
     "link target not in the source: https://a.example"),
])
def test_link_targets_must_be_the_sources(source, translated, problem):
    assert link_problem(source, translated) == problem


def test_a_page_is_held_back_by_its_front_matter_then_by_its_units():
    units = [Unit("Başlık", "title", 2), Unit("Açıklama", "description", 3),
             Unit("Paragraf", "paragraph", 7)]
    failed = [UnitProblem(NOT_IN_CATALOG, "Yeni", 9, "the source changed"),
              UnitProblem(UNSAFE_LINK, "Paragraf", 7, "link target not in the source: x")]
    lookup = {"Açıklama": "Description", "Paragraf": "Paragraph"}.get
    problems = page_problems(units, failed, lookup, catalog_line={"Paragraf": 31}.__getitem__)
    assert problems == [
        PageProblem(NOT_IN_CATALOG, "Başlık", 2, "front matter 'title'; run 'pipeline pull'"),
        PageProblem(NOT_IN_CATALOG, "Yeni", 9, "the source changed; run 'pipeline pull'"),
        PageProblem(UNSAFE_LINK, "Paragraf", 31, "link target not in the source: x", True)]
    assert str(problems[2].blocker("source/a.md", "locale/en/LC_MESSAGES/a.po")) == \
        "locale/en/LC_MESSAGES/a.po:31: unsafe link: link target not in the source: x"
    assert problems[0].blocker("source/a.md", "locale/en/LC_MESSAGES/a.po").path == "source/a.md"


def test_site_strings_with_placeholders_are_checked_as_python_format():
    header = Entry("", ("Content-Type: text/plain; charset=UTF-8\n",))
    plural = Entry("%(count)s makale", ("%(n)s article", "%(n)s articles"),
                   msgid_plural="%(count)s makale")
    kept = Entry("Makaleler", ("Articles",))
    flagged = Entry("%(name)s hakkında", ("About %(name)s",), flags=("fuzzy", PYTHON_FORMAT))
    percent = Entry("%30 indirim", ("30% off",))
    catalog = Catalog(header, [plural, kept, flagged, percent])
    checked = checked_as("site", catalog)
    assert [entry.flags for entry in checked.entries] == [
        (PYTHON_FORMAT,), (), ("fuzzy", PYTHON_FORMAT), ()]
    assert checked_as("mikro", catalog) is catalog  # an article's "%30" is prose


TEMPLATE = textwrap.dedent("""\
    {% extends "base.html" %}
    {% block main %}
    <p>{% trans count=articles|length %}{{ count }} makale{% pluralize %}{{ count }} makale{% endtrans %}</p>
    {% endblock %}
    """)


def test_check_reports_a_template_placeholder_a_translation_renamed(project, translate_all):
    from pipeline.catalogs.pofile import format_po, read_po

    project.write("templates/index.html", TEMPLATE)
    assert project.run("pull").exit_code == 0
    assert "-format" not in project.po("en", "site").read_text(encoding="utf-8")
    translate_all(project, "en")
    path = project.po("en", "site")
    catalog = read_po(path)
    catalog.entries = [entry.replace(msgstrs=("%(count)s article", "%(number)s articles"))
                       if entry.msgid_plural else entry for entry in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")
    result = project.run("check", "--lang", "en")
    assert result.exit_code == 1
    assert ("error: [gettext] python-format: a format specification for argument 'number', as "
            "in 'msgstr[1]', doesn't exist in 'msgid'") in result.output
