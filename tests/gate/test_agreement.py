"""status and build give every language the same verdict, for the same reasons."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable

import pytest
from conftest import ARTICLE, Project

from pipeline.catalogs.pofile import format_po, read_po
from pipeline.site.build import build

LINK_UNIT = "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."
REFERENCE_UNIT = "Ayrıntılar için [kılavuza][k] bakın."
REFERENCE_ARTICLE = ARTICLE.replace(LINK_UNIT, REFERENCE_UNIT) + "\n[k]: https://example.org/kilavuz\n"
PLURAL_TEMPLATE = textwrap.dedent("""\
    {% extends "base.html" %}
    {% block main %}
    <h1>{% trans %}Makaleler{% endtrans %}</h1>
    <p>{% trans count=articles|length %}{{ count }} makale{% pluralize %}{{ count }} makale{% endtrans %}</p>
    {% endblock %}
    """)
PLURAL_MSGID = "%(count)s makale"


def _approved(project: Project, translate_all, approve_all, *languages: str,
              overrides: dict[str, str] | None = None) -> None:
    assert project.run("pull").exit_code == 0
    for language in languages:
        translate_all(project, language, overrides)
    approve_all(project, *languages)


def clean(make_project, translate_all, approve_all) -> Project:
    """English translated and approved: published."""
    project = make_project()
    _approved(project, translate_all, approve_all, "en")
    return project


def unapproved(make_project, translate_all, approve_all) -> Project:
    """German translated, nobody approved it: stopped."""
    project = make_project()
    _approved(project, translate_all, approve_all, "en")
    translate_all(project, "de")
    return project


def source_edited_without_pull(make_project, translate_all, approve_all) -> Project:
    """A paragraph added to the source after English was approved, and no pull since."""
    project = make_project()
    _approved(project, translate_all, approve_all, "en")
    project.write("source/mikro.md", ARTICLE + "\nYeni eklenen bir paragraf.\n")
    return project


def broken_reference_link(make_project, translate_all, approve_all) -> Project:
    """A translation whose reference-style link names no definition of the source."""
    project = make_project({"mikro": REFERENCE_ARTICLE})
    _approved(project, translate_all, approve_all, "en",
              overrides={REFERENCE_UNIT: "See [the guide][x] for details."})
    return project


def header_error(make_project, translate_all, approve_all) -> Project:
    """English approved, then its catalog's header given a Plural-Forms msgfmt rejects."""
    project = make_project()
    _approved(project, translate_all, approve_all, "en")
    path = project.po("en")
    text = path.read_text(encoding="utf-8")
    broken = text.replace("nplurals=2; plural=(n != 1);", "nplurals=2; plural=(n > 1 ? 2 : 0);")
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    return project


def template_placeholder(make_project, translate_all, approve_all) -> Project:
    """A template plural whose English translation names another placeholder than the source."""
    project = make_project()
    project.write("templates/index.html", PLURAL_TEMPLATE)
    assert project.run("pull").exit_code == 0
    translate_all(project, "en")
    path = project.po("en", "site")
    catalog = read_po(path)
    catalog.entries = [entry.replace(msgstrs=("%(number)s article", "%(number)s articles"))
                       if entry.msgid == PLURAL_MSGID else entry for entry in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")
    approve_all(project, "en")
    return project


def plural_rule_changed(make_project, translate_all, approve_all) -> Project:
    """A template plural approved in English, then only the catalog's Plural-Forms edited.

    The rule decides which form a reader sees ("3 articles" or "3 article"), so the
    approval of the plural entry no longer stands.
    """
    project = make_project()
    project.write("templates/index.html", PLURAL_TEMPLATE)
    assert project.run("pull").exit_code == 0
    translate_all(project, "en", {PLURAL_MSGID: "%(count)s articles"})
    approve_all(project, "en")
    path = project.po("en", "site")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "plural=(n != 1);", "plural=(n == 1);"), encoding="utf-8")
    return project


def _source_signed(project: Project, keys) -> None:
    """Require source signatures, and have a doctor allowed for tr sign the mikro article."""
    from pipeline.signoff.review import approve, open_signer
    from pipeline.signoff.sources import standings, target
    from signing import add_doctor

    project.write("pipeline.toml", project.read("pipeline.toml") + "\n[gate]\nsource_signoff = true\n")
    key = add_doctor(project, keys, reviewer="zeris", languages=("tr",), name="Uzm. Dr. Zahide Eriş")
    config = project.config
    approve(config, "tr", open_signer(config, "tr", "zeris", key),
            [target(article) for article in standings(config) if article.slug == "mikro"])


def draft_article(make_project, translate_all, approve_all) -> Project:
    """Two articles translated and approved in English; the source doctor signed only one."""
    project = make_project({"mikro": ARTICLE, "taslak": ARTICLE.replace("Mikro", "Taslak")})
    _approved(project, translate_all, approve_all, "en")
    _source_signed(project, project.root.parent / "keys")
    return project


def source_changed_after_signature(make_project, translate_all, approve_all) -> Project:
    """The only article signed, then a sentence of it edited (and translated and approved again)."""
    project = make_project()
    _approved(project, translate_all, approve_all, "en")
    _source_signed(project, project.root.parent / "keys")
    project.write("source/mikro.md", ARTICLE.replace("Genişletilmiş", "Büyümüş"))
    _approved(project, translate_all, approve_all, "en")
    return project


SCENARIOS: dict[str, Callable[..., Project]] = {
    "clean": clean,
    "unapproved": unapproved,
    "source edited without pull": source_edited_without_pull,
    "broken reference link": broken_reference_link,
    "header error": header_error,
    "template placeholder mismatch": template_placeholder,
    "plural rule changed after approval": plural_rule_changed,
    "draft article": draft_article,
    "source changed after its signature": source_changed_after_signature,
}
# Which languages each scenario publishes (the source always is).
PUBLISHED = {"clean": {"en"}, "unapproved": {"en"}, "source edited without pull": set(),
             "broken reference link": set(), "header error": set(),
             "template placeholder mismatch": set(), "plural rule changed after approval": set(),
             "draft article": {"en"}, "source changed after its signature": {"en"}}
# Which source articles each scenario leaves a draft, published in no language.
DRAFTS = {"draft article": ["source/taslak.md"],
          "source changed after its signature": ["source/mikro.md"]}


@pytest.mark.parametrize("name", SCENARIOS)
def test_status_and_build_agree_on_every_language(name, make_project, translate_all,
                                                  approve_all):
    project = SCENARIOS[name](make_project, translate_all, approve_all)
    status = project.run("status", "--json")
    assert status.exit_code == 0, status.output
    rows = json.loads(status.output)
    said = {row["language"]: (row["publishable"], row["blocked"])
            for row in rows if not row.get("source")}
    drafts = [draft["path"] for row in rows if row.get("source") for draft in row["drafts"]]
    result = build(project.config)
    done = {report.language: (report.published, report.reasons())
            for report in result.languages if not report.is_source}
    assert said == done
    assert drafts == [b.path for r in result.languages if r.is_source for b in r.blockers]
    assert drafts == DRAFTS.get(name, [])
    assert {language for language, (published, _) in done.items() if published} == PUBLISHED[name]
    shown = project.run("build")
    assert shown.exit_code == 0, shown.output


def test_a_plural_approval_stands_until_the_rule_changes(make_project, translate_all, approve_all):
    project = make_project()
    project.write("templates/index.html", PLURAL_TEMPLATE)
    assert project.run("pull").exit_code == 0
    translate_all(project, "en", {PLURAL_MSGID: "%(count)s articles"})
    approve_all(project, "en")
    assert build(project.config).languages[1].published
    path = project.po("en", "site")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "plural=(n != 1);", "plural=(n == 1);"), encoding="utf-8")
    english = build(project.config).languages[1]
    assert not english.published
    assert [b.msgid for b in english.blockers] == [PLURAL_MSGID]
