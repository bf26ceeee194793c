"""What the check tests share: a context per language, the checks that fire, tables of cases."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from collections.abc import Callable, Iterator

import pytest

from conftest import Project
from pipeline.catalogs.model import Entry
from pipeline.catalogs.pofile import format_po, read_po
from pipeline.checks import CHECKS
from pipeline.checks.registry import Context
from pipeline.checks.runner import check_entry
from pipeline.glossary import Glossary, Term

GLOSSARY = {"en": "microneedling", "de": "Microneedling", "ar": "الوخز بالإبر الدقيقة",
            "ru": "микроиглование"}
LANGUAGES = ("en", "de", "ar", "ru")

# A table row: (language, source, translation, whether the check fires).
Case = tuple[str, str, str, bool]


def context(language: str, terms: tuple[Term, ...] | None = None, nplurals: int = 2,
            ratio: float = 1.0) -> Context:
    if terms is None:
        terms = ((Term("mikro iğneleme", GLOSSARY[language], 2),) if language in GLOSSARY else ())
        terms += (Term("Dermapen", "Dermapen", 3),)
    glossary = Glossary(language, f"glossary/tr-{language}.csv", terms)
    return Context(language, "tr", glossary, nplurals, ratio, False)


def fired(source: str, translation: str, language: str = "en") -> dict[str, list[str]]:
    """Check name → messages for one singular entry."""
    found: dict[str, list[str]] = {}
    for item, message in check_entry(Entry(source, (translation,)), context(language)):
        found.setdefault(item.name, []).append(message)
    return found


def table_tests(by_check: dict[str, list[Case]]
                ) -> tuple[Callable[[str, str, str, str, bool], None], Callable[[], None]]:
    """A module's two tests of its tables: every row, and both outcomes in every language.

    Assigned to module names starting with ``test_``, pytest collects them.
    """
    cases = [(name, *case) for name, table in by_check.items() for case in table]
    ids = [f"{name}-{language}-{'fails' if fails else 'passes'}-{translation[:24]}"
           for name, language, _, translation, fails in cases]

    @pytest.mark.parametrize("name, language, source, translation, fails", cases, ids=ids)
    def each_row(name: str, language: str, source: str, translation: str, fails: bool) -> None:
        found = fired(source, translation, language)
        if fails:
            assert name in found, f"[{name}] should fire on {translation!r}; got {found}"
        else:
            assert name not in found, f"[{name}] fired on {translation!r}: {found[name]}"

    def both_outcomes() -> None:
        for name, table in by_check.items():
            for language in LANGUAGES:
                outcomes = {fails for case_language, *_, fails in table
                            if case_language == language}
                assert outcomes == {True, False}, \
                    f"{name} lacks a passing or failing case in {language}"

    return each_row, both_outcomes


def fill(project: Project, language: str, translations: dict[str, str],
         fuzzy: tuple[str, ...] = ()) -> Path:
    """Fill in translations of a pulled catalog, by msgid."""
    path = project.po(language)
    catalog = read_po(path)
    catalog.entries = [entry.replace(msgstrs=(translations[entry.msgid],)).with_fuzzy(
        entry.msgid in fuzzy) if entry.msgid in translations else entry
        for entry in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")
    return path


GOOD_DE = {"Mikro İğneleme Nedir?": "Was ist Microneedling?",
           "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.":
           "Einzelheiten im [Leitfaden](https://example.org/kilavuz)."}
BAD_EN = {"Mikro İğneleme Nedir?": "What is microneedling?",
          "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.":
          "See [the guide](https://example.com/evil) for details. "}


@contextmanager
def registered_for_now() -> Iterator[None]:
    """Checks registered inside the block are forgotten after it (the registry is one dict)."""
    saved = dict(CHECKS)
    try:
        yield
    finally:
        CHECKS.clear()
        CHECKS.update(saved)
