"""The pull stage: source articles → templates (``.pot``) → per-language catalogs (``.po``).

Everything is read and checked before anything is written, so a bad source,
catalog or config leaves every file as it was. A file whose content did not
change is not touched (bytes and mtime stay), so ``pull`` twice is a no-op.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path
from functools import partial
from collections.abc import Callable

from pipeline.catalogs.model import (Catalog, Entry, catalog_header_fields, format_header,
                              parse_header, plural_count, po_date, template_header_fields)
from pipeline.source.templates import SITE_DOMAIN, site_template, template_files
from pipeline.config import Config
from pipeline import interrupts
from pipeline.errors import PipelineError, SourceError, stopped
from pipeline.fsutil import Staging, read_if_exists, stage_files
from pipeline.catalogs.cache import CatalogCache
from pipeline.catalogs.merge import merge
from pipeline.parallel import chunked, fork_map, jobs
from pipeline.rename import Orphan, find_orphans
from pipeline.catalogs.pofile import LayoutKey, format_po, laid_out_entries, parse_po_bytes
from pipeline.cache import Store, digest_of, sha256, shared_store
from pipeline.source.articles import Article, find_sources, read_article, slug_for

STATE_KIND = "pull"
NOTHING_CHANGED = "pull changed no file (it puts its files in place only at the end)"
_CREATION_DATE_RE = re.compile(r'^"POT-Creation-Date: (.*)\\n"$', re.M)


@dataclass(frozen=True)
class PullResult:
    articles: int
    templates: int
    catalogs: int
    written: tuple[str, ...] = ()
    orphans: tuple[Orphan, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Planned:
    path: Path
    text: str


# Below this many changed articles, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64


def pull(config: Config, now: datetime | None = None) -> PullResult:
    """Bring every source article into its template and its catalogs.

    Stopped (Ctrl-C) while planning, it changes nothing; once the new files
    are staged, they are all put in place before it stops.
    """
    stamp = po_date(now or datetime.now(UTC))
    state = PullState.load(config)
    sources = find_sources(config.source_dir)
    try:
        staged, planned, fingerprints = _plan(sources, config, state, stamp)
    except KeyboardInterrupt as stop:
        raise stopped(stop, NOTHING_CHANGED) from None
    appeared = [domain for domain in planned if not config.template_path(domain).exists()]
    with interrupts.guard(), interrupts.shielded():
        staged.commit()
    for domain, outputs in planned.items():
        state.record(domain, fingerprints[domain], outputs)
    orphans = find_orphans(config, list(fingerprints), appeared, CatalogCache(state.store))
    state.store.save()
    return PullResult(
        articles=len(sources),
        templates=len(sources) + 1,
        catalogs=(len(sources) + 1) * len(config.languages),
        written=tuple(config.relative(path) for path in staged.targets),
        orphans=tuple(orphans),
    )


def _plan(sources: list[Path], config: Config, state: PullState, stamp: str
          ) -> tuple[Staging, _Outputs, dict[str, str]]:
    """Stage the new files of every changed domain; their planned digests; every fingerprint."""
    fingerprints: dict[str, str] = {}
    changed: list[Path] = []
    for path in sources:
        slug = _slug(path)
        fingerprints[slug] = state.fingerprint(path.read_bytes())
        if not state.unchanged(slug, fingerprints[slug], _outputs(config, slug)):
            changed.append(path)
    staged, planned = _stage_articles(changed, config, stamp, state.settings)
    try:
        fingerprints[SITE_DOMAIN] = state.fingerprint(_chrome_inputs(config))
        if not state.unchanged(SITE_DOMAIN, fingerprints[SITE_DOMAIN],
                               _outputs(config, SITE_DOMAIN)):
            plans = _plan_domain(SITE_DOMAIN, lambda created: site_template(config, created),
                                 config, stamp, state)
            staged += _stage(plans)
            planned[SITE_DOMAIN] = _digests(plans)
    except BaseException:
        staged.discard()
        raise
    return staged, planned, fingerprints


# Per domain: each file a pull planned for it, and the digest of its planned content.
_Outputs = dict[str, dict[Path, str]]


def _stage_articles(paths: list[Path], config: Config, stamp: str, settings: str
                    ) -> tuple[Staging, _Outputs]:
    """New versions of these articles' files, written beside the old ones but not yet in place.

    Many articles are planned on worker processes. Nothing replaces a file
    until everything is planned, so an error in any article (raised in source
    order, whichever process met it) leaves every file as it was.
    """
    workers = jobs() if len(paths) >= PARALLEL_THRESHOLD else 1
    outcomes = fork_map(_stage_article_files, chunked(paths, -(-len(paths) // (workers * 4)) or 1),
                        (config, stamp, settings), workers)
    staged, planned = Staging(), {}
    for part, outputs, _ in outcomes:
        staged += part
        planned.update(outputs)
    errors = [error for _, _, error in outcomes if error is not None]
    if errors:
        staged.discard()
        raise errors[0]
    return staged, planned


def _stage_article_files(settings: tuple[Config, str, str], paths: list[Path]
                         ) -> tuple[Staging, _Outputs, PipelineError | None]:
    """Stage one chunk of articles; an error comes back with nothing left staged for the chunk."""
    config, stamp, configuration = settings
    state = PullState(shared_store(config.cache_dir), configuration)
    staged, planned = Staging(), {}
    try:
        for path in paths:
            article = read_article(path, config.relative(path))
            plans = _plan_domain(article.slug, partial(article_template, article, config),
                                 config, stamp, state)
            staged += _stage(plans)
            planned[article.slug] = _digests(plans)
    except PipelineError as error:
        staged.discard()
        return Staging(), {}, error
    except BaseException:
        staged.discard()
        raise
    return staged, planned, None


def _stage(plans: list[_Planned]) -> Staging:
    """Stage the planned files whose content differs from what is on disk."""
    return stage_files({plan.path: plan.text for plan in plans if _read(plan.path) != plan.text})


def _digests(plans: list[_Planned]) -> dict[Path, str]:
    return {plan.path: sha256(plan.text.encode("utf-8")) for plan in plans}


def article_template(article: Article, config: Config, created: str) -> Catalog:
    """The template of one article: one message per distinct unit text, in source order."""
    by_text: dict[str, Entry] = {}
    for unit in article.units:
        reference = f"{article.path.as_posix()}:{unit.line}"
        kind = f"type: {unit.kind}"
        known = by_text.get(unit.text)
        if known is None:
            by_text[unit.text] = Entry(msgid=unit.text, extracted=(kind,), references=(reference,))
        else:
            extracted = known.extracted if kind in known.extracted else (*known.extracted, kind)
            by_text[unit.text] = known.replace(extracted=extracted,
                                               references=(*known.references, reference))
    header = Entry(msgid="", msgstrs=(format_header(template_header_fields(
        _project_id(config, article.slug), created)),),
        comments=(f"Template for the article '{article.slug}' of {config.site_name}.",
                  "This file is generated by 'pipeline pull': do not edit it by hand."),
        flags=("fuzzy",))
    return Catalog(header=header, entries=list(by_text.values()))


def _plan_domain(domain: str, make_template: Callable[[str], Catalog], config: Config,
                 stamp: str, state: PullState) -> list[_Planned]:
    """The template of one domain and its catalogs; the creation date moves only with content."""
    template_path = config.template_path(domain)
    existing = _read(template_path)
    laid_out = state.laid_out(domain, _outputs(config, domain), existing)
    cache = CatalogCache(state.store)
    template, text = None, ""
    layout = _template_layout(template_path, existing, laid_out)
    if existing is not None:
        # Keep the old creation date when nothing else in the template changed.
        kept = make_template(_creation_date(existing) or stamp)
        kept_text = format_po(kept, layout)
        if kept_text == existing:
            template, text = kept, existing
        else:  # the same entries under a new date: laid out once
            layout = laid_out_entries(kept_text, kept)
    if template is None:
        template = make_template(stamp)
        text = format_po(template, layout)
    created = template.header_field("POT-Creation-Date")
    plans = [_Planned(template_path, text)]
    for language in config.languages:
        plans.append(_plan_catalog(domain, language, template, created, config, stamp, cache,
                                   laid_out))
    return plans


def _template_layout(path: Path, text: str | None, laid_out: dict[Path, str]
                     ) -> dict[LayoutKey, str]:
    """The lines of each entry of a template still as a pull wrote it, to reuse."""
    if text is None or path not in laid_out:
        return {}
    data = text.encode("utf-8")
    if sha256(data) != laid_out[path]:
        return {}
    return laid_out_entries(text, parse_po_bytes(data, path))


def _creation_date(template_text: str) -> str | None:
    match = _CREATION_DATE_RE.search(template_text)
    return match.group(1) if match else None


def _slug(path: Path) -> str:
    slug = slug_for(path)
    if slug == SITE_DOMAIN:
        raise SourceError(f"the name '{SITE_DOMAIN}' is reserved for the catalog of the "
                          "page templates: rename the article", path)
    return slug


def _outputs(config: Config, domain: str) -> list[Path]:
    return [config.template_path(domain),
            *(config.catalog_path(language, domain) for language in config.languages)]


def _chrome_inputs(config: Config) -> bytes:
    """Everything the site template is made from: the site name and the template files."""
    parts = [config.site_name.encode("utf-8")]
    for name, (path, shown) in template_files(config).items():
        parts += [name.encode("utf-8"), shown.encode("utf-8"), path.read_bytes()]
    return b"\0".join(parts)


def _plan_catalog(slug: str, language: str, template: Catalog, created: str,
                  config: Config, stamp: str, cache: CatalogCache,
                  laid_out: dict[Path, str]) -> _Planned:
    path = config.catalog_path(language, slug)
    old, layout = _old_catalog(path, cache, laid_out.get(path))
    header = _catalog_header(old, slug, language, created, config, stamp)
    nplurals = plural_count(parse_header(header.msgstr).get("Plural-Forms", ""), default=2)
    merged = merge(old, template, header, nplurals)
    return _Planned(path, format_po(merged, layout))


def _old_catalog(path: Path, cache: CatalogCache, laid_out: str | None
                 ) -> tuple[Catalog | None, dict[LayoutKey, str]]:
    """The catalog at ``path`` (None when there is none), and its entries' lines to reuse.

    Lines are reused only from a file that is still exactly what a pull wrote
    (``laid_out``: the SHA-256 of those bytes): only then are they format_po's.
    """
    if laid_out is None:
        return (cache.read(path) if path.exists() else None), {}
    data = read_if_exists(path)
    if data is None or sha256(data) != laid_out:
        return (cache.read(path) if data is not None else None), {}
    old = cache.parsed(data, laid_out, path)
    return old, laid_out_entries(data.decode("utf-8"), old)


def _catalog_header(old: Catalog | None, slug: str, language: str, created: str,
                    config: Config, stamp: str) -> Entry:
    fresh = catalog_header_fields(_project_id(config, slug), language, created, stamp)
    if old is None or not old.header.msgstr:
        what = "the site chrome" if slug == SITE_DOMAIN else f"the article '{slug}'"
        return Entry(msgid="", msgstrs=(format_header(fresh),),
                     comments=(f"{fresh['Language-Team']} translation of {what} "
                               f"of {config.site_name}.",))
    fields = old.header_fields()
    fields["POT-Creation-Date"] = created
    for name, value in fresh.items():
        fields.setdefault(name, value)
    return old.header.replace(msgstrs=(format_header(fields),),
                              flags=tuple(f for f in old.header.flags if f != "fuzzy"))


def _project_id(config: Config, slug: str) -> str:
    return f"{config.site_name} / {slug}"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


# ---------------------------------------------------------------- what the last pull left


class PullState:
    """What the last pull left, so a pull with nothing changed reads almost nothing.

    For each domain the store keeps, under a digest of its template's bytes and
    of the configuration, the digest of its inputs (the source article, or the
    page templates) and of every file the pull wrote or confirmed for them. When
    the inputs and the files are still those (the file index tells without
    reading them), merging again could only reproduce the same bytes, so the
    domain is skipped without parsing anything. Once the inputs change, the
    files whose bytes are still those the pull wrote hold format_po's own
    layout, which the next pull reuses (:meth:`laid_out`). The code identity is
    part of every address in the store, so a changed module or library makes
    every domain new.
    """

    def __init__(self, store: Store, settings: str):
        self.store = store
        self.settings = settings

    @classmethod
    def load(cls, config: Config) -> PullState:
        return cls(shared_store(config.cache_dir), _settings(config))

    def fingerprint(self, data: bytes) -> str:
        return sha256(data)

    def unchanged(self, domain: str, fingerprint: str, outputs: list[Path]) -> bool:
        kept = self._kept(domain, self.store.index.digest(outputs[0]), outputs)
        return (kept is not None and kept["source"] == fingerprint
                and kept["files"] == [self.store.index.digest(path) for path in outputs])

    def record(self, domain: str, fingerprint: str, outputs: dict[Path, str]) -> None:
        """Keep the digests of the inputs and of the files a pull left for them (path → digest)."""
        paths, digests = list(outputs), list(outputs.values())
        self.store.put_json(STATE_KIND, self._key(domain, digests[0], paths),
                            {"source": fingerprint, "files": digests})

    def laid_out(self, domain: str, outputs: list[Path], template: str | None) -> dict[Path, str]:
        """The files of a domain as the pull that wrote ``template`` (its text) left them.

        Path → the SHA-256 of the bytes that pull wrote (the template first among
        ``outputs``); a file whose bytes still have it holds format_po's own layout.
        """
        if template is None:
            return {}
        kept = self._kept(domain, sha256(template.encode("utf-8")), outputs)
        return {} if kept is None else dict(zip(outputs, kept["files"]))

    def _kept(self, domain: str, template: str | None, outputs: list[Path]) -> dict | None:
        """What the pull that left this template (its digest) recorded, if it verifies."""
        if template is None:
            return None
        kept = self.store.get_json(STATE_KIND, self._key(domain, template, outputs))
        if not isinstance(kept, dict):
            return None
        valid = (isinstance(kept.get("source"), str) and isinstance(kept.get("files"), list)
                 and len(kept["files"]) == len(outputs))
        return kept if valid else None

    def _key(self, domain: str, template: str, outputs: list[Path]) -> str:
        return digest_of(self.settings, domain, template, [str(path) for path in outputs])


def _settings(config: Config) -> str:
    """What, besides the inputs and the code, shapes the output: the project's configuration."""
    try:
        settings = config.path.read_bytes() if config.path else b""
    except OSError:
        settings = b""
    return sha256(settings)
