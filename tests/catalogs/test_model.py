"""Plural-Forms headers are GNU gettext's wherever gettext has one, whatever Babel is installed."""

from __future__ import annotations

import gettext
import json
import os
import re
import shutil
import subprocess
from types import SimpleNamespace

import pytest

from conftest import REPO
from pipeline.catalogs.model import (Catalog, Entry, catalog_header_fields, format_header, plural_count,
                              plural_forms)
from pipeline.catalogs.pofile import format_po

DATA = REPO / "pipeline" / "catalogs" / "plural-forms.json"

needs_gettext = pytest.mark.skipif(shutil.which("msginit") is None,
                                   reason="GNU gettext is not installed")

# Rules in gettext's table (with region codes that have a row of their own, pt_BR, and
# some that fall back to their language's), and languages it has none for.
LANGUAGES = [
    "fr", "pt", "pt_BR", "pt_PT", "es", "it", "tr", "ru", "uk", "pl", "cs", "sk", "lt", "lv",
    "ro", "ga", "he", "ja", "ko", "de", "de_AT", "en", "en_GB", "nl", "sv", "da", "nb", "nn",
    "fi", "et", "hu", "el", "bg", "hr", "sr", "sl", "be", "vi", "eo", "fo",
    "ca", "ar", "cy", "fa", "zh_CN", "zh_TW", "is", "mk", "hi", "id", "th", "sq", "az", "ka",
    "kk", "bs", "gl", "eu", "ms", "sw",
]


def evaluate(expression: str, n: int) -> int:
    """Evaluate a C plural expression the way Python's own gettext module does."""
    return gettext.c2py(expression)(n)


def gettext_plural_forms(language: str, tmp_path) -> str | None:
    template = tmp_path / "empty.pot"
    template.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    result = subprocess.run(["msginit", "--no-translator", "-l", language, "-i", str(template),
                             "-o", "-"], capture_output=True, text=True)
    match = re.search(r'Plural-Forms: (.*?)\\n', result.stdout.replace('"\n"', ""))
    return match.group(1).strip() if match else None


def sections() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))["sections"]


def second_source(language: str) -> tuple[str, str] | None:
    """(source, value) the data file names for a language gettext's table has no rule for."""
    for code in dict.fromkeys([language, language.split("_")[0]]):
        for section in sections()[1:]:
            if code in section["rules"]:
                return section["source"], section["rules"][code]
    return None


def written_catalog(language: str, tmp_path):
    """A catalog as the pipeline writes it, with a plural message in every form its header asks."""
    fields = catalog_header_fields("Test", language, "2026-01-01 00:00+0000",
                                   "2026-01-01 00:00+0000")
    count = plural_count(fields["Plural-Forms"], 0)
    message = Entry(msgid="%d day", msgid_plural="%d days",
                    msgstrs=tuple(f"form {index}" for index in range(count)))
    path = tmp_path / f"{language}.po"
    path.write_text(format_po(Catalog(Entry(msgid="", msgstrs=(format_header(fields),)),
                                      [message])), encoding="utf-8")
    return path


def msgfmt_check(path) -> subprocess.CompletedProcess:
    return subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                          capture_output=True, text=True)


def test_the_languages_compared_are_broad_enough():
    assert len(set(LANGUAGES)) == len(LANGUAGES) >= 40


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_are_what_msginit_writes(language, tmp_path):
    theirs = gettext_plural_forms(language, tmp_path)
    ours = plural_forms(language)
    if theirs:
        assert ours == theirs
        assert second_source(language) is None  # no later section shadows gettext's rule
    else:
        named = second_source(language)
        assert named, f"gettext has no rule for {language} and no second source names one"
        assert ours == named[1]
        result = msgfmt_check(written_catalog(language, tmp_path))
        assert result.returncode == 0, result.stderr


@needs_gettext
def test_every_gettext_row_carried_is_what_msginit_writes(tmp_path):
    """The data file is reproducible: scripts/plural_table.py took it from msginit."""
    gettext_section = sections()[0]
    assert re.match(r"GNU gettext \d+\.\d+(\.\d+)?, gettext-tools/src/plural-table\.c, "
                    "as written by msginit$", gettext_section["source"])
    for language, rule in gettext_section["rules"].items():
        assert gettext_plural_forms(language, tmp_path) == rule, language


@needs_gettext
def test_every_rule_carried_passes_msgfmt_check(tmp_path):
    for section in sections():
        for language in section["rules"]:
            result = msgfmt_check(written_catalog(language, tmp_path))
            assert result.returncode == 0, (section["name"], language, result.stderr)


def test_every_section_names_its_source_and_version():
    named = {section["name"]: section["source"] for section in sections()}
    assert list(named) == ["gettext", "gettext-manual", "cldr"]
    assert re.match(r"GNU gettext \d+\.\d+(\.\d+)? manual", named["gettext-manual"])
    assert re.search(r"Babel \d+\.\d+\.\d+", named["cldr"])
    assert re.search(r"CLDR \d+", named["cldr"])


def test_an_installed_babel_that_disagrees_changes_no_header(monkeypatch):
    """Babel releases change rules (2.19 gives French three forms): tabled languages ignore them."""
    tabled = ["fr", "pt_BR", "es", "it", "tr", "ru", "ar", "ca", "cy", "zh_CN"]
    before = {language: catalog_header_fields("Test", language, "", "")["Plural-Forms"]
              for language in tabled}
    three_forms = SimpleNamespace(num_plurals=3,
                                  plural_expr="(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)")
    monkeypatch.setattr("babel.messages.plurals.get_plural", lambda *args, **kwargs: three_forms)
    after = {language: catalog_header_fields("Test", language, "", "")["Plural-Forms"]
             for language in tabled}
    assert after == before
    assert after["fr"] == "nplurals=2; plural=(n > 1);"
    # a language in no table does follow the installed Babel: the patch reached the code
    assert plural_forms("xh") == f"nplurals=3; plural={three_forms.plural_expr};"


def test_region_codes_fall_back_to_their_language_unless_gettext_has_a_row():
    assert plural_forms("pt_BR") == "nplurals=2; plural=(n > 1);"
    assert plural_forms("pt_PT") == plural_forms("pt") == "nplurals=2; plural=(n != 1);"
    assert plural_forms("de_AT") == plural_forms("de")
    assert plural_forms("zh_TW") == plural_forms("zh") == "nplurals=1; plural=0;"


def test_turkish_has_two_forms_like_gettext_not_babels_one():
    assert plural_forms("tr") == "nplurals=2; plural=(n != 1);"


def test_arabic_uses_the_six_form_rule_of_the_gettext_tools():
    assert plural_forms("ar") == ("nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
                                  "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;")
    expression = plural_forms("ar").split("plural=", 1)[1].rstrip(";")
    forms = {n: evaluate(expression, n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102)}
    assert forms == {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5}


def test_fuzzy_flag_is_added_and_removed_with_the_previous_msgid():
    entry = Entry(msgid="a", msgstrs=("b",), previous_msgid="old")
    assert entry.with_fuzzy(True).fuzzy
    cleared = entry.with_fuzzy(True).with_fuzzy(False)
    assert not cleared.fuzzy and cleared.previous_msgid is None
