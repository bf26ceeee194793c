"""The source rule's verdict: which source articles their doctor signed, and which are drafts.

With ``[gate] source_signoff = true``, an article is published only while its
current content (:func:`pipeline.signoff.articles.content_digest`) stands
approved in the verified ledger of the source language; any other article is a
draft, built in no language, and the target languages' gates cover only the
published ones (:func:`pipeline.gate.verdict.evaluate_languages`). The rule
itself is :func:`pipeline.gate.rules.source_reason`.

What an article's content is depends only on its bytes, so it is kept in the
store under their digest; whether it is signed is worked out from the verified
ledger on every run (its verification kept by its bytes, :mod:`pipeline.signoff.verified`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from babel import Locale

from pipeline.cache import Store, digest_of, sha256, shared_store
from pipeline.checks import ERROR, Finding
from pipeline.config import Config
from pipeline.errors import SourceError
from pipeline.gate.rules import (APPROVED, DISPUTED, REJECTED, SOURCE_CHANGED, STALE, WAITING,
                                 Blocker, source_reason)
from pipeline.signoff.articles import (article_id, content_digest,
                                       read_source_article, signed_content)
from pipeline.signoff.ledger import format_time
from pipeline.signoff.roster import Roster
from pipeline.signoff.verified import SignedTexts, verified_signoffs
from pipeline.signoff.verify import Approval, SignoffState, ledger_path
from pipeline.source.articles import SITE_DOMAIN, find_sources, read_source_bytes

# Kinds of value in the store: an article's content by its bytes, and a summary of them all.
CONTENT = "source-content"
SUMMARIES = "source-summaries"
_REVIEWED_BY = re.compile(r"reviewed_by\s*:")


@dataclass(frozen=True)
class ArticleStanding:
    """One source article and where its signature stands (its content is read when asked for)."""

    slug: str
    shown: str
    title: str
    sha: str  # the digest of the file's bytes the digest was worked out from
    digest: str
    state: str  # a review state: approved, stale (changed since), waiting, rejected, disputed
    signature: Approval | None = None  # the approval of the current content
    earlier: Approval | None = None  # a changed article: the approval of an earlier content
    detail: str = ""
    reviewed_by: tuple[str, int] | None = None  # the front matter's reviewed_by, and its line
    path: Path = field(default=Path(), compare=False, repr=False)
    cache: Path = field(default=Path(), compare=False, repr=False)
    earlier_digest: str = ""  # the digest the earlier signature covered
    signed_text: object = field(default=None, compare=False, repr=False)  # as its statement carries it

    @cached_property
    def content(self) -> dict[str, Any]:
        """What a doctor signs (exactly what the digest covers: a file changed since is an error)."""
        content = _read_content(shared_store(self.cache), self.path, self.sha)[0]
        if content_digest(content) != self.digest:
            raise changed_meanwhile(self.path)
        return content

    @cached_property
    def signed(self) -> dict[str, Any] | None:
        """For a changed article: the content its earlier signature covered, when it carries it."""
        if self.earlier is None:
            return None
        return signed_content(self.earlier_digest, self.signed_text)

    @property
    def reason(self) -> str | None:
        return source_reason(self.state)

    def blocker(self) -> Blocker | None:
        reason = self.reason
        if reason is None:
            return None
        return Blocker(reason, self.shown, 1, self.title, self.detail, self.digest)


@dataclass(frozen=True)
class SourceVerdict:
    """The source language's articles: published (signed, or no signature required) and drafts."""

    language: str
    required: bool
    articles: tuple[ArticleStanding, ...] = ()
    signoffs: SignoffState | None = None

    @cached_property
    def drafts(self) -> tuple[ArticleStanding, ...]:
        """The articles published in no language (only when a signature is required)."""
        if not self.required:
            return ()
        return tuple(article for article in self.articles if article.reason is not None)

    @cached_property
    def _draft_slugs(self) -> frozenset[str]:
        return frozenset(article.slug for article in self.drafts)

    def publishes(self, slug: str) -> bool:
        return slug not in self._draft_slugs

    def domains(self, names: Iterable[str]) -> list[str]:
        """The catalog domains the target languages' gates cover: the site and published articles."""
        return [name for name in names if name == SITE_DOMAIN or self.publishes(name)]

    @cached_property
    def blockers(self) -> tuple[Blocker, ...]:
        """Why each draft is one, in source order."""
        return tuple(blocker for article in self.drafts if (blocker := article.blocker()))

    def signature(self, slug: str) -> Approval | None:
        """The approval standing on the article's current content, if any."""
        found = self._by_slug.get(slug)
        return found.signature if found is not None else None

    def standing(self, slug: str) -> ArticleStanding | None:
        return self._by_slug.get(slug)

    def sha(self, slug: str) -> str | None:
        found = self._by_slug.get(slug)
        return found.sha if found is not None else None

    @cached_property
    def _by_slug(self) -> dict[str, ArticleStanding]:
        return {article.slug: article for article in self.articles}


def source_verdict(config: Config, roster: Roster | None = None, force: bool = False
                   ) -> SourceVerdict:
    """Where each source article's signature stands; without ``[gate] source_signoff`` (and not
    ``force``), every article is published and nothing is read."""
    language = config.source_language
    required = bool(config.source_signoff)
    if not required and not force:
        return SourceVerdict(language, False)
    store = shared_store(config.cache_dir)
    paths = find_sources(config.source_dir)
    summaries = _summaries(store, paths)
    signoffs = verified_signoffs(config, language, roster)
    # A changed article shows what its doctor signed before: the text its statement carries.
    texts = SignedTexts(ledger_path(config, language))
    folder = config.relative(config.source_dir)
    articles = tuple(_standing(path, f"{folder}/{path.name}", config.cache_dir, signoffs, texts,
                               *summaries[path.name]) for path in paths)
    store.save()
    return SourceVerdict(language, required, articles, signoffs)


def _standing(path: Path, shown: str, cache: Path, signoffs: SignoffState, texts: SignedTexts,
              sha: str, digest: str, title: str, named: tuple[str, int] | None
              ) -> ArticleStanding:
    slug, language = path.stem, signoffs.language
    common: dict[str, Any] = dict(slug=slug, shown=shown, title=title, sha=sha, digest=digest,
                                  reviewed_by=named, path=path, cache=cache)
    if digest in signoffs.approved:
        return ArticleStanding(**common, state=APPROVED, signature=signoffs.approved[digest])
    if digest in signoffs.disputed:
        return ArticleStanding(**common, state=DISPUTED, detail=str(signoffs.disputed[digest]))
    if digest in signoffs.rejected:
        rejection = signoffs.rejected[digest]
        return ArticleStanding(**common, state=REJECTED, detail=(
            f"by {rejection.name} on {format_time(rejection.time)}: {rejection.note}"))
    before = signoffs.standing_by_id.get(article_id(slug))
    if before is not None:
        earlier, signed, approval = before
        return ArticleStanding(**common, state=STALE, earlier=approval, earlier_digest=earlier,
                               signed_text=texts.of(signed).get(earlier), detail=(
            f"{approval.name} signed an earlier text on {format_time(approval.time)}; "
            f"it waits for a new signature by a doctor allowed for '{language}'"))
    waiting = signoffs.refused or (
        f"waiting for a doctor allowed for '{language}' to sign it "
        f"('pipeline review approve --lang {language} --entry {slug}')")
    return ArticleStanding(**common, state=WAITING, detail=waiting)


Summary = tuple[str, str, str, "tuple[str, int] | None"]  # sha, digest, title, reviewed_by


def _summaries(store: Store, paths: list[Path]) -> dict[str, Summary]:
    """File name → the digests of an article's bytes and content, its title and ``reviewed_by``.

    Kept for all the articles together under the digests of their bytes (one value
    to read when nothing changed), and article by article with the content itself.
    """
    shas = {path.name: _file_sha(store, path) for path in paths}
    key = digest_of(sorted(shas.items()))
    kept = store.get_json(SUMMARIES, key)
    if isinstance(kept, dict) and set(kept) == set(shas):
        return {name: (shas[name], digest, title, (named[0], named[1]) if named else None)
                for name, (digest, title, named) in kept.items()}
    found: dict[str, Summary] = {}
    for path in paths:
        content, title, named = _read_content(store, path, shas[path.name])
        found[path.name] = (shas[path.name], content_digest(content), title, named)
    store.put_json(SUMMARIES, key, {name: [digest, title, named]
                                    for name, (_, digest, title, named) in found.items()})
    return found


def _file_sha(store: Store, path: Path) -> str:
    digest = store.index.digest(path)
    if digest is None:
        raise SourceError("cannot read: No such file or directory", path)
    return digest


def _read_content(store: Store, path: Path, sha: str
                  ) -> tuple[dict[str, Any], str, tuple[str, int] | None]:
    """An article's content, title and ``reviewed_by``, kept by the digest of its bytes."""
    key = f"{path.stem}/{sha}"
    kept = store.get_json(CONTENT, key)
    if isinstance(kept, list) and len(kept) == 3 and signed_content(
            content_digest(kept[0]), kept[0]) is not None and isinstance(kept[1], str):
        return kept[0], kept[1], (kept[2][0], kept[2][1]) if kept[2] else None
    data = read_source_bytes(path)
    if sha256(data) != sha:
        raise changed_meanwhile(path)
    source = read_source_article(path, path.as_posix(), data)
    named = _reviewed_by(source.article.meta, data)
    store.put_json(CONTENT, key, [source.content, source.article.title, named])
    return source.content, source.article.title, named


def _reviewed_by(meta: dict, data: bytes) -> tuple[str, int] | None:
    """The front matter's ``reviewed_by`` (text: the article's reader checked it) and its line."""
    if "reviewed_by" not in meta:
        return None
    lines = data.decode("utf-8").split("\n")
    line = next((number for number, text in enumerate(lines, start=1)
                 if _REVIEWED_BY.match(text)), 1)
    return str(meta["reviewed_by"]).strip(), line


def source_findings(verdict: SourceVerdict) -> list[Finding]:
    """A front matter ``reviewed_by`` that names someone else than the doctor who signed the article."""
    found = []
    for article in verdict.articles:
        signature, named = article.signature, article.reviewed_by
        if signature is None or named is None or named[0] == signature.name:
            continue
        found.append(Finding("reviewed-by", ERROR,
                             f"front matter 'reviewed_by' names '{named[0]}', but the article is "
                             f"signed by {signature.name} ({signature.reviewer}): correct it or "
                             "remove it (pages name the doctor who signed)",
                             article.shown, named[1], named[0], language=verdict.language))
    return found


def changed_meanwhile(path: Path) -> SourceError:
    return SourceError("changed while the pipeline was reading it: run the command again", path)


def unsigned_notice(config: Config) -> str:
    """The one line a publishing command prints while source signatures are not required (in a
    project with a roster: without doctors, nobody could sign anyway)."""
    if config.source_signoff or not config.roster_path.is_file():
        return ""
    name = Locale.parse(config.source_language).get_display_name("en") or config.source_language
    return (f"{name} pages are not signed: set [gate] source_signoff = true in pipeline.toml once "
            f"a doctor signs each article ('pipeline review approve --lang "
            f"{config.source_language}'); until then every article is published as written")


def check_unchanged(verdict: SourceVerdict, slug: str, sha: str, path: Path) -> None:
    """Refuse to publish an article whose bytes changed since the gate read them."""
    known = verdict.sha(slug)
    if verdict.required and known is not None and known != sha:
        raise changed_meanwhile(path)


__all__ = ["APPROVED", "SOURCE_CHANGED", "ArticleStanding", "SourceVerdict",
           "check_unchanged", "source_verdict"]
