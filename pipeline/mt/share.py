"""Export and import of the machine-translation store, for backups and sharing.

A translator's laptop and CI each keep their own store; ``pipeline mt export``
writes every row as JSON Lines and ``pipeline mt import`` adds the rows a
store lacks, so a text paid for on one is not paid for again on the other.

A row travels with everything that decided it (engine, options, languages,
text), and an import takes it only when its key is the digest of exactly
those: a row edited by hand or cut short is refused with its file and line,
and then nothing is imported. The translation itself cannot be checked, but
whatever an import adds is a draft — fuzzy, never a review — so a forged file
can cost a translator's time, never a doctor's approval.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Sequence

from pipeline.config import Config
from pipeline.errors import StoreError
from pipeline.fsutil import write_atomic
from pipeline.mt.store import Row, lookup_store, open_store

FIELDS = ("key", "engine", "options", "source", "target", "text", "translation", "billed")
STDIO = Path("-")


@dataclass(frozen=True)
class Export:
    text: str       # JSON Lines, one row a line, by key
    rows: int
    left_out: int   # rows whose key cannot be checked (stored by an earlier version)


@dataclass(frozen=True)
class ImportResult:
    files: int
    rows: int       # rows read, duplicates across files included
    added: int
    present: int    # already in the store (or repeated in the files): kept as they were


def dump(config: Config) -> Export:
    """Every row of the store that an import can check, as JSON Lines sorted by key."""
    with lookup_store(config) as store:
        stored = store.rows() if store is not None else []
    rows = _with_options(config, stored)
    checked = [row for row in rows if row.verified]
    text = "".join(json.dumps({name: getattr(row, name) for name in FIELDS},
                              ensure_ascii=False) + "\n" for row in checked)
    return Export(text, len(checked), len(rows) - len(checked))


def export_store(config: Config, path: Path) -> Export:
    """Write :func:`dump` to a file, atomically: a reader sees the old file or the whole new one."""
    export = dump(config)
    write_atomic(path, export.text)
    return export


def _with_options(config: Config, rows: list[Row]) -> list[Row]:
    """Rows stored without their options get the ones the project uses now, when the key agrees.

    Versions before the store kept options wrote only the key; the options
    this configuration would send are the ones of every row it can still
    look up, and the key says whether they are.
    """
    if all(row.options is not None for row in rows):
        return rows
    current = _current_options(config)
    found = []
    for row in rows:
        if row.options is None:
            options = current(row.engine, row.source, row.target)
            if options is not None and row.with_options(options).verified:
                row = row.with_options(options)
        found.append(row)
    return found


def _current_options(config: Config) -> Callable[[str, str, str], dict | None]:
    from pipeline.mt.engines import DEEPL
    from pipeline.mt.engines.deepl import DeepLSettings, store_options

    settings = DeepLSettings.from_config(config)
    known: dict[tuple[str, str], dict] = {}

    def options(engine: str, source: str, target: str) -> dict | None:
        if engine != DEEPL:  # the only engine whose translations were ever stored
            return None
        if (source, target) not in known:
            known[source, target] = store_options(config, settings, source, target)
        return known[source, target]
    return options


def import_files(config: Config, paths: Sequence[Path],
                 read_stdin: Callable[[], bytes] | None = None) -> ImportResult:
    """Check every row of every file, then add the new ones in one transaction.

    ``-`` reads ``read_stdin()``. Any file that cannot be read, or any row
    that is malformed or whose key does not match its fields, is an error
    naming the file and line, and nothing is imported.
    """
    rows: list[Row] = []
    for path in paths:
        rows.extend(read_export(path, _read(path, read_stdin)))
    if not rows:
        return ImportResult(len(paths), 0, 0, 0)
    with open_store(config) as store:
        added = store.add_new(rows)
    return ImportResult(len(paths), len(rows), added, len(rows) - added)


def _read(path: Path, read_stdin: Callable[[], bytes] | None) -> bytes:
    if path == STDIO:
        if read_stdin is None:
            raise StoreError("reading an export from standard input is not possible here")
        return read_stdin()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StoreError("no such file", path) from None
    except OSError as exc:
        raise StoreError(f"cannot read the file ({exc.strerror or exc})", path) from None


def read_export(path: Path, data: bytes) -> list[Row]:
    """The rows of one export; the first line at fault is an error naming it."""
    where = Path("<stdin>") if path == STDIO else path
    rows = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            rows.append(_row(line, where, number))
    return rows


def _row(line: bytes, path: Path, number: int) -> Row:
    def fail(message: str) -> StoreError:
        return StoreError(f"{message}; nothing was imported", path, number)

    try:
        data = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise fail("not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise fail(f"not a JSON object ({exc.msg})") from None
    if not isinstance(data, dict):
        raise fail("not a JSON object")
    missing = [name for name in FIELDS if name not in data]
    unknown = sorted(set(data) - set(FIELDS))
    if missing or unknown:
        raise fail("; ".join(([f"missing field(s) {', '.join(missing)}"] if missing else [])
                             + ([f"unknown field(s) {', '.join(unknown)}"] if unknown else [])))
    wrong = [name for name in FIELDS if not _fits(name, data[name])]
    if wrong:
        raise fail(f"wrong type of {', '.join(wrong)}")
    row = Row(**data)
    if not row.verified:
        raise fail("the key is not the digest of the row's engine, options, languages and text "
                   "(changed by hand?)")
    return row


def _fits(name: str, value: object) -> bool:
    if name == "options":
        return isinstance(value, dict)
    if name == "billed":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return isinstance(value, str)
