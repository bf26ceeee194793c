"""The medical glossary of a language pair, as the machine-translation engine uses it.

One CSV file per pair in the glossary folder, ``tr-en.csv``, with the columns
``source,target``; the translation checks read the same file.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import ConfigError

COLUMNS = ("source", "target")


def glossary_path(config: Config, language: str) -> Path:
    return config.glossary_dir / f"{config.source_language}-{language}.csv"


def read_glossary(config: Config, language: str) -> dict[str, str]:
    """Source term → target term; empty when the pair has no glossary file."""
    path = glossary_path(config, language)
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8 (save the glossary as UTF-8)", path) from None
    rows = csv.reader(text.splitlines())
    header = [cell.strip().lower() for cell in next(rows, [])]
    if tuple(header[:2]) != COLUMNS:
        raise ConfigError("the first line must be the column names 'source,target'", path, 1)
    terms: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ConfigError("a glossary line needs a source term and a target term", path, line)
        source, target = row[0].strip(), row[1].strip()
        if terms.get(source, target) != target:
            raise ConfigError(f"'{source}' is given two different translations", path, line)
        terms[source] = target
    return terms


def glossary_digest(terms: dict[str, str]) -> str | None:
    """A short digest of the terms, so a changed glossary is synced and never mixed up in the cache."""
    if not terms:
        return None
    payload = json.dumps(sorted(terms.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
