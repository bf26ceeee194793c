"""Numbers read with each language's conventions: separators, digits and percent signs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.checks.numbers import extract_numbers, format_value, has_percentage, unmatched


def readings(text: str, language: str) -> list[tuple[str, set[str], bool]]:
    return [(n.text, {format_value(v) for v in n.values}, n.percent)
            for n in extract_numbers(text, language)]


@pytest.mark.parametrize("text, language, expected", [
    ("%30 oranında", "tr", [("30", {"30"}, True)]),
    ("% 30 oranında", "tr", [("30", {"30"}, True)]),
    ("30% of", "en", [("30", {"30"}, True)]),
    ("30 % der", "de", [("30", {"30"}, True)]),
    ("30\u202f% des", "fr", [("30", {"30"}, True)]),
    ("٣٠٪ من", "ar", [("٣٠", {"30"}, True)]),
    ("1,5 ml", "tr", [("1,5", {"1.5"}, False)]),
    ("1.500 TL", "tr", [("1.500", {"1500"}, False)]),
    ("1.500 TL", "en", [("1.500", {"1.5"}, False)]),  # an English reader sees one and a half
    ("1,500 TL", "en", [("1,500", {"1500"}, False)]),
    ("1.500 TL", "ru", [("1.500", {"1500", "1.5"}, False)]),  # neither Russian sign: both
    ("1 500 лир", "ru", [("1 500", {"1500"}, False)]),
    ("2 500 mg", "en", [("2", {"2"}, False), ("500", {"500"}, False)]),  # English: two numbers
    ("١٬٥٠٠ و١٫٥", "ar", [("١٬٥٠٠", {"1500"}, False), ("١٫٥", {"1.5"}, False)]),
    ("۱۲", "fa", [("۱۲", {"12"}, False)]),  # Extended Arabic-Indic digits
    ("1.234,5", "de", [("1.234,5", {"1234.5"}, False)]),
    ("1,234.5", "en", [("1,234.5", {"1234.5"}, False)]),
    ("1.000.000", "de", [("1.000.000", {"1000000"}, False)]),
    ("06.02.2023", "tr", [("06", {"6"}, False), ("02", {"2"}, False), ("2023", {"2023"}, False)]),
    ("2-3 gün", "tr", [("2", {"2"}, False), ("3", {"3"}, False)]),
    ("COVID-19", "en", [("19", {"19"}, False)]),
])
def test_extract_numbers(text, language, expected):
    assert readings(text, language) == expected


def test_unmatched_pairs_numbers_by_value_and_reports_both_sides():
    source = extract_numbers("%30, 1,5 ml ve 1.500 TL", "tr")
    assert unmatched(source, extract_numbers("1,500 TL, 1.5 ml and 30%", "en")) == ([], [])
    missing, extra = unmatched(source, extract_numbers("30%, 1.5 ml and 15 TL", "en"))
    assert [n.text for n in missing] == ["1.500"]
    assert [n.text for n in extra] == ["15"]


def test_a_repeated_number_must_be_repeated():
    missing, _ = unmatched(extract_numbers("5 mg ve 5 mg", "tr"), extract_numbers("5 mg", "en"))
    assert [n.values for n in missing] == [frozenset({Decimal(5)})]


@pytest.mark.parametrize("text, language, expected", [
    ("30%", "en", True), ("٣٠٪", "ar", True), ("30 Prozent", "de", True),
    ("30 процентов", "ru", True), ("30 بالمئة", "ar", True), ("30 per cent", "en", True),
    ("30 patients", "en", False), ("30 Patienten", "de", False),
])
def test_has_percentage(text, language, expected):
    assert has_percentage(text, language) is expected
