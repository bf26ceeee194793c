"""Plural-Forms headers agree with GNU gettext, where gettext knows the language."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess

import pytest

from pipeline.catalog import Entry, plural_count, plural_forms


def evaluate(expression: str, n: int) -> int:
    """Evaluate a C plural expression the way Python's own gettext module does."""
    return gettext.c2py(expression)(n)


def gettext_plural_forms(language: str, tmp_path) -> str | None:
    template = tmp_path / "empty.pot"
    template.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    result = subprocess.run(["msginit", "--no-translator", "-l", language, "-i", str(template),
                             "-o", "-"], capture_output=True, text=True)
    match = re.search(r'Plural-Forms: (.*?)\\n', result.stdout.replace('"\n"', ""))
    return match.group(1) if match else None


@pytest.mark.skipif(shutil.which("msginit") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("language", ["tr", "en", "de", "ru", "fr", "pt_BR", "ja", "pl", "uk"])
def test_plural_forms_agree_with_gettext(language, tmp_path):
    theirs = gettext_plural_forms(language, tmp_path)
    assert theirs, f"gettext has no plural rule for {language}"
    ours = plural_forms(language)
    assert plural_count(ours, 0) == plural_count(theirs, 0)
    ours_expr = ours.split("plural=", 1)[1].rstrip(";")
    theirs_expr = theirs.split("plural=", 1)[1].rstrip(";")
    assert [evaluate(ours_expr, n) for n in range(300)] == \
           [evaluate(theirs_expr, n) for n in range(300)]


def test_turkish_has_two_forms_like_gettext_not_babels_one():
    assert plural_forms("tr") == "nplurals=2; plural=(n != 1);"


def test_arabic_uses_the_six_form_rule_of_the_gettext_tools():
    expression = plural_forms("ar").split("plural=", 1)[1].rstrip(";")
    forms = {n: evaluate(expression, n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102)}
    assert forms == {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5}


def test_fuzzy_flag_is_added_and_removed_with_the_previous_msgid():
    entry = Entry(msgid="a", msgstrs=("b",), previous_msgid="old")
    assert entry.with_fuzzy(True).fuzzy
    cleared = entry.with_fuzzy(True).with_fuzzy(False)
    assert not cleared.fuzzy and cleared.previous_msgid is None
