"""The ledger format: canonical signed encoding, strict parsing, appends that survive a torn line."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from datetime import datetime, UTC

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hypothesis import given
from hypothesis import strategies as st

from pipeline.catalogs.model import Entry
from pipeline.errors import SignoffError
from pipeline.signoff.keys import key_id, verify_signature
from pipeline.signoff.ledger import (SIGNING_CONTEXT, MalformedLine, append_statement, parse_line,
                             read_ledger, sign)
from pipeline.signoff.verify import entry_digest, entry_id

DIGEST = "a" * 64
WHEN = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@pytest.fixture
def private_key():
    return Ed25519PrivateKey.generate()


def statement(private_key, **changes):
    fields = {"reviewer": "dr-test", "language": "de", "meaning": "approve",
              "digests": {DIGEST: ("0123456789abcdef",)}, "note": "Doz 5 mg doğru.",
              "time": WHEN}
    fields.update(changes)
    return sign(private_key, key_id(private_key.public_key()), **fields)


def test_a_statement_survives_a_round_trip_and_verifies(private_key):
    signed = statement(private_key)
    line = signed.to_line()
    assert list(json.loads(line)) == ["reviewer", "language", "time", "meaning", "digests",
                                      "note", "prev", "key", "signature"]
    assert '"time":"2026-11-26T09:30:00Z"' in line and "doğru" in line
    parsed = parse_line(line.encode())
    assert parsed == signed
    assert verify_signature(private_key.public_key(), parsed.signature_bytes, parsed.signed_bytes())


def test_the_signature_covers_every_field_but_not_the_layout(private_key):
    signed = statement(private_key)
    data = json.loads(signed.to_line())
    relaid = json.dumps(dict(reversed(list(data.items()))), indent=1, ensure_ascii=True)
    assert parse_line(relaid.replace("\n", " ").encode()).signed_bytes() == signed.signed_bytes()
    assert signed.signed_bytes().startswith(SIGNING_CONTEXT)
    for field, value in [("note", "Doz 50 mg doğru."), ("meaning", "reject"),
                         ("time", "2026-11-26T09:30:01Z"), ("language", "en"),
                         ("digests", {"b" * 64: []}), ("prev", "c" * 64)]:
        edited = parse_line(json.dumps({**data, field: value}).encode())
        assert not verify_signature(private_key.public_key(), edited.signature_bytes,
                                    edited.signed_bytes()), field


@pytest.mark.parametrize("mangle, message", [
    (lambda line: line[: len(line) // 2], "truncated or edited by hand"),
    (lambda line: line.replace('"note"', '"notes"'), "missing field"),
    (lambda line: line[:-1] + ',"extra":1}', "unexpected field"),
    (lambda line: line.replace("2026-11-26T09:30:00Z", "2026-11-26 09:30"), "time must be UTC"),
    (lambda line: line.replace("2026-11-26T09:30:00Z", "2026-02-30T09:30:00Z"), "not a real date"),
    (lambda line: line.replace('"approve"', '"approved"'), "meaning must be one of"),
    (lambda line: line.replace("a" * 64, "a" * 63), "not a SHA-256 entry digest"),
    (lambda line: line.replace("0123456789abcdef", "xyz"), "entry ids"),
    (lambda line: "[1, 2]", "not a JSON object"),
    (lambda line: line.replace('"prev":""', '"prev":"abc"'), "prev must be the SHA-256"),
    (lambda line: line.replace('"prev":""', '"prev":"' + "a" * 64 + '\\n"'), "prev must be the SHA-256"),
    (lambda line: line.replace(',"prev":""', ''), "old format"),
])
def test_malformed_lines_say_what_is_wrong(private_key, mangle, message):
    with pytest.raises(MalformedLine, match=message):
        parse_line(mangle(statement(private_key).to_line()).encode())


@pytest.mark.parametrize("ids, message", [
    (["0123456789abcdef,fedcba9876543210"], "entry ids"),  # two ids in one string
    (["0123456789ABCDEF"], "entry ids"),
    ([123], "entry ids"),
    (["0123456789abcdef", "0123456789abcde"], "entry ids"),
    ("0123456789abcdef", "entry ids"),
])
def test_entry_ids_are_checked_one_by_one(private_key, ids, message):
    data = json.loads(statement(private_key).to_line())
    with pytest.raises(MalformedLine, match=message):
        parse_line(json.dumps({**data, "digests": {DIGEST: ids}}).encode())


@pytest.mark.parametrize("digest", ["A" * 64, "a" * 65, "a" * 32 + "," + "a" * 31])
def test_digests_are_checked_one_by_one(private_key, digest):
    data = json.loads(statement(private_key).to_line())
    with pytest.raises(MalformedLine, match="not a SHA-256 entry digest"):
        parse_line(json.dumps({**data, "digests": {DIGEST: [], digest: []}}).encode())


def test_a_broken_signature_field_is_malformed(private_key):
    data = json.loads(statement(private_key).to_line())
    with pytest.raises(MalformedLine, match="not base64"):
        parse_line(json.dumps({**data, "signature": "***"}).encode())
    with pytest.raises(MalformedLine, match="3 bytes instead of 64"):
        parse_line(json.dumps({**data, "signature": "AAAA"}).encode())


def test_a_torn_last_line_is_never_buried_by_an_append_and_the_fix_given_works(tmp_path, private_key,
                                                                              monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "signoffs.jsonl"
    first = statement(private_key).to_line()
    path.write_text(first + "\n" + first[:40], encoding="utf-8")  # a crash in the middle of a write
    before = path.read_bytes()
    offset = len(first.encode("utf-8")) + 1
    (_, torn_line) = read_ledger(path)
    assert torn_line.statement is None and torn_line.torn_at == offset
    assert torn_line.problem("signoffs.jsonl").endswith(
        f"does not count; remove it before anything is added: truncate -s {offset} signoffs.jsonl")
    second = statement(private_key, note="")
    with pytest.raises(SignoffError) as refused:
        append_statement(path, second)
    assert str(refused.value) == "signoffs.jsonl:2: " + torn_line.problem("signoffs.jsonl")
    assert path.read_bytes() == before
    os.truncate(path, torn_line.torn_at)  # the fix, as the message gives it
    append_statement(path, second)
    assert [line.statement for line in read_ledger(path)] == [parse_line(first.encode()), second]


def test_a_failed_append_cuts_the_file_back_to_what_it_was(tmp_path, private_key, monkeypatch):
    path = tmp_path / "signoffs.jsonl"
    append_statement(path, statement(private_key))
    before = path.read_bytes()
    real = os.write

    def disk_fills_midway(fd: int, data: bytes) -> int:
        real(fd, data[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", disk_fills_midway)
    with pytest.raises(OSError) as full:
        append_statement(path, statement(private_key, note=""))
    assert full.value.filename == str(path) and path.read_bytes() == before
    with pytest.raises(OSError):
        append_statement(tmp_path / "new" / "signoffs.jsonl", statement(private_key))
    assert not (tmp_path / "new" / "signoffs.jsonl").exists()  # a new ledger is not left empty


def test_blank_lines_are_skipped_and_numbers_kept(tmp_path, private_key):
    path = tmp_path / "signoffs.jsonl"
    path.write_bytes(b"\n" + statement(private_key).to_line().encode() + b"\n\n\xff\xfe\n")
    lines = read_ledger(path)
    assert [(line.number, line.error) for line in lines] == [(2, ""), (4, "not valid UTF-8")]
    assert read_ledger(tmp_path / "missing.jsonl") == []


def test_the_entry_digest_encoding_is_fixed():
    entry = Entry(msgid="Doz", msgstrs=("Dosis",), msgctxt=None, flags=("fuzzy",),
                  comments=("a note",))
    payload = b'["de",null,"Doz",null,["Dosis"]]'
    assert entry_digest("de", entry) == hashlib.sha256(payload).hexdigest()
    assert entry_digest("de", entry) == entry_digest("de", entry.replace(flags=(), comments=()))
    assert entry_digest("de", entry) != entry_digest("en", entry)
    assert entry_digest("de", entry) != entry_digest("de", entry.replace(msgctxt=""))
    assert len(entry_id("mikro", None, "Doz")) == 16


@given(language=st.sampled_from(["de", "pt_BR"]), msgctxt=st.none() | st.text(),
       msgid=st.text(), msgid_plural=st.none() | st.text(),
       msgstrs=st.lists(st.text(), min_size=1, max_size=6))
def test_the_digest_is_exactly_sha256_of_the_compact_json(language, msgctxt, msgid, msgid_plural,
                                                          msgstrs):
    entry = Entry(msgid=msgid, msgstrs=tuple(msgstrs), msgctxt=msgctxt, msgid_plural=msgid_plural)
    rule = "nplurals=2; plural=(n != 1);"
    items = [language, msgctxt, msgid, msgid_plural, msgstrs]
    if msgid_plural is not None:
        items.append("nplurals=2;plural=(n!=1);")
    payload = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    assert entry_digest(language, entry, rule) == hashlib.sha256(payload.encode("utf-8")).hexdigest()


def test_the_digest_of_a_plural_entry_covers_the_plural_rule():
    """The rule picks the form a reader sees: "3 tablets" must not become "one tablet" unseen."""
    entry = Entry(msgid="%(n)s tablet", msgid_plural="%(n)s tablets",
                  msgstrs=("%(n)s Tablette", "%(n)s Tabletten"))
    two = entry_digest("de", entry, "nplurals=2; plural=(n != 1);")
    assert two == entry_digest("de", entry, "nplurals=2;  plural=(n != 1);")  # spacing only
    assert two != entry_digest("de", entry, "nplurals=2; plural=(n > 1);")
    assert two != entry_digest("de", entry, "nplurals=2; plural=0;")
    with pytest.raises(ValueError):
        entry_digest("de", entry)
    singular = Entry(msgid="Doz", msgstrs=("Dosis",))
    assert entry_digest("de", singular) == entry_digest("de", singular, "nplurals=1; plural=0;")


def test_a_statement_carries_the_texts_it_signed_and_only_true_ones_are_shown():
    from pipeline.signoff.verify import entry_text, signed_text

    private_key = Ed25519PrivateKey.generate()
    entry = Entry(msgid="Doz", msgstrs=("Dosis",))
    digest = entry_digest("de", entry)
    signed = sign(private_key, "0123456789abcdef", "dr", "de", "approve", {digest: ("a" * 16,)},
                  texts={digest: entry_text(entry), "f" * 64: ["not", "covered"]})
    again = parse_line(signed.to_line().encode("utf-8"))
    assert again.texts == {digest: [None, "Doz", None, ["Dosis"], None]}  # only digests it covers
    assert again.signed_bytes() == signed.signed_bytes()
    assert signed_text("de", digest, again.texts[digest]) == entry
    forged = [None, "Doz", None, ["Dosis 500"], None]
    assert signed_text("de", digest, forged) is None  # a text that is not what was signed
    assert signed_text("de", digest, "Doz") is None


def test_a_texts_field_naming_another_digest_is_malformed():
    data = json.loads(statement(Ed25519PrivateKey.generate()).to_line())
    data["texts"] = {"e" * 64: [None, "x", None, ["y"], None]}
    with pytest.raises(MalformedLine, match="texts must be"):
        parse_line(json.dumps(data).encode("utf-8"))
