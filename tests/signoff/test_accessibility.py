"""axe-core (the vendored axe.min.js of axe-playwright-python) finds no violation on the review
page and the printed sheet, in real chromium, in English and in Turkish, with every kind of row
context shown: a changed string's diffs, a translator's note, glossary terms, a flagged score."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ARTIFACTS, Project
from pipeline.catalogs.pofile import format_po, read_po
from pipeline.signoff.review import approve, open_signer, translated_entries
from signing import edit_translation
from tests.signoff.test_server import ITEM, TITLE, arrived, digest_of, live, site

__all__ = ["arrived", "live", "site"]  # the fixtures, shared with test_server
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
pytestmark = pytest.mark.browser

NOTE = "please confirm: enlarged pores"
BACKS = {TITLE: "Mikro iğneleme nedir?", ITEM: "Genişlemiş delikler"}


@pytest.fixture
def eventful(site: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The test site with every kind of context on the English page: a stale row (diffs), a
    translator's note, a glossary term missing from the translation, back-translations and scores."""
    config = site.config
    entries = translated_entries(config, "en")
    approve(config, "en", open_signer(config, "en", "dr-test", site.key),
            [entries[digest_of(site, "en", TITLE)]])
    edit_translation(site, "en", TITLE, "What is micro-needling, really?")  # now stale
    catalog = read_po(site.po("en"))
    catalog.entries = [entry.replace(comments=(NOTE,)) if entry.msgid == ITEM else entry
                       for entry in catalog.entries]
    site.po("en").write_text(format_po(catalog), encoding="utf-8")
    site.write("glossary/tr-en.csv", "source,target\ngözenek,pore\n")
    monkeypatch.setattr("pipeline.mt.backtranslate.back_translations",
                        lambda config, language, found: {e.key: BACKS[e.msgid]
                                                         for e in found if e.msgid in BACKS})
    return site


def violations(page: Any) -> list[str]:
    results = axe_playwright.Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
            f"{[node['target'] for node in v['nodes'][:3]]})"
            for v in results.response["violations"]]


@pytest.mark.parametrize("locale", ["en-US", "tr-TR"])
@pytest.mark.parametrize("width", [1280, 390])  # a desktop, a phone
def test_no_axe_violation_on_the_review_pages(browser, eventful, live, locale, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = context.new_page()
    try:
        for path in ("/", "/en/mikro/", "/en/mikro/?show=all", "/en/mikro/?sort=score&q=g%C3%B6zenek"):
            page.goto(f"{live}{path}")
            assert page.locator("html").get_attribute("lang") == locale[:2]
            assert violations(page) == [], path
        page.goto(f"{live}/en/mikro/?show=all")
        shown = page.locator("main").inner_text()
        assert NOTE in shown and "gözenek → pore" in shown and "micro-needling, really" in shown
        for details in page.locator("details").all():  # the correct and reject forms, opened
            details.evaluate("element => element.open = true")
        assert violations(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"review-context-{locale}-{width}px.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("reader", [None, "dr-test"])
def test_no_axe_violation_on_the_sheet(browser, eventful, tmp_path, reader):
    if reader:  # the sheet printed for a Turkish-speaking doctor
        roster = eventful.root / "reviewers.toml"
        roster.write_text(roster.read_text(encoding="utf-8").replace(
            'name = "Dr. Test Hekim"', 'name = "Dr. Test Hekim"\nlocale = "tr"'), encoding="utf-8")
    out = tmp_path / "sheet.html"
    result = eventful.run("review", "sheet", "--lang", "en", "-o", str(out),
                          *(["--reviewer", reader] if reader else []))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert NOTE in html and "<del>" in html and "not cached" not in html
    context = browser.new_context(viewport={"width": 1123, "height": 794})  # A4 landscape
    page = context.new_page()
    try:
        page.goto(out.as_uri())
        assert violations(page) == []
        page.emulate_media(media="print")
        assert violations(page) == []
    finally:
        context.close()


def test_the_check_finds_what_the_old_sheet_got_wrong(browser):
    """The same check reports the sheet's former faint grey (#888 on white, 3.5:1) and a page without lang."""
    page = browser.new_page()
    try:
        page.set_content('<html><head><title>t</title></head><body><main><h1>Sheet</h1>'
                         '<p style="color: #888">no back-translation</p></main></body></html>')
        found = violations(page)
        assert [text.split(":")[0] for text in found] == ["color-contrast", "html-has-lang"]
    finally:
        page.close()
