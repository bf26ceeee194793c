"""The PO reader and writer: round trips, errors with line numbers, and msgcat's exact layout."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalogs.model import Catalog, Entry
from pipeline.errors import CatalogError
from pipeline.catalogs.pofile import (format_po, laid_out_entries, parse_po, read_po,
                                      wrap_string)

needs_msgcat = pytest.mark.skipif(shutil.which("msgcat") is None,
                                  reason="GNU gettext (msgcat) is not installed")

HEADER = Entry(msgid="", msgstrs=("Content-Type: text/plain; charset=UTF-8\n"
                                  "Plural-Forms: nplurals=2; plural=(n != 1);\n",))

SAMPLE = '''\
# translator note
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

# kept by the translator
#. type: paragraph
#: source/a.md:3 source/a.md:9
#, fuzzy
#| msgid "Eski metin"
msgctxt "ctx"
msgid "Yeni \\"metin\\"\\tve\\\\ yol"
msgstr "New \\"text\\""

msgid "bir makale"
msgid_plural "{n} makale"
msgstr[0] "one article"
msgstr[1] "{n} articles"

#~ msgid "gone"
#~ msgstr "weg"
'''


def test_parse_reads_every_part_of_an_entry():
    catalog = parse_po(SAMPLE)
    first, plural, gone = catalog.entries
    assert catalog.header.comments == ("translator note",)
    assert first.comments == ("kept by the translator",)
    assert first.extracted == ("type: paragraph",)
    assert first.references == ("source/a.md:3", "source/a.md:9")
    assert first.fuzzy and first.previous_msgid == "Eski metin"
    assert first.msgctxt == "ctx"
    assert first.msgid == 'Yeni "metin"\tve\\ yol'
    assert first.line == 13
    assert plural.msgid_plural == "{n} makale"
    assert plural.msgstrs == ("one article", "{n} articles")
    assert gone.obsolete and gone.msgstr == "weg"


def test_format_round_trips_byte_for_byte():
    assert format_po(parse_po(SAMPLE)) == SAMPLE


def test_lines_laid_out_before_are_reused_for_the_entries_they_were_made_for():
    catalog = parse_po(SAMPLE)
    lines = laid_out_entries(SAMPLE, catalog)
    assert len(lines) == 3 and lines[next(iter(lines))].startswith("# kept by the translator\n")
    marked = {key: text.replace("msgstr", "msgstr ") for key, text in lines.items()}
    catalog.entries[1] = catalog.entries[1].replace(msgstrs=("one article", "{n} articles!"))
    rewritten = format_po(catalog, marked)
    assert rewritten.count("msgstr  ") == 2  # the changed plural laid out anew, the others reused
    assert format_po(catalog, laid_out_entries(SAMPLE, parse_po(SAMPLE))) == format_po(catalog)


def test_text_whose_blocks_do_not_line_up_with_the_entries_gives_no_lines():
    catalog = parse_po(SAMPLE)
    assert laid_out_entries(SAMPLE.replace("\n\n#~", "\n#~"), catalog) == {}
    assert laid_out_entries(SAMPLE.rstrip("\n"), catalog) == {}


@pytest.mark.parametrize("text, line, message", [
    ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4, "duplicate message definition"),
    ('msgid "a\nmsgstr "b"\n', 1, "expected a string in double quotes"),
    ('msgid "a"\nmsgstr "b" "c"\n', 2, "unescaped double quote"),
    ('msgid "a"\nmsgtsr "b"\n', 2, "unknown keyword 'msgtsr'"),
    ('msgid "a"\n', 1, "message without 'msgstr'"),
    ('msgid "a"\nmsgstr "\\q"\n', 2, "invalid escape sequence"),
    ('"orphan"\n', 1, "without a keyword"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', 1, "plural message needs msgstr[0]"),
    ('msgid "a"\nmsgstr[0] "b"\n', 1, "without msgid_plural"),
])
def test_syntax_errors_name_the_line(text, line, message):
    with pytest.raises(CatalogError) as caught:
        parse_po(text, "x.po")
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"x.po:{line}: ")


def test_non_utf8_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "bad.po"
    path.write_bytes(b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "\xff"\n')
    with pytest.raises(CatalogError, match="not valid UTF-8") as caught:
        read_po(path)
    assert caught.value.line == 5


def test_short_strings_stay_on_one_line_and_long_ones_start_empty():
    assert wrap_string("msgid", "kısa") == 'msgid "kısa"\n'
    long = " ".join(["kelime"] * 20)
    lines = wrap_string("msgid", long).splitlines()
    assert lines[0] == 'msgid ""'
    assert all(len(line) <= 79 for line in lines)
    assert "".join(line[1:-1] for line in lines[1:]) == long


def test_embedded_newlines_start_new_lines():
    assert wrap_string("msgstr", "a\nb") == 'msgstr ""\n"a\\n"\n"b"\n'


WORDS = st.sampled_from([
    "mikro", "iğneleme", "cildiniz", "(ince", "buruşuk)", "%30", "30 %", "A-vitamini", "and/or",
    "“alıntı”", '"q"', "it's", "—", "–", "a–b", "12,5", "mg/ml", "[bağlantı](https://ex.org/a-b)",
    "**kalın**", "*eğik*", "`kod`", "?", "!", "…", "«ёлка»", "Микро-игла", "الجلد", "؟", "،",
    "5-10", "sekme\t", "satır\n", "\\ters", "x)", "(y", "[z]", "{w}", "#", "+", "İ", "ı", "日本",
    "مُحَمَّد", "̈ayrık", "e\u0301",
])
TEXTS = st.lists(WORDS, min_size=0, max_size=40).map(" ".join)
MSGIDS = st.lists(WORDS, min_size=1, max_size=40).map(" ".join)


@needs_msgcat
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(MSGIDS, TEXTS, st.booleans(), st.booleans()), min_size=1, max_size=40,
                unique_by=lambda item: item[0]))
def test_layout_is_exactly_what_msgcat_writes(tmp_path_factory, items):
    entries = []
    for index, (msgid, msgstr, fuzzy, obsolete) in enumerate(items):
        entries.append(Entry(
            msgid=msgid, msgstrs=(msgstr,), flags=("fuzzy",) if fuzzy else (),
            comments=("translator comment",) if fuzzy else (),
            references=tuple(f"source/article-{index}-{n}.md:{n * 17}" for n in range(index % 9)),
            previous_msgid=msgstr if fuzzy and not obsolete else None,
            obsolete=obsolete and bool(msgstr)))
    entries.append(Entry(msgid="bir", msgid_plural="çok " + items[0][0], msgstrs=(items[0][1], "x")))
    ours = format_po(Catalog(header=HEADER, entries=entries))
    path = tmp_path_factory.mktemp("po") / "t.po"
    path.write_text(ours, encoding="utf-8")
    theirs = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True)
    assert ours == theirs.stdout


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(MSGIDS, TEXTS, st.booleans(), st.booleans(), TEXTS), min_size=1,
                max_size=20, unique_by=lambda item: item[0]))
def test_lines_reused_from_a_written_catalog_are_those_its_entries_are_laid_out_in(items):
    """What pull relies on: reading back what format_po wrote and laying it out again gives the
    same lines, so reusing them can never change a byte."""
    entries = [Entry(msgid=msgid, msgstrs=(msgstr,), flags=("fuzzy",) if fuzzy else (),
                     comments=(_one_line(comment),) if _one_line(comment) else (),
                     extracted=("type: paragraph",), references=(f"source/a.md:{index}",),
                     previous_msgid=comment if fuzzy else None, obsolete=obsolete and bool(msgstr))
               for index, (msgid, msgstr, fuzzy, obsolete, comment) in enumerate(items)]
    written = format_po(Catalog(header=HEADER, entries=entries))
    read = parse_po(written)
    assert format_po(read, laid_out_entries(written, read)) == format_po(read) == written


def _one_line(text: str) -> str:
    """A comment is one line (the reader takes each line as its own)."""
    return " ".join(text.split())
