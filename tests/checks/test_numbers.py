"""The number checks, and numbers read with each language's separators, digits and percent signs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.checks import CHECKS, WARNING
from pipeline.checks.numbers import extract_numbers, format_value, has_percentage, unmatched
from tests.checks.helpers import fired, table_tests


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


# ------------------------------------------------------------------ the checks

NUMBERS = [
    # Turkish "%30" is English "30%", German and Russian "30 %", Arabic "٣٠٪".
    ("en", "Hastaların %30'unda", "In 30% of patients", False),
    ("de", "Hastaların %30'unda", "Bei 30 % der Patienten", False),
    ("ar", "Hastaların %30'unda", "لدى ٣٠٪ من المرضى", False),
    ("ru", "Hastaların %30'unda", "У 30 % пациентов", False),
    ("de", "Hastaların %30'unda", "Bei 30 Prozent der Patienten", False),
    ("en", "Hastaların %30'unda", "In 30 patients", True),  # no longer a percentage
    ("ru", "Hastaların %30'unda", "У 3 % пациентов", True),
    # decimal comma and point
    ("en", "1,5 ml krem", "1.5 ml of cream", False),
    ("de", "1,5 ml krem", "1,5 ml Creme", False),
    ("ar", "1,5 ml krem", "١٫٥ مل من الكريم", False),
    ("ar", "1,5 ml krem", "1.5 مل من الكريم", False),
    ("ru", "1,5 ml krem", "1,5 мл крема", False),
    ("en", "1,5 ml krem", "15 ml of cream", True),
    ("ar", "1,5 ml krem", "١٥ مل من الكريم", True),
    # thousands separators
    ("en", "1.500 TL", "1,500 TL", False),
    ("de", "1.500 TL", "1.500 TL", False),
    ("ar", "1.500 TL", "١٬٥٠٠ ليرة", False),
    ("ru", "1.500 TL", "1 500 лир", False),
    ("ru", "1.500 TL", "1\u00a0500 лир", False),
    ("en", "1.500 TL", "1.500 TL", True),  # an English reader reads one and a half
    ("de", "1.500 TL", "1.050 TL", True),
    # missing, changed, dates and ranges
    ("en", "5 mg", "50 mg", True),
    ("de", "2-3 gün", "2–3 Tage", False),
    ("ar", "2-3 gün", "٢-٣ أيام", False),
    ("ru", "2-3 gün", "2–4 дня", True),
    ("en", "06.02.2023 tarihinde", "on 6/2/2023", False),
    ("ar", "4 hafta sonra", "بعد أسابيع", True),
]


def test_numbers_message_says_what_is_missing_and_what_is_there_instead():
    assert fired("1.500 TL", "1.500 TL", "en")["numbers"] == [
        "number 1.500 (= 1500) of the source is missing or changed; the translation has "
        "1.500 instead"]


def test_a_number_added_by_the_translation_is_only_a_warning():
    found = fired("Günde iki kez.", "Twice (2 times) a day.")
    assert "numbers" not in found and "extra-numbers" in found
    assert CHECKS["extra-numbers"].severity == WARNING



TABLES = {"numbers": NUMBERS}


test_check_table, test_every_check_has_both_outcomes_in_four_languages = table_tests(TABLES)
