"""The registry: every check named, titled and graded; severities ordered; one function adds a check."""

from __future__ import annotations

import json

import pytest

from pipeline.checks import CHECKS, ERROR, WARNING, Finding, Severity, check
from tests.checks.helpers import fired, registered_for_now


def test_every_check_is_named_titled_and_has_a_severity():
    assert {"gettext-header", "gettext", "empty", "identical", "markdown", "urls", "unsafe",
            "numbers", "glossary", "whitespace", "punctuation", "length", "repeated-words",
            "brackets", "turkish-letters"} <= set(CHECKS)
    for name, item in CHECKS.items():
        assert item.name == name
        assert item.severity in (ERROR, WARNING)
        assert item.title and "\n" not in item.title


def test_errors_are_the_publication_blockers_of_the_issue():
    errors = {name for name, item in CHECKS.items() if item.severity == ERROR}
    assert errors == {"gettext-header", "gettext", "empty", "identical", "markdown", "urls",
                      "unsafe", "numbers"}


def test_a_new_check_is_one_registered_function():
    with registered_for_now():
        @check("no-shouting", WARNING)
        def no_shouting(pair, context):
            """All capitals."""
            if pair.translation.isupper():
                yield "please do not shout"

        assert CHECKS["no-shouting"].title == "All capitals."
        assert fired("Merhaba dünya.", "HELLO WORLD.")["no-shouting"] == ["please do not shout"]
    assert "no-shouting" not in CHECKS


def test_only_an_error_may_stop_the_checks_after_it():
    with registered_for_now(), pytest.raises(ValueError, match="only an error check"):
        check("quiet", WARNING, final=True)


# ---------------------------------------------------------------- severities


def test_severities_are_ordered_by_weight_not_by_spelling():
    assert ERROR > WARNING and WARNING < ERROR and ERROR >= ERROR and WARNING <= WARNING
    assert max(WARNING, ERROR) is ERROR and sorted([ERROR, WARNING]) == [WARNING, ERROR]
    assert ERROR > "warning" and WARNING < "error"  # the word, read as the severity it names
    with pytest.raises(ValueError):
        _ = ERROR > "fatal"


def test_a_severity_reads_and_serialises_as_its_word():
    assert str(ERROR) == f"{ERROR}" == "error" and ERROR == "error"
    assert json.dumps([ERROR, WARNING]) == '["error", "warning"]'
    assert Severity("warning") is WARNING


def test_a_finding_keeps_its_shape_and_reads_its_severity_back_from_json():
    finding = Finding("urls", ERROR, "wrong URL", "locale/en/LC_MESSAGES/a.po", 12, "Kaynak")
    assert str(finding) == "locale/en/LC_MESSAGES/a.po:12: error: [urls] wrong URL"
    data = json.loads(json.dumps(finding.as_dict()))
    assert data["severity"] == "error"
    again = Finding(**data)
    assert again == finding and again.severity is ERROR


# Texts where a quick test could go wrong: entities that decode to digits, URLs in prose,
# brackets and quotes only in Markdown, markup on one side, whitespace at the edges.
_TRICKY = ["Dozu 5 mg.", "Dozu &#53; mg.", "Bkz. https://example.org/a.", "[kılavuz](https://x.org)",
           "**Önemli:** %30", "„Alıntı“ (not", " baş", "son\n", "<b>kalın</b>", "javascript:alert(1)",
           "mailto:a@b.org", "`kod 3`", "Yüzde otuz", "tamam tamam", "٣٠ ٪", "ile ile", "", "Düz metin."]


@pytest.mark.parametrize("source", _TRICKY)
@pytest.mark.parametrize("translation", _TRICKY)
def test_a_check_that_says_it_cannot_apply_finds_nothing(source, translation):
    from pipeline.checks.registry import Pair
    from tests.checks.helpers import context as make_context
    for language in ("en", "ar"):
        context = make_context(language)
        for item in CHECKS.values():
            pair = Pair(source, translation)
            if item.scope == "pair" and item.applies and not item.applies(pair, context):
                assert list(item.function(Pair(source, translation), context)) == [], item.name


def test_checks_that_cannot_apply_are_not_run():
    from pipeline.checks.registry import Pair
    from tests.checks.helpers import context as make_context
    plain = Pair("Düz metin.", "Plain text.")
    assert {name for name, item in CHECKS.items() if item.scope == "pair" and item.applies
            and not item.applies(plain, make_context("en", terms=()))} == {
        "markdown", "urls", "unsafe", "numbers", "extra-numbers", "glossary", "whitespace",
        "brackets"}
