"""The glossary file of a language pair, and Turkish-aware term matching."""

from __future__ import annotations

import pytest

from pipeline.errors import PipelineError
from pipeline.glossary import (Glossary, GlossaryError, Term, fold, load_glossary, parse_glossary,
                               turkish_lower)


def test_turkish_lower_follows_turkish_casing_where_str_lower_does_not():
    assert turkish_lower("İĞNE") == "iğne"
    assert "İĞNE".lower() != "iğne"  # str.lower adds a combining dot: "i̇ğne"
    assert turkish_lower("IŞIK") == "ışık"
    assert "IŞIK".lower() == "işik"  # a different word to a Turkish reader
    assert fold("İĞNE", "tr") == "iğne" and fold("Straße", "de") == "strasse"


@pytest.mark.parametrize("term, text, found", [
    ("mikro iğneleme", "Mikro İğneleme Nedir?", True),
    ("mikro iğneleme", "MİKRO İĞNELEME", True),
    ("mikro iğneleme", "mikro  iğnelemeden önce", True),  # suffix, two spaces
    ("mikro iğneleme", "MIKRO IĞNELEME", False),  # dotless I: "mıkro"
    ("ilaç", "ilacı alın", True),  # final consonant softened before a suffix
    ("ilaç", "ilaçlar", True),
    ("ben", "benim cildim", False),  # short terms take no suffix
    ("ben", "ben ve çil", True),
    ("İyot", "iyotlu krem", True),
    ("akne", "sivilce", False),
])
def test_source_terms_match_the_turkish_way(term, text, found):
    glossary = Glossary("en", "glossary/tr-en.csv", (Term(term, "x", 2),))
    assert bool(glossary.terms_in(text)) is found


@pytest.mark.parametrize("language, target, translation, rendered", [
    ("en", "microneedling", "What is Microneedling?", True),
    ("en", "microneedling", "What is dermarolling?", False),
    ("de", "Microneedling", "Vor dem MICRONEEDLING", True),
    ("ru", "микроиглование", "Перед микроиглованием", True),  # inflected
    ("ar", "الوخز بالإبر الدقيقة", "قبل الخضوع للوخز بالإبر الدقيقة", True),  # prefixed
    ("en", "acne", "akne", False),  # short targets must appear as they are
])
def test_target_terms_allow_inflection(language, target, translation, rendered):
    glossary = Glossary(language, "g.csv", (Term("x", target, 2),))
    assert glossary.rendered(glossary.terms[0], translation) is rendered


def test_load_glossary_reads_the_pair_file(project):
    project.write("glossary/tr-de.csv", "\ufeffsource,target,note\n"
                  "# agreed with the German reviewers\n"
                  "mikro iğneleme,Microneedling,\n\n"
                  "\"Dermapen\",Dermapen,a brand\n")
    glossary = load_glossary(project.config, "de")
    assert glossary.path == "glossary/tr-de.csv"
    assert glossary.entries() == {"mikro iğneleme": "Microneedling", "Dermapen": "Dermapen"}
    assert [term.line for term in glossary.terms] == [3, 5]
    assert [term.kept for term in glossary.terms] == [False, True]


def test_no_glossary_file_is_an_empty_glossary(project):
    glossary = load_glossary(project.config, "ru")
    assert glossary.terms == () and glossary.path == "glossary/tr-ru.csv"


@pytest.mark.parametrize("text, line, message", [
    ("term,translation\na,b\n", 1, "must name the columns 'source' and 'target'"),
    ("source,target\nmikro iğneleme,\n", 2, "needs both a source and a target"),
    ("source,target\nİlaç,drug\nilaç,medicine\n", 3, "listed twice (first at line 2)"),
    ("source,target\n\"unclosed,x\n", 2, "malformed CSV"),
])
def test_malformed_glossary_names_file_and_line(project, text, line, message):
    project.write("glossary/tr-en.csv", text)
    with pytest.raises(GlossaryError) as caught:
        load_glossary(project.config, "en")
    assert isinstance(caught.value, PipelineError)
    assert caught.value.line == line and message in caught.value.message
    assert str(caught.value.path).endswith("tr-en.csv")


def test_a_malformed_glossary_stops_the_check_command_with_one_line(project):
    project.run("pull")
    project.write("glossary/tr-en.csv", "source,target\nmikro iğneleme,\n")
    result = project.run("check")
    assert result.exit_code == 1
    assert "tr-en.csv:2: a row needs both a source and a target term" in result.output


def test_parse_glossary_of_an_empty_file_has_no_terms():
    assert parse_glossary("") == ()
