"""The ledger as a chain: statements count in their place, each names the line before it.

Every attack here got through when statements were ordered by the time they claim.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, UTC
from pathlib import Path

import pytest

from pipeline.errors import SignoffError
from pipeline.gate.verdict import DISPUTED, DISPUTED_APPROVAL, REJECTED, evaluate
from pipeline.signoff.keys import generate_key, key_id, load_private_key
from pipeline.signoff.ledger import append_statement, line_hash, read_ledger, sign, utc_now
from pipeline.signoff.review import (Signer, Target, approve, open_signer, reject, revoke,
                                     translated_entries)
from pipeline.signoff.verify import read_signoffs
from signing import add_doctor, ledger, translate, translated

TITLE = "Mikro İğneleme Nedir?"


@pytest.fixture
def site(project, tmp_path):
    return translated(project, tmp_path / "keys")


def signer(project, reviewer: str = "dr-test", key: Path | None = None) -> Signer:
    return open_signer(project.config, "en", reviewer, key or project.key)


def title(project) -> Target:
    return next(t for t in translated_entries(project.config, "en").values()
                if t.entry.msgid == TITLE)


def everything(project) -> list[Target]:
    return list(translated_entries(project.config, "en").values())


def last_hash(project) -> str:
    lines = read_ledger(ledger(project, "en"))
    return lines[-1].hash if lines else ""


def append_signed_by(project, key_file: Path, meaning: str, targets: list[Target],
                     time: datetime, reviewer: str = "dr-test", prev: str | None = None,
                     note: str = ""):
    """A statement made outside the review commands, e.g. with a doctor's stolen or old key."""
    private_key = load_private_key(key_file)
    statement = sign(private_key, key_id(private_key.public_key()), reviewer, "en", meaning,
                     {t.digest: t.entry_ids() for t in targets}, note, time,
                     last_hash(project) if prev is None else prev)
    append_statement(ledger(project, "en"), statement)
    return statement


def raw_lines(project) -> list[str]:
    return ledger(project, "en").read_text(encoding="utf-8").splitlines()


def failures(project) -> dict[int, str]:
    return {p.line: p.message for p in read_signoffs(project.config, "en").failures}


# ---------------------------------------------------------------- the line format


def test_each_statement_names_the_line_it_was_appended_after(site):
    approve(site.config, "en", signer(site), [title(site)])
    revoke(site.config, "en", signer(site), [title(site)])
    first, second = raw_lines(site)
    assert json.loads(first)["prev"] == ""
    assert json.loads(second)["prev"] == line_hash(first.encode("utf-8"))
    state = read_signoffs(site.config, "en")
    assert state.problems == ()
    assert [s.line for s in state.statements] == [1, 2]


def test_a_line_of_the_old_format_is_reported_to_be_signed_again(site):
    approve(site.config, "en", signer(site), everything(site))
    data = json.loads(raw_lines(site)[0])
    del data["prev"], data["texts"]  # as a v1 line was: neither field existed
    ledger(site, "en").write_text(json.dumps(data) + "\n", encoding="utf-8")
    state = read_signoffs(site.config, "en")
    assert state.approved == {}
    (problem,) = state.problems
    assert "old format (v1, without 'prev')" in problem.message and not problem.harmless
    approve(site.config, "en", signer(site), everything(site))  # signed again: chained to nothing
    assert json.loads(raw_lines(site)[1])["prev"] == ""
    assert evaluate(site.config, "en").publishable


def test_a_torn_last_line_is_reported_as_such_by_verify_status_and_build_and_never_counted(
        site, monkeypatch):
    approve(site.config, "en", signer(site), [title(site)])
    first = raw_lines(site)[0]
    with open(ledger(site, "en"), "a", encoding="utf-8") as handle:
        handle.write(first[:50])  # a crash in the middle of a write
    fix = f"truncate -s {len(first.encode('utf-8')) + 1} locale/en/signoffs.jsonl"
    assert list(failures(site)) == [2] and failures(site)[2].startswith("torn: a write cut short")
    assert failures(site)[2].endswith(fix)
    assert title(site).digest in read_signoffs(site.config, "en").approved  # line 1 still counts
    for command in (("review", "verify"), ("status", "--lang", "en"), ("build",)):
        result = site.run(*command)
        assert "locale/en/signoffs.jsonl:2: torn: a write cut short" in result.output, command
        assert fix in result.output, command
    monkeypatch.chdir(site.root)
    with pytest.raises(SignoffError, match=f"^locale/en/signoffs.jsonl:2: torn: .*{fix}$"):
        revoke(site.config, "en", signer(site), [title(site)])
    assert raw_lines(site)[1] == first[:50]  # not buried under a new line


def test_a_torn_line_in_the_middle_is_an_error_like_any_line_that_does_not_verify(site):
    approve(site.config, "en", signer(site), [title(site)])
    first = raw_lines(site)[0]
    ledger(site, "en").write_text(f"{first[:50]}\n{first}\n", encoding="utf-8")
    (problem,) = read_signoffs(site.config, "en").problems
    assert problem.line == 1 and "torn" not in problem.message
    assert "truncated or edited by hand" in problem.message


# ---------------------------------------------------------------- order by place, not by claimed time


def test_an_approval_dated_in_the_future_does_not_count(site):
    """It used to outlive every later revoke or reject."""
    approve(site.config, "en", signer(site), everything(site))
    append_signed_by(site, site.key, "approve", [title(site)], datetime(2099, 1, 1, tzinfo=UTC))
    assert "2099-01-01T00:00:00Z, in the future" in failures(site)[2]
    with pytest.raises(SignoffError, match="line 2 is dated 2099-01-01T00:00:00Z, in the future"):
        revoke(site.config, "en", signer(site), [title(site)])
    assert site.run("review", "verify").exit_code == 1


def test_a_later_revoke_wins_over_an_earlier_line_whatever_their_times(site):
    approve(site.config, "en", signer(site), [title(site)], now=utc_now())
    revoke(site.config, "en", signer(site), [title(site)], now=utc_now() - timedelta(days=1))
    first, second = (json.loads(line)["time"] for line in raw_lines(site))
    assert second == first  # the revoke takes the time of the line it follows, never earlier
    state = read_signoffs(site.config, "en")
    assert title(site).digest not in state.approved and state.problems == ()


def test_a_statement_dated_before_the_one_it_follows_is_refused(site):
    now = utc_now()
    approve(site.config, "en", signer(site), everything(site), now=now)
    append_signed_by(site, site.key, "approve", [title(site)], now - timedelta(minutes=1))
    assert "before the statement it was appended after" in failures(site)[2]


def test_a_statement_follows_a_colleague_whose_clock_is_a_little_ahead(site, tmp_path):
    colleague = add_doctor(site, tmp_path / "keys", "dr-ahead", languages=("en",), name="Dr. Ahead")
    ahead = utc_now() + timedelta(minutes=3)
    approve(site.config, "en", signer(site, "dr-ahead", colleague), [title(site)], now=ahead)
    revoke(site.config, "en", signer(site), [title(site)])
    assert json.loads(raw_lines(site)[1])["time"] == ahead.strftime("%Y-%m-%dT%H:%M:%SZ")
    state = read_signoffs(site.config, "en")
    assert state.problems == () and title(site).digest not in state.approved


def test_deleting_a_revoke_line_breaks_the_chain_after_it(site):
    config = site.config
    approve(config, "en", signer(site), everything(site))
    revoke(config, "en", signer(site), [title(site)])
    reject(config, "en", signer(site), next(t for t in everything(site) if t != title(site)), "no")
    lines = raw_lines(site)
    ledger(site, "en").write_text(lines[0] + "\n" + lines[2] + "\n", encoding="utf-8")
    problems = failures(site)
    assert list(problems) == [2] and "a line before it was removed or edited" in problems[2]
    result = site.run("review", "verify")
    assert result.exit_code == 1 and "locale/en/signoffs.jsonl:2: the line it was appended after" \
        in result.output


def test_swapping_a_same_second_approve_and_revoke_is_reported(site):
    now = utc_now()
    approve(site.config, "en", signer(site), [title(site)], now=now)
    revoke(site.config, "en", signer(site), [title(site)], now=now)
    approved_line, revoke_line = raw_lines(site)
    ledger(site, "en").write_text(revoke_line + "\n" + approved_line + "\n", encoding="utf-8")
    problems = failures(site)
    assert list(problems) == [1] and "lines were moved" in problems[1]
    assert site.run("review", "verify").exit_code == 1


def test_a_retired_key_cannot_backdate_a_statement_after_a_later_one(project, tmp_path):
    project.run("pull")
    translate(project, "en")
    old = generate_key("old", tmp_path / "old.key")
    retired = utc_now() - timedelta(days=30)
    project.key = add_doctor(project, tmp_path / "keys", "dr-test",
                             retired=[(old.public_key, retired.strftime("%Y-%m-%dT%H:%M:%SZ"))])
    approve(project.config, "en", signer(project), everything(project))
    revoke(project.config, "en", signer(project), [title(project)])
    append_signed_by(project, old.path, "approve", [title(project)], retired - timedelta(days=1))
    assert "backdated" in failures(project)[3]
    assert title(project).digest not in read_signoffs(project.config, "en").approved


# ---------------------------------------------------------------- compromised keys


def test_every_statement_of_a_compromised_key_is_void(site):
    approve(site.config, "en", signer(site), everything(site))
    assert evaluate(site.config, "en").publishable
    roster = site.root / "reviewers.toml"
    roster.write_text(roster.read_text(encoding="utf-8").replace(
        'name = "Dr. Test Hekim"', 'name = "Dr. Test Hekim"\ncompromised = true'), encoding="utf-8")
    state = read_signoffs(site.config, "en")
    assert state.approved == {}
    (problem,) = state.problems
    assert "marked compromised in the roster: every statement it signed is void" in problem.message
    assert not evaluate(site.config, "en").publishable
    with pytest.raises(SignoffError, match="marked compromised"):
        signer(site)


def test_a_compromised_retired_key_voids_even_statements_dated_before_its_retirement(
        project, tmp_path):
    project.run("pull")
    translate(project, "en")
    old = generate_key("old", tmp_path / "old.key")
    project.key = add_doctor(project, tmp_path / "keys", retired=[(old.public_key, "2099-01-01T00:00:00Z")])
    append_signed_by(project, old.path, "approve", everything(project), utc_now() - timedelta(days=1))
    assert evaluate(project.config, "en").publishable
    roster = project.root / "reviewers.toml"
    roster.write_text(roster.read_text(encoding="utf-8").replace(
        "retired = 2099-01-01T00:00:00Z", "compromised = true"), encoding="utf-8")
    assert "compromised" in failures(project)[1]
    assert not evaluate(project.config, "en").publishable


# ---------------------------------------------------------------- rejections stand


@pytest.fixture
def colleagues(site, tmp_path):
    """dr-test rejects the title; a colleague, dr-two, then approves every string."""
    site.two = add_doctor(site, tmp_path / "keys", "dr-two", languages=("en",), name="Dr. Two")
    reject(site.config, "en", signer(site), title(site), "too literal")
    translate(site, "en")  # the rejection marked it fuzzy; the translator kept the text
    approve(site.config, "en", signer(site, "dr-two", site.two), everything(site))
    return site


def test_a_colleagues_approval_does_not_override_a_standing_rejection(colleagues):
    config, digest = colleagues.config, title(colleagues).digest
    state = read_signoffs(config, "en")
    assert digest not in state.approved and state.rejected[digest].reviewer == "dr-test"
    assert "must withdraw the rejection" in str(state.disputed[digest])
    (note,) = state.problems
    assert note.harmless and note.line == 2 and "Dr. Test Hekim rejected it" in note.message
    verdict = evaluate(config, "en")
    assert not verdict.publishable and verdict.review_counts()[DISPUTED] == 1
    (blocker,) = verdict.blockers
    assert blocker.reason == DISPUTED_APPROVAL and blocker.msgid == TITLE
    assert blocker.detail.startswith("approved by Dr. Two on ") and \
        "but Dr. Test Hekim rejected it on " in blocker.detail
    status = json.loads(colleagues.run("status", "--json", "--lang", "en").output)
    assert status[0]["disputed"] == 1 and status[0]["verdict"] == "stopped"


def test_a_rejection_stands_until_its_doctor_withdraws_it(colleagues):
    config = colleagues.config
    revoke(config, "en", signer(colleagues), [title(colleagues)])
    state = read_signoffs(config, "en")
    assert title(colleagues).digest not in state.approved | state.rejected | state.disputed
    approve(config, "en", signer(colleagues, "dr-two", colleagues.two), [title(colleagues)])
    assert evaluate(config, "en").publishable


def test_the_rejecting_doctor_may_approve_the_text_themself(colleagues):
    approve(colleagues.config, "en", signer(colleagues), [title(colleagues)])
    verdict = evaluate(colleagues.config, "en")
    assert verdict.publishable and verdict.signoffs.disputed == {}


def test_a_new_text_is_free_of_the_old_rejection(colleagues):
    colleagues.set_translation("en", TITLE, "What is microneedling?")
    approve(colleagues.config, "en", signer(colleagues, "dr-two", colleagues.two), [title(colleagues)])
    assert evaluate(colleagues.config, "en").publishable


def test_a_rejection_after_an_approval_takes_it_back(site, tmp_path):
    two = add_doctor(site, tmp_path / "keys", "dr-two", languages=("en",), name="Dr. Two")
    approve(site.config, "en", signer(site, "dr-two", two), everything(site))
    reject(site.config, "en", signer(site), title(site), "wrong dose")
    verdict = evaluate(site.config, "en")
    assert verdict.domains[0].states[(None, TITLE)] == REJECTED and not verdict.publishable


# ---------------------------------------------------------------- publication


def test_build_strict_stops_on_a_ledger_line_that_does_not_verify(make_project, tmp_path):
    project = translated(make_project(targets=("en",)), tmp_path / "keys")
    approve(project.config, "en", signer(project), everything(project))
    assert project.run("build", "--strict").exit_code == 0
    line = raw_lines(project)[0]
    with open(ledger(project, "en"), "a", encoding="utf-8") as handle:
        handle.write(line.replace('"note":""', '"note":"edited"') + "\n")

    plain = project.run("build")
    assert plain.exit_code == 0 and "en: published" in plain.output
    assert "warning: locale/en/signoffs.jsonl:2: signature does not verify" in plain.output
    strict = project.run("build", "--strict")
    assert strict.exit_code == 3
    assert "ledger line(s) that do not verify: locale/en/signoffs.jsonl:2" in strict.output
