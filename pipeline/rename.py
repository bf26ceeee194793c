"""Renaming an article: ``pipeline mv OLD NEW``, and the renames ``pull`` recognises.

:func:`move_article` moves the source article, its template and its catalog in
every target language in one step: every new file is written beside its target
first, then all are renamed into place and the old files removed; on any failure
(or Ctrl-C) what was done is undone, so either everything moved or nothing did.
What names the old slug inside the files is rewritten (references
``source/OLD.md:N``, the ``Project-Id-Version``'s ``/ OLD``, the header comments
naming the article), so a ``pull`` right after changes nothing a pull would not
have changed anyway.

It also completes a rename already made in the source folder (``git mv``, then
``pull``, which made new, empty catalogs for NEW): when ``source/OLD.md`` is gone
and ``source/NEW.md`` exists, the old template and catalogs replace NEW's, as
long as NEW's hold no translation.

The ledgers are not touched (they are signed and append-only). Approvals keep
counting because an entry digest never names the catalog. Each moved catalog
gets the header comment ``# renamed from OLD``
(:data:`~pipeline.signoff.verify.RENAMED_FROM`), so the entry ids the old
statements name (which include the domain) are still recognised: a translation
edited after the rename is *changed since approval*, not *waiting*.
"""

from __future__ import annotations

import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from pipeline import interrupts
from pipeline.catalogs.cache import CatalogCache
from pipeline.catalogs.model import Catalog, Entry
from pipeline.catalogs.pofile import format_po, parse_po_bytes
from pipeline.config import Config
from pipeline.errors import CatalogError, PipelineError, SourceError, UsageError
from pipeline.fsutil import Staging, read_if_exists, stage_files, target_of, temporary_name
from pipeline.signoff.verify import RENAMED_FROM, former_domains
from pipeline.source.articles import ARTICLE_SUFFIX, SITE_DOMAIN, SLUG_RE, orphan_domains

# pull suggests 'pipeline mv OLD NEW' when at least this share of both the orphaned
# template's strings and the new article's strings are the same (msgctxt, msgid).
MATCH_SHARE = 0.8

NOTHING_MOVED = "nothing moved"


@dataclass(frozen=True)
class Moved:
    """What ``pipeline mv`` did: each file moved, as (from, to) relative to the project."""

    old: str
    new: str
    files: tuple[tuple[str, str], ...]
    replaced: tuple[str, ...] = ()  # the empty files pull had made for NEW, now the old ones


@dataclass(frozen=True)
class _Move:
    source: Path
    target: Path
    after: bytes  # what the target gets
    replaced: bytes | None = None  # the target's bytes before (an empty catalog of NEW)


def move_article(config: Config, old: str, new: str) -> Moved:
    """Rename the article ``old`` to ``new`` with its template and catalogs; see the module."""
    _check_names(old, new)
    try:
        moves = _plan(config, old, new)
    except OSError as exc:
        raise PipelineError(f"cannot read: {exc.strerror or exc}; {NOTHING_MOVED}",
                            exc.filename) from None
    _apply(moves)
    return Moved(old, new, tuple((config.relative(move.source), config.relative(move.target))
                                 for move in moves),
                 tuple(config.relative(move.target) for move in moves if move.replaced is not None))


def _check_names(old: str, new: str) -> None:
    for name in (old, new):
        if not SLUG_RE.match(name):
            raise UsageError(f"'{name}' is not a valid article name: use lowercase ASCII letters, "
                             f"digits and single hyphens (e.g. 'mikro-igneleme-nedir'); "
                             f"{NOTHING_MOVED}")
        if name == SITE_DOMAIN:
            raise UsageError(f"the name '{SITE_DOMAIN}' is reserved for the catalog of the page "
                             f"templates; {NOTHING_MOVED}")
    if old == new:
        raise UsageError(f"'{old}' and '{new}' are the same name; {NOTHING_MOVED}")


def _plan(config: Config, old: str, new: str) -> list[_Move]:
    """Every file to move, read and rewritten, and every refusal, before anything is written.

    An OSError goes on to :func:`move_article`, which names the file.
    """
    old_source = config.inside(config.source_dir / f"{old}{ARTICLE_SUFFIX}", "source article",
                               config.source_dir)
    new_source = config.inside(config.source_dir / f"{new}{ARTICLE_SUFFIX}", "source article",
                               config.source_dir)
    moving_source = os.path.lexists(old_source)
    if moving_source and os.path.lexists(new_source):
        raise SourceError(f"already exists: 'pipeline mv' never replaces an article; "
                          f"{NOTHING_MOVED}", new_source)
    if not moving_source and not os.path.lexists(new_source):
        raise SourceError(f"no such article; {NOTHING_MOVED}", old_source)
    moves: list[_Move] = []
    if moving_source:
        moves.append(_Move(old_source, new_source, old_source.read_bytes()))
    rewrite = _Rewrite(old, new, config.relative(old_source), config.relative(new_source))
    pairs = [(config.template_path(old), config.template_path(new), False)]
    pairs += [(config.catalog_path(language, old), config.catalog_path(language, new), True)
              for language in config.languages]
    for path, target, record in pairs:
        existing = read_if_exists(target)
        if existing is not None and moving_source:
            raise CatalogError(f"already exists (left by an earlier article '{new}'?): remove it "
                               f"or choose another name; {NOTHING_MOVED}", target)
        before = read_if_exists(path)
        if before is None:
            continue
        if existing is not None and (count := translations(parse_po_bytes(existing, target))):
            raise CatalogError(f"already holds {count} translated string(s): 'pipeline mv' only "
                               f"replaces the empty catalogs pull made for a renamed article; "
                               f"{NOTHING_MOVED}", target)
        after = format_po(rewrite.catalog(parse_po_bytes(before, path), record))
        moves.append(_Move(path, target, after.encode("utf-8"), existing))
    if not moving_source and len(moves) == 0:
        raise SourceError(f"no such article, and no catalogs of '{old}' to move; {NOTHING_MOVED}",
                          old_source)
    return moves


def translations(catalog: Catalog) -> int:
    """Entries with any form filled in, fuzzy and obsolete ones included: work someone did."""
    return sum(1 for entry in catalog.entries if any(entry.msgstrs))


@dataclass(frozen=True)
class _Rewrite:
    """What names the old slug inside a template or catalog, and its new wording."""

    old: str
    new: str
    old_reference: str  # source/OLD.md, as references write it
    new_reference: str

    def catalog(self, catalog: Catalog, record: bool) -> Catalog:
        """The catalog under its new name; ``record``: add the ``renamed from OLD`` comment."""
        entries = [self._entry(entry) for entry in catalog.entries]
        return Catalog(header=self._header(catalog.header, record), entries=entries)

    def _header(self, header: Entry, record: bool) -> Entry:
        named, renamed = f"the article '{self.old}'", f"the article '{self.new}'"
        comments = tuple(comment.replace(named, renamed) for comment in header.comments)
        if record:
            earlier = [name for name in former_domains(header) if name not in (self.old, self.new)]
            comments = tuple(comment for comment in comments if not comment.startswith(RENAMED_FROM))
            comments += tuple(RENAMED_FROM + name for name in (*earlier, self.old))
        lines = [self._project_id(line) for line in header.msgstr.split("\n")]
        return header.replace(comments=comments, msgstrs=("\n".join(lines), *header.msgstrs[1:]))

    def _project_id(self, line: str) -> str:
        name, sep, value = line.partition(":")
        suffix = f" / {self.old}"
        if sep and name.strip() == "Project-Id-Version" and value.rstrip().endswith(suffix):
            return line[:line.rindex(suffix)] + f" / {self.new}" + line[len(line.rstrip()):]
        return line

    def _entry(self, entry: Entry) -> Entry:
        references = tuple(self._reference(reference) for reference in entry.references)
        return entry if references == entry.references else entry.replace(references=references)

    def _reference(self, reference: str) -> str:
        path, sep, line = reference.partition(":")
        return self.new_reference + sep + line if path == self.old_reference else reference


def _apply(moves: list[_Move]) -> None:
    """Stage every new file, set the old ones aside, put the new ones in place; undo on any failure.

    Setting aside is a rename beside the file, so undoing gives back every file as
    it was, its time included. Only once everything is in place are the set-aside
    files deleted.
    """
    staged, aside = Staging(), []
    try:
        for move in moves:
            staged += _stage(move)
        with interrupts.guard(), interrupts.shielded():
            try:
                for move in moves:
                    aside.append(_set_aside(move.source))
                    if move.replaced is not None:
                        aside.append(_set_aside(move.target))
                staged.commit()
            except BaseException:
                _undo(staged, aside)
                raise
    except OSError as exc:
        raise PipelineError(f"cannot move: {exc.strerror or exc}; {NOTHING_MOVED}",
                            _shown(exc.filename)) from None
    finally:
        staged.discard()
    for _, waiting in aside:
        with suppress(OSError):  # moved already; at worst a hidden *.aside file is left
            waiting.unlink()


def _stage(move: _Move) -> Staging:
    try:
        return stage_files({move.target: move.after})
    except OSError as exc:
        raise PipelineError(f"cannot write: {exc.strerror or exc}; {NOTHING_MOVED}",
                            move.target) from None


def _set_aside(path: Path) -> tuple[Path, Path]:
    """Rename a file to a free hidden name beside it: (the file, where it waits)."""
    while True:
        waiting = temporary_name(path, "aside")
        if not os.path.lexists(waiting):
            os.rename(path, waiting)
            return path, waiting


def _shown(filename: str | bytes | int | None) -> Path | None:
    """The file an error names: the target or source, not the hidden temporary file beside it."""
    if not isinstance(filename, str):
        return None
    return target_of(Path(filename))


def _undo(staged: Staging, aside: list[tuple[Path, Path]]) -> None:
    """Remove what was put in place, and put back what was set aside."""
    for temporary, target in staged.files:
        if not os.path.lexists(temporary):  # renamed into place
            target.unlink(missing_ok=True)
    for path, waiting in reversed(aside):
        os.rename(waiting, path)


# ---------------------------------------------------------------- what pull tells of orphans


@dataclass(frozen=True)
class Orphan:
    """A template whose article is gone, what its catalogs hold, and the article it likely became."""

    domain: str
    path: str  # the template, as shown
    translated: int | None  # strings filled in its catalogs (all languages); None: unreadable
    renamed_to: str | None = None  # the source article it most likely became, as shown
    new: str = ""  # that article's slug
    share: float = 0.0
    movable: bool = False  # its catalogs hold no translation: 'pipeline mv' can complete it

    @property
    def suggestion(self) -> str | None:
        """The command that would keep its translations, when one can."""
        return f"pipeline mv {self.domain} {self.new}" if self.movable else None

    def __str__(self) -> str:
        gone = f"{self.path} has no source article any more"
        if self.renamed_to is not None:
            looks = f"{gone}; it looks renamed to {self.renamed_to} ({self.share:.0%} of the " \
                    "strings are the same)"
            if self.movable:
                return f"{looks}: run '{self.suggestion}' to move its catalogs there, with " \
                       "their translations and approvals"
            return f"{looks}, whose catalogs already hold translations; translation memory " \
                   f"still draws on the catalogs of '{self.domain}'"
        if self.translated is None:
            return f"{gone}, and a catalog of it cannot be read"
        if self.translated:
            return (f"{gone}; its catalogs hold {self.translated} translation(s), kept for "
                    f"translation memory; if the article was renamed, 'pipeline mv {self.domain} "
                    "NEW' moves them onto it")
        return f"{gone} and its catalogs hold no translation: remove them if the article is gone"


def find_orphans(config: Config, live: list[str], appeared: list[str], cache: CatalogCache
                 ) -> list[Orphan]:
    """The orphaned templates, each with the article it most likely became (see :data:`MATCH_SHARE`).

    ``live``: the domains of today; ``appeared``: the articles whose template this pull
    made, the only candidates for a new name (a renamed article appears as a new one).
    Comparing with every article would read every template on each pull while an
    orphan is kept. Each article is the likely new name of one orphan at most, the
    best match first.
    """
    names = orphan_domains(config, live)
    if not names:
        return []
    strings = {name: _strings(config, name, cache) for name in names}
    counts = {name: _translated(config, name, cache) for name in names}
    articles = {slug: _strings(config, slug, cache) for slug in appeared if slug != SITE_DOMAIN}
    pairs = [(share, name, slug) for name in names for slug in articles
             if (share := _share(strings[name], articles[slug])) >= MATCH_SHARE]
    empty = {slug: _translated(config, slug, cache) == 0 for _, _, slug in pairs}
    # The best match first; on a tie, an article whose catalogs are still empty (as pull made them).
    pairs.sort(key=lambda pair: (-pair[0], not empty[pair[2]], pair[1], pair[2]))
    matched: dict[str, tuple[float, str]] = {}
    for share, name, slug in pairs:
        if name not in matched and slug not in {taken for _, taken in matched.values()}:
            matched[name] = (share, slug)
    found = []
    for name in names:
        shown = config.relative(config.template_path(name))
        if name not in matched:
            found.append(Orphan(name, shown, counts[name]))
            continue
        share, slug = matched[name]
        source = config.relative(config.source_dir / f"{slug}{ARTICLE_SUFFIX}")
        found.append(Orphan(name, shown, counts[name], source, slug, share, movable=empty[slug]))
    return found


def _share(orphan: frozenset[tuple[str | None, str]] | None,
           article: frozenset[tuple[str | None, str]] | None) -> float:
    """The share of both sets that is common: the smaller of the two fractions found in the other."""
    if not orphan or not article:
        return 0.0
    return len(orphan & article) / max(len(orphan), len(article))


def _strings(config: Config, domain: str, cache: CatalogCache
             ) -> frozenset[tuple[str | None, str]] | None:
    """The (msgctxt, msgid) of a template's messages; None when it is missing or unreadable."""
    try:
        return frozenset(entry.key for entry in cache.read(config.template_path(domain)).messages)
    except PipelineError:
        return None


def _translated(config: Config, domain: str, cache: CatalogCache) -> int | None:
    """How many strings are filled in the domain's catalogs, all languages; None: one is unreadable."""
    try:
        return sum(translations(cache.read(path)) for language in config.languages
                   if (path := config.catalog_path(language, domain)).exists())
    except PipelineError:
        return None
