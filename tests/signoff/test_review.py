"""The review commands: list, approve (interactive, by digest, by sheet), reject, sheet, log."""

from __future__ import annotations

import json
import os

import pytest

from pipeline.signoff.review import translated_entries
from pipeline.signoff.verify import read_signoffs
from signing import add_doctor, edit_translation, entry, ledger, ledger_lines, translate

TITLE = "Mikro İğneleme Nedir?"
ITEM = "Genişletilmiş gözenekler"


@pytest.fixture
def site(project, tmp_path, monkeypatch):
    project.run("pull")
    translate(project, "en", slug="mikro")  # the site chrome stays untranslated: 6 entries to review
    translate(project, "de", slug="mikro", fuzzy=True)
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(tmp_path / "keys"))
    project.key = add_doctor(project, tmp_path / "keys")
    return project


def digest_of(project, language, msgid):
    return next(d for d, t in translated_entries(project.config, language).items()
                if t.entry.msgid == msgid)


def as_doctor(project, command, *args, input=None):
    return project.run("review", command, "--lang", args[0], "--reviewer", "dr-test", *args[1:],
                       input=input)


def test_list_shows_waiting_entries_with_digests_and_json(site):
    result = site.run("review", "list", "--lang", "en")
    assert result.exit_code == 0
    assert "6 entries of 'en' waiting for a doctor" in result.output
    assert digest_of(site, "en", TITLE)[:12] in result.output
    assert f"[en] {TITLE}" in result.output
    items = json.loads(site.run("review", "list", "--lang", "en", "--json").output)
    assert len(items) == 6 and {i["state"] for i in items} == {"waiting"}
    assert items[0]["places"][0]["path"] == "locale/en/LC_MESSAGES/mikro.po"


def test_list_of_an_unknown_page_or_language_is_an_error(site):
    assert "no page 'nope'" in site.run("review", "list", "--lang", "en", "--page", "nope").output
    assert "unknown language 'xx'" in site.run("review", "list", "--lang", "xx").output


def test_approve_by_digest_prefix_signs_one_statement(site):
    before = site.snapshot()
    prefix = digest_of(site, "en", TITLE)[:10]
    result = as_doctor(site, "approve", "en", "--entry", prefix, "--entry", digest_of(site, "en", ITEM))
    assert result.exit_code == 0, result.output
    assert "approved 2 entries" in result.output
    (line,) = ledger_lines(site, "en")
    assert line["reviewer"] == "dr-test" and len(line["digests"]) == 2
    changed = {name for name, (data, _) in site.snapshot().items() if before.get(name, (None,))[0] != data}
    assert changed == {"locale/en/signoffs.jsonl"}  # nothing fuzzy, so no catalog was touched


def test_approve_of_an_unknown_digest_writes_nothing(site):
    before = site.snapshot()
    result = as_doctor(site, "approve", "en", "--entry", digest_of(site, "en", TITLE),
                       "--entry", "0123456789")
    assert result.exit_code == 1
    assert "no translated entry of 'en' has digest 0123456789" in result.output
    assert site.snapshot() == before


def test_approving_a_fuzzy_entry_clears_its_flag_and_keeps_the_approval(site):
    assert entry(site, "de", TITLE).fuzzy
    result = as_doctor(site, "approve", "de", "--entry", digest_of(site, "de", TITLE))
    assert result.exit_code == 0
    assert "updated locale/de/LC_MESSAGES/mikro.po" in result.output
    assert not entry(site, "de", TITLE).fuzzy and entry(site, "de", ITEM).fuzzy
    assert digest_of(site, "de", TITLE) in read_signoffs(site.config, "de").approved


def test_reject_writes_the_note_for_the_translator_and_a_signed_statement(site):
    digest = digest_of(site, "en", ITEM)
    result = as_doctor(site, "reject", "en", "--entry", digest[:12], "--note", "  wrong\nterm ")
    assert result.exit_code == 0, result.output
    rejected = entry(site, "en", ITEM)
    assert rejected.fuzzy
    (comment,) = rejected.comments
    assert comment.startswith("rejected by Dr. Test Hekim on 20") and comment.endswith(": wrong term")
    assert "# rejected by Dr. Test Hekim on " in site.read("locale/en/LC_MESSAGES/mikro.po")
    (line,) = ledger_lines(site, "en")
    assert line["meaning"] == "reject" and line["note"] == "wrong term"
    assert list(line["digests"]) == [digest]
    assert read_signoffs(site.config, "en").rejected[digest].note == "wrong term"


def test_reject_needs_a_note(site):
    before = site.snapshot()
    result = as_doctor(site, "reject", "en", "--entry", digest_of(site, "en", ITEM), "--note", " ")
    assert result.exit_code == 1 and "needs a note" in result.output
    assert site.snapshot() == before


def test_an_interrupted_interactive_review_keeps_every_decision(site):
    # approve, reject with a note, skip, approve, then the input ends (a closed terminal)
    result = as_doctor(site, "approve", "en", input="a\nr\nnot the right term\ns\na\n")
    assert result.exit_code == 1  # aborted at the fifth entry
    assert "[5/6]" in result.output
    assert "en: 2 approved, 1 rejected, 0 corrected" in result.output  # handed back all the same
    assert "git add -- locale/en/signoffs.jsonl locale/en/LC_MESSAGES/mikro.po" in result.output
    meanings = [line["meaning"] for line in ledger_lines(site, "en")]
    assert meanings == ["approve", "reject", "approve"]
    state = read_signoffs(site.config, "en")
    assert len(state.approved) == 2 and len(state.rejected) == 1
    assert entry(site, "en", "Cildiniz için minimal invaziv bir prosedür.").fuzzy
    assert not entry(site, "en", "Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür.").fuzzy
    status = json.loads(site.run("status", "--lang", "en", "--json").output)[0]
    assert (status["approved"], status["rejected"], status["waiting"]) == (2, 1, 3)


def test_quitting_the_interactive_review_keeps_decisions_and_exits_cleanly(site):
    result = as_doctor(site, "approve", "de", input="x\na\nq\n")
    assert result.exit_code == 0
    assert "Error: 'x' is not one of" in result.output
    assert "approved 1, rejected 0, corrected 0, skipped 0, left 5" in result.output
    assert not entry(site, "de", TITLE).fuzzy
    assert len(ledger_lines(site, "de")) == 1


def test_the_interactive_review_shows_source_translation_and_back_translation(site, fake_deepl):
    assert site.run("translate", "--back", "--lang", "de").exit_code == 0
    result = as_doctor(site, "approve", "de", input="q\n")
    assert "Turkish:" in result.output and "German:" in result.output
    assert f"[de] {TITLE}" in result.output
    assert f"[TR] [de] {TITLE}" in result.output  # the fake server's back-translation, from the cache
    assert "approving accepts this wording" in result.output


def test_nothing_waiting_means_nothing_to_ask(site):
    as_doctor(site, "approve", "en", input="a\n" * 6)
    result = as_doctor(site, "approve", "en")
    assert result.exit_code == 0 and "nothing of 'en' is waiting" in result.output


def test_a_sheet_approved_after_one_entry_changed_approves_the_others_only(site, tmp_path):
    sheet = tmp_path / "print" / "de-sheet.html"
    result = site.run("review", "sheet", "--lang", "de", "-o", str(sheet))
    assert result.exit_code == 0, result.output
    manifest = tmp_path / "print" / "de-sheet.manifest.json"
    assert len(json.loads(manifest.read_text(encoding="utf-8"))["entries"]) == 6

    edit_translation(site, "de", ITEM, "Vergrößerte Poren")
    result = as_doctor(site, "approve", "de", "--sheet", str(manifest))
    assert result.exit_code == 0, result.output
    assert "approved 5 entries" in result.output
    assert f'"{ITEM}"' in result.output and "changed since the sheet" in result.output
    approved = read_signoffs(site.config, "de").approved
    assert digest_of(site, "de", ITEM) not in approved and len(approved) == 5
    assert entry(site, "de", ITEM).fuzzy and not entry(site, "de", TITLE).fuzzy


def test_a_sheet_for_another_language_is_refused(site, tmp_path):
    site.run("review", "sheet", "--lang", "de", "-o", str(tmp_path / "s.html"))
    before = site.snapshot()
    result = as_doctor(site, "approve", "en", "--sheet", str(tmp_path / "s.manifest.json"))
    assert result.exit_code == 1 and "this sheet is for 'de', not 'en'" in result.output
    assert site.snapshot() == before


def test_the_sheet_is_self_contained_and_escapes_translations(site, tmp_path, fake_deepl):
    assert site.run("translate", "--back", "--lang", "en").exit_code == 0
    edit_translation(site, "en", ITEM, '<script>alert("x")</script> & <b>pores</b>')  # not back-translated
    out = tmp_path / "en.html"
    site.run("review", "sheet", "--lang", "en", "--page", "mikro", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;pores&lt;/b&gt;" in html
    assert f"[TR] [en] {TITLE}" in html and "not cached" not in html
    assert html.count("no back-translation yet") == 1  # the edited string only
    assert "src=" not in html and "<link" not in html and "http" not in html.replace(
        "https://example.org/kilavuz", "")
    assert html.count("<tr>") == 7  # heading and six entries


def test_the_log_shows_who_did_what_with_the_text_where_still_known(site):
    as_doctor(site, "approve", "en", "--entry", digest_of(site, "en", TITLE))
    as_doctor(site, "reject", "en", "--entry", digest_of(site, "en", ITEM), "--note", "kötü")
    edit_translation(site, "en", TITLE, "What is microneedling?")
    result = site.run("review", "log")
    assert result.exit_code == 0
    assert "approve  Dr. Test Hekim (dr-test)  1 entry" in result.output
    assert "(as signed; in no catalog now)  'Mikro İğneleme Nedir?' -> " in result.output
    assert "note: kötü" in result.output
    data = json.loads(site.run("review", "log", "--lang", "en", "--json").output)
    first, second = data["statements"]
    assert first["meaning"] == "approve" and first["entries"][0]["known"] is False
    assert first["entries"][0]["as_signed"] and first["entries"][0]["msgid"] == TITLE
    assert second["meaning"] == "reject" and second["entries"][0]["msgid"] == ITEM
    assert data["problems"] == []


def test_revoke_withdraws_an_approval_without_touching_catalogs(site):
    as_doctor(site, "approve", "en", input="a\n" * 6)
    before = site.snapshot()
    result = as_doctor(site, "revoke", "en", "--entry", digest_of(site, "en", TITLE), "--note", "oops")
    assert result.exit_code == 0
    assert "revoked 1 entry" in result.output
    status = json.loads(site.run("status", "--lang", "en", "--json").output)[0]
    assert (status["approved"], status["waiting"], status["verdict"]) == (5, 1, "stopped")
    changed = {n for n, (data, _) in site.snapshot().items() if before.get(n, (None,))[0] != data}
    assert changed == {"locale/en/signoffs.jsonl"}


def test_signing_needs_a_rostered_doctor_with_their_current_private_key(site, tmp_path):
    result = site.run("review", "approve", "--lang", "en", "--reviewer", "dr-nobody")
    assert result.exit_code == 1 and "unknown reviewer 'dr-nobody'" in result.output
    result = as_doctor(site, "approve", "ar")
    assert "may not sign off 'ar'" in result.output
    stranger = tmp_path / "stranger.key"
    site.run("keygen", "stranger", "--key-file", str(stranger))
    result = as_doctor(site, "approve", "en", "--key-file", str(stranger))
    assert result.exit_code == 1 and "is not the current key of 'dr-test'" in result.output
    os.chmod(site.key, 0o644)
    result = as_doctor(site, "approve", "en")
    assert result.exit_code == 1 and "chmod 600" in result.output
    assert not ledger(site, "en").exists()


def test_status_shows_review_columns_and_the_verdict(site):
    translate(site, "en", slug="site")
    every = [arg for digest in translated_entries(site.config, "en") for arg in ("--entry", digest)]
    assert as_doctor(site, "approve", "en", *every).exit_code == 0
    edit_translation(site, "de", TITLE, "Was ist Microneedling?")
    result = site.run("status")
    assert result.exit_code == 0
    header, en, de, _ar, _ru = result.output.splitlines()[:5]
    total = en.split()[1]  # the article's 6 entries and the site chrome's
    assert header.split() == ["language", "strings", "translated", "fuzzy", "untranslated",
                              "approved", "stale", "waiting", "rejected", "errors", "verdict"]
    assert en.split() == ["en", total, total, "0", "0", total, "0", "0", "0", "0", "publishable"]
    chrome = str(int(total) - 6)
    assert de.split() == ["de", total, "0", "6", chrome, "0", "0", "6", "0", "0", "stopped"]
    assert f"de: stopped (6 fuzzy, {chrome} untranslated)" in result.output
    data = {r["language"]: r for r in json.loads(site.run("status", "--json").output)}
    assert data["en"]["publishable"] is True and data["en"]["approved"] == int(total)
    assert data["ar"]["blocked"] == {"untranslated": int(total)} and data["ar"]["verdict"] == "stopped"


def test_status_warns_about_ledger_lines_that_do_not_count(site):
    as_doctor(site, "approve", "en", input="a\n")
    with ledger(site, "en").open("a", encoding="utf-8") as handle:
        handle.write('{"reviewer": "dr-test"}\n')
    result = site.run("status", "--lang", "en")
    assert result.exit_code == 0
    assert "warning: locale/en/signoffs.jsonl:2: missing field(s)" in result.output


def test_verify_covers_every_language(site):
    as_doctor(site, "approve", "en", input="a\n")
    as_doctor(site, "approve", "de", input="a\n")
    ledger(site, "de").write_text("garbage\n" + ledger(site, "de").read_text(encoding="utf-8"))
    result = site.run("review", "verify")
    assert result.exit_code == 1
    assert "locale/de/signoffs.jsonl:1: not a JSON statement" in result.output
    assert "2 statement(s) verified, 1 line(s) rejected" in result.output


def test_verify_runs_as_a_subprocess(site):
    as_doctor(site, "approve", "en", input="a\n")
    result = site.run_subprocess("review", "verify")
    assert result.returncode == 0, result.stderr
    assert "1 statement(s) verified, 0 line(s) rejected" in result.stdout
