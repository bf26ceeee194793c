"""The build stage: the gated site, published only in languages a doctor fully reviewed.

Each target language goes through the gate, which checks its catalogs and its
pages (:mod:`pipeline.gate`); the build renders what the gate let through and
finds no reason of its own to stop a language, so ``status`` and ``build``
always agree. The gate reads each article once and hands the build the
approved tokens of every page it checked, whose bodies are rendered there and
then. The site is rendered into a fresh folder beside the output and swapped in
whole, so a stopped language's old pages disappear with the old
folder. Pages whose inputs did not change are carried over by hard link
instead of being rendered again, and a build that would change nothing writes
nothing: when the inputs of the whole site are those of the last build and its
files are intact, not even the articles are read (:mod:`pipeline.site.state`).
A page's inputs are named by the digests the gate keeps of its catalogs, and
its translations come from what the gate learnt of them. The output folder
carries a marker: a folder without it is never replaced.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import json
import os
import shutil
import tempfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

from markdown_it.token import Token

from pipeline import interrupts
from pipeline.site.state import (MANIFEST, FileStats, LastBuild, Previous, compact,
                                 read_manifest, record_manifest, unchanged, world_key)
from pipeline.cache.digests import sha256 as sha
from pipeline.config import Config
from pipeline.errors import BuildError
from pipeline.fsutil import naming, umask
from pipeline.gate.rules import Blocker, reason_counts
from pipeline.gate.source import SourceVerdict, check_unchanged, source_verdict
from pipeline.gate.translated import translate
from pipeline.gate.verdict import ApprovedEntries, Verdict, evaluate_languages
from pipeline.locking import OWNER_FILE, abandoned, mark_owner
from pipeline.parallel import chunked, fork_map, jobs
from pipeline.site.formats import OutputFormat, output_format
from pipeline.site.pages import Chrome, Edition, Site
from pipeline.source.articles import (SITE_DOMAIN, Article, Document, domains, find_sources,
                                      parse_document, read_article, read_source_bytes, slug_for)

MARKER = ".pipeline-site"
MARKER_TEXT = ("This folder is made by 'pipeline build' and replaced whole on every build.\n"
               "Do not keep anything else in it.\n")


@dataclass(frozen=True)
class LanguageOutcome:
    """One language's outcome: published, or stopped with the entries that hold it back."""

    language: str
    published: bool
    is_source: bool = False
    blockers: tuple[Blocker, ...] = ()

    def reasons(self) -> dict[str, int]:
        return reason_counts(self.blockers)


@dataclass(frozen=True)
class BuildResult:
    out: Path
    format: str
    languages: tuple[LanguageOutcome, ...]
    pages: int
    rendered: int
    reused: int
    changed: bool

    @property
    def stopped(self) -> tuple[LanguageOutcome, ...]:
        return tuple(report for report in self.languages if not report.published)


@dataclass
class _Output:
    """One file of the site: its input key, and its bytes once rendered."""

    path: str
    key: str
    content_key: str | None = None
    data: bytes | None = None
    reuse_from: Path | None = None
    reused_sha: str | None = None
    render: tuple[Edition, Article] | None = None


def build(config: Config, out: Path | None = None, fmt: str = "html",
          allow_empty: bool = False) -> BuildResult:
    """Gate every language, render the published ones in format ``fmt`` and swap them into ``out``.

    With no source article left, a build that would remove the pages ``out`` holds
    is refused unless ``allow_empty``: vanished sources are more often a mistake
    (a wrong checkout, a moved folder) than the end of the site.
    """
    output = output_format(fmt)
    out = Path(out) if out is not None else config.output_dir
    check_output_folder(out)
    site = Site(config)
    last = LastBuild(config, out, fmt, world_key(config, site, fmt, out))
    known = last.result()
    if known is not None:
        reported, pages = known
        return BuildResult(out, fmt, tuple(LanguageOutcome(*item) for item in reported), pages, 0,
                           pages, changed=False)
    paths = find_sources(config.source_dir)
    if not paths and not allow_empty and _has_article_pages(out):
        raise BuildError(f"there is no article left in {config.relative(config.source_dir)}/, and "
                         f"building would remove every article page of {config.relative(out)}/: "
                         "pass --allow-empty if that is meant", config.source_dir)
    signed = source_verdict(config)
    sources = _published_sources(signed, paths)
    previous = read_manifest(config, out)

    source = Edition(config.source_language, Chrome(config.source_language, None), None, {},
                     {slug: approval for slug in sources
                      if (approval := signed.signature(slug)) is not None})
    visitor = _Bodies(output)
    verdicts = _gate(config, visitor, signed)
    # The editions of the languages whose catalogs are clear name every page's inputs; the
    # gate's page checks, run on first asking whether a language is publishable, render
    # the bodies of the pages whose inputs the output folder lacks.
    candidates = [_edition(verdict) for verdict in verdicts
                  if all(domain.clear for domain in verdict.domains)]
    content_keys = _content_keys(site, fmt, config, (source, *candidates), sources)
    visitor.wanted = set(content_keys.values()) - (
        {entry.get("content") for entry in previous.files.values()} if previous.format == fmt
        else set())
    visitor.content_keys = content_keys
    reports = {config.source_language: LanguageOutcome(config.source_language, True, True,
                                                       signed.blockers)}
    for verdict in verdicts:
        reports[verdict.language] = LanguageOutcome(verdict.language, verdict.publishable,
                                                    blockers=verdict.blockers)
    editions = [source, *(edition for edition in candidates if reports[edition.language].published)]
    ordered = _ordered(config, reports)
    inputs = _inputs_key(site, fmt, config, sources, editions[1:], content_keys)
    if unchanged(previous, fmt, inputs, [e.language for e in editions[1:]], FileStats(config, out)):
        pages = sum(1 for item in previous.files.values() if item.get("content"))
        return _kept(last, BuildResult(out, fmt, ordered, pages, 0, pages, changed=False))

    articles = [article for article in _articles(config, visitor.articles) if article.slug in sources]
    outputs = _plan(site, config, editions, articles, content_keys, output)
    reusable = _mark_reusable(outputs, previous, FileStats(config, out))
    rendered = sum(1 for o in outputs if o.render is not None and o.reuse_from is None)
    pages = sum(1 for o in outputs if o.render is not None)
    published = [edition.language for edition in editions]
    if (previous.format == fmt and reusable and set(previous.files) == {o.path for o in outputs}
            and previous.inputs == inputs and previous.published == published):
        return _kept(last, BuildResult(out, fmt, ordered, pages, 0, pages, changed=False))
    renderer = _PageRenderer(site, config, editions, output, visitor.bodies)
    with naming(out), visitor.bodies:  # a page that cannot be written (disk full) names the folder
        manifest = _write_site(out, outputs, fmt, renderer, {"inputs": inputs, "published": published})
    record_manifest(config, out, {"format": fmt, "files": manifest, "inputs": inputs,
                                  "published": published})
    return _kept(last, BuildResult(out, fmt, ordered, pages, rendered, pages - rendered,
                                   changed=True))


def _kept(last: LastBuild, result: BuildResult) -> BuildResult:
    last.keep([(r.language, r.published, r.is_source, r.blockers) for r in result.languages],
              result.pages)
    return result


def _ordered(config: Config, reports: dict[str, LanguageOutcome]) -> tuple[LanguageOutcome, ...]:
    return tuple(reports[lang] for lang in (config.source_language, *config.languages))


def _has_article_pages(out: Path) -> bool:
    """Whether an output the pipeline made holds article pages (of either format), on disk."""
    return (out / MARKER).is_file() and (next(out.glob("*/*/index.html"), None) is not None
                                         or next(out.glob("*/*.md"), None) is not None)


def check_output_folder(out: Path) -> None:
    """Refuse an output that is a file, or a non-empty folder the pipeline did not make."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise BuildError("the output must be a folder (not a file or a link)", out)
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise BuildError(f"is not empty and was not made by 'pipeline build' (no {MARKER} in it); "
                         "the build replaces its output folder whole, so choose another --out "
                         "or empty this one", out)


# ---------------------------------------------------------------- languages


def _gate(config: Config, visitor: _Bodies, source: SourceVerdict) -> list[Verdict]:
    """The gate's verdict on every target language; the visitor sees each article it reads."""
    return evaluate_languages(config, config.languages, domains(config), visitor, source)


def _published_sources(signed: SourceVerdict, paths: list[Path]) -> dict[str, str]:
    """Slug → digest of the bytes, of every article the source publishes (drafts left out)."""
    sources = {}
    for path in paths:
        slug = slug_for(path)
        if signed.publishes(slug):
            sources[slug] = sha(read_source_bytes(path))
            check_unchanged(signed, slug, sources[slug], path)
    return sources


def _edition(verdict: Verdict) -> Edition:
    entries, approvals, chrome = {}, {}, None
    for domain in verdict.domains:
        approved = domain.approved_entries()
        if domain.domain == SITE_DOMAIN:
            chrome = Chrome(verdict.language, approved,
                            domain.facts.plural_forms if domain.facts else "")
            chrome_sha = domain.facts.sha if domain.facts else ""
        else:
            entries[domain.domain] = approved
            approvals[domain.domain] = domain.approval_list()
    if chrome is None:  # the gate always covers the site domain; this is a programming error
        raise BuildError(f"no '{SITE_DOMAIN}' catalog was evaluated for {verdict.language}")
    return _Edition(verdict.language, chrome, entries, approvals, chrome_sha=chrome_sha)


@dataclass(frozen=True)
class _Edition(Edition):
    """A published language, with the digest of its site catalog (part of every page's inputs)."""

    chrome_sha: str = ""


class _Bodies:
    """Sees each article the gate reads: keeps it, and renders the pages the output lacks.

    The gate parses an article once and hands over the approved tokens of every
    page of it that passed; rendering their bodies there means no article is
    parsed again to render it. The bodies wait for their pages in a spool.
    """

    def __init__(self, output: OutputFormat):
        self.output = output
        self.content_keys: dict[tuple[str, str], str] = {}
        self.wanted: set[str] = set()  # content keys of the pages to render
        self.articles: dict[str, Article] = {}
        self.bodies = _Spool()

    def wants(self, language: str, slug: str) -> bool:
        return self.content_keys.get((language, slug)) in self.wanted

    def visit(self, article: Article, document: Document, pages: dict[str, list[Token]]
              ) -> tuple[Article, dict[tuple[str, str], bytes]]:
        return _shown(article), {(language, article.slug): _pack(self.output.body(tokens, document.env))
                         for language, tokens in pages.items()}

    def collect(self, result: object) -> None:
        article, bodies = cast(tuple[Article, dict[tuple[str, str], bytes]], result)
        self.articles[article.slug] = article
        for key, packed in bodies.items():
            self.bodies.put(key, packed)


def _shown(article: Article) -> Article:
    """What the pages show of an article: its slug and front matter, not its text, which is
    rendered from the parse (a big site's articles would not fit in memory together otherwise)."""
    return replace(article, units=(), body="")


class _Spool:
    """Page bodies waiting for their pages, compressed, in an unnamed temporary file: a big
    site's would not fit in memory together otherwise. Forked workers read it as well."""

    def __init__(self) -> None:
        # Unbuffered: nothing is left unwritten for a fork; closed on leaving the build's with.
        self._file = tempfile.TemporaryFile(buffering=0)  # noqa: SIM115
        self._places: dict[tuple[str, str], tuple[int, int]] = {}
        self._end = 0

    def put(self, key: tuple[str, str], packed: bytes) -> None:
        if os.pwrite(self._file.fileno(), packed, self._end) != len(packed):  # a full disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._places[key] = (self._end, len(packed))
        self._end += len(packed)

    def take(self, key: tuple[str, str]) -> str | None:
        """The body of a page, once (None when it was not spooled)."""
        place = self._places.pop(key, None)
        if place is None:
            return None
        offset, length = place
        return _unpack(os.pread(self._file.fileno(), length, offset))

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


def _pack(body: str) -> bytes:
    return zlib.compress(body.encode("utf-8"), 1)  # the fastest level: HTML shrinks 4 to 8 times


def _unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


# Reading articles is spread over every core from this many on.
_PARALLEL_ARTICLES = 32
_ARTICLES_PER_CHUNK = 20


def _articles(config: Config, known: dict[str, Article]) -> list[Article]:
    """Every article, in source order: those the gate read, and the others read now."""
    paths = [path for path in find_sources(config.source_dir) if slug_for(path) not in known]
    workers = jobs() if len(paths) >= _PARALLEL_ARTICLES else 1
    for read in fork_map(_read_articles, chunked(paths, _ARTICLES_PER_CHUNK), config, workers):
        known.update((article.slug, article) for article in read)
    return [known[slug_for(path)] for path in find_sources(config.source_dir)]


def _read_articles(config: Config, paths: list[Path]) -> list[Article]:
    return [_shown(read_article(path, config.relative(path))) for path in paths]


# ---------------------------------------------------------------- pages


def _plan(site: Site, config: Config, editions: list[Edition], articles: list[Article],
          content_keys: dict, output: OutputFormat) -> list[_Output]:
    """Every file of the site with its input key; small files are rendered right away."""
    published = "|".join(edition.tag for edition in editions)
    outputs = []
    for article in articles:
        for edition in editions:
            content = content_keys[(edition.language, article.slug)]
            outputs.append(_Output(output.page_path(edition.tag, article.slug),
                                   sha(f"{content}|{published}".encode()), content,
                                   render=(edition, article)))
    small = output.extra_files(site, config, editions, articles)
    outputs.extend(_Output(path, sha(data), data=data) for path, data in sorted(small.items()))
    return outputs


def _mark_reusable(outputs: list[_Output], previous: Previous, stats: FileStats) -> bool:
    """Point unchanged files at their previous copy; whether every file is unchanged."""
    all_unchanged = True
    for output in outputs:
        old = previous.files.get(output.path)
        if old and old.get("key") == output.key and stats.intact(output.path, old.get("sha256")):
            output.reuse_from, output.reused_sha = stats.out / output.path, old["sha256"]
        else:
            all_unchanged = False
    return all_unchanged


# Pages are rendered on every core from this many on.
_PARALLEL_PAGES = 64
_PAGES_PER_CHUNK = 100


def _write_site(out: Path, outputs: list[_Output], fmt: str, renderer: _PageRenderer,
                extra: dict) -> dict[str, dict]:
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    staging = _own_folder(out, "new")
    try:
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        pages = [output for output in outputs
                 if output.reuse_from is None and output.data is None]
        workers = jobs() if len(pages) >= _PARALLEL_PAGES else 1
        rendered: dict[str, str] = {}
        for digests in fork_map(_render_pages, chunked(range(len(pages)), _PAGES_PER_CHUNK),
                                (staging, pages, renderer), workers):
            rendered.update(digests)
        manifest = {}
        for output in outputs:
            target = staging / output.path
            if output.reuse_from is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(output.reuse_from, target)
                digest = output.reused_sha
            elif output.data is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(output.data)
                digest = sha(output.data)
            else:
                digest = rendered[output.path]
            manifest[output.path] = {"key": output.key, "content": output.content_key,
                                     "sha256": digest}
        (staging / MANIFEST).write_text(json.dumps({"format": fmt, "files": manifest, **extra},
                                                   indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.chmod(staging, 0o777 & ~umask())
        os.unlink(staging / OWNER_FILE)  # not part of the site; the folder's name still says whose
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _render_pages(state: tuple, indices: range) -> dict[str, str]:
    """Render some pages into the staging folder (on a worker when there are many); their digests."""
    staging, pages, renderer = state
    digests = {}
    for index in indices:
        output = pages[index]
        target = staging / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = renderer.render(*output.render)
        target.write_bytes(data)
        digests[output.path] = sha(data)
    return digests


class _PageRenderer:
    """Renders article pages in source order, parsing each source article once for all languages."""

    def __init__(self, site: Site, config: Config, editions: list[Edition], output: OutputFormat,
                 bodies: _Spool):
        self.site, self.config, self.editions, self.output = site, config, editions, output
        self.bodies = bodies
        self._slug: str | None = None
        self._document: Document | None = None

    def render(self, edition: Edition, article: Article) -> bytes:
        body = self.bodies.take((edition.language, article.slug))
        if body is None:
            body = self._body(edition, article)
        return self.output.page(self.site, self.config, edition, self.editions, article, body)

    def _body(self, edition: Edition, article: Article) -> str:
        if self._document is None or self._slug != article.slug:
            self._slug, self._document = article.slug, _parse(self.config, article)
        document = self._document
        tokens = list(document.tokens)
        if not edition.is_source:
            tokens, problems = translate(document, edition.lookup(article.slug))
            if problems:  # the gate stops such a language before anything is rendered
                raise BuildError(f"{edition.language}: {problems[0].reason}: {problems[0].msgid!r}",
                                 article.path, problems[0].line)
        return self.output.body(tokens, document.env)


@interrupts.whole  # stopped between its renames, it would leave no output folder at all
def _swap(staging: Path, out: Path) -> None:
    """Put the new folder in place of the old one; the old one is removed only if it is ours."""
    if not out.exists():
        os.rename(staging, out)
        return
    retired = _own_folder(out, "old")
    shutil.rmtree(retired)
    os.rename(out, retired)
    os.rename(staging, out)
    if (retired / MARKER).is_file():
        shutil.rmtree(retired)
    else:
        os.rmdir(retired)  # it was empty: check_output_folder refused anything else


def _own_folder(out: Path, kind: str) -> Path:
    """A folder beside the output for this run only: its name and its owner marker say whose."""
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.pipeline-{kind}-{os.getpid()}-",
                                   dir=out.parent))
    try:
        mark_owner(folder)
    except BaseException:  # a full disk: leave nothing behind
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _remove_leftovers(out: Path) -> None:
    """Folders an interrupted build left beside the output: only those carrying our marker
    whose run is provably gone (another build's folder is its own to remove)."""
    for path in out.parent.glob(f".{glob.escape(out.name)}.pipeline-*"):
        if path.is_dir() and not path.is_symlink() and (path / MARKER).is_file() \
                and abandoned(path):
            shutil.rmtree(path)


# ---------------------------------------------------------------- inputs


def _content_keys(site: Site, fmt: str, config: Config, editions: tuple[Edition, ...],
                  sources: dict[str, str]) -> dict[tuple[str, str], str]:
    """(language, slug) → a digest of everything the page's bytes depend on, except which
    languages are published.

    A translated page depends on its catalog (named by the digest of its bytes,
    which the gate judged), on who approved it and when (the byline), and on
    the site catalog of its language; every page on who signed its source and when.
    """
    keys = {}
    for edition in editions:
        common = [site.digest, fmt, config.base_url, config.site_name, config.source_language,
                  edition.language, getattr(edition, "chrome_sha", "source")]
        prefix = hashlib.sha256(compact(common).encode("utf-8"))
        for slug, source_sha in sources.items():
            catalog: str = "source"
            reviewers: object = "source"
            if not edition.is_source and edition.entries is not None:
                entries = edition.entries.get(slug)
                domain = entries.domain if isinstance(entries, ApprovedEntries) else None
                catalog = domain.facts.sha if domain is not None and domain.facts else ""
                names, day = edition.reviewers(slug)
                reviewers = [names, day.isoformat() if day else None]
            page = prefix.copy()
            page.update(compact([slug, source_sha, catalog, reviewers,
                                 _signed_by(editions[0], slug)]).encode("utf-8"))
            keys[(edition.language, slug)] = page.hexdigest()
    return keys


def _signed_by(source: Edition, slug: str) -> list[str] | None:
    signature = source.signatures.get(slug)
    return None if signature is None else [signature.name, signature.time.isoformat()]


def _inputs_key(site: Site, fmt: str, config: Config, sources: dict[str, str],
                candidates: list[Edition], content_keys: dict[tuple[str, str], str]) -> str:
    """A digest of every page's inputs and of which languages may be published: the whole site."""
    payload = [site.digest, fmt, config.base_url, config.site_name, config.source_language,
               sorted(sources.items())]
    for edition in candidates:
        payload.append([edition.language, [content_keys[(edition.language, slug)]
                                           for slug in sorted(sources)]])
    return sha(compact(payload).encode("utf-8"))


def _parse(config: Config, article: Article) -> Document:
    return parse_document(_source_path(config, article).read_text(encoding="utf-8")
                          .removeprefix("\ufeff").replace("\r\n", "\n"))


def _source_path(config: Config, article: Article) -> Path:
    return config.source_dir / f"{article.slug}.md"


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


