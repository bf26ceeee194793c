"""Helpers for sign-off tests: doctors with keys, translated catalogs, raw ledger access."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.signoff.keys import generate_key
from pipeline.catalogs.pofile import format_po, read_po


def add_doctor(project, keys: Path, reviewer: str = "dr-test", languages=("en", "de"),
               name: str = "Dr. Test Hekim", retired: list[tuple[str, str]] = (),
               extra: str = "") -> Path:
    """Make a key pair for a doctor, add them to the project's roster; returns the key file.

    ``extra``: more lines of their section, such as ``locale = "tr"``.
    """
    new = generate_key(reviewer, keys / f"{reviewer}.key")
    section = (f'[reviewers.{reviewer}]\nname = "{name}"\n'
               f"languages = {json.dumps(list(languages))}\nkey = \"{new.public_key}\"\n{extra}")
    for old_key, when in retired:
        section += f'[[reviewers.{reviewer}.retired_keys]]\nkey = "{old_key}"\nretired = {when}\n'
    roster = project.root / "reviewers.toml"
    previous = roster.read_text(encoding="utf-8") if roster.exists() else ""
    roster.write_text(previous + section + "\n", encoding="utf-8")
    return new.path


def translate(project, language: str, slug: str | None = None, fuzzy: bool = False) -> None:
    """Fill every entry of one catalog (default: every catalog) with a recognisable translation."""
    from pipeline.source.articles import domains
    for domain in [slug] if slug else domains(project.config):
        path = project.po(language, domain)
        catalog = read_po(path)
        catalog.entries = [entry.replace(msgstrs=tuple(f"[{language}] {entry.msgid}"
                                                       for _ in entry.msgstrs)).with_fuzzy(fuzzy)
                           if not entry.obsolete else entry for entry in catalog.entries]
        path.write_text(format_po(catalog), encoding="utf-8")


def edit_translation(project, language: str, msgid: str, msgstr: str, slug: str = "mikro") -> None:
    path = project.po(language, slug)
    catalog = read_po(path)
    catalog.entries = [entry.replace(msgstrs=(msgstr,)) if entry.msgid == msgid else entry
                       for entry in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")


def entry(project, language: str, msgid: str, slug: str = "mikro"):
    return next(e for e in read_po(project.po(language, slug)).messages if e.msgid == msgid)


def ledger(project, language: str) -> Path:
    return project.root / "locale" / language / "signoffs.jsonl"


def ledger_lines(project, language: str) -> list[dict]:
    path = ledger(project, language)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def translated(project, keys: Path, *languages: str):
    """Pull and translate the languages (default: en); a doctor, dr-test, gets a key (``project.key``)."""
    project.run("pull")
    for language in languages or ("en",):
        translate(project, language)
    project.key = add_doctor(project, keys)
    return project


def signed_off(project, keys: Path, language: str = "en"):
    """Pull, translate one language and have a doctor approve all of it; the project gets ``signer``."""
    from pipeline.signoff.review import approve, open_signer, translated_entries

    translated(project, keys, language)
    config = project.config
    project.signer = open_signer(config, language, "dr-test", project.key)
    approve(config, language, project.signer, translated_entries(config, language).values())
    return project


@contextmanager
def serving(app: Any) -> Iterator[int]:
    """An ASGI app on 127.0.0.1, a free port, in a background thread; yields the port."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # only so that a broken start fails instead of hanging
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the review server did not start")
        time.sleep(0.05)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=30)
