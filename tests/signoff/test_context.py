"""The context beside each row: notes, machine origin, glossary terms, warnings, diffs, score."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pipeline.catalogs.pofile import format_po, read_po
from pipeline.signoff.context import (DELETE, EQUAL, INSERT, ApprovedPairs, DiffPart, agreement,
                                      word_diff)
from pipeline.signoff.page import article_view
from pipeline.signoff.verified import verified_signoffs
from pipeline.signoff.verify import entry_ids, ledger_path

TITLE = "Mikro İğneleme Nedir?"
ITEM = "Genişletilmiş gözenekler"
LINK = "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."


def row_of(project, language: str, msgid: str, domain: str = "mikro"):
    view = article_view(project.config, language, domain)
    return next(row for row in view.rows if row.entry.msgid == msgid)


def add_comments(project, language: str, msgid: str, *comments: str) -> None:
    path = project.po(language)
    catalog = read_po(path)
    catalog.entries = [entry.replace(comments=(*entry.comments, *comments))
                       if entry.msgid == msgid else entry for entry in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("Take 5 mg daily.", "Take 50 mg daily.",
     [(EQUAL, "Take "), (DELETE, "5"), (INSERT, "50"), (EQUAL, " mg daily.")]),
    ("a b c", "a b c", [(EQUAL, "a b c")]),
    ("", "new words", [(INSERT, "new words")]),
    ("gone", "", [(DELETE, "gone")]),
    ("İnce çizgiler veya kırışıklıklar.", "İnce çizgiler ve kırışıklıklar.",
     [(EQUAL, "İnce çizgiler "), (DELETE, "veya"), (INSERT, "ve"), (EQUAL, " kırışıklıklar.")]),
    ("one two three", "one three", [(EQUAL, "one "), (DELETE, "two "), (EQUAL, "three")]),
    ("Take two tablets daily", "Use three pills daily",  # one change, not three
     [(DELETE, "Take two tablets"), (INSERT, "Use three pills"), (EQUAL, " daily")]),
])
def test_word_diff_never_splits_a_word(old, new, expected):
    parts = word_diff(old, new)
    assert parts == tuple(DiffPart(op, text) for op, text in expected)
    assert "".join(p.text for p in parts if p.op != INSERT) == old
    assert "".join(p.text for p in parts if p.op != DELETE) == new


def test_translators_notes_and_extracted_comments_reach_the_row(project, translate_all):
    assert project.run("pull").exit_code == 0
    translate_all(project, "en")
    add_comments(project, "en", ITEM, "please confirm: enlarged pores, not open pores",
                 "machine draft: deepl, 2026-01-05")
    row = row_of(project, "en", ITEM)
    assert row.comments == ("please confirm: enlarged pores, not open pores",)  # not the stamp
    assert row.entry.extracted and all(not text.startswith("type: ") for text in row.extracted)
    site = article_view(project.config, "en", "site")
    assert any(row.extracted for row in site.rows)  # the site chrome's notes for translators


def test_a_machine_draft_names_its_engine_and_date_until_someone_edits_it(project, fake_deepl):
    assert project.run("pull").exit_code == 0
    assert project.run("translate", "--lang", "en").exit_code == 0
    today = datetime.now(UTC).date().isoformat()
    for msgid in (TITLE, ITEM, LINK):
        origin = row_of(project, "en", msgid).mt_origin
        assert origin is not None and (origin.engine, origin.date) == ("deepl", today)
    project.set_translation("en", ITEM, "Enlarged pores", fuzzy=True)
    assert row_of(project, "en", ITEM).mt_origin is None
    assert row_of(project, "en", ITEM).context.as_dict()["machine_origin"] is None


def test_without_a_store_no_row_claims_a_machine_origin(project, translate_all):
    assert project.run("pull").exit_code == 0
    translate_all(project, "en")
    assert all(row.mt_origin is None and row.score is None
               for row in article_view(project.config, "en", "mikro").rows)


def test_glossary_terms_found_in_the_source_and_whether_the_translation_has_them(
        project, translate_all):
    project.write("glossary/tr-en.csv", "source,target\nmikro iğneleme,microneedling\n"
                                        "gözenek,pore\n")
    assert project.run("pull").exit_code == 0
    translate_all(project, "en", {TITLE: "What is microneedling?", ITEM: "Enlarged skin holes"})
    title = row_of(project, "en", TITLE)
    assert [(hit.source, hit.target, hit.rendered) for hit in title.glossary] == [
        ("mikro iğneleme", "microneedling", True)]
    item = row_of(project, "en", ITEM)
    assert [(hit.source, hit.rendered) for hit in item.glossary] == [("gözenek", False)]
    assert any("should be rendered as 'pore'" in text for text in item.warnings)
    assert all(not text.startswith("Blocks publication") for text in item.warnings)


def test_an_error_is_said_to_block_publication(project, translate_all):
    assert project.run("pull").exit_code == 0
    translate_all(project, "en", {LINK: "See the [guide](https://evil.example/)."})
    warnings = row_of(project, "en", LINK).warnings
    assert warnings and warnings[0].startswith("Blocks publication.")


def test_a_changed_translation_shows_its_diff_against_the_approved_pair(
        project, translate_all, approve_all):
    assert project.run("pull").exit_code == 0
    translate_all(project, "en", {ITEM: "Enlarged pores"})
    approve_all(project, "en")
    assert row_of(project, "en", ITEM).target_diff is None  # approved as it is: nothing changed
    project.set_translation("en", ITEM, "Widened pores")
    row = row_of(project, "en", ITEM)
    assert row.state == "stale"
    assert row.target_diff == (DiffPart(DELETE, "Enlarged"), DiffPart(INSERT, "Widened"),
                               DiffPart(EQUAL, " pores"))
    assert row.source_diff == (DiffPart(EQUAL, ITEM),)
    assert row.context.earlier is not None and row.context.earlier.approval.name == "Dr. Ayşe Demir"


def test_a_changed_source_shows_its_diff_from_the_statement_alone(
        project, translate_all, approve_all):
    assert project.run("pull").exit_code == 0
    translate_all(project, "en", {ITEM: "Enlarged pores"})
    approve_all(project, "en")
    project.write("source/mikro.md", project.read("source/mikro.md").replace(
        ITEM, "Genişlemiş gözenekler"))
    assert project.run("pull").exit_code == 0
    # pull kept the old translation, fuzzy, with the Turkish it was made for (#|)
    row = row_of(project, "en", "Genişlemiş gözenekler")
    assert row.state == "stale"
    assert row.source_diff == (DiffPart(DELETE, "Genişletilmiş"), DiffPart(INSERT, "Genişlemiş"),
                               DiffPart(EQUAL, " gözenekler"))
    assert row.target_diff == (DiffPart(EQUAL, "Enlarged pores"),)
    assert row.context.as_dict()["source_diff"][0] == ["delete", "Genişletilmiş"]


def test_an_earlier_text_is_read_from_its_ledger_line_and_believed_only_by_its_digest(
        project, translate_all, approve_all):
    assert project.run("pull").exit_code == 0
    translate_all(project, "en", {ITEM: "Enlarged pores"})
    approve_all(project, "en")
    project.set_translation("en", ITEM, "Widened pores")
    signoffs = verified_signoffs(project.config, "en")
    assert not any(signed.statement.texts for signed in signoffs.statements)  # kept without them
    ledger = ledger_path(project.config, "en")
    (entry_id, *_) = entry_ids("mikro", row_of(project, "en", ITEM).entry)
    earlier = ApprovedPairs("en", signoffs, ledger).get(entry_id)
    assert earlier is not None and earlier.entry.msgstrs == ("Enlarged pores",)
    # The ledger edited after it was verified: its line's text no longer hashes to the digest.
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("Enlarged pores", "Shrunk pores"),
                      encoding="utf-8")
    assert ApprovedPairs("en", signoffs, ledger).get(entry_id) is None


def test_a_never_approved_row_has_no_diff(project, translate_all):
    assert project.run("pull").exit_code == 0
    translate_all(project, "en")
    assert all(row.source_diff is None and row.target_diff is None
               for row in article_view(project.config, "en", "mikro").rows)


def test_the_score_compares_the_back_translation_with_the_source(project, fake_deepl):
    assert project.run("pull").exit_code == 0
    assert project.run("translate", "--lang", "en").exit_code == 0
    assert project.run("translate", "--back", "--lang", "en").exit_code == 0
    row = row_of(project, "en", LINK)
    assert row.context.back == f"[TR] [EN-US] {LINK}"
    assert row.score is not None and 80 < row.score < 100
    assert row.score == agreement(row.context.back, LINK)


@pytest.mark.parametrize(("back", "low", "high"), [
    ("Mikro İğneleme Nedir?", 100, 100),        # the same text
    ("mikro iğneleme nedir?", 100, 100),        # case folded the Turkish way
    ("Mikro iğneleme nedir", 85, 100),          # punctuation lost
    ("Bugün hava çok güzel.", 0, 20),           # another meaning altogether
])
def test_agreement_is_chrf_on_a_0_to_100_scale(back, low, high):
    assert low <= agreement(back, TITLE) <= high


def test_the_sheet_marks_machine_drafts_and_shows_notes_terms_and_changes(
        project, fake_deepl, tmp_path, approve_all):
    project.write("glossary/tr-en.csv", "source,target\ngözenek,pore\n")
    assert project.run("pull").exit_code == 0
    assert project.run("translate", "--lang", "en").exit_code == 0
    approve_all(project, "en", domain_filter=lambda domain: domain == "site")
    add_comments(project, "en", ITEM, "please confirm: enlarged pores")
    project.set_translation("en", TITLE, "What is microneedling?", fuzzy=True)  # edited draft
    out = tmp_path / "en.html"
    result = project.run("review", "sheet", "--lang", "en", "--page", "mikro", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    drafts = sum(row.mt_origin is not None for row in article_view(project.config, "en", "mikro").rows)
    assert drafts == 5 and html.count("Machine draft (deepl, ") == drafts  # not the edited title
    assert "not cached" not in html and html.count("no back-translation yet") == 6
    assert "Translator's note: please confirm: enlarged pores" in html
    assert "Glossary: gözenek → pore" in html and "(not in the translation)" in html


def test_review_list_shows_the_context_as_text_and_json(project, fake_deepl, approve_all):
    project.write("glossary/tr-en.csv", "source,target\ngözenek,pore\n")
    assert project.run("pull").exit_code == 0
    assert project.run("translate", "--lang", "en").exit_code == 0
    approve_all(project, "en", domain_filter=lambda domain: domain == "mikro")
    add_comments(project, "en", ITEM, "please confirm: enlarged pores")
    project.set_translation("en", ITEM, "Widened openings")
    text = project.run("review", "list", "--lang", "en", "--page", "mikro")
    assert text.exit_code == 0, text.output
    assert "translator's note: please confirm: enlarged pores" in text.output
    assert "glossary: gözenek → pore (not in the translation)" in text.output
    assert "English:" in text.output and "[-[EN-US] Genişletilmiş gözenekler-]{+Widened openings+}" \
        in text.output
    items = json.loads(project.run("review", "list", "--lang", "en", "--page", "mikro",
                                   "--json").output)
    (item,) = items
    assert item["state"] == "stale" and item["comments"] == ["please confirm: enlarged pores"]
    assert item["machine_origin"] is None and item["score"] is None
    assert item["glossary"] == [{"source": "gözenek", "target": "pore", "rendered": False}]
    assert item["target_diff"] == [["delete", "[EN-US] Genişletilmiş gözenekler"],
                                   ["insert", "Widened openings"]]
    assert any("should be rendered as 'pore'" in warning for warning in item["warnings"])


def test_a_warning_speaks_the_doctors_language_around_the_checks_message(project, translate_all):
    from pipeline.signoff.i18n import speaking

    project.write("glossary/tr-en.csv", "source,target\ngözenek,pore\n")
    assert project.run("pull").exit_code == 0
    translate_all(project, "en", {ITEM: "Enlarged skin holes", LINK: "See [it](https://evil.example/)."})
    with speaking("tr"):
        (term,) = row_of(project, "en", ITEM).warnings
        (link, *_) = row_of(project, "en", LINK).warnings
    assert term == ("Kaynaktaki bir terim, terim listesindeki karşılığıyla çevrilmemiş: "
                    "'gözenek' should be rendered as 'pore' (glossary/tr-en.csv:2)")
    assert link.startswith("Yayını engeller. ")
