"""What a build remembers of the last one, so that a rebuild does only what changed.

Three memories, from the cheapest to consult: the last build's report under a
digest of every file a build reads (:class:`LastBuild`); the manifest of what
the last build wrote, naming each file's inputs and digest (:class:`Previous`);
and the file index (:class:`FileStats`), which tells that an output file is
still what the manifest says without reading it. All three live in the store,
authenticated: the copy of the manifest in the output folder is for people and
hosting tools, and is never read back as the truth about its own pages
(whoever can write the output could edit a page and its manifest together).
Losing the store only costs a full render.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config
from pipeline.gate.verdict import Blocker
from pipeline.gate.facts import gate_inputs
from pipeline.site.pages import Site
from pipeline.signoff.verify import ledger_path
from pipeline.source.articles import domains, find_sources
from pipeline.cache import digest_of, shared_store

KIND = "build"
BUILT = "built-manifest"

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


def read_manifest(config: Config, out: Path) -> Previous:
    """What the last build wrote into ``out``, as it recorded it in the store (never the output's copy)."""
    data = shared_store(config.cache_dir).get_json(BUILT, _where(out))
    try:
        assert isinstance(data, dict)
        return Previous(data.get("format"), dict(data.get("files", {})), data.get("inputs"),
                        list(data.get("published", [])))
    except (AssertionError, ValueError, AttributeError, TypeError):
        return Previous()


def record_manifest(config: Config, out: Path, manifest: dict) -> None:
    """Keep the manifest of the output just written (the store vouches for it, not the output)."""
    store = shared_store(config.cache_dir)
    store.put_json(BUILT, _where(out), manifest)
    store.save()


def _where(out: Path) -> str:
    return digest_of(str(out.resolve()))


def unchanged(previous: Previous, fmt: str, inputs: str, candidates: list[str],
              stats: FileStats) -> bool:
    """The last build had these very inputs, published every candidate, and its files are intact."""
    published = [previous.published[0], *candidates] if previous.published else None
    return (previous.format == fmt and previous.inputs == inputs and previous.published == published
            and all(stats.intact(path, item.get("sha256")) for path, item in previous.files.items()))


class FileStats:
    """Whether each built file still has the bytes the manifest records, through the file index.

    A file whose size, times and inode are as when it was last hashed is not
    read again; any other is hashed. Losing the index only costs reading the
    output once.
    """

    def __init__(self, config: Config, out: Path):
        self.out = out
        self.store = shared_store(config.cache_dir)

    def intact(self, path: str, sha: str | None) -> bool:
        return sha is not None and self.store.index.digest(self.out / path) == sha


def world_key(config: Config, site: Site, fmt: str, out: Path) -> str:
    """A digest of every file a build reads (the code identity is part of every store address).

    The same key means the same verdicts and the same site, so the last build's
    report stands. The file index gives the digests of unchanged files without
    reading them.
    """
    from pipeline.gate import verdict as gate

    store = shared_store(config.cache_dir)
    names = domains(config)
    source = ledger_path(config, config.source_language)  # the source doctors' signatures
    return digest_of(site.digest, fmt, str(out.resolve()),
                     [gate_inputs(config, language, gate.check_catalog, names)
                      for language in config.languages],
                     [[path.name, store.index.digest(path)]
                      for path in find_sources(config.source_dir)],
                     [config.source_signoff, store.index.digest(source) if source.exists() else None])


class LastBuild:
    """The last build of an output, kept in the store: its inputs' key and its report.

    When the key is the same and the output is as that build left it, the
    report is given again without gating or reading anything else.
    """

    def __init__(self, config: Config, out: Path, fmt: str, world: str):
        self.config, self.out, self.fmt, self.world = config, out, fmt, world
        self.store = shared_store(config.cache_dir)
        self.key = digest_of(world, str(out.resolve()), fmt)

    def result(self) -> tuple[tuple[Reported, ...], int] | None:
        """The languages the last build reported and its page count, when they still stand."""
        data = self.store.get_json(KIND, self.key)
        try:
            previous = read_manifest(self.config, self.out)
            if not isinstance(data, dict) or _manifest_digest(previous) != data["manifest"]:
                return None
            files = previous.files
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
        manifest = _manifest_digest(read_manifest(self.config, self.out))
        reported = [[language, published, is_source,
                     [[b.reason, b.path, b.line, b.msgid, b.detail, b.digest] for b in blockers]]
                    for language, published, is_source, blockers in languages]
        self.store.put_json(KIND, self.key, {"manifest": manifest, "pages": pages,
                                             "languages": reported})
        self.store.save()


def _manifest_digest(previous: Previous) -> str:
    return digest_of(previous.format, previous.files, previous.inputs, previous.published)


def compact(value) -> str:
    """JSON without spaces, for digests and cache files."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
