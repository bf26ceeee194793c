"""The machine-translation store: apart from the caches, moved out of the cache folder, shared."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from pipeline.mt.engines.deepl import DeepLSettings
from pipeline.mt.store import (STORE_NAME, Row, Stored, lookup_store, move_old_store,
                              old_store_path, open_store, store_path, store_key)
from conftest import ARTICLE, CONFIG, Project
from tests.mt.test_translate import pulled

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
    """A store as earlier versions left it: in the cache folder, no options, rows still in the WAL.

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
    from pipeline.catalogs.pofile import read_po
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


# ---------------------------------------------------------------- export and import


def other_project(root) -> Project:
    """A second clone of the same project, elsewhere: a translator's laptop beside CI."""
    other = Project(root)
    other.write("pipeline.toml", CONFIG.format(targets=["en", "de", "ar", "ru"]).replace("'", '"'))
    other.write("source/mikro.md", ARTICLE)
    return other


@pytest.fixture
def paid(project, fake_deepl, tmp_path):
    """A project whose drafts and English back-translations were paid for, and its export."""
    pulled(project)
    assert project.run("translate").exit_code == 0
    assert project.run("translate", "--back", "--lang", "en").exit_code == 0
    result = project.run("mt", "export", str(tmp_path / "paid.jsonl"))
    assert result.exit_code == 0, result.output
    return project


def export_lines(tmp_path) -> list[str]:
    return (tmp_path / "paid.jsonl").read_text(encoding="utf-8").splitlines()


def test_export_then_import_into_a_fresh_clone_sends_nothing(paid, fake_deepl, tmp_path):
    sent = len(fake_deepl.requests)
    rows = len(export_lines(tmp_path))
    laptop = other_project(tmp_path / "laptop")

    imported = laptop.run("mt", "import", str(tmp_path / "paid.jsonl"))
    assert imported.exit_code == 0, imported.output
    assert imported.output == (f"{rows} translation(s) read from 1 file(s): {rows} added, "
                               "0 already present\n")
    pulled(laptop)
    drafted = laptop.run("translate")
    back = laptop.run("translate", "--back", "--lang", "en")

    assert drafted.exit_code == 0 and back.exit_code == 0, drafted.output + back.output
    assert len(fake_deepl.requests) == sent
    assert "characters billed: 0 (deepl)" in drafted.output
    assert read_msgstr(laptop, "de") == read_msgstr(paid, "de")
    again = laptop.run("mt", "import", str(tmp_path / "paid.jsonl"))
    assert f"0 added, {rows} already present" in again.output
    assert laptop.run("mt", "export", "-").stdout.splitlines() == export_lines(tmp_path)


def test_export_is_sorted_and_byte_for_byte_the_same_every_time(paid, tmp_path):
    first = (tmp_path / "paid.jsonl").read_bytes()
    paid.run("mt", "export", str(tmp_path / "again.jsonl"))
    to_stdout = paid.run("mt", "export", "-")

    assert (tmp_path / "again.jsonl").read_bytes() == first
    assert to_stdout.stdout.encode("utf-8") == first
    assert to_stdout.stderr.startswith("exported ")
    rows = [json.loads(line) for line in first.decode("utf-8").splitlines()]
    assert [row["key"] for row in rows] == sorted(row["key"] for row in rows)
    assert list(rows[0]) == ["key", "engine", "options", "source", "target", "text",
                             "translation", "billed"]
    assert {(row["source"], row["target"]) for row in rows} >= {("tr", "en"), ("en", "tr")}
    assert "İ" in first.decode("utf-8")  # UTF-8, not \u escapes


def test_import_refuses_a_row_whose_key_does_not_match_and_imports_nothing(paid, tmp_path):
    lines = export_lines(tmp_path)
    row = json.loads(lines[2])
    row["text"] = "Başka bir metin"  # a translation claimed for another text
    (tmp_path / "tampered.jsonl").write_text("\n".join([*lines[:2], json.dumps(row), *lines[3:]])
                                             + "\n", encoding="utf-8")
    laptop = other_project(tmp_path / "laptop")

    result = laptop.run("mt", "import", str(tmp_path / "paid.jsonl"),
                        str(tmp_path / "tampered.jsonl"))

    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "tampered.jsonl:3: the key is not the digest" in result.output
    assert "nothing was imported" in result.output
    assert not store_path(laptop.config).exists()


@pytest.mark.parametrize("line, message", [
    ('{"key": "abc", "engine": "deepl"', "not a JSON object"),
    ('["a list"]', "not a JSON object"),
    ('{"key": "k"}', "missing field(s) engine, options, source, target, text, translation, billed"),
    (None, "wrong type of billed"),
    (b"\xff\xfe", "not UTF-8"),
])
def test_import_refuses_a_malformed_line_naming_file_and_line(paid, tmp_path, line, message):
    lines = [text.encode("utf-8") for text in export_lines(tmp_path)]
    if line is None:
        row = json.loads(lines[0])
        row["billed"] = str(row["billed"])
        line = json.dumps(row)
    lines.insert(1, line if isinstance(line, bytes) else line.encode("utf-8"))
    (tmp_path / "broken.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    with lookup_store(paid.config) as store:
        before = store.rows()

    result = paid.run("mt", "import", str(tmp_path / "broken.jsonl"))

    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert f"broken.jsonl:2: {message}" in result.output
    with lookup_store(paid.config) as store:
        assert store.rows() == before


def test_import_reads_standard_input(paid, tmp_path):
    laptop = other_project(tmp_path / "laptop")
    text = (tmp_path / "paid.jsonl").read_text(encoding="utf-8")

    result = laptop.run("mt", "import", "-", input=text)

    assert result.exit_code == 0, result.output
    assert f"{len(export_lines(tmp_path))} added" in result.output
    broken = laptop.run("mt", "import", "-", input="not json\n")
    assert "<stdin>:1: not a JSON object" in broken.output and broken.exit_code == 1


def test_rows_of_an_earlier_version_are_exported_when_their_options_are_still_used(project):
    config = project.config
    write_old_store(config, {"metin": "text", "başlık": "title"})
    with sqlite3.connect(old_store_path(config)) as db:  # stored under settings since changed
        db.execute("INSERT INTO translations VALUES (?, 'deepl', 'tr', 'en', 'eski', 'old', 4)",
                   (store_key("deepl", {"formality": "less"}, "tr", "en", "eski"),))
    db.close()

    result = project.run("mt", "export", "-")

    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(row["text"] for row in rows) == ["başlık", "metin"]
    assert all(row["options"]["target_lang"] == "EN-US" for row in rows)
    assert "note: 1 translation(s) stored by an earlier version" in result.stderr


def test_a_broken_old_store_stops_only_the_commands_that_need_it(project):
    old = old_store_path(project.config)
    old.parent.mkdir(parents=True)
    old.write_bytes(b"not a database at all" * 100)

    status = project.run("status")
    export = project.run("mt", "export", "-")

    assert status.exit_code == 0 and status.stderr.startswith("warning: ")
    assert "move it away to start a new one" in status.stderr
    assert export.exit_code == 1 and "error: " in export.stderr and old.exists()
