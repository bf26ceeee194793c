"""The glossary check: a source term rendered with its glossary translation, in four languages."""

from __future__ import annotations

from tests.checks.helpers import fired, table_tests

GLOSSARY_CASES = [
    ("en", "Mikro İğneleme Nedir?", "What Is Microneedling?", False),
    ("en", "Mikro İğneleme Nedir?", "What Is Dermarolling?", True),  # İ matched the Turkish way
    ("de", "MİKRO İĞNELEME", "MICRONEEDLING", False),
    ("de", "Mikro iğnelemeden önce", "Vor dem Dermaroller", True),  # a suffixed form is the term
    ("ar", "Mikro iğnelemeyi düşünebilirsiniz.", "يمكنك التفكير في الوخز بالإبر الدقيقة.", False),
    ("ar", "Mikro iğnelemeyi düşünebilirsiniz.", "يمكنك التفكير في هذا الإجراء.", True),
    ("ar", "Mikro iğneleme yaptırmadan önce", "قبل الخضوع للوخز بالإبر الدقيقة", False),
    ("ru", "Mikro iğnelemeden önce", "Перед микроиглованием", False),  # inflected target
    ("ru", "Mikro iğneleme acıyor mu?", "Больно ли это?", True),
    # "MIKRO" with a dotless capital I is "mıkro" in Turkish: not the term.
    ("en", "MIKRO IĞNELEME", "Micro things", False),
]


def test_glossary_message_points_at_the_glossary_line():
    assert fired("Mikro iğneleme", "Dermarolling")["glossary"] == [
        "'mikro iğneleme' should be rendered as 'microneedling' (glossary/tr-en.csv:2)"]



TABLES = {"glossary": GLOSSARY_CASES}


test_check_table, test_every_check_has_both_outcomes_in_four_languages = table_tests(TABLES)
