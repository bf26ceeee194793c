"""The built pages in a real browser: Debian's chromium, headless, driven by Playwright."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import ARTIFACTS, REPO

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3

# Readable chrome for the screenshots; the article text is the fixture's stand-in translation.
CHROME = {
    "en": {"Tıbbi olarak onaylayan": "Medically reviewed by",
           "Çeviriyi tıbbi olarak onaylayan": "Translation medically reviewed by",
           "Çevirinin onay tarihi": "Translation reviewed on", "Yayınlanma tarihi": "Published",
           "Son güncelleme": "Last updated", "Başa dön": "Back to top",
           "Tüm makaleler": "All articles", "Diller": "Languages",
           "Klinik Sağlık Rehberi": "Clinic Health Guide"},
    "ar": {"Tıbbi olarak onaylayan": "راجعه طبيًا", "Çeviriyi tıbbi olarak onaylayan":
           "راجع الترجمة طبيًا", "Çevirinin onay tarihi": "تاريخ مراجعة الترجمة",
           "Yayınlanma tarihi": "تاريخ النشر", "Son güncelleme": "آخر تحديث",
           "Başa dön": "العودة إلى الأعلى", "Tüm makaleler": "جميع المقالات",
           "Diller": "اللغات", "Klinik Sağlık Rehberi": "دليل العيادة الصحي"},
}


@pytest.fixture
def served_site(make_project, translate_all, approve_all):
    """The shipped sample article built in tr, en and ar, served on 127.0.0.1."""
    article = (REPO / "source" / "mikro-igneleme-nedir.md").read_text(encoding="utf-8")
    project = make_project({"mikro-igneleme-nedir": article}, targets=("en", "ar"))
    project.write("pipeline.toml", project.read("pipeline.toml").replace(
        'name = "Test Kliniği"', 'name = "Klinik Sağlık Rehberi"'))
    assert project.run("pull").exit_code == 0
    first_paragraph = ("Micro İğneleme, cildiniz için minimal invaziv bir prosedürdür. Doktorunuz, "
                       "cildinizin üst tabakasında küçük delikler açmak için ince iğneler kullanır.")
    for language in ("en", "ar"):
        translate_all(project, language,
                      overrides={**CHROME[language], first_paragraph: f"{LONG_WORD} {language}"})
    approve_all(project, "en", "ar")
    result = project.run("build", "--strict")
    assert result.exit_code == 0, result.output
    handler = functools.partial(_QuietHandler, directory=str(project.root / "public"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("ar", "rtl")])
def test_pages_read_on_a_phone_in_their_direction(browser, served_site, language, direction):
    page = browser.new_page(viewport=PHONE)
    try:
        response = page.goto(f"{served_site}/{language}/mikro-igneleme-nedir/")
        assert response is not None and response.ok
        assert page.evaluate("document.documentElement.lang") == language
        assert page.evaluate("document.documentElement.dir") == direction
        assert page.evaluate("getComputedStyle(document.body).direction") == direction
        # The stylesheet loaded (the byline is styled) and nothing is wider than the phone.
        assert page.evaluate(
            "getComputedStyle(document.querySelector('.byline')).borderInlineStartWidth") == "4px"
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"page overflows the {PHONE['width']}-px viewport: {widths}"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"article-{language}-375px.png"), full_page=True)
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.languages')).display") == "none"
    finally:
        page.close()


def test_the_language_chooser_links_to_the_published_languages(browser, served_site):
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(f"{served_site}/")
        names = page.eval_on_selector_all(".choose a", "links => links.map(a => a.textContent)")
        assert names == ["Türkçe", "English", "العربية"]
        page.click("text=العربية")
        page.wait_for_url("**/ar/")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")[0] <= 375
    finally:
        page.close()
