"""The inline Markdown model: the fast reading of plain text is exactly markdown-it's."""

from __future__ import annotations

import string

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.source.markup import _INLINE_SYNTAX_RE, Inline, _parse_marked_up, parse_inline

# Every ASCII punctuation mark, spaces of several kinds, Turkish and other letters, digits,
# less the characters that can start inline syntax: what the fast reading takes as it is.
SYNTAX = "\n\r\0!&*<[]\\_`"
PLAIN = "".join(char for char in string.ascii_letters[:8] + string.digits[:3] + string.punctuation
                + " \t\u00a0çğıİöşüÇĞÖŞÜ٣٠٪—«»“”" if char not in SYNTAX)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=PLAIN, max_size=40))
@example("Mikro iğneleme (yaklaşık %30) 2,5 mm: 6-8 hafta; #1 ~ ^ $ { } = + > @ | ' \"")
@example("  spaces at both ends  ")
@example("")
def test_plain_text_reads_as_markdown_it_reads_it(text):
    assert _INLINE_SYNTAX_RE.search(text) is None
    assert _parse_marked_up(text) == Inline(text, (), text, ()) == parse_inline(text)


def test_each_syntax_character_is_left_to_the_parser():
    for char in SYNTAX:
        assert _INLINE_SYNTAX_RE.search(f"a {char} b") is not None, repr(char)


def test_marked_up_text_still_goes_through_the_parser():
    inline = parse_inline("Bir **kalın** [bağlantı](https://example.org) ve `kod`.")
    assert [node.kind for node in inline.nodes] == ["strong", "link", "code"]
    assert inline.prose == "Bir kalın bağlantı ve ." and inline.code == ("kod",)
    assert inline.targets("link") == {"https://example.org": 1}


def test_entities_and_escapes_are_read_by_the_parser():
    assert parse_inline("a &amp; b \\* c").prose == "a & b * c"


def test_the_fast_reading_knows_every_inline_rule_of_the_dialect():
    """Enabling another inline rule (strikethrough, linkify…) must extend _INLINE_SYNTAX_RE."""
    from pipeline.source.articles import markdown

    md = markdown()
    assert md.inline.ruler.get_active_rules() == [
        "text", "newline", "escape", "backticks", "emphasis", "link", "image", "autolink",
        "html_inline", "entity"]
    assert md.inline.ruler2.get_active_rules() == ["balance_pairs", "emphasis", "fragments_join"]
    assert md.core.ruler.get_active_rules() == ["normalize", "block", "inline", "text_join"]
    assert not md.options["typographer"] and not md.options["linkify"]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=PLAIN, min_size=1, max_size=40))
def test_a_plain_translation_becomes_the_token_the_parser_makes(text):
    from pipeline.gate.translated import _parse_translation
    from pipeline.source.articles import markdown

    assert _parse_translation(text, {}) == markdown().parseInline(text, {})[0].children
