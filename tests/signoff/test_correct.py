"""Correct instead of reject: the doctor's wording, checked, written and approved in one statement."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from pipeline.errors import SignoffError
from pipeline.signoff.review import CorrectionRefused, correct, open_signer, translated_entries
from pipeline.signoff.verify import entry_digest, read_signoffs, signed_text
from signing import add_doctor, entry, ledger_lines, translate
from tests.signoff.test_server import BASE, arrived, doctor, live, make_app, post, shown  # noqa: F401

TITLE = "Mikro İğneleme Nedir?"
ITEM = "Genişletilmiş gözenekler"
LINK = "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def site(project, tmp_path, monkeypatch):
    project.run("pull")
    translate(project, "en", slug="mikro")
    translate(project, "de", slug="mikro", fuzzy=True)
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(tmp_path / "keys"))
    project.key = add_doctor(project, tmp_path / "keys", languages=("en", "de", "ar"))
    project.other = add_doctor(project, tmp_path / "keys", reviewer="dr-de", languages=("de",),
                               name="Dr. Nur Almanca")
    return project


def target_of(project, language, msgid):
    return next(t for t in translated_entries(project.config, language).values()
                if t.entry.msgid == msgid)


def test_a_correction_is_written_with_a_note_and_approved_in_one_statement(site):
    signer = open_signer(site.config, "de", "dr-test", site.key)
    old = target_of(site, "de", ITEM)
    result = correct(site.config, "de", signer, old, ["Vergrößerte Poren"], NOW)
    corrected = entry(site, "de", ITEM)
    assert corrected.msgstrs == ("Vergrößerte Poren",) and not corrected.fuzzy
    assert corrected.comments[-1] == ("corrected by Dr. Test Hekim on 2026-12-02, "
                                      f"was: [de] {ITEM}")
    (line,) = ledger_lines(site, "de")
    assert line["meaning"] == "approve" and line["note"] == f"corrected; was: [de] {ITEM}"
    digest = entry_digest("de", corrected)
    assert list(line["digests"]) == [digest] and result.decision.targets[0].digest == digest
    assert signed_text("de", digest, line["texts"][digest]).msgstrs == ("Vergrößerte Poren",)
    assert digest in read_signoffs(site.config, "de").approved
    assert result.decision.catalogs_written == ("locale/de/LC_MESSAGES/mikro.po",)
    # the translator's editor still reads the catalog: it passes msgfmt's checks
    status = json.loads(site.run("status", "--lang", "de", "--json").output)[0]
    assert status["approved"] == 1


def test_a_correction_that_fails_a_check_signs_nothing_and_changes_nothing(site):
    before = site.snapshot()
    result = site.run("review", "correct", "--lang", "en", "--reviewer", "dr-test",
                      "--entry", target_of(site, "en", LINK).digest,
                      "--text", "See the [guide](https://evil.example/).")
    assert result.exit_code == 1
    assert "nothing was signed: the corrected text fails a check: [urls]" in result.output
    assert site.snapshot() == before  # no ledger, catalog byte-identical


@pytest.mark.parametrize("texts", [["[en] " + ITEM], ["a", "b"]])
def test_a_correction_that_changes_nothing_or_the_forms_is_refused(site, texts):
    signer = open_signer(site.config, "en", "dr-test", site.key)
    before = site.snapshot()
    with pytest.raises(CorrectionRefused):
        correct(site.config, "en", signer, target_of(site, "en", ITEM), texts, NOW)
    assert site.snapshot() == before


def test_a_doctor_not_allowed_for_the_language_cannot_correct(site):
    before = site.snapshot()
    result = site.run("review", "correct", "--lang", "en", "--reviewer", "dr-de", "--key-file",
                      str(site.other), "--entry", target_of(site, "en", ITEM).digest,
                      "--text", "Enlarged pores")
    assert result.exit_code == 1 and "may not sign off 'en'" in result.output
    signer = open_signer(site.config, "de", "dr-de", site.other)  # allowed for German only
    with pytest.raises(SignoffError, match="may not sign off 'en'"):
        correct(site.config, "en", signer, target_of(site, "en", ITEM), ["Enlarged pores"], NOW)
    assert site.snapshot() == before


def test_the_command_reports_the_correction_and_its_warnings(site):
    result = site.run("review", "correct", "--lang", "en", "--reviewer", "dr-test",
                      "--entry", target_of(site, "en", ITEM).digest[:10],
                      "--text", "Enlarged enlarged pores")
    assert result.exit_code == 0, result.output
    assert "approved 1 entry" in result.output
    assert "warning: [repeated-words]" in result.output
    assert entry(site, "en", ITEM).msgstrs == ("Enlarged enlarged pores",)


def test_the_terminal_session_edits_and_asks_again_when_a_check_refuses(site):
    link = target_of(site, "en", LINK)
    order = [t.entry.msgid for t in translated_entries(site.config, "en").values()]
    skips = "s\n" * order.index(LINK)
    answers = f"{skips}e\nSee the [guide](https://evil.example/).\ne\nSee the [guide](https://example.org/kilavuz).\nq\n"
    result = site.run("review", "approve", "--lang", "en", "--reviewer", "dr-test", input=answers)
    assert result.exit_code == 0, result.output
    assert "not signed: nothing was signed: the corrected text fails a check" in result.output
    assert "corrected and approved" in result.output
    assert entry(site, "en", LINK).msgstrs == ("See the [guide](https://example.org/kilavuz).",)
    assert "corrected 1" in result.output and "en: 0 approved, 0 rejected, 1 corrected" in result.output
    assert "git add -- locale/en/signoffs.jsonl locale/en/LC_MESSAGES/mikro.po" in result.output
    assert len(ledger_lines(site, "en")) == 1 and link.digest not in read_signoffs(
        site.config, "en").approved


# ---------------------------------------------------------------- the review page


@pytest.fixture
def client(site):
    client = TestClient(make_app(site))
    assert client.get(f"{BASE}/").status_code == 200
    return client


def test_the_page_corrects_through_the_same_operation(site, client):
    response = post(client, "/de/mikro/correct", text="Vergrößerte\r\nPoren", **shown(site, "de", ITEM))
    assert response.status_code == 303
    assert "done=corrected&count=1" in response.headers["location"]
    assert entry(site, "de", ITEM).msgstrs == ("Vergrößerte\nPoren",)  # a browser's CRLF, as typed
    assert "Corrected 1 string" in client.get(response.headers["location"]).text
    (line,) = ledger_lines(site, "de")
    assert line["meaning"] == "approve" and line["note"].startswith("corrected; was:")


def test_the_page_shows_why_a_correction_was_refused_and_signs_nothing(site, client):
    before = site.snapshot()
    response = post(client, "/en/mikro/correct", text="See [it](https://evil.example/).",
                    **shown(site, "en", LINK))
    assert response.status_code == 409
    assert "fails a check" in response.text and "[urls]" in response.text
    assert site.snapshot() == before


def test_the_page_refuses_a_correction_of_a_text_changed_since_it_was_shown(site, client):
    form = shown(site, "en", ITEM)
    site.set_translation("en", ITEM, "Edited meanwhile")
    before = site.snapshot()
    response = post(client, "/en/mikro/correct", text="Enlarged pores", **form)
    assert response.status_code == 409 and "Nothing was signed" in response.text
    assert site.snapshot() == before


def test_a_correction_from_another_page_is_refused(site, client):
    before = site.snapshot()
    response = post(client, "/en/mikro/correct", text="Enlarged pores",
                    headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
                    **shown(site, "en", ITEM))
    assert response.status_code == 403
    assert site.snapshot() == before


def test_the_catalog_stays_readable_by_gettext(site, client, tmp_path):
    post(client, "/en/mikro/correct", text="Enlarged pores", **shown(site, "en", ITEM))
    done = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "x.mo"), str(site.po("en"))],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert entry(site, "en", ITEM).comments[-1].startswith("corrected by Dr. Test Hekim on ")


@pytest.mark.browser
def test_a_doctor_corrects_one_word_in_the_browser(site, live, doctor):  # noqa: F811 (fixtures)
    doctor.goto(f"{live}/de/mikro/")
    row = doctor.locator(f"#e-{target_of(site, 'de', ITEM).digest[:16]}")
    row.locator("details.correct summary").click()
    row.locator("details.correct textarea").fill("Vergrößerte Poren")
    row.get_by_role("button", name=re.compile(r"^Correct and approve string \d+$")).click()
    doctor.wait_for_url(re.compile(r".*done=corrected&count=1.*"))
    assert "Corrected 1 string" in doctor.content()
    corrected = entry(site, "de", ITEM)
    assert corrected.msgstrs == ("Vergrößerte Poren",) and not corrected.fuzzy
    assert entry_digest("de", corrected) in read_signoffs(site.config, "de").approved


def test_a_correction_whose_line_cannot_be_appended_leaves_the_catalog_as_it_was(site, monkeypatch):
    signer = open_signer(site.config, "de", "dr-test", site.key)
    before = site.snapshot()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pipeline.signoff.review._record", full_disk)
    with pytest.raises(OSError):
        correct(site.config, "de", signer, target_of(site, "de", ITEM), ["Vergrößerte Poren"], NOW)
    assert site.snapshot() == before
