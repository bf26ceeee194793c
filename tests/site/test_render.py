"""Translated Markdown: units swapped inside the source's structure, safe by construction."""

from __future__ import annotations

import re
import textwrap

import pytest
from markdown_it import MarkdownIt

from pipeline.errors import BuildError
from pipeline.site.pages import Chrome
from pipeline.gate.rules import NOT_IN_CATALOG, UNSAFE_LINK, is_safe_target
from pipeline.gate.translated import translate
from pipeline.site.render import to_html, to_markdown
from pipeline.source.articles import parse_document

SOURCE = textwrap.dedent("""\
    ---
    title: Başlık
    ---

    ## Mikro İğneleme Nedir?

    Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.

    - Genişletilmiş gözenekler

    ![Bir cilt resmi](resim.png "Resim başlığı")

    | Durum | Tedavi |
    | --- | --- |
    | Akne izi | Mikro iğneleme |

    Bkz. [kaynak][r].

    [r]: https://example.org/kaynak
    """)

ENGLISH = {
    "Mikro İğneleme Nedir?": "What is microneedling?",
    "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.":
        "See [the guide](https://example.org/kilavuz) for details.",
    "Genişletilmiş gözenekler": "Enlarged pores",
    "Bir cilt resmi": "A picture of skin",
    "Durum": "Condition",
    "Tedavi": "Treatment",
    "Akne izi": "Acne scar",
    "Mikro iğneleme": "Microneedling",
    "Bkz. [kaynak][r].": "See [the source][r].",
}


def english(overrides: dict[str, str] | None = None):
    table = {**ENGLISH, **(overrides or {})}
    return table.get


def test_every_unit_is_replaced_and_no_turkish_is_left():
    document = parse_document(SOURCE)
    tokens, problems = translate(document, english())
    assert problems == []
    html = to_html(tokens, document.env)
    for turkish in ENGLISH:
        assert turkish.split("[")[0].strip() not in html
    assert "<h2>What is microneedling?</h2>" in html
    assert '<a href="https://example.org/kilavuz">the guide</a>' in html
    assert '<a href="https://example.org/kaynak">the source</a>' in html
    assert "<td>Acne scar</td>" in html


def test_image_alt_is_translated_the_source_image_kept_and_its_turkish_title_dropped():
    document = parse_document(SOURCE)
    tokens, _ = translate(document, english())
    html = to_html(tokens, document.env)
    assert '<img src="resim.png" alt="A picture of skin" />' in html
    assert "Resim başlığı" not in html


def test_the_source_document_is_not_changed_by_a_translation():
    document = parse_document(SOURCE)
    before = to_html(list(document.tokens), document.env)
    translate(document, english())
    assert to_html(list(document.tokens), document.env) == before


def test_a_unit_without_translation_is_reported_never_left_in_turkish():
    document = parse_document(SOURCE)
    table = dict(ENGLISH)
    del table["Genişletilmiş gözenekler"]
    _, problems = translate(document, table.get)
    assert [(p.reason, p.msgid, p.line) for p in problems] == [
        (NOT_IN_CATALOG, "Genişletilmiş gözenekler", 9)]


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script> See [the guide](https://example.org/kilavuz).",
    "<img src=x onerror=alert(1)> See [the guide](https://example.org/kilavuz).",
    "&lt;script&gt;alert(1)&lt;/script&gt; See [the guide](https://example.org/kilavuz).",
])
def test_markup_in_a_translation_is_shown_as_text(attack):
    document = parse_document(SOURCE)
    unit = "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."
    tokens, problems = translate(document, english({unit: attack}))
    assert problems == []
    html = to_html(tokens, document.env)
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html or "&lt;img src=x" in html


@pytest.mark.parametrize("translation, detail", [
    ("See [the guide](https://evil.example/kilavuz).", "not in the source: https://evil.example"),
    ("See [the guide](javascript:alert(1)).", "missing: https://example.org/kilavuz"),
    ("See the guide.", "missing: https://example.org/kilavuz"),
    ("See [the guide](https://example.org/kilavuz) and [more](https://example.org/x).",
     "not in the source: https://example.org/x"),
    ("See [the guide](https://example.org/kilavuz) ![x](https://evil.example/t.png).",
     "not in the source: https://evil.example/t.png"),
])
def test_a_translation_with_other_link_targets_is_refused(translation, detail):
    document = parse_document(SOURCE)
    unit = "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."
    _, problems = translate(document, english({unit: translation}))
    assert [p.reason for p in problems] == [UNSAFE_LINK]
    assert detail in problems[0].detail


def test_a_javascript_link_where_the_source_has_none_stays_inert_text():
    document = parse_document(SOURCE)
    tokens, problems = translate(document, english({
        "Genişletilmiş gözenekler": "[Enlarged pores](javascript:alert(1)) <javascript:alert(2)>"}))
    assert problems == []
    html = to_html(tokens, document.env)
    assert "href" not in html.split("<li>")[1].split("</li>")[0]


def test_a_link_to_an_unsafe_scheme_in_the_source_is_dropped_from_the_page():
    document = parse_document("Bkz. [dosya](ftp://example.org/f) ve [site](https://example.org).\n")
    html = to_html(list(document.tokens), document.env)
    assert "ftp://" not in html
    assert "dosya" in html and '<a href="https://example.org">site</a>' in html


@pytest.mark.parametrize("url, safe", [
    ("https://example.org/a", True), ("http://example.org", True), ("mailto:dr@example.org", True),
    ("../other/", True), ("#section", True), ("resim.png", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("vbscript:x", False),
    ("data:text/html;base64,PHNjcmlwdD4=", False), ("file:///etc/passwd", False),
    ("ftp://example.org", False),
])
def test_safe_targets(url, safe):
    assert is_safe_target(url) is safe


def test_markdown_output_keeps_structure_and_escapes_markup():
    document = parse_document(SOURCE)
    unit = "Genişletilmiş gözenekler"
    tokens, _ = translate(document, english({unit: "<script>alert(1)</script> pores"}))
    text = to_markdown(tokens, document.env)
    assert "## What is microneedling?" in text
    assert re.search(r"^\| Condition +\| Treatment +\|$", text, re.M)
    assert "[the guide](https://example.org/kilavuz)" in text
    assert "Başlık" not in text and "title:" not in text  # front matter is written by the build
    # Even a Markdown engine with raw HTML on (Jekyll's kramdown) sees no tag here.
    permissive = MarkdownIt("commonmark", {"html": True})
    kinds = {child.type for token in permissive.parse(text) for child in token.children or []}
    assert "html_inline" not in kinds
    assert "&lt;script&gt;alert(1)&lt;/script&gt; pores" in permissive.render(text)


def test_a_line_break_in_a_table_cell_translation_does_not_break_the_table():
    document = parse_document(SOURCE)
    tokens, _ = translate(document, english({"Akne izi": "Acne\\\nscar"}))
    text = to_markdown(tokens, document.env)
    assert re.search(r"^\| Acne scar +\| Microneedling +\|$", text, re.M)


def test_chrome_escapes_translations_and_never_falls_back_to_the_msgid():
    from pipeline.catalogs.model import Entry
    chrome = Chrome("en", {(None, "Başa dön"): Entry("Başa dön", ("<b>Back</b> to top",))})
    assert str(chrome.callables()["gettext"]("Başa dön")) == "&lt;b&gt;Back&lt;/b&gt; to top"
    with pytest.raises(BuildError, match="no approved en translation"):
        chrome.text("Diller")
    assert Chrome("tr", None).text("Diller") == "Diller"


def test_chrome_plural_forms_follow_the_catalog_rule():
    from pipeline.catalogs.model import Entry
    entry = Entry("{n} makale", ("one article", "many articles"), msgid_plural="{n} makaleler")
    chrome = Chrome("en", {(None, "{n} makale"): entry}, "nplurals=2; plural=(n != 1);")
    assert chrome.text("{n} makale", plural="{n} makaleler", n=1) == "one article"
    assert chrome.text("{n} makale", plural="{n} makaleler", n=5) == "many articles"


def test_chrome_without_a_catalog_rule_uses_the_languages_own():
    from pipeline.catalogs.model import Entry
    entry = Entry("{n} makale", ("un article", "des articles"), msgid_plural="{n} makaleler")
    chrome = Chrome("fr", {(None, "{n} makale"): entry})  # French: zero takes the singular
    assert chrome.text("{n} makale", plural="{n} makaleler", n=0) == "un article"
    assert chrome.text("{n} makale", plural="{n} makaleler", n=2) == "des articles"
