"""Source sign-off: a Turkish article signed as a whole by its doctor.

The doctor signs the article's *content*: the front-matter fields a page shows
(:data:`SHOWN_FIELDS`), then every block of the body in order, each labelled
with where it sits (``list 2 › item › paragraph``, ``table 1 › body › row 3 ›
cell``, ``heading 2``…), then the link definitions. Moving a list item into
another list, reordering paragraphs or editing a code block changes the
content, and so its digest, even when every sentence stays the same. Line
wrapping inside a paragraph does not (soft breaks are spaces, as on the page).

A source statement is an ordinary ledger statement in the source language's
ledger (``locale/tr/signoffs.jsonl``): same format, chain and verification.
Its digest is :func:`content_digest` of the content, its entry id
:func:`article_id` of the slug, and its ``texts`` carry the content itself, so
a later review can show what changed since the signature without git.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.source.articles import Article, Document, normalise_inline, read_document

if TYPE_CHECKING:
    from markdown_it.token import Token

KIND = "article"  # the ``texts`` of a source statement: {"article": slug, "content": rows}
SHOWN_FIELDS = ("title", "description", "published", "updated")
DIGEST_CONTEXT = b"reviewed-pages source article v1\n"
_NUMBERED = {"bullet_list_open": "list", "ordered_list_open": "list", "blockquote_open": "quote",
             "table_open": "table"}
_LABELS = {"list_item_open": "item", "paragraph_open": "paragraph", "thead_open": "head",
           "tbody_open": "body", "th_open": "header cell", "td_open": "cell"}
_LEAVES = {"fence": "code", "code_block": "code", "hr": "rule", "html_block": "html"}

Row = list[str]  # [where, text]


def article_content(article: Article, document: Document) -> dict[str, Any]:
    """What the doctor signs: the slug and the rows of the page's content, in order."""
    rows: list[Row] = [[name, _field_text(article.meta[name])] for name in SHOWN_FIELDS
                       if article.meta.get(name) not in (None, "")]
    rows.extend(_blocks(document.tokens))
    rows.extend(_references(document.env))
    return {KIND: article.slug, "content": rows}


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 over the canonical encoding of an article's content: one function, one place."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(DIGEST_CONTEXT + canonical.encode("utf-8")).hexdigest()


def article_id(slug: str) -> str:
    """Which article a source statement names, whatever its content: 16 hex digits."""
    return hashlib.sha256(json.dumps([KIND, slug]).encode("utf-8")).hexdigest()[:16]


def signed_content(digest: str, text: object) -> dict[str, Any] | None:
    """The content a source statement carries, only when it hashes to the digest it signed."""
    if not (isinstance(text, dict) and set(text) == {KIND, "content"}
            and isinstance(text[KIND], str) and isinstance(text["content"], list)
            and all(isinstance(row, list) and len(row) == 2
                    and all(isinstance(part, str) for part in row) for row in text["content"])):
        return None
    return text if content_digest(text) == digest else None


def content_lines(content: dict[str, Any]) -> list[str]:
    """The content as lines a doctor reads: ``where: text``."""
    return [f"{where}: {text}" for where, text in content["content"]]


def content_diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed between the signed content and today's, as unified diff lines."""
    return list(difflib.unified_diff(content_lines(before), content_lines(after),
                                     "signed", "now", n=1, lineterm=""))


@dataclass(frozen=True)
class SourceArticle:
    """One source article as a doctor signs it: its content, digest and file."""

    slug: str
    path: Path
    shown: str
    content: dict[str, Any]
    digest: str
    article: Article = field(repr=False, compare=False)


def read_source_article(path: Path, shown: str, data: bytes | None = None) -> SourceArticle:
    """One article of the source folder (``data``: its bytes, when read) and the content signed."""
    article, document = read_document(path, shown, data)
    content = article_content(article, document)
    return SourceArticle(article.slug, path, shown, content, content_digest(content), article)


# ---------------------------------------------------------------- content rows


def _field_text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value).strip()


def _blocks(tokens: Iterable[Token]) -> Iterator[Row]:
    """Each block with text of the body, with where it sits; containers numbered in page order."""
    numbers: Counter = Counter()
    rows_in: list[int] = []  # the row counter of each open table
    path: list[str] = []
    for token in tokens:
        if token.type == "front_matter":
            continue
        if token.nesting == 1:
            path.append(_opening(token, numbers, rows_in))
        elif token.nesting == -1:
            path.pop()
            if token.type == "table_close":
                rows_in.pop()
        elif token.type == "inline":
            yield [" › ".join(path), normalise_inline(token.content)]
        elif token.type in _LEAVES:
            info = f" {token.info.strip()}" if token.info.strip() else ""
            yield [" › ".join([*path, _LEAVES[token.type] + info]), token.content]


def _opening(token: Token, numbers: Counter, rows_in: list[int]) -> str:
    if token.type in _NUMBERED:
        kind = _NUMBERED[token.type]
        numbers[kind] += 1
        label = f"{'numbered ' if token.type == 'ordered_list_open' else ''}{kind} {numbers[kind]}"
        if token.type == "ordered_list_open" and token.attrGet("start") is not None:
            label += f" from {token.attrGet('start')}"
        if token.type == "table_open":
            rows_in.append(0)
        return label
    if token.type == "heading_open":
        return f"heading {token.tag[1:]}"
    if token.type == "tr_open" and rows_in:
        rows_in[-1] += 1
        return f"row {rows_in[-1]}"
    label = _LABELS.get(token.type, token.tag or token.type)
    style = token.attrGet("style")
    return f"{label} ({style})" if style else label


def _references(env: dict) -> Iterator[Row]:
    """Link definitions (``[k]: https://…``): where a reference-style link leads."""
    for label, target in sorted((env.get("references") or {}).items()):
        title = f' "{target["title"]}"' if target.get("title") else ""
        yield [f"link [{label}]", f"{target.get('href', '')}{title}"]
