"""Review operations on source articles: what waits for the source doctor, signing by slug, sheets.

A source article is signed through the same operations as a translation
(:func:`pipeline.signoff.review.approve`, ``reject``, ``revoke``), with an
:class:`ArticleTarget` in place of a catalog entry: one statement over the
article's digest, carrying its content, appended to the source language's ledger.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from jinja2 import Environment, StrictUndefined, select_autoescape
from markupsafe import Markup

from pipeline.config import Config
from pipeline.errors import SignoffError
from pipeline.fsutil import write_atomic
from pipeline.gate.rules import APPROVED
from pipeline.gate.source import ArticleStanding, source_verdict
from pipeline.signoff.articles import article_id, content_diff, content_lines
from pipeline.signoff.ledger import format_time, utc_now
from pipeline.signoff.review import MIN_PREFIX, Decision, Signer, Target, approve, reject
from pipeline.signoff.session import CHOICES
from pipeline.signoff.sheet import manifest_path_for
from pipeline.source.articles import markdown, read_article

SHEET_KIND = "source-review-sheet"


@dataclass(frozen=True)
class ArticleTarget(Target):
    """A source article as the review operations sign it: no catalog place, its content as text."""

    content: dict[str, Any] | None = None
    slug: str = ""

    def entry_ids(self) -> tuple[str, ...]:
        return (article_id(self.slug),)

    def text(self) -> Any:
        return self.content


def target(standing: ArticleStanding) -> ArticleTarget:
    return ArticleTarget(standing.digest, (), standing.content, standing.slug)


def standings(config: Config, page: str | None = None) -> list[ArticleStanding]:
    """Every source article (or the one named) and where its signature stands."""
    found = list(source_verdict(config, force=True).articles)
    if page is not None:
        found = [article for article in found if article.slug == page]
        if not found:
            raise SignoffError(f"no source article '{page}' (source/{page}.md)")
    return found


def pending_articles(config: Config, page: str | None = None) -> list[ArticleStanding]:
    """The articles waiting for a source doctor: never signed, changed since, rejected or disputed."""
    return [article for article in standings(config, page) if article.state != APPROVED]


def resolve_articles(config: Config, wanted: Iterable[str]) -> list[ArticleTarget]:
    """The articles named by slug, by full digest or by a unique prefix of 8+ hex digits."""
    articles = standings(config)
    by_slug = {article.slug: article for article in articles}
    found, missing = [], []
    for text in wanted:
        text = text.strip()
        matches = ([by_slug[text]] if text in by_slug else
                   [a for a in articles if a.digest.startswith(text.lower())]
                   if len(text) >= MIN_PREFIX else [])
        if len(matches) > 1:
            raise SignoffError(f"digest prefix {text} is ambiguous: give more digits")
        if not matches:
            missing.append(text)
        else:
            found.append(matches[0])
    if missing:
        raise SignoffError(f"no source article is named {', '.join(missing)} (a slug, or the "
                           "digest 'pipeline review list --lang "
                           f"{config.source_language}' shows; changed since you looked?)")
    return [target(article) for article in {a.slug: a for a in found}.values()]


def describe(article: ArticleStanding, full: bool = False) -> str:
    """An article as ``review list`` shows it: where it stands and, after a signature, what changed."""
    lines = [f"{article.shown}  {article.slug}  [{article.state}]  digest {article.digest[:16]}",
             f"    {article.title}"]
    if article.detail:
        lines.append(f"    {article.detail}")
    if article.signed is not None:
        lines.append("    changed since the signed version:")
        lines.extend(f"    {line}" for line in content_diff(article.signed, article.content)[2:])
    elif full or article.earlier is not None:
        lines.extend(f"    {line}" for line in content_lines(article.content))
    return "\n".join(lines)


def as_dict(article: ArticleStanding) -> dict:
    earlier = article.earlier
    return {"path": article.shown, "slug": article.slug, "title": article.title,
            "digest": article.digest, "state": article.state, "detail": article.detail,
            "content": article.content["content"],
            "diff": content_diff(article.signed, article.content) if article.signed else None,
            "earlier_signature": None if earlier is None else
            {"reviewer": earlier.reviewer, "name": earlier.name, "time": format_time(earlier.time)}}


# ---------------------------------------------------------------- sheets


@dataclass(frozen=True)
class SheetFiles:
    html: Path
    manifest: Path
    articles: int


_SHEET = """<!DOCTYPE html>
<html lang="{{ language }}"><head><meta charset="utf-8">
<title>{{ site }}: source articles to sign ({{ created }})</title>
<style>body{font:16px/1.5 serif;max-width:46em;margin:2em auto}
.diff{font:13px/1.4 monospace;white-space:pre-wrap;background:#f6f6f6;padding:.5em}
.add{color:#064}.del{color:#a00}article{border-top:2px solid #000;margin-top:2em}</style>
</head><body>
<h1>{{ site }}: source articles waiting for a signature</h1>
<p>Made {{ created }}. Approving with the manifest ({{ manifest }}) signs only an article whose
content is still exactly what this sheet shows.</p>
{% for row in rows %}
<article>
<h2>{{ row.article.title }} <small>({{ row.article.shown }}, {{ row.article.state }},
digest {{ row.article.digest[:16] }})</small></h2>
{% if row.article.detail %}<p>{{ row.article.detail }}</p>{% endif %}
{% if row.diff %}<h3>Changed since the signed version</h3>
<div class="diff">{% for line in row.diff %}
<div class="{{ {'+': 'add', '-': 'del'}.get(line[:1], '') }}">{{ line }}</div>
{% endfor %}</div>
{% endif %}
<h3>The article as it will be published</h3>
{{ row.html }}
</article>
{% else %}
<p>Nothing is waiting.</p>
{% endfor %}
</body></html>
"""


def write_sheet(config: Config, out: Path, page: str | None = None,
                now: datetime | None = None) -> SheetFiles:
    """A printable sheet of the articles waiting for a source doctor, and its manifest beside it."""
    articles = pending_articles(config, page)
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True),
                              undefined=StrictUndefined)
    rows = [{"article": article, "html": Markup(markdown().render(article_body(config, article))),
             "diff": content_diff(article.signed, article.content)[2:] if article.signed else []}
            for article in articles]
    created = format_time(now or utc_now())
    manifest = manifest_path_for(out)
    html = environment.from_string(_SHEET).render(
        site=config.site_name, language=config.source_language, created=created, rows=rows,
        manifest=manifest.name)
    write_atomic(out, html)
    write_atomic(manifest, json.dumps({"kind": SHEET_KIND, "language": config.source_language,
                                       "created": created,
                                       "articles": {a.slug: a.digest for a in articles}},
                                      ensure_ascii=False, indent=1) + "\n")
    return SheetFiles(out, manifest, len(articles))


def article_body(config: Config, article: ArticleStanding) -> str:
    """The Markdown of an article as it stands (the front matter left out)."""
    return read_article(config.source_dir / f"{article.slug}.md").body


def approve_sheet(config: Config, signer: Signer, manifest: Path,
                  now: datetime | None = None) -> tuple[Decision, tuple[str, ...]]:
    """Sign exactly the articles a sheet showed, still unchanged; the others are named, not signed."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SignoffError(f"not a review sheet manifest ({exc})", manifest) from None
    if not isinstance(data, dict) or data.get("kind") != SHEET_KIND or not isinstance(
            data.get("articles"), dict):
        raise SignoffError("not a source review sheet manifest ('pipeline review sheet --lang "
                           f"{config.source_language}' writes one)", manifest)
    current = {article.slug: article for article in standings(config)}
    chosen, changed = [], []
    for slug, digest in data["articles"].items():
        article = current.get(slug)
        if article is not None and article.digest == digest:
            chosen.append(target(article))
        else:
            changed.append(f"{slug}: changed since the sheet was made (or gone): not signed")
    return approve(config, config.source_language, signer, chosen, now), tuple(changed)


# ---------------------------------------------------------------- terminal


def run_session(config: Config, signer: Signer, articles: list[ArticleStanding],
                echo: Callable[[str], None]) -> dict[str, int]:
    """Ask about each article in turn (read in full, or its changes); each decision is recorded at once."""
    counts = {"approve": 0, "reject": 0, "skip": 0, "left": 0}
    language = config.source_language
    for number, article in enumerate(articles, start=1):
        echo(f"[{number}/{len(articles)}] " + describe(article, full=True))
        choice = CHOICES[click.prompt("[a]pprove, [r]eject, [s]kip, [q]uit",
                                      type=click.Choice(list(CHOICES)), show_choices=False)]
        if choice == "quit":
            counts["left"] = len(articles) - number + 1
            return counts
        if choice == "approve":
            approve(config, language, signer, [target(article)])
        elif choice == "reject":
            reject(config, language, signer, target(article),
                   click.prompt("Note for the author (what is wrong)"))
        counts[choice] += 1
        echo(f"  {choice}d" if choice != "skip" else "  skipped")
    return counts
