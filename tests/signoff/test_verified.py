"""The ledger's verification kept in the store: only ever the outcome of these exact bytes.

Each attack is made by someone who can write the cache folder, the ledger or the
roster, after a run that kept the outcome of verifying the ledger as it was.
"""

from __future__ import annotations

import base64
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from pipeline.cache import Store, shared_store
from pipeline.gate.verdict import evaluate
from pipeline.signoff import verified
from pipeline.signoff.keys import generate_key, key_id, load_private_key
from pipeline.signoff.ledger import append_statement, read_ledger, sign, utc_now
from pipeline.signoff.review import approve, open_signer, revoke, translated_entries
from pipeline.signoff.roster import load_roster
from pipeline.signoff.verified import SIGNOFFS, verified_signoffs
from pipeline.signoff.verify import Signed, read_signoffs
from signing import ledger, translated

TITLE = "Mikro İğneleme Nedir?"


@pytest.fixture
def site(project, tmp_path):
    return translated(project, tmp_path / "keys")


@pytest.fixture
def approved(site):
    """Everything approved by dr-test, and a run that kept the outcome of verifying it."""
    config = site.config
    approve(config, "en", open_signer(config, "en", "dr-test", site.key),
            translated_entries(config, "en").values())
    assert len(verified_signoffs(config, "en").approved) == len(everything(site))
    return site


@pytest.fixture
def indexed(monkeypatch):
    """Files count as settled as soon as they are written, so the file index vouches for them."""
    monkeypatch.setattr("pipeline.cache.index.RACY_SECONDS", -1.0)


def everything(project):
    return translated_entries(project.config, "en")


def title_digest(project) -> str:
    return next(d for d, t in everything(project).items() if t.entry.msgid == TITLE)


def same_as_verifying_afresh(project, now=None) -> None:
    fresh = read_signoffs(project.config, "en", now=now, texts=False)
    kept = verified_signoffs(project.config, "en", now=now)
    assert (kept.statements, kept.problems, kept.approved, kept.rejected, kept.disputed) == \
        (fresh.statements, fresh.problems, fresh.approved, fresh.rejected, fresh.disputed)


def not_verified_again(monkeypatch) -> None:
    def verify_lines(*args, **kwargs):
        raise AssertionError("the ledger was verified again")
    monkeypatch.setattr(verified, "verify_lines", verify_lines)


def kept_value(project) -> Path:
    """The one kept outcome of the English ledger."""
    (path,) = (project.root / ".pipeline-cache" / "objects" / SIGNOFFS).glob("*/*")
    return path


def test_an_unchanged_ledger_is_not_verified_again(approved, monkeypatch):
    not_verified_again(monkeypatch)
    state = verified_signoffs(approved.config, "en")
    assert len(state.approved) == len(everything(approved)) and state.problems == ()
    assert evaluate(approved.config, "en").publishable


def test_the_kept_outcome_is_the_verification_of_the_ledger(approved):
    config = approved.config
    revoke(config, "en", open_signer(config, "en", "dr-test", approved.key),
           [everything(approved)[title_digest(approved)]])
    (ledger(approved, "en")).open("a", encoding="utf-8").write("not a statement\n")
    verified_signoffs(config, "en")
    same_as_verifying_afresh(approved)
    assert title_digest(approved) not in verified_signoffs(config, "en").approved


# ---------------------------------------------------------------- the ledger changed


def test_a_line_edited_after_a_kept_run_is_refused(approved):
    path = ledger(approved, "en")
    path.write_text(path.read_text(encoding="utf-8").replace('"note":""', '"note":"ok"'),
                    encoding="utf-8")
    state = verified_signoffs(approved.config, "en")
    assert state.approved == {}
    assert "signature does not verify" in state.problems[0].message
    assert not evaluate(approved.config, "en").publishable
    assert "not counted" in approved.run("status").output


def test_a_line_edited_in_place_with_its_old_modification_time_is_refused(site, indexed):
    config = site.config
    approve(config, "en", open_signer(config, "en", "dr-test", site.key), everything(site).values())
    path = ledger(site, "en")
    assert verified_signoffs(config, "en").approved
    assert shared_store(config.cache_dir).index.known(path) is not None  # the index vouches for it
    before = os.stat(path)
    data = path.read_bytes()
    at = data.index(b'"signature":"') + len(b'"signature":"') + 10
    with open(path, "r+b") as handle:  # one letter of the signature: same size, same inode
        handle.seek(at)
        handle.write(b"A" if data[at:at + 1] != b"A" else b"B")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    state = verified_signoffs(config, "en")
    assert state.approved == {}
    assert "signature does not verify" in state.problems[0].message


def test_a_forged_line_appended_after_a_kept_run_is_refused(approved, tmp_path):
    mallory = generate_key("mallory", tmp_path / "mallory.key")
    private_key = load_private_key(mallory.path)
    lines = read_ledger(ledger(approved, "en"))
    digest = title_digest(approved)
    append_statement(ledger(approved, "en"), sign(
        private_key, key_id(private_key.public_key()), "dr-test", "en", "revoke",
        {digest: everything(approved)[digest].entry_ids()}, prev=lines[-1].hash))
    state = verified_signoffs(approved.config, "en")
    assert digest in state.approved  # the forged revoke does not count either
    assert "not a key of 'dr-test'" in state.problems[-1].message


# ---------------------------------------------------------------- the cache folder changed


def test_a_kept_value_altered_is_not_used(approved):
    path = kept_value(approved)
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    same_as_verifying_afresh(approved)


def test_a_value_planted_without_the_secret_is_not_used(site, tmp_path):
    """Mallory signs an approval with a key of their own as dr-test, and plants in the cache
    folder the outcome that would count it, authenticated with a secret of their own."""
    config = site.config
    mallory = generate_key("mallory", tmp_path / "mallory.key")
    private_key = load_private_key(mallory.path)
    digests = {digest: target.entry_ids() for digest, target in everything(site).items()}
    forged = sign(private_key, key_id(private_key.public_key()), "dr-test", "en", "approve",
                  digests)
    append_statement(ledger(site, "en"), forged)
    roster = load_roster(config)
    counted = [Signed(1, forged, roster.get("dr-test"))]
    sha = shared_store(config.cache_dir).index.digest(ledger(site, "en"))
    key = verified._key("en", "locale/en/signoffs.jsonl", sha, roster)
    Store(config.cache_dir, secret=os.urandom(32)).put_marshal(
        SIGNOFFS, key, verified._value(counted, [], None))
    assert verified_signoffs(config, "en").approved == {}
    assert not evaluate(config, "en").publishable


def test_a_genuine_value_moved_to_another_ledger_state_is_not_used(approved):
    """The value kept while everything was approved, copied to where the outcome of the ledger
    with a revoke is looked up: its authentication names the place it was made for."""
    config = approved.config
    everything_approved = kept_value(approved).read_bytes()
    revoke(config, "en", open_signer(config, "en", "dr-test", approved.key),
           [everything(approved)[title_digest(approved)]])
    store = shared_store(config.cache_dir)
    sha = store.index.digest(ledger(approved, "en"))
    key = verified._key("en", "locale/en/signoffs.jsonl", sha, load_roster(config))
    place = store._path(SIGNOFFS, store._address(SIGNOFFS, key))
    place.parent.mkdir(parents=True, exist_ok=True)
    place.write_bytes(everything_approved)
    assert title_digest(approved) not in verified_signoffs(config, "en").approved


def test_a_cache_folder_removed_only_costs_time(approved):
    shutil.rmtree(approved.root / ".pipeline-cache")
    same_as_verifying_afresh(approved)


# ---------------------------------------------------------------- the roster changed


def test_a_doctor_removed_from_the_roster_counts_no_more(approved):
    approved.write("reviewers.toml", "")
    state = verified_signoffs(approved.config, "en")
    assert state.approved == {} and "unknown reviewer 'dr-test'" in state.problems[0].message


def test_a_key_marked_compromised_voids_what_it_signed(approved):
    roster = approved.read("reviewers.toml")
    approved.write("reviewers.toml", roster.replace("key = ", "compromised = true\nkey = ", 1))
    state = verified_signoffs(approved.config, "en")
    assert state.approved == {} and "marked compromised" in state.problems[0].message


def test_a_doctor_no_longer_allowed_a_language_counts_no_more_in_it(approved):
    approved.write("reviewers.toml", approved.read("reviewers.toml").replace(
        'languages = ["en", "de"]', 'languages = ["de"]'))
    state = verified_signoffs(approved.config, "en")
    assert state.approved == {} and "may not sign off 'en'" in state.problems[0].message


def test_a_doctor_renamed_in_the_roster_is_named_so(approved):
    approved.write("reviewers.toml", approved.read("reviewers.toml").replace(
        'name = "Dr. Test Hekim"', 'name = "Dr. Another"'))
    approval = next(iter(verified_signoffs(approved.config, "en").approved.values()))
    assert approval.name == "Dr. Another"


def test_a_roster_the_trust_root_did_not_sign_counts_no_doctor(approved, monkeypatch, tmp_path):
    from pipeline.signoff.trust import TRUST_ROOT_VARIABLE

    clinic = generate_key("clinic-root", tmp_path / "clinic-root.key")
    monkeypatch.setenv(TRUST_ROOT_VARIABLE, clinic.public_key)
    state = verified_signoffs(approved.config, "en")
    assert state.approved == {} and state.refused


# ---------------------------------------------------------------- the clock


def test_a_line_dated_in_the_future_counts_once_its_time_has_come(site):
    config = site.config
    ahead = utc_now() + timedelta(hours=1)
    approve(config, "en", open_signer(config, "en", "dr-test", site.key),
            everything(site).values(), now=ahead)
    state = verified_signoffs(config, "en")
    assert state.approved == {} and "in the future" in state.problems[0].message
    assert not (site.root / ".pipeline-cache" / "objects" / SIGNOFFS).exists()  # not kept
    later = verified_signoffs(config, "en", now=ahead + timedelta(minutes=1))
    assert len(later.approved) == len(everything(site)) and later.problems == ()
    same_as_verifying_afresh(site, now=ahead + timedelta(minutes=1))


def test_a_kept_outcome_is_not_used_by_a_clock_set_back(site):
    config = site.config
    ahead = utc_now() + timedelta(hours=1)
    approve(config, "en", open_signer(config, "en", "dr-test", site.key),
            everything(site).values(), now=ahead)
    assert verified_signoffs(config, "en", now=ahead).approved  # kept
    assert verified_signoffs(config, "en").approved == {}


def test_the_signature_of_a_kept_statement_is_kept_as_signed(approved, monkeypatch):
    """What the gate gets from the store is each counted statement as its doctor signed it."""
    fresh = read_signoffs(approved.config, "en", texts=False).statements
    not_verified_again(monkeypatch)
    kept = verified_signoffs(approved.config, "en").statements
    assert [s.statement.signature for s in kept] == [s.statement.signature for s in fresh]
    assert base64.b64decode(kept[0].statement.signature)


def test_texts_of_a_statement_kept_without_them_come_from_its_ledger_line(approved):
    state = verified_signoffs(approved.config, "en")
    (signed, *_) = state.statements
    assert not signed.statement.texts  # kept without them
    from_line = verified.SignedTexts(ledger(approved, "en")).of(signed)
    assert from_line and set(from_line) <= set(signed.statement.digests)
    assert from_line == read_ledger(ledger(approved, "en"))[signed.line - 1].statement.texts


@pytest.mark.parametrize("where", ["missing", "a folder"])
def test_an_unreadable_ledger_gives_no_texts_and_no_error(approved, tmp_path, where):
    signed = verified_signoffs(approved.config, "en").statements[0]
    path = tmp_path / "ledger.jsonl"
    if where == "a folder":
        path.mkdir()
    assert verified.SignedTexts(path).of(signed) == {}
