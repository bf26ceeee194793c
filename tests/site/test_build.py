"""The build: only reviewed languages are published, safely, deterministically, incrementally."""

from __future__ import annotations

import hashlib
import os
import signal
import json
import shutil
import re
import textwrap
import xml.etree.ElementTree as ET
from datetime import datetime, UTC
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.site.build import MANIFEST, MARKER, build
from pipeline.errors import BuildError, SourceError, StoppedError
from pipeline.catalogs.pofile import format_po, read_po
from pipeline.source.articles import domains

from conftest import ARTICLE

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "x": "http://www.w3.org/1999/xhtml"}


class PageFacts(HTMLParser):
    """What a test needs from a page: html attributes, alternates, JSON-LD, visible text."""

    def __init__(self, html: str):
        super().__init__()
        self.html_attrs: dict = {}
        self.alternates: dict[str, str] = {}
        self.canonical = ""
        self.jsonld: list[dict] = []
        self.text: list[str] = []
        self.hrefs: list[str] = []
        self._in_jsonld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        elif tag == "link" and attrs.get("rel") == "alternate":
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "script":
            self._in_jsonld = attrs.get("type") == "application/ld+json"
        elif tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag == "meta" and attrs.get("name") == "description":
            self.text.append(attrs["content"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(json.loads(data))
        else:
            self.text.append(data)


def facts(path: Path) -> PageFacts:
    return PageFacts(path.read_text(encoding="utf-8"))


def url_to_file(public: Path, url: str) -> Path:
    relative = url.removeprefix("https://klinik.example/")
    return public / relative / "index.html"


def out_snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def published(project, translate_all, approve_all):
    """A pulled project with English and Arabic translated and approved; de and ru untouched."""
    assert project.run("pull").exit_code == 0
    for language in ("en", "ar"):
        translate_all(project, language)
    approve_all(project, "en", "ar")
    return project


def msgids(project, language="en") -> list[str]:
    config = project.config
    return [entry.msgid for domain in domains(config)
            for entry in read_po(config.catalog_path(language, domain)).messages]


def edit_translation(project, language: str, msgid: str, text: str, domain: str = "mikro") -> int:
    path = project.po(language, domain)
    catalog = read_po(path)
    catalog.entries = [e.replace(msgstrs=(text,)) if e.msgid == msgid else e for e in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")
    return next(e.line for e in read_po(path).messages if e.msgid == msgid)


# ---------------------------------------------------------------- site chrome catalog


def test_pull_extracts_the_template_strings_into_a_site_catalog_per_language(project):
    assert project.run("pull").exit_code == 0
    template = read_po(project.root / "locale" / "site.pot")
    ids = [entry.msgid for entry in template.messages]
    assert ids[0] == "Test Kliniği"  # the site name, from pipeline.toml
    assert {"Tıbbi olarak onaylayan", "Çeviriyi tıbbi olarak onaylayan", "Yayınlanma tarihi",
            "Son güncelleme", "Başa dön", "Diller", "Dil seçin"} <= set(ids)
    label = next(e for e in template.messages if e.msgid == "Tıbbi olarak onaylayan")
    assert label.references[0].startswith("pipeline/site/templates/article.html:")
    assert any("doctor who approved" in comment for comment in label.extracted)
    for language in ("en", "de", "ar", "ru"):
        assert [e.msgid for e in read_po(project.po(language, "site")).messages] == ids
    assert "site" in domains(project.config)


def test_a_project_template_overrides_the_shipped_one_and_its_strings_are_extracted(project):
    project.write("templates/index.html", textwrap.dedent("""\
        {% extends "base.html" %}
        {% block main %}<p>{% trans %}%30 indirimli {x} kampanya{% endtrans %}</p>{% endblock %}
        """))
    assert project.run("pull").exit_code == 0
    template = read_po(project.root / "locale" / "site.pot")
    entry = next(e for e in template.messages if e.msgid == "%30 indirimli {x} kampanya")
    assert entry.references == ("templates/index.html:2",)
    assert "Makaleler" not in [e.msgid for e in template.messages]  # the shipped index is replaced
    for path in [project.root / "locale" / "site.pot", project.po("en", "site")]:
        assert "-format" not in path.read_text(encoding="utf-8")


def test_pull_is_stable_with_the_site_catalog(project):
    assert project.run("pull").exit_code == 0
    before = project.snapshot()
    result = project.run("pull")
    assert "everything up to date" in result.output
    assert project.snapshot() == before


def test_an_article_named_like_the_site_catalog_is_refused(make_project):
    project = make_project({"site": ARTICLE})
    result = project.run("pull")
    assert result.exit_code == 1
    assert "source/site.md: the name 'site' is reserved" in result.output
    assert not (project.root / "locale").exists()


def test_a_template_syntax_error_names_the_file_and_line(project):
    project.write("templates/index.html", "{% extends 'base.html' %}\n{% block main %}\n{% trans %}x\n")
    result = project.run("pull")
    assert result.exit_code == 1
    assert "templates/index.html:" in result.output and "template syntax error" in result.output


# ---------------------------------------------------------------- the gate


def test_only_the_source_is_published_when_nothing_is_reviewed(project):
    assert project.run("pull").exit_code == 0
    result = project.run("build")
    assert result.exit_code == 0
    public = project.root / "public"
    assert sorted(p.name for p in public.iterdir() if p.is_dir()) == ["tr"]
    assert "en: stopped" in result.output and "untranslated" in result.output
    assert re.search(r"locale/en/LC_MESSAGES/mikro\.po:\d+: untranslated", result.output)


def test_strict_exits_with_the_stopped_code_when_a_language_is_stopped(published):
    result = published.run("build", "--strict")
    assert result.exit_code == StoppedError.exit_code == 3
    assert "stopped: de, ru" in result.output
    assert (published.root / "public" / "en" / "mikro" / "index.html").is_file()


def test_strict_exits_zero_when_every_language_is_published(make_project, translate_all, approve_all):
    project = make_project(targets=("en", "ar"))
    assert project.run("pull").exit_code == 0
    for language in ("en", "ar"):
        translate_all(project, language)
    approve_all(project, "en", "ar")
    result = project.run("build", "--strict")
    assert result.exit_code == 0, result.output
    assert "stopped" not in result.output


def test_the_report_counts_blockers_by_reason_and_shows_the_first_few(published, translate_all):
    translate_all(published, "de")
    path = published.po("de")
    catalog = read_po(path)
    catalog.entries = [e.with_fuzzy(True) if i < 2 else e for i, e in enumerate(catalog.entries)]
    path.write_text(format_po(catalog), encoding="utf-8")
    result = published.run("build")
    line = next(line for line in result.output.splitlines() if line.startswith("de:"))
    total = len(msgids(published, "de"))
    assert line == f"de: stopped, {total} string(s) hold it back: 2 fuzzy, {total - 2} not approved"
    assert result.output.count("locale/de/LC_MESSAGES/mikro.po:") == 5
    assert f"… and {total - 5} more" in result.output


def test_a_stale_approval_stops_the_language_and_removes_its_old_pages(published):
    assert published.run("build").exit_code == 0
    public = published.root / "public"
    assert (public / "en" / "mikro" / "index.html").is_file()
    line = edit_translation(published, "en", "Genişletilmiş gözenekler", "Enlarged pores (edited)")
    result = published.run("build")
    assert result.exit_code == 0
    assert f"locale/en/LC_MESSAGES/mikro.po:{line}: changed since approval" in result.output
    assert not (public / "en").exists()
    page = facts(public / "ar" / "mikro" / "index.html")
    assert set(page.alternates) == {"tr", "ar", "x-default"}
    assert "/en/" not in (public / "sitemap.xml").read_text(encoding="utf-8")
    assert "/en/" not in (public / "index.html").read_text(encoding="utf-8")


def test_a_source_change_without_pull_stops_the_language_instead_of_showing_turkish(published):
    published.write("source/mikro.md", ARTICLE + "\nYeni eklenen bir paragraf.\n")
    result = published.run("build")
    assert "en: stopped" in result.output
    assert re.search(r"source/mikro\.md:\d+: not in catalog", result.output)
    assert not (published.root / "public" / "en").exists()
    turkish = (published.root / "public" / "tr" / "mikro" / "index.html").read_text(encoding="utf-8")
    assert "Yeni eklenen bir paragraf." in turkish


def test_a_changed_title_without_pull_stops_the_language(published):
    published.write("source/mikro.md", ARTICLE.replace("title: Mikro İğneleme Nedir?",
                                                       "title: Mikro İğneleme Hakkında"))
    result = published.run("build")
    assert "source/mikro.md:2: not in catalog: front matter 'title'" in result.output
    assert not (published.root / "public" / "en").exists()


def test_unapproved_site_chrome_stops_the_language(project, translate_all, approve_all):
    assert project.run("pull").exit_code == 0
    translate_all(project, "en")
    approve_all(project, "en", domain_filter=lambda domain: domain != "site")
    result = project.run("build")
    assert re.search(r"locale/en/LC_MESSAGES/site\.po:\d+: not approved", result.output)
    assert not (project.root / "public" / "en").exists()


def test_a_template_string_missing_from_the_site_catalog_stops_the_language(published):
    published.write("templates/index.html", textwrap.dedent("""\
        {% extends "base.html" %}
        {% block main %}<p>{% trans %}Yeni bir etiket{% endtrans %}</p>{% endblock %}
        """))
    result = published.run("build")
    assert "en: stopped" in result.output
    assert ("templates/index.html:2: not in catalog: not yet in locale/en/LC_MESSAGES/site.po"
            in result.output)


# ---------------------------------------------------------------- pages


def turkish_left(page: Path, sentences: list[str]) -> list[str]:
    """The source sentences (markup stripped) found in a page's text."""
    text = re.sub(r"\s+", " ", "".join(facts(page).text))
    plain = [re.sub(r"\s+", " ", re.sub(r"\*\*|\[|\]\([^)]*\)", "", s)) for s in sentences]
    return [sentence for sentence in plain if sentence in text]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_turkish_sentence_is_left_on_a_translated_page(published, language):
    assert published.run("build").exit_code == 0
    public = published.root / "public"
    sentences = msgids(published, language)
    # The detector itself works: on the Turkish page it finds every article sentence.
    assert len(turkish_left(public / "tr" / "mikro" / "index.html", sentences)) >= 6
    for page in (public / language / "mikro" / "index.html", public / language / "index.html"):
        assert turkish_left(page, sentences) == []
        assert "Test Kliniği" not in page.read_text(encoding="utf-8")


def test_pages_carry_lang_dir_canonical_and_alternates_to_built_pages_only(published):
    assert published.run("build").exit_code == 0
    public = published.root / "public"
    for language, direction in (("tr", "ltr"), ("en", "ltr"), ("ar", "rtl")):
        page = facts(public / language / "mikro" / "index.html")
        assert page.html_attrs == {"lang": language, "dir": direction}
        assert page.canonical == f"https://klinik.example/{language}/mikro/"
        assert set(page.alternates) == {"tr", "en", "ar", "x-default"}
        assert page.alternates["x-default"] == "https://klinik.example/tr/mikro/"
        for url in page.alternates.values():
            assert url_to_file(public, url).is_file()
    assert not (public / "de").exists() and not (public / "ru").exists()


def test_the_sitemap_lists_built_pages_with_their_alternates_only(published):
    assert published.run("build").exit_code == 0
    public = published.root / "public"
    root = ET.parse(public / "sitemap.xml").getroot()
    locations = [node.text for node in root.findall("s:url/s:loc", SITEMAP_NS)]
    assert "https://klinik.example/en/mikro/" in locations
    assert len(locations) == 1 + 3 + 3  # the chooser, three language indexes, three articles
    for url in root.findall("s:url", SITEMAP_NS):
        assert url_to_file(public, url.find("s:loc", SITEMAP_NS).text).is_file()
        links = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)}
        assert set(links) == {"tr", "en", "ar", "x-default"}
        assert all(url_to_file(public, href).is_file() for href in links.values())


def test_json_ld_names_the_approving_doctors_and_the_turkish_original(
        project, translate_all, approve_all):
    assert project.run("pull").exit_code == 0
    translate_all(project, "en")
    approve_all(project, "en", name="Dr. Ayşe Demir",
                time=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    approve_all(project, "en", name="Dr. John Smith", reviewer="jsmith",
                time=datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
                domain_filter=lambda domain: domain == "mikro")
    assert project.run("build").exit_code == 0
    page = facts(project.root / "public" / "en" / "mikro" / "index.html")
    (data,) = page.jsonld
    assert data["@type"] == "MedicalWebPage" and data["inLanguage"] == "en"
    assert data["reviewedBy"] == [{"@type": "Person", "name": "Dr. John Smith"}]
    assert data["lastReviewed"] == "2026-04-02"
    original = data["translationOfWork"]
    assert original["url"] == "https://klinik.example/tr/mikro/" and original["inLanguage"] == "tr"
    assert original["reviewedBy"]["name"] == "Uzm. Dr. Zahide Eriş"
    text = " ".join(page.text)
    assert "Uzm. Dr. Zahide Eriş" in text and "Dr. John Smith" in text
    assert "April 2, 2026" in text and "February 6, 2023" in text
    turkish = facts(project.root / "public" / "tr" / "mikro" / "index.html").jsonld[0]
    assert turkish["reviewedBy"]["name"] == "Uzm. Dr. Zahide Eriş"
    assert "translationOfWork" not in turkish


def test_byline_and_dates_are_localised(published):
    assert published.run("build").exit_code == 0
    arabic = " ".join(facts(published.root / "public" / "ar" / "mikro" / "index.html").text)
    assert "مارس" in arabic and "فبراير" in arabic
    turkish = " ".join(facts(published.root / "public" / "tr" / "mikro" / "index.html").text)
    assert "Tıbbi olarak onaylayan" in turkish and "6 Şubat 2023" in turkish


def test_the_language_chooser_names_languages_in_themselves(published):
    assert published.run("build").exit_code == 0
    chooser = (published.root / "public" / "index.html").read_text(encoding="utf-8")
    assert "Türkçe" in chooser and "English" in chooser and "العربية" in chooser
    assert 'href="ar/" lang="ar" hreflang="ar" dir="rtl"' in chooser
    assert "Deutsch" not in chooser


# ---------------------------------------------------------------- safety


def test_html_in_a_translation_is_blocked_by_the_checks(project, translate_all, approve_all):
    assert project.run("pull").exit_code == 0
    attack = "<script>alert(1)</script><img src=x onerror=alert(1)>"
    translate_all(project, "en", overrides={"Genişletilmiş gözenekler": f"Pores {attack}"})
    approve_all(project, "en")
    result = project.run("build")
    assert "en: stopped" in result.output and "[unsafe]" not in result.output
    assert "check error" in result.output
    assert not (project.root / "public" / "en").exists()


def test_special_characters_in_translations_are_escaped_everywhere(project, translate_all,
                                                                    approve_all):
    assert project.run("pull").exit_code == 0
    tricky = 'Fish & "chips" <not a tag'
    translate_all(project, "en", overrides={
        "Mikro İğneleme Nedir?": f"What {tricky}",
        "Genişletilmiş gözenekler": f"Pores {tricky}",
        "Başa dön": f"Top {tricky}",
        "Test Kliniği": f"Clinic {tricky}"})
    approve_all(project, "en")
    assert project.run("build").exit_code == 0
    html = (project.root / "public" / "en" / "mikro" / "index.html").read_text(encoding="utf-8")
    assert "<not a tag" not in html
    assert "Fish &amp; " in html and "&lt;not a tag" in html
    data = facts(project.root / "public" / "en" / "mikro" / "index.html").jsonld[0]
    assert data["name"] == f"What {tricky}"  # JSON-LD keeps the text, escaped for HTML
    assert html.count("</script>") == 1


@pytest.mark.parametrize("translation, detail", [
    ("See [the guide](https://evil.example/guide).",
     "link URL https://evil.example/guide is not in the source"),
    ("See [the guide](javascript:alert(document.cookie)).", "URL scheme javascript: is not allowed"),
    ("See <a href=\"https://evil.example\">the guide</a>.", "raw HTML <a> is not in the source"),
])
def test_a_translation_with_a_foreign_link_stops_its_language(
        project, translate_all, approve_all, translation, detail):
    assert project.run("pull").exit_code == 0
    unit = "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."
    translate_all(project, "en", overrides={unit: translation})
    approve_all(project, "en")
    result = project.run("build", "--strict")
    assert result.exit_code == StoppedError.exit_code
    assert re.search(r"locale/en/LC_MESSAGES/mikro\.po:\d+: check error: .*" + re.escape(detail),
                     result.output)
    assert not (project.root / "public" / "en").exists()


# ---------------------------------------------------------------- the output folder


def test_a_foreign_non_empty_out_is_refused_and_left_alone(published, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    result = published.run("build", "--out", str(foreign))
    assert result.exit_code == 1
    assert "is not empty and was not made by 'pipeline build'" in result.output
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_a_file_as_out_is_refused(published, tmp_path):
    target = tmp_path / "file.html"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(BuildError, match="must be a folder"):
        build(published.config, target)


def test_an_empty_folder_is_accepted_and_marked(published, tmp_path):
    empty = tmp_path / "site"
    empty.mkdir()
    result = published.run("build", "--out", str(empty))
    assert result.exit_code == 0, result.output
    assert (empty / MARKER).is_file() and (empty / "en" / "mikro" / "index.html").is_file()
    assert not [p for p in tmp_path.iterdir() if ".pipeline-" in p.name]


def test_leftovers_of_an_interrupted_build_are_cleaned_only_when_marked(published):
    public = published.root / "public"
    ours = published.root / ".public.pipeline-new-abc"
    ours.mkdir()
    (ours / MARKER).write_text("", encoding="utf-8")
    theirs = published.root / ".public.pipeline-old-xyz"
    theirs.mkdir()
    (theirs / "keep.txt").write_text("x", encoding="utf-8")
    assert published.run("build").exit_code == 0
    assert not ours.exists() and (theirs / "keep.txt").is_file()
    assert public.is_dir()


def test_a_failed_render_leaves_the_previous_site_in_place(published):
    assert published.run("build").exit_code == 0
    public = published.root / "public"
    before = out_snapshot(public)
    published.write("templates/article.html", "{% extends 'base.html' %}{% block main %}"
                                              "{{ page.no_such_field }}{% endblock %}")
    result = published.run("build")
    assert result.exit_code == 1
    assert "template error" in result.output
    assert out_snapshot(public) == before
    assert not [p for p in published.root.iterdir()
                if ".pipeline-" in p.name and p.name != ".pipeline-cache"]


# ---------------------------------------------------------------- determinism and speed


def test_same_input_gives_the_same_bytes(published, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    build(published.config, first)
    build(published.config, second)
    def contents(folder):
        return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert contents(first) == contents(second)


def test_a_no_op_rebuild_writes_nothing(published):
    assert published.run("build").exit_code == 0
    public = published.root / "public"
    before = out_snapshot(public)
    result = published.run("build")
    assert "public/ is up to date: 3 page(s), nothing written" in result.output
    assert out_snapshot(public) == before


def test_a_rebuild_renders_only_the_pages_whose_inputs_changed(make_project, translate_all,
                                                                approve_all):
    project = make_project({"mikro": ARTICLE, "ikinci": ARTICLE.replace("Mikro İğneleme Nedir?",
                                                                      "İkinci makale")})
    assert project.run("pull").exit_code == 0
    translate_all(project, "en")
    approve_all(project, "en")
    first = build(project.config)
    assert (first.pages, first.rendered) == (4, 4)
    public = project.root / "public"
    kept = (public / "tr" / "mikro" / "index.html").stat().st_ino
    edit_translation(project, "en", "Genişletilmiş gözenekler", "Wide pores", domain="ikinci")
    approve_all(project, "en")
    second = build(project.config)
    assert (second.pages, second.rendered, second.reused, second.changed) == (4, 1, 3, True)
    assert "Wide pores" in (public / "en" / "ikinci" / "index.html").read_text(encoding="utf-8")
    assert (public / "tr" / "mikro" / "index.html").stat().st_ino == kept  # carried over


def test_a_hand_edited_page_is_rendered_again(published):
    assert published.run("build").exit_code == 0
    page = published.root / "public" / "en" / "mikro" / "index.html"
    original = page.read_bytes()
    page.write_text("defaced", encoding="utf-8")
    result = build(published.config)
    assert result.rendered == 1 and page.read_bytes() == original


def test_the_manifest_records_every_file(published):
    assert published.run("build").exit_code == 0
    public = published.root / "public"
    manifest = json.loads((public / MANIFEST).read_text(encoding="utf-8"))
    files = {str(p.relative_to(public)) for p in public.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == files - {MANIFEST, MARKER}


# ---------------------------------------------------------------- Markdown output


def test_markdown_output_has_translated_front_matter_and_body(published):
    result = published.run("build", "--format", "md", "--out", "content")
    assert result.exit_code == 0, result.output
    content = published.root / "content"
    assert sorted(str(p.relative_to(content)) for p in content.rglob("*.md")) == [
        "ar/mikro.md", "en/mikro.md", "tr/mikro.md"]
    text = (content / "en" / "mikro.md").read_text(encoding="utf-8")
    import yaml
    _, head, body = text.split("---\n", 2)
    meta = yaml.safe_load(head)
    assert meta["title"].startswith("English text") and meta["lang"] == "en"
    assert meta["translation_reviewed_by"] == ["Dr. Ayşe Demir"]
    assert meta["translation_of"] == "https://klinik.example/tr/mikro/"
    assert meta["reviewed_by"] == "Uzm. Dr. Zahide Eriş"
    for msgid in msgids(published, "en"):
        assert re.sub(r"\*\*|\[|\]\([^)]*\)", "", msgid) not in body.replace("**", "")
    assert "(https://example.org/kilavuz)" in body
    assert not (content / "index.html").exists()
    tr = (content / "tr" / "mikro.md").read_text(encoding="utf-8")
    assert "Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür." in tr


def test_switching_format_replaces_the_output(published):
    assert published.run("build").exit_code == 0
    assert published.run("build", "--format", "md").exit_code == 0
    public = published.root / "public"
    assert (public / "en" / "mikro.md").is_file()
    assert not (public / "en" / "mikro").exists() and not (public / "sitemap.xml").exists()


def test_build_is_documented_in_the_readme():
    from conftest import REPO
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pipeline build" in readme and "--strict" in readme and "--format md" in readme


def test_source_errors_are_reported_not_built(published):
    published.write("source/mikro.md", "---\ntitle: [unclosed\n---\n")
    with pytest.raises(SourceError):
        build(published.config)


# ---------------------------------------------------------------- what a rebuild reads


def test_a_no_op_rebuild_reads_no_article_and_no_catalog(published, monkeypatch):
    import pipeline.site.build
    import pipeline.gate.facts

    assert build(published.config).changed
    def refuse(*args, **kwargs):
        raise AssertionError("read again")
    monkeypatch.setattr(pipeline.site.build, "read_article", refuse)
    monkeypatch.setattr(pipeline.gate.facts, "parse_po_bytes", refuse)
    again = build(published.config)
    assert (again.changed, again.rendered, again.pages) == (False, 0, 3)
    assert [r.language for r in again.languages if r.published] == ["tr", "en", "ar"]


def test_a_revoked_approval_stops_the_language_on_the_next_build(published, tmp_path):
    from pipeline.signoff.review import open_signer, revoke, translated_entries

    assert build(published.config).changed
    config = published.config
    signer = open_signer(config, "ar", "ademir", tmp_path / "keys" / "ademir.key")
    title = next(t for t in translated_entries(config, "ar").values()
                 if t.entry.msgid == "Mikro İğneleme Nedir?")
    revoke(config, "ar", signer, [title])
    result = build(config)
    assert [r.language for r in result.stopped] == ["de", "ar", "ru"]
    assert not (published.root / "public" / "ar").exists()


def test_a_page_edited_back_to_its_size_and_time_is_still_rendered_again(published):
    import os

    assert build(published.config).changed
    page = published.root / "public" / "en" / "mikro" / "index.html"
    original, info = page.read_bytes(), page.stat()
    page.write_bytes(original.replace(b"<html", b"<HTML", 1))
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))
    result = build(published.config)
    assert result.rendered == 1 and page.read_bytes() == original


def test_the_pages_are_the_same_when_built_on_several_cores(make_project, translate_all,
                                                             approve_all, tmp_path, monkeypatch):
    import pipeline.site.build
    from pipeline.parallel import _can_fork

    assert _can_fork()  # or this test would not exercise the workers
    project = make_project({f"makale-{n}": ARTICLE.replace("Mikro İğneleme Nedir?", f"Makale {n}")
                            for n in range(5)})
    assert project.run("pull").exit_code == 0
    translate_all(project, "en")
    approve_all(project, "en")
    monkeypatch.setattr(pipeline.site.build, "_PARALLEL_ARTICLES", 2)
    monkeypatch.setattr(pipeline.site.build, "_ARTICLES_PER_CHUNK", 2)
    monkeypatch.setattr(pipeline.site.build, "_PARALLEL_PAGES", 2)
    monkeypatch.setattr(pipeline.site.build, "_PAGES_PER_CHUNK", 3)
    outputs = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("PIPELINE_JOBS", jobs)
        out = tmp_path / f"out-{jobs}"
        result = build(project.config, out)
        assert result.rendered == 10 and "en" not in [r.language for r in result.stopped]
        outputs.append({str(p.relative_to(out)): p.read_bytes()
                        for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1] and len(outputs[0]) > 10


def test_a_no_op_rebuild_reports_the_stopped_languages_as_the_first_build_did(published):
    first = build(published.config)
    again = build(published.config)
    assert not again.changed and again.languages == first.languages
    assert {r.language: len(r.blockers) for r in again.stopped} == \
        {r.language: len(r.blockers) for r in first.stopped} and again.stopped[0].blockers


def test_a_ledger_change_that_changes_no_page_still_goes_through_the_gate(published, monkeypatch):
    import pipeline.site.build

    assert build(published.config).changed
    ledger = published.root / "locale" / "en" / "signoffs.jsonl"
    first_line = ledger.read_text(encoding="utf-8").splitlines()[0]
    with open(ledger, "a", encoding="utf-8") as handle:
        handle.write(first_line + "\n")  # a duplicate: counted once, harmless
    gated = []
    real_gate = pipeline.site.build._gate
    monkeypatch.setattr(pipeline.site.build, "_gate", lambda *args: gated.append(1) or real_gate(*args))
    again = build(published.config)
    assert gated and not again.changed and again.rendered == 0


def test_a_changed_module_of_the_package_renders_every_page_again(published, tmp_path):
    """A change to the code that renders pages is seen without any list of modules kept by hand."""
    from conftest import REPO

    assert published.run_subprocess("build").returncode == 0
    before = out_snapshot(published.root / "public")
    copy = tmp_path / "code"
    shutil.copytree(REPO / "pipeline", copy / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    pages = copy / "pipeline" / "site" / "pages.py"
    text = pages.read_text(encoding="utf-8")
    pages.write_text(text.replace('"@context": "https://schema.org"',
                                  '"@context": "https://schema.org/"'), encoding="utf-8")
    unchanged = published.run_subprocess("build", env={"PYTHONPATH": str(REPO)})
    assert "nothing written" in unchanged.stdout
    rebuilt = published.run_subprocess("build", env={"PYTHONPATH": str(copy)})
    assert rebuilt.returncode == 0 and "nothing written" not in rebuilt.stdout, rebuilt.stdout
    after = out_snapshot(published.root / "public")
    page = "en/mikro/index.html"
    assert after[page][0] != before[page][0] and b'"https://schema.org/"' in after[page][0]


def _forge_page_and_manifest(public: Path, page: str, text: bytes) -> None:
    """What whoever can write the output folder would do: edit a page and its manifest together."""
    (public / page).write_bytes(text)
    manifest = json.loads((public / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][page]["sha256"] = hashlib.sha256(text).hexdigest()
    (public / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")


@pytest.mark.parametrize("cache_deleted", [False, True])
def test_a_page_edited_with_its_manifest_is_rendered_again(published, cache_deleted):
    """The output's manifest is for people and hosting tools: never the truth about its pages."""
    assert build(published.config).changed
    public = published.root / "public"
    page = "en/mikro/index.html"
    honest = (public / page).read_bytes()
    _forge_page_and_manifest(public, page, b"<p>unreviewed text under a doctor's byline</p>")
    if cache_deleted:
        shutil.rmtree(published.root / ".pipeline-cache")
    result = build(published.config)
    assert result.changed
    assert (public / page).read_bytes() == honest


def test_ctrl_c_while_the_new_output_takes_the_old_one_s_place_waits_for_both_renames(
        published, translate_all, approve_all, monkeypatch):
    assert published.run("build").exit_code == 0
    translate_all(published, "de")
    approve_all(published, "de")
    real, out = os.rename, published.root / "public"

    def interrupted(source, target):
        real(source, target)
        if Path(source) == out:  # the old output set aside, the new one not yet in place
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(os, "rename", interrupted)
    result = published.run("build")
    assert result.exit_code == 130, result.output
    assert result.output.endswith("interrupted: work finished before the interrupt is kept\n")
    assert (out / MARKER).is_file() and (out / "de").is_dir()
    assert not list(published.root.glob(".public.pipeline-*"))  # the old one removed
