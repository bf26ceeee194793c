"""Engines: batching, translation memory, DeepL settings, the choice of engines, the store, glossaries."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from pipeline.catalogs.model import Entry
from pipeline.mt.engines import Batch, EngineChoice, choose_engines, pack
from pipeline.mt.engines.deepl import DeepLSettings
from pipeline.mt.engines.memory import TranslationMemory
from pipeline.errors import ConfigError, EngineError, StoreError
from pipeline.mt.store import (STORE_NAME, Row, Stored, TranslationStore, lookup_store, open_store,
                              store_key, store_path)
from pipeline.glossary import glossary_digest, load_glossary


# ---------------------------------------------------------------- pack


def test_pack_respects_counts_bytes_and_contexts():
    items = [(f"t{n}", "A" if n < 5 else "B") for n in range(8)]
    batches = pack(items, max_texts=3, max_bytes=100, overhead=lambda context: 10,
                   size=lambda text: 10)
    assert batches == [Batch(("t0", "t1", "t2"), "A"), Batch(("t3", "t4"), "A"),
                       Batch(("t5", "t6", "t7"), "B")]
    by_bytes = pack(items[:5], max_texts=50, max_bytes=35, overhead=lambda context: 5,
                    size=lambda text: 10)
    assert [len(batch.texts) for batch in by_bytes] == [3, 2]


def test_a_text_too_big_for_any_request_goes_alone():
    batches = pack([("small", None), ("huge", None), ("small2", None)], max_texts=50,
                   max_bytes=100, overhead=lambda c: 0, size=lambda t: 500 if t == "huge" else 1)
    assert [batch.texts for batch in batches] == [("small",), ("huge",), ("small2",)]


# ---------------------------------------------------------------- memory


def entry(msgid, msgstr="", fuzzy=False, msgctxt=None):
    made = Entry(msgid=msgid, msgstrs=(msgstr,), msgctxt=msgctxt)
    return made.with_fuzzy(True) if fuzzy else made


def test_memory_exact_matches_need_the_same_context_and_a_finished_translation():
    memory = TranslationMemory([entry("Ağrı", "Pain"), entry("Şişlik", "Swelling", fuzzy=True),
                                entry("Kızarıklık", "Redness", msgctxt="yan etki"),
                                entry("Ağrı", "Ache")])
    assert memory.exact(entry("Ağrı")).msgstr == "Pain"  # the first one seen wins
    assert memory.exact(entry("Şişlik")) is None
    assert memory.exact(entry("Kızarıklık")) is None
    assert memory.exact(entry("Kızarıklık", msgctxt="yan etki")).msgstr == "Redness"
    assert len(memory) == 2


def test_memory_near_matches_from_ninety_percent():
    memory = TranslationMemory([entry("Tedaviden sonra cildiniz birkaç gün kızarabilir.",
                                      "Your skin may be red for a few days after treatment.")])
    near = memory.near(entry("Tedaviden sonra cildiniz birkaç gün kızarabilir!"))
    assert near is not None and near.score >= 90
    assert memory.near(entry("Tedaviden önce cildinizi temizleyin.")) is None
    assert memory.near(entry("Tedaviden sonra cildiniz birkaç gün kızarabilir.")) is None


# ---------------------------------------------------------------- DeepL settings


@pytest.mark.parametrize("language, code", [
    ("en", "EN-US"), ("pt", "PT-BR"), ("pt_PT", "PT-PT"), ("en_GB", "EN-GB"), ("de", "DE"),
    ("zh_Hant", "ZH-HANT"), ("ar", "AR")])
def test_target_codes(language, code):
    assert DeepLSettings().target_code(language) == code


def test_configured_target_codes_win():
    assert DeepLSettings(targets={"en": "EN-GB"}).target_code("en") == "EN-GB"
    assert DeepLSettings.source_code("en_GB") == "EN"


def test_settings_from_config(project):
    project.write("pipeline.toml", project.read("pipeline.toml") + (
        '\n[deepl]\nconcurrency = 2\nglossary = false\n[deepl.target]\nen = "en-gb"\n'
        '[deepl.formality]\nde = "prefer_less"\n'))
    settings = DeepLSettings.from_config(project.config)
    assert settings == DeepLSettings(targets={"en": "EN-GB"}, formality={"de": "prefer_less"},
                                     glossary=False, concurrency=2, context=True)


def test_bad_settings_name_the_line(project):
    project.write("pipeline.toml", project.read("pipeline.toml") + '\n[deepl]\ncontext = "yes"\n')
    with pytest.raises(ConfigError) as error:
        DeepLSettings.from_config(project.config)
    assert error.value.line == 10 and "context must be true or false" in str(error.value)


# ---------------------------------------------------------------- choice of engines


def test_default_engines_depend_on_the_key(project):
    assert choose_engines(project.config, (), {}) == EngineChoice(memory=True, machine=None,
                                                                  missing_key=True)
    with_key = choose_engines(project.config, (), {"DEEPL_AUTH_KEY": "k:fx"})
    assert with_key.memory and with_key.machine.name == "deepl" and not with_key.missing_key
    assert with_key.machine.client.server_url == "https://api-free.deepl.com"
    pointed = choose_engines(project.config, (), {"DEEPL_AUTH_KEY": "k",
                                                  "DEEPL_SERVER_URL": "http://127.0.0.1:9"})
    assert pointed.machine.client.server_url == "http://127.0.0.1:9"


def test_named_engines(project):
    pseudo = choose_engines(project.config, ("pseudo",), {"DEEPL_AUTH_KEY": "k"})
    assert not pseudo.memory and pseudo.machine.name == "pseudo"
    both = choose_engines(project.config, ("memory", "pseudo"), {})
    assert both.memory and both.machine.name == "pseudo"
    with pytest.raises(EngineError, match="choose one machine engine"):
        choose_engines(project.config, ("deepl", "pseudo"), {"DEEPL_AUTH_KEY": "k"})
    with pytest.raises(EngineError, match="unknown engine google"):
        choose_engines(project.config, ("google",), {})


# ---------------------------------------------------------------- the machine-translation store


def test_store_keys_separate_engines_options_languages_and_texts():
    base = store_key("deepl", {"formality": None}, "tr", "en", "metin")
    assert base == store_key("deepl", {"formality": None}, "tr", "en", "metin")
    others = {store_key("pseudo", {"formality": None}, "tr", "en", "metin"),
              store_key("deepl", {"formality": "less"}, "tr", "en", "metin"),
              store_key("deepl", {"formality": None}, "tr", "de", "metin"),
              store_key("deepl", {"formality": None}, "tr", "en", "metin ")}
    assert base not in others and len(others) == 4


def test_store_round_trip_across_threads_and_read_only(project):
    config = project.config
    with lookup_store(config) as nothing:
        assert nothing is None and not config.translations_dir.exists()
    rows = {n: [Row.received("deepl", {"n": n}, "tr", "en", f"t{i}", f"T{n}-{i}", i)
                for i in range(20)] for n in range(8)}
    with open_store(config) as store:
        threads = [threading.Thread(target=store.put_many, args=(rows[n],)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with lookup_store(config) as store:
        found = store.get_many([row.key for batch in rows.values() for row in batch] + ["missing"])
        assert len(found) == 160 and found[rows[3][4].key] == Stored("T3-4", 4)
        assert [row.key for row in store.rows()] == sorted(found)
        assert store.rows()[0].verified
        with pytest.raises(sqlite3.OperationalError):  # opened read-only
            store.put_many([Row.received("deepl", {}, "tr", "en", "t", "T", 1)])


def test_the_store_lives_outside_the_cache_folder(project):
    config = project.config
    assert store_path(config) == project.root / "machine-translations" / STORE_NAME
    assert config.cache_dir not in store_path(config).parents


def test_adding_keeps_what_is_there_in_one_transaction(project):
    first = Row.received("deepl", {}, "tr", "en", "metin", "text", 5)
    with open_store(project.config) as store:
        store.put_many([first])
        added = store.add_new([Row.received("deepl", {}, "tr", "en", "metin", "other", 5),
                               Row.received("deepl", {}, "tr", "de", "metin", "Text", 5)])
        assert added == 1 and store.get(first.key) == Stored("text", 5)


def test_a_broken_store_is_a_clear_error(project):
    path = store_path(project.config)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="move it away to start a new one"):
        TranslationStore(path)


# ---------------------------------------------------------------- glossary


def test_glossary_terms_and_their_digest(project):
    assert load_glossary(project.config, "en").entries() == {}
    project.write("glossary/tr-en.csv", "source,target\n"
                                        "mikro iğneleme, microneedling\n\n\"yara, iz\",scar\n")
    terms = load_glossary(project.config, "en").entries()
    assert terms == {"mikro iğneleme": "microneedling", "yara, iz": "scar"}
    assert glossary_digest(terms) == glossary_digest(dict(reversed(list(terms.items()))))
    assert glossary_digest({}) is None
