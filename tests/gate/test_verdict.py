"""The publication gate: translated, not fuzzy, free of check errors, and approved: all of them."""

from __future__ import annotations

import pytest

import pipeline.gate.verdict as gate
from pipeline.checks import ERROR, WARNING, Finding
from pipeline.gate.verdict import (CHECK_ERROR, FUZZY, NOT_APPROVED, REJECTED_BY_DOCTOR, UNTRANSLATED,
                           evaluate)
from pipeline.catalogs.pofile import format_po, read_po
from pipeline.signoff.review import approve, open_signer, reject, translated_entries
from signing import add_doctor, translate

TITLE = "Mikro İğneleme Nedir?"


@pytest.fixture
def site(project, tmp_path):
    project.run("pull")
    translate(project, "en")
    project.key = add_doctor(project, tmp_path / "keys")
    config = project.config
    project.signer = open_signer(config, "en", "dr-test", project.key)
    approve(config, "en", project.signer, translated_entries(config, "en").values())
    return project


def entries_of(verdict) -> int:
    """Entries of every catalog of the language: the article's and the site chrome's."""
    return sum(len(domain.catalog.messages) for domain in verdict.domains)


def test_a_fully_approved_language_is_publishable_with_its_approvals(site):
    verdict = evaluate(site.config, "en")
    assert verdict.publishable and verdict.blockers == ()
    article, site_chrome = verdict.domains
    assert (article.domain, site_chrome.domain) == ("mikro", "site")
    assert len(article.approvals) == 6
    assert article.approvals[(None, TITLE)].name == "Dr. Test Hekim"
    assert verdict.review_counts()["approved"] == entries_of(verdict)


def test_an_untranslated_language_is_stopped_entry_by_entry(site):
    verdict = evaluate(site.config, "ru")
    assert not verdict.publishable
    assert {b.reason for b in verdict.blockers} == {UNTRANSLATED}
    assert len(verdict.blockers) == entries_of(verdict) and verdict.review_counts()["waiting"] == 0


def test_a_translated_unapproved_entry_waits_for_a_doctor(site):
    translate(site, "de")
    verdict = evaluate(site.config, "de")
    assert {b.reason for b in verdict.blockers} == {NOT_APPROVED}
    assert verdict.blockers[0].digest
    assert verdict.review_counts()["waiting"] == entries_of(verdict)
    assert str(verdict.blockers[0]).startswith("locale/de/LC_MESSAGES/mikro.po:")


def test_an_approved_entry_marked_fuzzy_again_is_held_back(site):
    path = site.po("en")
    catalog = read_po(path)
    catalog.entries = [e.with_fuzzy(e.msgid == TITLE) for e in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")
    verdict = evaluate(site.config, "en")
    (blocker,) = verdict.blockers
    assert (blocker.reason, blocker.msgid) == (FUZZY, TITLE)
    assert blocker.detail.startswith("approved by Dr. Test Hekim on ")


def test_a_rejected_entry_is_held_back_with_the_doctors_note(site):
    config = site.config
    title = next(t for t in translated_entries(config, "en").values() if t.entry.msgid == TITLE)
    reject(config, "en", site.signer, title, "eksik")
    path = site.po("en")
    catalog = read_po(path)  # the translator disagrees and clears the flag without changing the text
    catalog.entries = [e.with_fuzzy(False) for e in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")
    (blocker,) = evaluate(config, "en").blockers
    assert blocker.reason == REJECTED_BY_DOCTOR
    assert blocker.detail.startswith("by Dr. Test Hekim on ") and blocker.detail.endswith(": eksik")


def test_a_check_error_holds_back_an_approved_entry_but_a_warning_does_not(site, monkeypatch):
    def fake_checks(catalog, path, language, config):
        found = [Finding("length", WARNING, "much longer", path, 24, "x")]
        if any(entry.msgid == TITLE for entry in catalog.messages):
            found.append(Finding("numbers", ERROR, "5 mg became 50 mg", path, 19, TITLE))
        return found
    monkeypatch.setattr(gate, "check_catalog", fake_checks)
    verdict = evaluate(site.config, "en")
    (blocker,) = verdict.blockers
    assert (blocker.reason, blocker.detail) == (CHECK_ERROR, "5 mg became 50 mg")
    assert len(verdict.findings) == len(verdict.domains) + 1  # a warning each, and the error


def test_an_error_of_the_whole_catalog_holds_back_its_language(site):
    path = site.po("en")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "nplurals=2; plural=(n != 1);", "nplurals=2; plural=(n > 1 ? 2 : 0);"), encoding="utf-8")
    verdict = evaluate(site.config, "en")
    assert not verdict.publishable and verdict.blocker_counts() == {CHECK_ERROR: 1}
    (blocker,) = verdict.blockers
    assert blocker.path == "locale/en/LC_MESSAGES/mikro.po" and blocker.msgid == ""
    assert "plural expression" in blocker.detail


def test_a_missing_catalog_stops_the_language(site):
    site.po("en").unlink()
    verdict = evaluate(site.config, "en")
    assert not verdict.publishable
    assert "run 'pipeline pull'" in str(verdict.blockers[0])


def test_a_language_without_articles_is_not_publishable(make_project):
    project = make_project(articles={})
    assert not evaluate(project.config, "en").publishable
