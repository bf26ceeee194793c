"""What a build remembers of the last one, so that a rebuild does only what changed.

Three memories, from the cheapest to consult: the last build's report under a
digest of every file a build reads (:class:`LastBuild`); the manifest in the
output folder, naming each file's inputs (:class:`Previous`); and the size,
times and inode of each file written (:class:`FileStats`), which tell that an
output file is still what the manifest says without reading it. The first and
the last live in the cache folder: losing them only costs time.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config
from pipeline.fsutil import write_atomic
from pipeline.gate import Blocker
from pipeline.facts import gate_inputs
from pipeline.pages import Site
from pipeline.source import domains, find_sources

MANIFEST = ".pipeline-manifest.json"

# (language, published, is_source, blockers) of each language the last build reported.
Reported = tuple[str, bool, bool, tuple[Blocker, ...]]


@dataclass
class Previous:
    """What the last build left in the output folder, by its manifest."""

    format: str | None = None
    files: dict[str, dict] = field(default_factory=dict)
    inputs: str | None = None
    published: list[str] = field(default_factory=list)


def read_manifest(out: Path) -> Previous:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return Previous(data.get("format"), dict(data.get("files", {})), data.get("inputs"),
                         list(data.get("published", [])))
    except (OSError, ValueError, AttributeError, TypeError):
        return Previous()


def unchanged(previous: Previous, fmt: str, inputs: str, candidates: list[str],
              stats: FileStats) -> bool:
    """The last build had these very inputs, published every candidate, and its files are intact."""
    published = [previous.published[0], *candidates] if previous.published else None
    return (previous.format == fmt and previous.inputs == inputs and previous.published == published
            and all(stats.intact(path, item.get("sha256")) for path, item in previous.files.items()))


class FileStats:
    """Size, time and inode of each built file when it was written, kept in the cache folder.

    A file whose stat is unchanged still has the bytes the manifest records;
    any other is hashed. Losing this only costs reading the output once.
    """

    def __init__(self, config: Config, out: Path):
        self.out = out
        self.path = config.cache_dir / "build-files.json"
        self._known: dict | None = None

    def known(self) -> dict[str, list]:
        if self._known is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                fresh = data.get("out") == str(self.out.resolve())
                self._known = dict(data.get("files", {})) if fresh else {}
            except (OSError, ValueError, AttributeError, TypeError):
                self._known = {}
        return self._known

    def intact(self, path: str, sha: str | None) -> bool:
        file = self.out / path
        stat = file_stat(file)
        if stat is not None and self.known().get(path) == [*stat, sha]:
            return True
        return file_sha(file) == sha

    def record(self, manifest: dict[str, dict]) -> None:
        files = {path: [*stat, item["sha256"]] for path, item in manifest.items()
                 if (stat := file_stat(self.out / path)) is not None}
        try:
            write_atomic(self.path, json.dumps({"out": str(self.out.resolve()), "files": files}))
        except OSError:
            pass  # the next no-op build reads the output instead


def world_key(config: Config, site: Site, fmt: str, out: Path) -> str:
    """A digest of every file a build reads, of the code and of the libraries it runs.

    The same key means the same verdicts and the same site, so the last build's
    report stands. Reading the files costs a fraction of parsing them.
    """
    import jinja2
    import mdformat
    import yaml

    from pipeline import gate

    names = domains(config)
    hasher = hashlib.sha256(compact([
        sys.version, jinja2.__version__, mdformat.__version__, yaml.__version__, site.digest, fmt,
        str(out.resolve()), *(gate_inputs(config, language, gate.check_catalog, names)
                              for language in config.languages)]).encode("utf-8"))
    for path in find_sources(config.source_dir):
        hasher.update(path.name.encode("utf-8") + b"\0" + (_read_file(path) or b"") + b"\0")
    return hasher.hexdigest()


class LastBuild:
    """The last build of an output, kept in the cache folder: its inputs' key and its report.

    When the key is the same and the output is as that build left it, the
    report is given again without gating or reading anything else.
    """

    def __init__(self, config: Config, out: Path, fmt: str, world: str):
        self.config, self.out, self.fmt, self.world = config, out, fmt, world
        self.path = config.cache_dir / "build-last.json"

    def result(self) -> tuple[tuple[Reported, ...], int] | None:
        """The languages the last build reported and its page count, when they still stand."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if (data["world"], data["out"], data["format"]) != (self.world, self._out(), self.fmt):
                return None
            manifest = (self.out / MANIFEST).read_bytes()
            if sha(manifest) != data["manifest"]:
                return None
            files = json.loads(manifest)["files"]
            stats = FileStats(self.config, self.out)
            if not all(stats.intact(path, item.get("sha256")) for path, item in files.items()):
                return None
            languages = tuple((language, published, is_source,
                               tuple(Blocker(*blocker) for blocker in blockers))
                              for language, published, is_source, blockers in data["languages"])
            return languages, data["pages"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def keep(self, languages: list[Reported], pages: int) -> None:
        """Remember this build's report, for the output as it is now."""
        try:
            manifest = sha((self.out / MANIFEST).read_bytes())
            reported = [[language, published, is_source,
                         [[b.reason, b.path, b.line, b.msgid, b.detail, b.digest] for b in blockers]]
                        for language, published, is_source, blockers in languages]
            write_atomic(self.path, compact({"world": self.world, "out": self._out(),
                                             "format": self.fmt, "manifest": manifest,
                                             "pages": pages, "languages": reported}))
        except OSError:
            pass  # the next build only gates again

    def _out(self) -> str:
        return str(self.out.resolve())


def _read_file(path: Path | None) -> bytes | None:
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None


def file_stat(path: Path) -> list[int] | None:
    """What changes with a file's bytes: size, times (ctime cannot be set back), inode."""
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def file_sha(path: Path) -> str | None:
    try:
        return sha(path.read_bytes())
    except OSError:
        return None


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compact(value) -> str:
    """JSON without spaces, for digests and cache files."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
