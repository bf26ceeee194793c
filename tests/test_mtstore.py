"""The machine-translation store: paid data kept apart from the caches, and moved out of the cache folder."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from pipeline.engines.deepl_engine import DeepLSettings
from pipeline.mtstore import (STORE_NAME, Row, Stored, lookup_store, move_old_store,
                              old_store_path, open_store, store_path, store_key)
from test_translate import pulled

OLD_SCHEMA = """CREATE TABLE translations (key TEXT PRIMARY KEY, engine TEXT NOT NULL,
    source TEXT NOT NULL, target TEXT NOT NULL, text TEXT NOT NULL, translation TEXT NOT NULL,
    billed INTEGER NOT NULL)"""


@pytest.fixture(autouse=True)
def no_key_unless_given(monkeypatch):
    monkeypatch.delenv("DEEPL_AUTH_KEY", raising=False)
    monkeypatch.delenv("DEEPL_SERVER_URL", raising=False)


def deepl_key(config, source: str, target: str, text: str) -> str:
    """The key the project gives a DeepL translation today (these projects have no glossary)."""
    options = DeepLSettings.from_config(config).store_options(source, target, None)
    return store_key("deepl", options, source, target, text)


def write_old_store(config, texts: dict[str, str]) -> None:
    """A store as earlier versions left it: in the cache folder, without options, rows still in its WAL.

    The files are copied while the writer is still open, as a killed run leaves them.
    """
    scratch = config.root / "scratch"
    scratch.mkdir()
    db = sqlite3.connect(scratch / STORE_NAME)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute(OLD_SCHEMA)
    db.executemany("INSERT INTO translations VALUES (?, 'deepl', 'tr', 'en', ?, ?, ?)",
                   [(deepl_key(config, "tr", "en", text), text, translation, len(text))
                    for text, translation in texts.items()])
    db.commit()
    old = old_store_path(config)
    old.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(scratch / (STORE_NAME + suffix), old.with_name(old.name + suffix))
    db.close()
    shutil.rmtree(scratch)


def files_beside(path) -> set[str]:
    return {p.name for p in path.parent.iterdir() if p.name.startswith(STORE_NAME)} \
        if path.parent.exists() else set()


def test_a_store_in_the_cache_folder_moves_out_on_first_open_with_its_wal(project):
    config = project.config
    write_old_store(config, {"metin": "text", "başlık": "title"})
    assert "-wal" in "".join(files_beside(old_store_path(config)))

    with lookup_store(config) as store:
        assert store.get(deepl_key(config, "tr", "en", "metin")) == Stored("text", 5)
        assert len(store.rows()) == 2
    assert files_beside(old_store_path(config)) == set()
    assert store_path(config).is_file() and config.cache_dir not in store_path(config).parents
    assert move_old_store(config) is None  # once only


def test_the_move_is_a_notice_the_cli_prints_once(project):
    config = project.config
    write_old_store(config, {"metin": "text"})

    first = project.run("status")
    assert first.exit_code == 0, first.output
    assert first.stderr.count("\n") == 1
    assert first.stderr == ("notice: moved the machine translations from "
                            f".pipeline-cache/{STORE_NAME} to machine-translations/{STORE_NAME}: "
                            "paid data is kept apart from the caches now\n")
    assert project.run("status").stderr == ""
    with open_store(config) as store:
        assert store.get(deepl_key(config, "tr", "en", "metin")) == Stored("text", 5)


def test_an_existing_store_is_never_replaced_by_an_old_one(project):
    config = project.config
    with open_store(config) as store:
        store.put_many([Row.received("deepl", {}, "tr", "en", "yeni", "new", 3)])
    write_old_store(config, {"metin": "text"})

    assert move_old_store(config) is None
    assert old_store_path(config).is_file()
    with lookup_store(config) as store:
        assert [row.text for row in store.rows()] == ["yeni"]


def test_deleting_the_cache_folder_costs_nothing(project, fake_deepl):
    pulled(project)
    assert project.run("translate").exit_code == 0
    sent = len(fake_deepl.requests)
    assert sent and store_path(project.config).is_file()

    shutil.rmtree(project.config.cache_dir)  # what make clean does
    for language in project.config.languages:
        project.po(language).unlink()
    pulled(project)
    again = project.run("translate")

    assert again.exit_code == 0, again.output
    assert len(fake_deepl.requests) == sent
    assert "characters billed: 0 (deepl)" in again.output
    assert read_msgstr(project, "en").startswith("[EN-US] ")


def test_a_store_left_in_the_cache_folder_still_saves_the_next_run(project, fake_deepl):
    pulled(project)
    assert project.run("translate", "--lang", "en").exit_code == 0
    sent = len(fake_deepl.requests)
    project.po("en").unlink()
    pulled(project)
    old = old_store_path(project.config)
    store_path(project.config).rename(old)  # where the previous version kept it

    again = project.run("translate", "--lang", "en")

    assert again.exit_code == 0, again.output
    assert len(fake_deepl.requests) == sent
    assert again.stderr.startswith("notice: moved the machine translations from ")
    assert not old.exists()


def read_msgstr(project, language: str) -> str:
    from pipeline.pofile import read_po
    return next(entry.msgstr for entry in read_po(project.po(language)).messages
                if entry.msgid == "Genişletilmiş gözenekler")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_clean_keeps_paid_translations(project):
    import subprocess

    from conftest import REPO

    for name in ("public/index.html", ".pipeline-cache/pull-state.json",
                 ".pipeline-cache/gate/en.json", f".pipeline-cache/{STORE_NAME}",
                 f".pipeline-cache/{STORE_NAME}-wal", f"machine-translations/{STORE_NAME}"):
        project.write(name, "x")

    subprocess.run(["make", "--no-print-directory", "-f", str(REPO / "Makefile"), "clean"],
                   cwd=project.root, check=True, capture_output=True)

    left = {p.relative_to(project.root).as_posix() for p in project.root.rglob("*") if p.is_file()}
    assert {f".pipeline-cache/{STORE_NAME}", f".pipeline-cache/{STORE_NAME}-wal",
            f"machine-translations/{STORE_NAME}"} <= left
    assert not (project.root / "public").exists()
    assert not any(name.startswith(".pipeline-cache/") and STORE_NAME not in name for name in left)
