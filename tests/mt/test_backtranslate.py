"""`pipeline translate --back`: back-translations for reviewers, stored, catalogs untouched."""

from __future__ import annotations

import pytest

from pipeline.mt.backtranslate import back_translation, back_translations
from pipeline.catalogs.pofile import read_po


@pytest.fixture(autouse=True)
def no_key_unless_given(monkeypatch):
    monkeypatch.delenv("DEEPL_AUTH_KEY", raising=False)
    monkeypatch.delenv("DEEPL_SERVER_URL", raising=False)


@pytest.fixture
def drafted(project, fake_deepl):
    assert project.run("pull").exit_code == 0
    assert project.run("translate", "--lang", "en").exit_code == 0
    fake_deepl.requests.clear()
    return project


def en_entries(project):
    return read_po(project.po("en")).messages


def test_back_translation_sends_the_drafts_into_turkish_and_changes_no_catalog(drafted, fake_deepl):
    before = drafted.snapshot()
    billed_before = fake_deepl.character_count
    result = drafted.run("translate", "--back", "--lang", "en")

    assert result.exit_code == 0, result.output
    catalogs = {name: value for name, value in drafted.snapshot().items()
                if name.startswith("locale")}
    assert catalogs == {name: value for name, value in before.items()
                        if name.startswith("locale")}
    requests = fake_deepl.translate_requests()
    assert {(r.json["source_lang"], r.json["target_lang"]) for r in requests} == {("EN", "TR")}
    assert not any("glossary_id" in r.json or "formality" in r.json for r in requests)
    assert not any(b"example.org" in r.body for r in requests)
    drafts = sum(len(e.msgstrs) for path in ("mikro", "site")
                 for e in read_po(drafted.po("en", path)).messages)
    assert sum(len(r.texts) for r in requests) == drafts  # the article's 6 and the site chrome's
    billed = fake_deepl.character_count - billed_before
    assert result.output.splitlines()[1].split() == ["en", str(drafts), "0", str(drafts), str(billed),
                                                     str(billed)]
    assert f"characters billed: {billed:,} (deepl)" in result.output


def test_back_translation_is_read_from_the_store_only(drafted, fake_deepl):
    link = next(e for e in en_entries(drafted) if "kilavuz" in e.msgid)
    assert back_translation(drafted.config, "en", link) is None

    drafted.run("translate", "--back", "--lang", "en")
    sent = len(fake_deepl.requests)

    assert back_translation(drafted.config, "en", link) == (
        "[TR] [EN-US] Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.")
    everything = back_translations(drafted.config, "en", en_entries(drafted))
    assert len(everything) == 6
    assert len(fake_deepl.requests) == sent  # reading sends nothing


def test_a_second_back_translation_sends_nothing(drafted, fake_deepl):
    drafted.run("translate", "--back", "--lang", "en")
    sent = list(fake_deepl.requests)
    again = drafted.run("translate", "--back", "--lang", "en")
    assert again.exit_code == 0
    assert fake_deepl.requests == sent
    assert "characters billed: 0 (deepl)" in again.output


def test_back_translation_dry_run(drafted, fake_deepl):
    result = drafted.run("translate", "--back", "--dry-run", "--lang", "en")
    assert result.exit_code == 0
    assert not fake_deepl.translate_requests()
    assert "dry run: nothing sent" in result.output
    assert "characters remaining this billing period:" in result.output


def test_back_translation_needs_a_key(project):
    assert project.run("pull").exit_code == 0
    result = project.run("translate", "--back")
    assert result.exit_code == 1
    assert "needs a DeepL API key" in result.output


def test_back_translation_only_uses_deepl(project):
    result = project.run("translate", "--back", "--engine", "pseudo")
    assert result.exit_code == 2
    assert "--back uses the deepl engine only" in result.output


def test_a_failed_back_translation_keeps_what_arrived(drafted, fake_deepl):
    fake_deepl.fail_next = [456]
    result = drafted.run("translate", "--back", "--lang", "en")
    assert result.exit_code == 1
    assert "quota" in result.output and "kept in the store" in result.output
