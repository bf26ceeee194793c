"""status: per-language counts in a table and in JSON."""

from __future__ import annotations

import json



def test_counts_in_json(project):
    project.run("pull")
    project.set_translation("de", "Genişletilmiş gözenekler", "Vergrößerte Poren")
    project.set_translation("de", "Mikro İğneleme Nedir?", "Was ist Microneedling?", fuzzy=True)
    result = project.run("status", "--json")
    assert result.exit_code == 0
    rows = {row["language"]: row for row in json.loads(result.output)}
    assert list(rows) == ["en", "de", "ar", "ru"]
    article = next(c for c in rows["de"]["catalogs"] if c["domain"] == "mikro")
    assert (article["strings"], article["translated"], article["fuzzy"], article["untranslated"]) \
        == (6, 1, 1, 4)
    assert article["path"] == "locale/de/LC_MESSAGES/mikro.po"
    german = rows["de"]
    assert german["strings"] == sum(c["strings"] for c in german["catalogs"])
    assert (german["translated"], german["fuzzy"]) == (1, 1)
    assert rows["en"]["untranslated"] == rows["en"]["strings"]


def test_table_for_one_language(project):
    project.run("pull")
    result = project.run("status", "--lang", "ar")
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["language", "strings", "translated", "fuzzy", "untranslated"]
    language, strings, translated, fuzzy, untranslated = lines[1].split()[:5]
    assert (language, translated, fuzzy) == ("ar", "0", "0") and strings == untranslated
    assert lines[2:] == [f"ar: stopped ({strings} untranslated)"]
    assert "\x1b[" not in result.output  # no colour when the output is not a terminal


def test_unknown_language_is_refused(project):
    result = project.run("status", "--lang", "xx")
    assert result.exit_code == 2
    assert "unknown language 'xx' for --lang" in result.output
