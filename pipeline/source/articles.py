"""Source articles: Markdown with YAML front matter, cut into translatable units.

One unit is one block (heading, paragraph, list item, table cell, blockquote
paragraph, image alt text) plus the front-matter ``title`` and
``description``. Inline Markdown stays in the unit as written so translators
see the links and emphasis they have to keep.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import yaml

from pipeline.errors import SourceError
from pipeline.paths import escapes, outside

if TYPE_CHECKING:  # markdown-it is loaded when an article is parsed, not by every command
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

SITE_DOMAIN = "site"  # the catalog of the page templates; no article may take this name
TRANSLATABLE_META = ("title", "description")
TEXT_META = (*TRANSLATABLE_META, "reviewed_by")
DATE_META = ("published", "updated")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HARD_BREAK_RE = re.compile(r"(?: {2,}|\\)\n")
_CODE_SPAN_RE = re.compile(r"(`+).+?\1", re.S)
# libyaml's parser when PyYAML was built with it: the same results, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_URL_RE = re.compile(r"<?\b(?:https?|ftp|mailto):[^\s>)]+>?")


@dataclass(frozen=True, slots=True)
class Unit:
    """One translatable piece of an article, as it appears in the source."""

    text: str
    kind: str
    line: int


@dataclass(frozen=True, slots=True)
class Article:
    slug: str
    path: Path
    meta: dict
    units: tuple[Unit, ...]
    body: str
    body_line: int

    @property
    def title(self) -> str:
        return str(self.meta.get("title", self.slug))


@dataclass(frozen=True)
class Document:
    """A parsed article: its tokens, the parser environment holding link references, its units."""

    tokens: tuple[Token, ...]
    env: dict
    units: tuple[tuple[int, Unit], ...] = ()  # (token index, unit), as iter_units finds them


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """The one Markdown dialect of the project: CommonMark, tables, front matter, no raw HTML."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark", {"html": False}).use(front_matter_plugin).enable("table")


def slug_for(path: Path) -> str:
    slug = path.stem
    if not SLUG_RE.match(slug):
        raise SourceError(
            f"'{path.name}' is not a safe slug: use lowercase ASCII letters, digits and single "
            "hyphens (e.g. 'mikro-igneleme-nedir.md')", path)
    return slug


ARTICLE_SUFFIX = ".md"
# Names that look meant as articles but are not read: other Markdown suffixes, other case.
_NEAR_MISS_RE = re.compile(r"\.(?:md|markdown|mdown|mkdn?|mdwn|mdtext)(?:\.[^.]+)?$", re.I)


def find_sources(source_dir: Path) -> list[Path]:
    """The articles: every ``*.md`` file of the source folder, in name order.

    A ``*.md`` that is a folder, a dangling link, or a link leading out of the
    source folder (:mod:`pipeline.paths`) is an error naming it: it is neither
    skipped nor read.
    """
    return scan_sources(source_dir)[0]


def near_misses(source_dir: Path) -> list[Path]:
    """Files that look meant as articles but are not read (``yeni.MD``, ``yeni.markdown``)."""
    return scan_sources(source_dir)[1]


def scan_sources(source_dir: Path) -> tuple[list[Path], list[Path]]:
    """The articles of the source folder, and the near misses beside them."""
    try:
        entries = sorted(os.scandir(source_dir), key=lambda entry: entry.name)
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        raise SourceError(f"cannot read the source folder: {exc.strerror}", source_dir) from None
    articles, misses = [], []
    for entry in entries:
        path = source_dir / entry.name
        if not entry.name.endswith(ARTICLE_SUFFIX):
            if _NEAR_MISS_RE.search(entry.name) and not entry.name.startswith("."):
                misses.append(path)
            continue
        if not entry.is_symlink() and entry.is_file():
            articles.append(path)
            continue
        if entry.is_symlink():
            where = escapes(path, source_dir)
            if where is not None:
                raise outside(path, "source article", f"{source_dir.name}/", where)
            if not path.exists():
                raise SourceError(f"a link to '{os.readlink(path)}', which does not exist: "
                                  "remove the link or restore its target", path)
        if entry.is_dir():
            raise SourceError("a folder named like an article: articles are files in the source "
                              "folder itself; rename or move the folder", path)
        articles.append(path)
    return articles, misses


def near_miss_advice(path: Path) -> str:
    """What to do about a near miss: the name it would need to be read."""
    stem = _NEAR_MISS_RE.sub("", path.name)
    return (f"not read: articles are '*.md' files (lowercase suffix); rename it to '{stem}.md' "
            "if it is one")


def domains(config) -> list[str]:
    """The catalog domains of the project: one per source article, then the site chrome."""
    return [slug_for(path) for path in find_sources(config.source_dir)] + [SITE_DOMAIN]


def orphan_domains(config, live: Iterable[str]) -> list[str]:
    """Templates left in the locale folder whose article is gone (``live``: the domains of today).

    Never deleted behind the user's back: ``pull`` reports them, translation
    memory still reads their catalogs, and ``pipeline mv`` can give them a new name.
    """
    if not config.locale_dir.is_dir():
        return []
    known = {*live, SITE_DOMAIN}
    return [path.stem for path in sorted(config.locale_dir.glob("*.pot")) if path.stem not in known]


def read_article(path: Path, display_path: str | None = None, data: bytes | None = None) -> Article:
    """Read and segment one article; any problem is a SourceError naming file and line."""
    return read_document(path, display_path, data)[0]


def read_document(path: Path, display_path: str | None = None, data: bytes | None = None
                  ) -> tuple[Article, Document]:
    """Read and segment one article, and keep the parse it was read from (one parse for both)."""
    slug = slug_for(path)
    text = _decode(path, data if data is not None else read_source_bytes(path))
    if not text.strip():
        raise SourceError("the article is empty: it needs at least front matter with a title",
                          path, 1)
    env: dict = {}
    tokens = markdown().parse(text, env)
    meta, meta_lines, body_line = _front_matter(tokens, text, path)
    located = tuple(iter_units(tokens))
    units = [Unit(str(meta[key]).strip(), key, meta_lines[key])
             for key in TRANSLATABLE_META if str(meta.get(key) or "").strip()]
    units.extend(unit for _, unit in located)
    body = "\n".join(text.split("\n")[body_line - 1:]) if body_line else text
    article = Article(slug=slug, path=Path(display_path) if display_path else path, meta=meta,
                      units=tuple(units), body=body, body_line=body_line or 1)
    return article, Document(tuple(tokens), env, located)


def parse_document(text: str) -> Document:
    """The tokens of an article's text (front matter unread: see :func:`read_document`)."""
    env: dict = {}
    tokens = markdown().parse(text, env)
    return Document(tuple(tokens), env, tuple(iter_units(tokens)))


def iter_units(tokens: list[Token]) -> Iterator[tuple[int, Unit]]:
    """Each translatable inline token of a parsed body, with the unit it yields.

    The build walks the same tokens through this function, so extraction and
    substitution can never disagree about what a unit is.
    """
    containers: list[str] = []
    for index, token in enumerate(tokens):
        if token.nesting == 1 and token.type in ("list_item_open", "blockquote_open",
                                                  "th_open", "td_open"):
            containers.append(token.type)
        elif token.nesting == -1 and token.type in ("list_item_close", "blockquote_close",
                                                     "th_close", "td_close"):
            containers.pop()
        if token.type != "inline" or not token.map:
            continue
        opener = tokens[index - 1].type if index else ""
        kind = _kind(opener, containers)
        line = token.map[0] + 1
        if kind == "paragraph" and _only_image(token):
            alt = token.children[0].content if token.children else ""
            if has_words(alt):
                yield index, Unit(alt, "image alt text", line)
            continue
        text = normalise_inline(token.content)
        if has_words(text):
            yield index, Unit(text, kind, line)


def normalise_inline(content: str) -> str:
    """One line per unit: soft breaks become spaces, hard breaks a backslash-newline."""
    content = _HARD_BREAK_RE.sub("\\\\\n", content.strip())
    lines = content.split("\n")
    out = []
    for number, line in enumerate(lines):
        line = line.strip()
        if number < len(lines) - 1 and not line.endswith("\\"):
            line += " "
        elif number < len(lines) - 1:
            line += "\n"
        out.append(line)
    return "".join(out)


def has_words(text: str) -> bool:
    """Whether text has anything to translate once code spans and URLs are set aside."""
    stripped = _URL_RE.sub(" ", _CODE_SPAN_RE.sub(" ", text))
    return any(char.isalpha() for char in stripped)


def _kind(opener: str, containers: list[str]) -> str:
    if opener == "heading_open":
        return "heading"
    if containers:
        return {"list_item_open": "list item", "blockquote_open": "blockquote",
                "th_open": "table cell", "td_open": "table cell"}[containers[-1]]
    return "paragraph"


def _only_image(token: Token) -> bool:
    children = [child for child in token.children or [] if not (
        child.type == "text" and not child.content.strip())]
    return len(children) == 1 and children[0].type == "image"


def read_source_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", path) from None


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError("not valid UTF-8 (save the article as UTF-8)", path, line) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _front_matter(tokens: list[Token], text: str, path: Path) -> tuple[dict, dict[str, int], int]:
    """The front matter as a dict, the line of each key, and the first body line."""
    if not tokens or tokens[0].type != "front_matter":
        if text.startswith("---\n") or text.startswith("---\r\n"):
            raise SourceError("front matter opened with '---' is never closed", path, 1)
        raise SourceError("no front matter: an article starts with a '---' line, 'title: …' "
                          "and another '---' line", path, 1)
    token = tokens[0]
    offset = 2  # the content starts on the line after the opening '---'
    try:
        loader = _YAML_LOADER(token.content)
        try:
            node = loader.get_single_node()
            meta = (loader.construct_document(node) if node is not None else None) or {}
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        line, began = _yaml_error_line(exc, token.content)
        where = f", {exc.context} that begins on this line" if began else ""
        raise SourceError(f"malformed front matter: {exc.problem or exc}{where}", path,
                          line + offset if line is not None else 1) from None
    if not isinstance(meta, dict):
        raise SourceError("front matter must be a mapping of 'key: value' lines", path, offset)
    lines: dict[str, int] = {}
    for key, _ in node.value if node else ():
        line = key.start_mark.line + offset
        if key.value in lines:
            raise SourceError(f"front matter '{key.value}' is given twice (first at line "
                              f"{lines[key.value]}); YAML would silently keep the last", path, line)
        lines[key.value] = line
    for key in (key for key in TEXT_META if key in meta):
        value = meta[key]
        if value is None or (key == "title" and isinstance(value, str) and not value.strip()):
            raise SourceError(f"front matter '{key}' is empty", path, lines.get(key))
        if not isinstance(value, str):
            kind = ("a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict)
                    else type(value).__name__)
            raise SourceError(f"front matter '{key}' must be text, not {kind}", path,
                              lines.get(key))
    if "title" not in meta:
        raise SourceError("front matter has no 'title'", path, 1)
    for key in DATE_META:
        if key in meta and not isinstance(meta[key], dt.date):
            raise SourceError(f"front matter '{key}' must be an ISO date such as 2023-02-06",
                              path, lines.get(key))
    assert token.map is not None  # the front matter plugin always maps its token
    return meta, lines, token.map[1] + 1


# Errors noticed only after the construct at fault: an unclosed quote, bracket or brace, or a
# key without its ':'. The parser reports where it noticed (a later line); the fault is where
# the construct began.
_OPENED_AT = ("while scanning a quoted scalar", "while scanning a simple key",
              "while parsing a flow sequence", "while parsing a flow mapping")


def _yaml_error_line(exc: yaml.MarkedYAMLError, content: str) -> tuple[int | None, bool]:
    """The 0-based line at fault in a YAML error, and whether it is where a construct began."""
    problem, context = exc.problem_mark, exc.context_mark
    if context is not None and (problem is None or problem.index >= len(content.rstrip())
                                or (exc.context in _OPENED_AT and context.line < problem.line)):
        return context.line, bool(exc.context)
    return (problem.line if problem is not None else None), False
