"""The review interface's own strings: extracted from code and templates, all in the Turkish catalog."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from conftest import REPO
from pipeline.signoff import i18n
from pipeline.signoff.i18n import _, ngettext, speaking

MAPPING = REPO / "pipeline" / "signoff" / "locale" / "babel.cfg"
TURKISH = REPO / "pipeline" / "signoff" / "locale" / "tr" / "LC_MESSAGES" / "review.po"


def extracted() -> set[str | tuple[str, ...]]:
    """Every msgid the code and templates use, as pybabel extract finds them with our mapping."""
    with MAPPING.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    return {message for _file, _line, message, _comments, _context
            in extract_from_dir(str(REPO), method_map, options_map)}


def turkish() -> dict[str, object]:
    with TURKISH.open("rb") as handle:
        catalog = read_po(handle, locale="tr")
    return {message.id if isinstance(message.id, str) else message.id[0]: message
            for message in catalog if message.id}


def test_the_turkish_catalog_passes_msgfmt_check():
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(TURKISH)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr


def test_every_extracted_string_is_in_the_turkish_catalog():
    found = {message if isinstance(message, str) else message[0] for message in extracted()}
    assert len(found) > 5  # the mapping finds the interface's strings at all
    missing = sorted(found - set(turkish()))
    assert not missing, f"add these to {TURKISH.name}: {missing}"


def test_the_turkish_catalog_holds_nothing_the_code_no_longer_uses():
    found = {message if isinstance(message, str) else message[0] for message in extracted()}
    assert sorted(set(turkish()) - found) == []


def test_no_turkish_entry_is_untranslated_or_fuzzy():
    catalog = turkish()
    untranslated = [msgid for msgid, message in catalog.items()
                    if not all(message.string if isinstance(message.string, tuple)  # type: ignore[attr-defined]
                               else [message.string])]  # type: ignore[attr-defined]
    fuzzy = [msgid for msgid, message in catalog.items() if message.fuzzy]  # type: ignore[attr-defined]
    assert (untranslated, fuzzy) == ([], [])


def test_the_catalog_header_has_gettexts_turkish_plural_rule():
    assert "nplurals=2; plural=(n != 1);" in TURKISH.read_text(encoding="utf-8")


def test_strings_speak_the_language_set_and_english_otherwise():
    with speaking("tr"):
        assert _("Review") == "İnceleme"
        assert i18n.html_lang() == "tr"
    with speaking("tr_TR"):
        assert _("Review") == "İnceleme"
    with speaking("fr"):
        assert _("Review") == "Review"
        assert i18n.current_locale() == "en"
    assert _("Review") == "Review"  # outside any block: English
    assert ngettext("%(num)d string", "%(num)d strings", 2) == "%(num)d strings"


@pytest.mark.parametrize(("header", "expected"), [
    ("tr-TR,tr;q=0.9,en-US;q=0.8,en;q=0.7", "tr"),
    ("de-DE,de;q=0.9,tr;q=0.5", "tr"),
    ("en-GB,tr;q=0.5", "en"),
    ("de;q=1, tr;q=0", "en"),
    ("", "en"),
    (None, "en"),
    ("tr;q=bogus, *", "en"),
])
def test_accept_language_picks_the_best_shipped_language(header, expected):
    assert i18n.negotiate(header) == expected


def test_times_are_shown_in_the_doctors_zone_and_language():
    moment = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)
    with speaking("tr", "Europe/Istanbul"):
        shown = i18n.when(moment)
    assert shown == "2 Mart 2026 00:30:00 TSİ"  # already the next day in Istanbul
    with speaking("en"):
        assert i18n.when(moment) == "March 1, 2026, 9:30:00\u202fPM UTC"  # CLDR: a narrow space


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="Europe/Istanbul"):
        i18n.time_zone("Mars/Olympus")


def test_templates_speak_turkish_and_set_lang():
    template = i18n.environment().from_string('<p lang="{{ html_lang() }}">{{ _("Problem") }}</p>')
    with speaking("tr"):
        assert template.render() == '<p lang="tr">Sorun</p>'
    assert template.render() == '<p lang="en">Problem</p>'
