"""Which statements count: every attack on the ledger is reported and never counted as an approval."""

from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pipeline.gate.verdict import CHANGED, STALE, evaluate
from pipeline.signoff.keys import generate_key, key_id, load_private_key
from pipeline.signoff.ledger import append_statement, sign
from pipeline.catalogs.pofile import read_po
from pipeline.signoff.review import approve, open_signer, reject, revoke, translated_entries
from pipeline.signoff.verify import approvals, read_signoffs
from signing import add_doctor, edit_translation, entry, ledger, translate

TITLE = "Mikro İğneleme Nedir?"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def site(project, tmp_path):
    project.run("pull")
    translate(project, "en")
    translate(project, "de")
    project.key = add_doctor(project, tmp_path / "keys")
    return project


def approve_all(project, language, key_file=None, reviewer="dr-test", now=None):
    config = project.config
    signer = open_signer(config, language, reviewer, key_file or project.key)
    return approve(config, language, signer, translated_entries(config, language).values(), now)


def digests(project, language):
    return {digest: target.entry_ids()
            for digest, target in translated_entries(project.config, language).items()}


def append_forged(project, language, private_key, reviewer="dr-test", claimed_key=None, time=T0):
    statement = sign(private_key, claimed_key or key_id(private_key.public_key()), reviewer,
                     language, "approve", digests(project, language), time=time)
    append_statement(ledger(project, language), statement)
    return statement


def only_problem(project, language):
    state = read_signoffs(project.config, language)
    assert state.approved == {} and state.statements == ()
    (problem,) = state.problems
    assert not problem.harmless
    return problem


def test_an_approval_signed_by_a_rostered_doctor_counts(site):
    approve_all(site, "en")
    config = site.config
    approved = approvals(config, "en")
    assert set(approved) == set(translated_entries(config, "en"))
    assert {a.name for a in approved.values()} == {"Dr. Test Hekim"}
    assert evaluate(config, "en").publishable
    assert not evaluate(config, "de").publishable


def test_a_forged_signature_is_reported_and_not_counted(site):
    real = load_private_key(site.key)
    append_forged(site, "en", Ed25519PrivateKey.generate(), claimed_key=key_id(real.public_key()))
    problem = only_problem(site, "en")
    assert "signature does not verify" in problem.message and problem.line == 1
    assert not evaluate(site.config, "en").publishable


def test_a_doctor_not_allowed_for_the_language_does_not_count(site, tmp_path):
    en_only = add_doctor(site, tmp_path / "keys", "dr-en", languages=("en",), name="Dr. En")
    append_forged(site, "de", load_private_key(en_only), reviewer="dr-en")
    assert "may not sign off 'de'" in only_problem(site, "de").message
    with pytest.raises(Exception, match="may not sign off 'de'"):
        open_signer(site.config, "de", "dr-en", en_only)


def test_an_unknown_reviewer_does_not_count(site):
    append_forged(site, "en", Ed25519PrivateKey.generate(), reviewer="dr-ghost")
    assert "unknown reviewer 'dr-ghost'" in only_problem(site, "en").message


def test_a_key_of_another_reviewer_does_not_count(site, tmp_path):
    other = add_doctor(site, tmp_path / "keys", "dr-other", name="Dr. Other")
    append_forged(site, "en", load_private_key(other), reviewer="dr-test")
    assert "is not a key of 'dr-test'" in only_problem(site, "en").message


def test_a_retired_key_counts_only_before_its_retirement(project, tmp_path):
    project.run("pull")
    translate(project, "en")
    old = generate_key("old", tmp_path / "old.key")
    retired_at = "2026-11-01T12:00:00Z"
    add_doctor(project, tmp_path / "keys", "dr-rot", retired=[(old.public_key, retired_at)])
    old_key = load_private_key(old.path)

    append_forged(project, "en", old_key, reviewer="dr-rot", time=T0 + timedelta(seconds=1))
    problem = only_problem(project, "en")
    assert "retired 2026-11-01T12:00:00Z" in problem.message

    append_forged(project, "en", old_key, reviewer="dr-rot", time=T0 - timedelta(hours=1))
    state = read_signoffs(project.config, "en")
    assert len(state.statements) == 1 and state.statements[0].line == 2
    assert evaluate(project.config, "en").publishable


def test_a_translation_edited_after_approval_is_stale(site):
    approve_all(site, "en")
    edit_translation(site, "en", TITLE, "What is microneedling?")
    verdict = evaluate(site.config, "en")
    assert not verdict.publishable
    (blocker,) = verdict.blockers
    assert blocker.reason == CHANGED and blocker.msgid == TITLE
    assert "Dr. Test Hekim approved an earlier text" in blocker.detail
    entries = sum(len(domain.catalog.messages) for domain in verdict.domains)
    assert verdict.review_counts() == {"approved": entries - 1, "stale": 1, "waiting": 0,
                                       "rejected": 0, "disputed": 0}
    assert (None, TITLE) not in verdict.domains[0].approvals


def test_a_source_changed_after_approval_is_stale_through_the_previous_msgid(site):
    approve_all(site, "en")
    article = site.read("source/mikro.md")
    site.write("source/mikro.md", article.replace("Genişletilmiş gözenekler",
                                                  "Genişlemiş gözenekler"))
    assert site.run("pull").exit_code == 0
    changed = entry(site, "en", "Genişlemiş gözenekler")
    assert changed.fuzzy and changed.previous_msgid == "Genişletilmiş gözenekler"
    verdict = evaluate(site.config, "en")
    assert verdict.review_counts()["stale"] == 1
    assert verdict.domains[0].states[(None, "Genişlemiş gözenekler")] == STALE
    assert not verdict.publishable


def test_a_statement_copied_from_the_en_ledger_into_de_does_not_count(site):
    approve_all(site, "en")
    line = ledger(site, "en").read_text(encoding="utf-8")
    ledger(site, "de").write_text(line, encoding="utf-8")
    problem = only_problem(site, "de")
    assert "statement for 'en' in the 'de' ledger" in problem.message
    assert not evaluate(site.config, "de").publishable


@pytest.mark.parametrize("tamper, message", [
    (lambda line: line[:-30], "torn: a write cut short"),  # the last line: a crash, not an edit
    (lambda line: line.replace('"note":""', '"note":"ok"'), "signature does not verify"),
    (lambda line: line.replace('"approve"', '"revoke"'), "signature does not verify"),
])
def test_a_truncated_or_hand_edited_line_does_not_count(site, tamper, message):
    approve_all(site, "en")
    path = ledger(site, "en")
    path.write_text(tamper(path.read_text(encoding="utf-8").rstrip("\n")) + "\n", encoding="utf-8")
    assert message in only_problem(site, "en").message
    result = site.run("review", "verify")
    assert result.exit_code == 1
    (report,) = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert report.startswith("error: locale/en/signoffs.jsonl:1: ") and message in report


def test_a_duplicated_line_counts_once_and_is_harmless(site):
    approve_all(site, "en")
    path = ledger(site, "en")
    path.write_text(path.read_text(encoding="utf-8") * 2, encoding="utf-8")
    state = read_signoffs(site.config, "en")
    assert len(state.statements) == 1
    (problem,) = state.problems
    assert problem.harmless and problem.line == 2 and "duplicate of line 1" in problem.message
    assert evaluate(site.config, "en").publishable
    result = site.run("review", "verify")
    assert result.exit_code == 0
    assert "counted once" in result.output and "1 statement(s) verified" in result.output


def test_the_latest_word_on_a_digest_stands(site):
    config = site.config
    signer = open_signer(config, "en", "dr-test", site.key)
    title = next(t for t in translated_entries(config, "en").values() if t.entry.msgid == TITLE)
    approve(config, "en", signer, [title], now=T0)
    reject(config, "en", signer, title, "too literal", now=T0 + timedelta(minutes=1))
    state = read_signoffs(config, "en")
    assert title.digest not in state.approved
    assert state.rejected[title.digest].note == "too literal"

    approve(config, "en", signer, [title], now=T0 + timedelta(minutes=2))
    assert title.digest in read_signoffs(config, "en").approved
    revoke(config, "en", signer, [title], now=T0 + timedelta(minutes=3))
    state = read_signoffs(config, "en")
    assert title.digest not in state.approved and title.digest not in state.rejected


def test_identical_text_pairs_in_other_articles_are_approved_once_for_all(make_project, tmp_path):
    from conftest import ARTICLE
    project = make_project({"mikro": ARTICLE, "ikinci": ARTICLE.replace("kılavuza", "rehbere")})
    project.run("pull")
    translate(project, "en")
    project.key = add_doctor(project, tmp_path / "keys")
    approve_all(project, "en")
    statement = read_signoffs(project.config, "en").statements[0].statement
    site_chrome = len(read_po(project.po("en", "site")).messages)
    assert len(statement.digests) == 7 + site_chrome  # 6 entries per article, 5 of them shared
    assert evaluate(project.config, "en").publishable
