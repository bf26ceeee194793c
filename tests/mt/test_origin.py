"""Which translations are still a machine's draft, by which engine and since when."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from pipeline.catalogs.model import Entry
from pipeline.mt.inline_xml import to_xml
from pipeline.mt.origin import machine_origins
from pipeline.mt.store import Draft, Row, TranslationStore, open_store, store_path
from tests.mt.test_store import OLD_SCHEMA

SINGULAR, PLURAL = "%(n)d tablet alın.", "%(n)d tablet alınız."
ONE, MANY = "Take %(n)d tablet.", "Take %(n)d tablets."


def keep(config, engine: str, text: str, translation: str, target: str = "en") -> None:
    with open_store(config) as store:
        store.put_many([Row.received(engine, {}, "tr", target, to_xml(text).xml, translation,
                                     len(text))])


def test_every_stored_draft_of_a_text_with_its_engine_and_date(project):
    config = project.config
    keep(config, "deepl", "Merhaba", "Hello")
    keep(config, "pseudo", "Merhaba", "[Ħéļļö]")
    keep(config, "deepl", "Merhaba", "Hallo", target="de")
    today = datetime.now(UTC).date().isoformat()
    with TranslationStore(store_path(config), readonly=True) as store:
        found = store.drafts_of("tr", "en", ["Merhaba", "Hoşça kal"])
    assert sorted(found["Merhaba"], key=lambda d: d.engine) == [
        Draft("deepl", "Hello", today), Draft("pseudo", "[Ħéļļö]", today)]
    assert "Hoşça kal" not in found


def test_a_store_from_before_dates_gives_none_and_gains_the_column_when_written(project):
    config = project.config
    path = store_path(config)
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute(OLD_SCHEMA)
        db.execute("INSERT INTO translations VALUES ('k', 'deepl', 'tr', 'en', 'Merhaba', "
                   "'Hello', 7)")
    db.close()
    with TranslationStore(path, readonly=True) as store:  # read-only: nothing is upgraded
        assert store.drafts_of("tr", "en", ["Merhaba"]) == {"Merhaba": [Draft("deepl", "Hello", None)]}
    keep(config, "deepl", "Hoşça kal", "Goodbye")
    with TranslationStore(path, readonly=True) as store:
        found = store.drafts_of("tr", "en", ["Merhaba", "Hoşça kal"])
    assert found["Merhaba"][0].received is None and found["Hoşça kal"][0].received is not None


def test_a_plural_entry_is_a_draft_only_while_every_form_is(project):
    config = project.config
    keep(config, "deepl", SINGULAR, ONE)
    keep(config, "deepl", PLURAL, MANY)
    entry = Entry(SINGULAR, (ONE, MANY), msgid_plural=PLURAL)
    assert machine_origins(config, "en", [entry])[entry.key].engine == "deepl"
    edited = entry.replace(msgstrs=(ONE, "Take %(n)d pills."))
    assert machine_origins(config, "en", [edited]) == {}


def test_nothing_stored_means_no_origin_and_no_store_made(project):
    config = project.config
    assert machine_origins(config, "en", [Entry("Merhaba", ("Hello",))]) == {}
    assert not store_path(config).exists()
