"""``pipeline check``: every catalog's findings through the gate's kept facts, listed or as JSON."""

from __future__ import annotations

import json

from pipeline.catalogs.pofile import read_po
from pipeline.gate.findings import run_checks
from tests.checks.helpers import BAD_EN, GOOD_DE, fill

def test_check_command_lists_findings_and_exits_1_on_errors(project):
    project.run("pull")
    fill(project, "en", BAD_EN)
    fill(project, "de", GOOD_DE)
    result = project.run("check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert ("locale/en/LC_MESSAGES/mikro.po:{}: error: [urls] link URL https://example.com/evil "
            "is not in the source: use the source's URL unchanged").format(
        read_po(project.po("en")).entries[-1].line) in lines
    assert any(line.startswith("en ") and line.split()[-2:] == ["1", "1"] for line in lines)
    assert lines[-1] == "1 error(s), 1 warning(s)"


def test_check_command_exits_0_when_only_warnings_or_nothing(project):
    project.run("pull")
    fill(project, "de", GOOD_DE)
    assert project.run("check").exit_code == 0
    fill(project, "de", {**GOOD_DE, "Mikro İğneleme Nedir?": "Was ist Microneedling? "})
    result = project.run("check", "--lang", "de")
    assert result.exit_code == 0
    assert "warning: [whitespace]" in result.output


def test_check_json_output(project):
    project.run("pull")
    fill(project, "en", BAD_EN)
    result = project.run("check", "--json", "--lang", "en", "--lang", "de")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["errors"] == 1 and data["warnings"] == 1
    assert [summary["language"] for summary in data["languages"]] == ["en", "de"]
    assert data["languages"][0] == {"language": "en", "catalogs": 2, "entries": 2, "errors": 1,
                                    "warnings": 1, "missing": []}
    error = next(f for f in data["findings"] if f["severity"] == "error")
    assert error["check"] == "urls" and error["path"] == "locale/en/LC_MESSAGES/mikro.po"
    assert error["msgid"].startswith("Ayrıntılar") and error["language"] == "en"


def test_check_unknown_language_is_a_usage_error(project):
    project.run("pull")
    result = project.run("check", "--lang", "xx")
    assert result.exit_code == 2
    assert "unknown language 'xx' for --lang" in result.output


def test_malformed_catalog_is_an_error_finding_and_other_languages_are_still_checked(project):
    project.run("pull")
    fill(project, "en", BAD_EN)
    project.po("de").write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    report = run_checks(project.config, ("de", "en"))
    assert [(f.check, f.path, f.line) for f in report.findings if f.language == "de"] == [
        ("gettext", "locale/de/LC_MESSAGES/mikro.po", 2)]
    assert any(f.check == "urls" for f in report.findings)


def test_missing_catalogs_are_noted_not_errors(project):
    report = run_checks(project.config, ("en",))
    assert report.errors == 0
    assert report.languages[0].missing == ("locale/en/LC_MESSAGES/mikro.po",
                                           "locale/en/LC_MESSAGES/site.po")


def test_glossary_file_is_used_by_the_command(project):
    project.run("pull")
    project.write("glossary/tr-de.csv", "source,target\nmikro iğneleme,Microneedling\n")
    fill(project, "de", {**GOOD_DE, "Mikro İğneleme Nedir?": "Was ist Dermarolling?"})
    result = project.run("check", "--lang", "de")
    assert "[glossary] 'mikro iğneleme' should be rendered as 'Microneedling' " \
           "(glossary/tr-de.csv:2)" in result.output



def test_a_disabled_warning_is_not_reported(project):
    project.run("pull")
    fill(project, "en", BAD_EN)
    assert "warning: [whitespace]" in project.run("check", "--lang", "en").output
    project.write("pipeline.toml", project.read("pipeline.toml")
                  + '\n[checks]\ndisable = ["whitespace"]\n')
    result = project.run("check", "--lang", "en")
    assert result.exit_code == 1  # the error stays
    assert "[whitespace]" not in result.output and "error: [urls]" in result.output
    assert result.output.splitlines()[-1] == "1 error(s), 0 warning(s)"
