"""The review commands with --lang tr: source articles listed, signed by slug, on a sheet, one by one."""

from __future__ import annotations

import json

import pytest
from conftest import Project
from signing import add_doctor, ledger_lines

from pipeline.signoff.articles import article_id, content_digest, signed_content

EDIT = ("Genişletilmiş gözenekler", "Genişlemiş gözenekler")


@pytest.fixture
def source(project: Project, tmp_path) -> Project:
    project.write("pipeline.toml", project.read("pipeline.toml") + "\n[gate]\nsource_signoff = true\n")
    project.key = add_doctor(project, tmp_path / "keys", reviewer="zeris", languages=("tr",),
                             name="Uzm. Dr. Zahide Eriş")
    assert project.run("pull").exit_code == 0
    return project


def review(project: Project, *args: str, input: str | None = None):
    return project.run("review", *args, "--lang", "tr", "--reviewer", "zeris", "--key-file",
                       str(project.key), input=input)


def edit(project: Project) -> None:
    path = project.root / "source" / "mikro.md"
    path.write_text(path.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")


def test_list_shows_the_articles_waiting_and_approve_signs_one_by_its_slug(source: Project):
    waiting = json.loads(source.run("review", "list", "--lang", "tr", "--json").output)
    assert [(item["slug"], item["state"]) for item in waiting] == [("mikro", "waiting")]
    result = review(source, "approve", "--entry", "mikro")
    assert result.exit_code == 0, result.output
    assert "signed 1 article(s) (mikro): one statement by zeris" in result.output
    (line,) = ledger_lines(source, "tr")
    ((digest, ids),) = line["digests"].items()
    assert line["language"] == "tr" and ids == [article_id("mikro")]
    assert digest == waiting[0]["digest"] and signed_content(digest, line["texts"][digest])
    assert content_digest(line["texts"][digest]) == digest
    assert "0 article(s) of 'tr' waiting" in source.run("review", "list", "--lang", "tr").output
    assert source.run("review", "verify", "--lang", "tr").exit_code == 0
    log = source.run("review", "log", "--lang", "tr")
    assert "tr  approve  Uzm. Dr. Zahide Eriş (zeris)" in log.output


def test_a_changed_article_is_listed_with_what_changed_since_the_signature(source: Project):
    assert review(source, "approve", "--entry", "mikro").exit_code == 0
    edit(source)
    (item,) = json.loads(source.run("review", "list", "--lang", "tr", "--json").output)
    assert item["state"] == "stale" and item["earlier_signature"]["reviewer"] == "zeris"
    assert "-list 1 › item › paragraph: Genişletilmiş gözenekler" in item["diff"]
    assert "+list 1 › item › paragraph: Genişlemiş gözenekler" in item["diff"]


def test_the_sheet_shows_the_article_and_the_diff_and_signs_only_what_it_showed(source, tmp_path):
    assert review(source, "approve", "--entry", "mikro").exit_code == 0
    edit(source)
    sheet = tmp_path / "tr.html"
    made = source.run("review", "sheet", "--lang", "tr", "-o", str(sheet))
    assert made.exit_code == 0 and "(1 article(s))" in made.output
    html = sheet.read_text(encoding="utf-8")
    assert "<h2>Mikro İğneleme Nedir?</h2>" in html and "<li>Genişlemiş gözenekler</li>" in html
    assert "-list 1 › item › paragraph: Genişletilmiş gözenekler" in html
    manifest = tmp_path / "tr.manifest.json"
    path = source.root / "source" / "mikro.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nBir paragraf daha.\n", encoding="utf-8")
    late = review(source, "approve", "--sheet", str(manifest))
    assert "nothing to sign" in late.output
    assert "mikro: changed since the sheet was made (or gone): not signed" in late.output
    assert len(ledger_lines(source, "tr")) == 1
    source.run("review", "sheet", "--lang", "tr", "-o", str(sheet))
    assert review(source, "approve", "--sheet", str(manifest)).exit_code == 0
    assert len(ledger_lines(source, "tr")) == 2
    assert "0 article(s)" in source.run("review", "list", "--lang", "tr").output


def test_the_terminal_session_signs_or_rejects_each_article(source: Project):
    source.write("source/kan.md", "---\ntitle: Kan\n---\n\nKan sulandırıcılar.\n")
    result = review(source, "approve", input="a\nr\nEksik bir uyarı var\n")
    assert result.exit_code == 0, result.output
    assert "title: Kan" in result.output  # the article is shown in full before the choice
    assert "signed 1, rejected 1, skipped 0, left 0" in result.output
    meanings = [(line["meaning"], line["note"]) for line in ledger_lines(source, "tr")]
    assert meanings == [("approve", ""), ("reject", "Eksik bir uyarı var")]
    status = json.loads(source.run("status", "--json").output)[0]
    assert [(d["path"], d["reason"]) for d in status["drafts"]] == [("source/mikro.md", "rejected")]


def test_a_doctor_not_allowed_for_the_source_cannot_sign(source: Project, tmp_path):
    key = add_doctor(source, tmp_path / "keys", reviewer="ceviri", languages=("en",))
    result = source.run("review", "approve", "--lang", "tr", "--reviewer", "ceviri", "--key-file",
                        str(key), "--entry", "mikro")
    assert result.exit_code == 1
    assert "reviewer 'ceviri' may not sign off 'tr' (the roster allows: en)" in result.stderr
    assert ledger_lines(source, "tr") == []


def test_an_unknown_article_is_one_line(source: Project):
    result = review(source, "approve", "--entry", "yok")
    assert result.exit_code == 1
    assert "no source article is named yok" in result.stderr



def test_revoking_a_signature_makes_the_article_a_draft_again(source: Project):
    assert review(source, "approve", "--entry", "mikro").exit_code == 0
    assert json.loads(source.run("status", "--json").output)[0]["drafts"] == []
    revoked = review(source, "revoke", "--entry", "mikro", "--note", "yeniden okunacak")
    assert revoked.exit_code == 0, revoked.output
    (draft,) = json.loads(source.run("status", "--json").output)[0]["drafts"]
    assert draft["path"] == "source/mikro.md" and draft["reason"] == "source not signed"
    assert [line["meaning"] for line in ledger_lines(source, "tr")] == ["approve", "revoke"]
