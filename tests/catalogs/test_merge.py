"""Merging templates into catalogs: each case as msgmerge --previous does it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.catalogs.model import Catalog, Entry
from pipeline.catalogs.merge import merge
from pipeline.catalogs.pofile import format_po, parse_po

HEADER = Entry(msgid="", msgstrs=("Content-Type: text/plain; charset=UTF-8\n"
                                  "Plural-Forms: nplurals=2; plural=(n != 1);\n",))

OLD_HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""

OLD = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

# çevirmen notu
#. type: paragraph
#: source/a.md:1
msgid "Mikro iğneleme cildinizin üst tabakasında küçük delikler açar."
msgstr "Microneedling makes tiny holes in the top layer of your skin."

#: source/a.md:3
msgid "Kaldırılan ve çevrilmemiş"
msgstr ""

# keep me
#: source/a.md:5
msgid "Kaldırılan ve çevrilmiş paragraf"
msgstr "Removed and translated paragraph"

#: source/a.md:7
#, fuzzy
#| msgid "Eski başlık"
msgid "Bulanık kalan başlık"
msgstr "Heading that stays fuzzy"

#: source/a.md:9
msgid "Değişmeyen cümle."
msgstr "Unchanged sentence."

#~ msgid "Geri dönen paragraf"
#~ msgstr "Returning paragraph"
"""

TEMPLATE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#. type: paragraph
#: source/a.md:2
msgid "Mikro iğneleme cildinizin üst tabakasında çok küçük delikler açar."
msgstr ""

#. type: paragraph
#: source/a.md:4
msgid "Geri dönen paragraf"
msgstr ""

#. type: heading
#: source/a.md:6
msgid "Bulanık kalan başlık"
msgstr ""

#. type: paragraph
#: source/a.md:8
msgid "Değişmeyen cümle."
msgstr ""

#. type: list item
#: source/a.md:10
msgid "Tamamen yeni bir madde"
msgstr ""
"""


def merged_text() -> str:
    return format_po(merge(parse_po(OLD), parse_po(TEMPLATE), HEADER, nplurals=2))


def test_each_merge_case():
    catalog = parse_po(merged_text())
    changed, revived, fuzzy, unchanged, new = catalog.messages
    assert changed.fuzzy and changed.previous_msgid.startswith("Mikro iğneleme cildinizin üst")
    assert changed.msgstr.startswith("Microneedling makes") and changed.comments == ("çevirmen notu",)
    assert changed.references == ("source/a.md:2",)
    assert revived.msgstr == "Returning paragraph" and not revived.fuzzy
    assert fuzzy.fuzzy and fuzzy.previous_msgid == "Eski başlık"
    assert fuzzy.extracted == ("type: heading",)
    assert unchanged.msgstr == "Unchanged sentence." and not unchanged.fuzzy
    assert new.msgstr == "" and not new.fuzzy
    [gone] = catalog.obsolete
    assert gone.msgid == "Kaldırılan ve çevrilmiş paragraf" and gone.comments == ("keep me",)
    assert "Kaldırılan ve çevrilmemiş" not in merged_text()


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext is not installed")
def test_same_result_as_msgmerge_previous(tmp_path):
    def body(text: str) -> str:
        return text.split("\n\n", 1)[1]
    assert body(merged_text()) == body(msgmerge_previous(tmp_path, OLD, TEMPLATE))


def msgmerge_previous(folder: Path, old: str, template: str) -> str:
    """What ``msgmerge --previous`` writes for the old catalog and the template."""
    (folder / "old.po").write_text(old, encoding="utf-8")
    (folder / "new.pot").write_text(template, encoding="utf-8")
    return subprocess.run(["msgmerge", "--previous", "--quiet", "-o", "-", "old.po", "new.pot"],
                          cwd=folder, capture_output=True, text=True, check=True).stdout


def test_new_catalog_has_every_message_empty():
    catalog = merge(None, parse_po(TEMPLATE), HEADER, nplurals=2)
    assert [e.msgstr for e in catalog.messages] == [""] * 5


def test_plural_messages_get_one_form_per_plural():
    template = Catalog(header=HEADER, entries=[Entry(msgid="{n} makale", msgid_plural="{n} makale")])
    catalog = merge(None, template, HEADER, nplurals=3)
    assert catalog.messages[0].msgstrs == ("", "", "")


# Each case: the old catalog's messages, the template's, and what msgmerge --previous writes
# (GNU gettext 0.21), headers left out. Checked against msgmerge itself when it is installed.
CASES = {
    "fuzzy entry with a previous msgid changes again: the original #| stays": ("""\
#, fuzzy
#| msgid "Cildinizin üst tabakası incedir."
msgid "Cildinizin üst tabakası çok incedir."
msgstr "The top layer of your skin is thin."
""", """\
msgid "Cildinizin üst tabakası çok çok incedir."
msgstr ""
""", """\
#, fuzzy
#| msgid "Cildinizin üst tabakası incedir."
msgid "Cildinizin üst tabakası çok çok incedir."
msgstr "The top layer of your skin is thin."
"""),
    "fuzzy entry without a previous msgid changes: still none": ("""\
#, fuzzy
msgid "Cildinizin üst tabakası incedir."
msgstr "The top layer of your skin is thin."
""", """\
msgid "Cildinizin üst tabakası çok incedir."
msgstr ""
""", """\
#, fuzzy
msgid "Cildinizin üst tabakası çok incedir."
msgstr "The top layer of your skin is thin."
"""),
    "obsolete fuzzy entry comes back changed: its original #| stays": ("""\
#, fuzzy
#~| msgid "Cildinizin üst tabakası incedir."
#~ msgid "Cildinizin üst tabakası çok incedir."
#~ msgstr "The top layer of your skin is thin."
""", """\
msgid "Cildinizin üst tabakası çok çok incedir."
msgstr ""
""", """\
#, fuzzy
#| msgid "Cildinizin üst tabakası incedir."
msgid "Cildinizin üst tabakası çok çok incedir."
msgstr "The top layer of your skin is thin."
"""),
    "unchanged fuzzy entry keeps its flags, comments and previous": ("""\
# note
#, fuzzy
#| msgid "Cildinizin üst tabakası incedir."
msgid "Cildinizin üst tabakası çok incedir."
msgstr "The top layer of your skin is thin."
""", """\
#. type: paragraph
#: a.md:3
msgid "Cildinizin üst tabakası çok incedir."
msgstr ""
""", """\
# note
#. type: paragraph
#: a.md:3
#, fuzzy
#| msgid "Cildinizin üst tabakası incedir."
msgid "Cildinizin üst tabakası çok incedir."
msgstr "The top layer of your skin is thin."
"""),
    "an untranslated entry loses its previous msgid": ("""\
#, fuzzy
#| msgid "Cildinizin üst tabakası incedir."
msgid "Cildinizin üst tabakası çok incedir."
msgstr ""
""", """\
msgid "Cildinizin üst tabakası çok incedir."
msgstr ""
""", """\
msgid "Cildinizin üst tabakası çok incedir."
msgstr ""
"""),
    "a translation matched exactly is also the nearest one for a new string": ("""\
msgid "Cildinizin üst tabakası incedir."
msgstr "The top layer of your skin is thin."
""", """\
msgid "Cildinizin üst tabakası incedir."
msgstr ""

msgid "Cildinizin üst tabakası çok incedir."
msgstr ""
""", """\
msgid "Cildinizin üst tabakası incedir."
msgstr "The top layer of your skin is thin."

#, fuzzy
#| msgid "Cildinizin üst tabakası incedir."
msgid "Cildinizin üst tabakası çok incedir."
msgstr "The top layer of your skin is thin."
"""),
    "similarity is measured on UTF-8 bytes (58 % in characters, 63 % in bytes)": ("""\
msgid "iğne tedavi hafta çözelti"
msgstr "needle treatment week solution"
""", """\
msgid "iğne hafta önce ödem"
msgstr ""
""", """\
#, fuzzy
#| msgid "iğne tedavi hafta çözelti"
msgid "iğne hafta önce ödem"
msgstr "needle treatment week solution"
"""),
    "a candidate must share a run of four characters with the new string": ("""\
msgid "Özel"
msgstr "Special"
""", """\
msgid "Özet"
msgstr ""
""", """\
msgid "Özet"
msgstr ""

#~ msgid "Özel"
#~ msgstr "Special"
"""),
    "exactly 60 % is enough in the same context": ("""\
msgid "abcdefQQQQQQQQ"
msgstr "x"
""", """\
msgid "abcdef"
msgstr ""
""", """\
#, fuzzy
#| msgid "abcdefQQQQQQQQ"
msgid "abcdef"
msgstr "x"
"""),
    "exactly 60 % is not enough from another context": ("""\
msgctxt "k"
msgid "abcdefQQQQQQQQ"
msgstr "x"
""", """\
msgid "abcdef"
msgstr ""
""", """\
msgid "abcdef"
msgstr ""

#~ msgctxt "k"
#~ msgid "abcdefQQQQQQQQ"
#~ msgstr "x"
"""),
    "between equals, the candidate without another context wins": ("""\
msgctxt "k"
msgid "abcdefgh1"
msgstr "x"

msgid "abcdefgh2"
msgstr "y"
""", """\
msgid "abcdefgh"
msgstr ""
""", """\
#, fuzzy
#| msgid "abcdefgh2"
msgid "abcdefgh"
msgstr "y"

#~ msgctxt "k"
#~ msgid "abcdefgh1"
#~ msgstr "x"
"""),
    "between equals, the candidate sharing more runs of four characters wins": ("""\
msgid "abcdxyefgh"
msgstr "first"

msgid "xyabcdefgh"
msgstr "second"
""", """\
msgid "abcdefgh"
msgstr ""
""", """\
#, fuzzy
#| msgid "xyabcdefgh"
msgid "abcdefgh"
msgstr "second"

#~ msgid "abcdxyefgh"
#~ msgstr "first"
"""),
    "between equals for a short msgid, the shorter candidate wins": ("""\
msgid "abcXYZ"
msgstr "longer"

msgid "abX"
msgstr "shorter"
""", """\
msgid "abc"
msgstr ""
""", """\
#, fuzzy
#| msgid "abX"
msgid "abc"
msgstr "shorter"

#~ msgid "abcXYZ"
#~ msgstr "longer"
"""),
    "a message that gains a plural: the singular in every form, fuzzy": ("""\
msgid "Bir makale"
msgstr "One article"
""", """\
msgid "Bir makale"
msgid_plural "{n} makale"
msgstr[0] ""
msgstr[1] ""
""", """\
#, fuzzy
#| msgid "Bir makale"
msgid "Bir makale"
msgid_plural "{n} makale"
msgstr[0] "One article"
msgstr[1] "One article"
"""),
    "a message that loses its plural: the first form, fuzzy": ("""\
msgid "Bir makale"
msgid_plural "{n} makale"
msgstr[0] "One article"
msgstr[1] "{n} articles"
""", """\
msgid "Bir makale"
msgstr ""
""", """\
#, fuzzy
#| msgid "Bir makale"
#| msgid_plural "{n} makale"
msgid "Bir makale"
msgstr "One article"
"""),
    "a changed msgid_plural alone makes the message fuzzy": ("""\
msgid "Bir makale"
msgid_plural "{n} makale"
msgstr[0] "One article"
msgstr[1] "{n} articles"
""", """\
msgid "Bir makale"
msgid_plural "{n} makaleler"
msgstr[0] ""
msgstr[1] ""
""", """\
#, fuzzy
#| msgid "Bir makale"
#| msgid_plural "{n} makale"
msgid "Bir makale"
msgid_plural "{n} makaleler"
msgstr[0] "One article"
msgstr[1] "{n} articles"
"""),
    "a plural message matched to a singular one takes it in every form": ("""\
msgid "Bir makale okundu"
msgstr "One article read"
""", """\
msgid "Bir makale okundu."
msgid_plural "{n} makale okundu."
msgstr[0] ""
msgstr[1] ""
""", """\
#, fuzzy
#| msgid "Bir makale okundu"
msgid "Bir makale okundu."
msgid_plural "{n} makale okundu."
msgstr[0] "One article read"
msgstr[1] "One article read"
"""),
    "flags other than fuzzy come from the template, after fuzzy": ("""\
#, fuzzy, custom-flag
#| msgid "Eski"
msgid "Yeni"
msgstr "New"

#, no-wrap
msgid "Kısa"
msgstr "Short"
""", """\
#, no-wrap
msgid "Yeni"
msgstr ""

msgid "Kısa"
msgstr ""
""", """\
#, fuzzy, no-wrap
#| msgid "Eski"
msgid "Yeni"
msgstr "New"

msgid "Kısa"
msgstr "Short"
"""),
    "a plural whose first form is empty is neither a candidate nor kept as obsolete": ("""\
msgid "Bir makale okundu"
msgid_plural "{n} makale okundu"
msgstr[0] ""
msgstr[1] "{n} articles read"
""", """\
msgid "Bir makale okundu."
msgstr ""
""", """\
msgid "Bir makale okundu."
msgstr ""
"""),
}


def merged_body(old: str, template: str) -> str:
    catalog = merge(parse_po(OLD_HEADER + old), parse_po(OLD_HEADER + template), HEADER, nplurals=2)
    return format_po(catalog).split("\n\n", 1)[1]


@pytest.mark.parametrize("name", CASES)
def test_merge_case(name: str) -> None:
    old, template, expected = CASES[name]
    assert merged_body(old, template) == expected


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("name", CASES)
def test_merge_case_is_what_msgmerge_writes(tmp_path: Path, name: str) -> None:
    old, template, expected = CASES[name]
    theirs = msgmerge_previous(tmp_path, OLD_HEADER + old, OLD_HEADER + template)
    assert theirs.split("\n\n", 1)[1] == expected


def test_format_flags_never_reach_prose() -> None:
    """msgmerge would take python-format from the template: we never do (Turkish "%30")."""
    old = parse_po('#, python-format, no-wrap\nmsgid "%30 indirim"\nmsgstr "30% off"\n')
    assert old.entries[0].flags == ("python-format", "no-wrap")
    template = Catalog(header=HEADER, entries=[
        Entry(msgid="%30 indirim", flags=("python-format", "no-wrap")),
        Entry(msgid="%40 indirim", flags=("c-format",))])
    catalog = merge(old, template, HEADER, nplurals=2)
    assert [entry.flags for entry in catalog.messages] == [("no-wrap",), ("fuzzy",)]
