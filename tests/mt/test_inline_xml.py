"""Inline Markdown ⇄ XML: what is sent for translation, and that drafts keep the inline structure."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.mt.inline_xml import (MarkupError, billable_characters, from_xml, map_text, restore,
                             same_structure, structure, to_xml, visible_words)
from pipeline.source.articles import markdown


def html(text: str) -> str:
    return markdown().renderInline(text)


ROUND_TRIPS = [
    "Düz bir cümle.",
    "Mikro iğneleme **minimal invaziv** bir _prosedürdür_.",
    "Ayrıntılar için [kılavuza](https://example.org/kılavuz) bakın.",
    'Bir [başlıklı bağlantı](https://example.org/a "Başlık \\"tırnak\\"") burada.',
    "Bağlantı <https://example.org/otomatik> ve e-posta <doktor@example.org>.",
    "Çıplak adres https://example.org/yol?a=1&b=2 cümlede.",
    "Kod `x < y && z` ve ``a`b`` burada.",
    "![Cilt **görüntüsü**](resim.png \"Başlık\") açıklaması.",
    "Birinci satır\\\nikinci satır.",
    "İç içe **kalın [bağlantı *vurgu*](https://example.org/i)** metin.",
    "Yüzde %30 ve 5 < 6 & 7 > 3.",
    "Hedef [boşluklu](<https://example.org/a b>) adres.",
    "[ilk](https://a.example/1) ve [ikinci](https://a.example/2) bağlantı.",
    "Yazın: hasta.kayit+tr@example.org, mailto:bilgi@example.org'a ya da [buraya](mailto:x@a.example).",
]


@pytest.mark.parametrize("source", ROUND_TRIPS)
def test_round_trip_gives_back_the_source(source):
    tagged = to_xml(source)
    assert from_xml(tagged.xml, tagged.slots) == source


@pytest.mark.parametrize("source", ROUND_TRIPS)
def test_link_targets_code_and_urls_are_never_sent(source):
    xml = to_xml(source).xml
    for secret in ("example.org", "a.example", "resim.png", "x < y", "a`b"):
        assert secret not in xml


def test_escaped_characters_come_back_as_the_same_text():
    source = "5 \\* 3 ve \\_alt\\_ çizgi"
    tagged = to_xml(source)
    assert html(from_xml(tagged.xml, tagged.slots)) == html(source)


def test_the_xml_form_uses_tags_for_inline_elements():
    tagged = to_xml("**a** _b_ [c](https://x.example) `d`")
    assert tagged.xml == ('<b i="0">a</b> <i i="1">b</i> <a i="2">c</a> <code i="3"/>')
    assert tagged.slots == ("**", "_", "(https://x.example)", "`d`")


def test_bare_e_mail_addresses_are_placeholders_like_urls():
    tagged = to_xml("Yazın: doktor@klinik.example.")
    assert tagged.xml == 'Yazın: <url i="0"/>.' and tagged.slots == ("doktor@klinik.example",)
    assert not same_structure("Yazın: doktor@klinik.example.", "Write: doctor@klinik.example.")


@pytest.mark.parametrize("source, words", [
    ("[Kılavuz](https://x.example/a \"Başlık\") ve `kod` **rehberi**", "Kılavuz ve rehberi"),
    ("Bkz. https://x.example/a, <https://x.example/b> ve <a@x.example>.", "Bkz. , ve ."),
    ("![Cilt *görüntüsü*](resim.png) doktor@x.example", "Cilt görüntüsü"),
    ("5 < 6 & `x`", "5 < 6 &"),
])
def test_visible_words_are_the_text_sent_without_its_tags(source, words):
    assert visible_words(source) == words


def test_billable_characters_count_text_outside_tags():
    assert billable_characters(to_xml("**İğne** & [iz](https://x.example)").xml) == \
        len("İğne & iz")


@pytest.mark.parametrize("translated, expected, matches", [
    ('<a i="1">Link</a> first, then <b i="0">bold</b>.',
     "[Link](https://x.example/b) first, then **bold**.", True),
    ('First bold, then <a i="1">link</a>.', "First bold, then [link](https://x.example/b).", False),
    ('First <b i="0">bold</b>, then <a i="0">link</a>.', "First **bold**, then [link]**.", False),
])
def test_restore_accepts_moved_tags_and_reports_lost_ones(translated, expected, matches):
    source = "Önce **kalın** sonra [bağlantı](https://x.example/b)."
    assert restore(source, to_xml(source), translated) == (expected, matches)


def test_malformed_xml_keeps_the_words_and_is_reported():
    source = "Önce **kalın** metin."
    tagged = to_xml(source)
    text, matches = restore(source, tagged, 'First <b i="0">bold text.')
    assert text == "First bold text."
    assert not matches


@pytest.mark.parametrize("xml, problem", [
    ('<b i="0">x', "not well-formed"),
    ('<u i="0">x</u>', "tag <u>"),
    ('<b i="7">x</b>', "unknown id"),
    ("<b>x</b>", "unknown id"),
])
def test_from_xml_refuses_what_it_cannot_place(xml, problem):
    with pytest.raises(MarkupError, match=problem):
        from_xml(xml, ("**",))


def test_markdown_characters_in_a_translation_are_escaped_only_when_needed():
    source = "Bir **vurgu** burada."
    tagged = to_xml(source)
    text, matches = restore(source, tagged, 'A <b i="0">stress</b> here *not* [this].')
    assert text == "A **stress** here \\*not\\* \\[this\\]."
    assert matches
    plain, _ = restore("a", to_xml("a"), "5 * 3 = 15")
    assert plain == "5 * 3 = 15"


def test_whitespace_inside_emphasis_moves_outside_the_markers():
    tagged = to_xml("Bir **vurgu** var.")
    assert from_xml('A<b i="0"> stress </b>here.', tagged.slots) == "A **stress** here."


def test_the_draft_keeps_the_source_edges():
    source = "  Girintili metin."
    text, _ = restore(source, to_xml(source), "Indented text.  ")
    assert text == "  Indented text."


def test_structure_ignores_words_and_sibling_order_but_not_targets():
    assert same_structure("**a** [b](https://x.example/1)", "[B](https://x.example/1) **A**")
    assert not same_structure("[b](https://x.example/1)", "[b](https://x.example/2)")
    assert not same_structure("**[b](https://x.example/1)**", "**b** [b](https://x.example/1)")
    assert not same_structure("`kod`", "`code`")
    assert structure("düz metin") == ()


def test_map_text_changes_words_and_keeps_tags():
    xml = to_xml("Bir **vurgu** ve [bağ](https://x.example) & `k`").xml
    changed = map_text(xml, str.upper)
    assert changed == ('BIR <b i="0">VURGU</b> VE <a i="1">BAĞ</a> &amp; <code i="2" />')


# ---------------------------------------------------------------- properties

WORDS = st.sampled_from(["iğne", "Cilt", "ölçü", "şiş", "ağrı", "İlaç", "%30", "5 mg", "(kan)",
                         "tedavi.", "yara,", "çok", "GÜNEŞ"])
URLS = st.sampled_from(["https://example.org/kılavuz", "https://x.example/a?b=1&c=2",
                        "http://x.example/yol/", "https://x.example/%C4%B0"])


def phrase(inner):
    return st.lists(inner, min_size=1, max_size=4).map(" ".join)


plain_phrase = phrase(WORDS)
inline = st.recursive(
    plain_phrase,
    lambda children: st.one_of(
        phrase(children).map(lambda text: f"**{text}**"),
        phrase(children).map(lambda text: f"*{text}*"),
        st.tuples(plain_phrase, URLS).map(lambda pair: f"[{pair[0]}]({pair[1]})"),
        st.tuples(plain_phrase, URLS).map(lambda pair: f"![{pair[0]}]({pair[1]})"),
        URLS.map(lambda url: f"<{url}>"),
        URLS,
        plain_phrase.map(lambda text: f"`{text}`"),
    ),
    max_leaves=8,
)
sentences = st.lists(st.one_of(plain_phrase, inline), min_size=1, max_size=5).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_property_round_trip_renders_the_same(source):
    tagged = to_xml(source)
    assert html(from_xml(tagged.xml, tagged.slots)) == html(source)


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_property_translated_words_keep_the_inline_structure(source):
    tagged = to_xml(source)
    translated = map_text(tagged.xml, lambda text: text.upper().replace("İ", "I"))
    text, matches = restore(source, tagged, translated)
    assert matches, text
    assert structure(text) == structure(source)


@settings(max_examples=200, deadline=None)
@given(sentences)
def test_property_no_url_is_ever_sent(source):
    xml = to_xml(source).xml
    assert "example" not in xml and "://" not in xml
