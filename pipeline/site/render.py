"""Translated Markdown: the source's block structure with each unit's inline text swapped.

The source article is parsed once with the project's Markdown dialect (raw
HTML off); :func:`pipeline.source.articles.iter_units` names the inline tokens that are
units, and each one gets the parsed approved translation as its children. So
a translation can change words and emphasis, never the blocks around them,
and the link targets it may use are exactly those of the source unit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import mdformat.plugins
from markdown_it.token import Token
from mdformat.renderer import MDRenderer

from pipeline.source.markup import is_plain
from pipeline.source.articles import Unit, iter_units, markdown

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
NOT_IN_CATALOG = "not in catalog"
UNSAFE_LINK = "unsafe link"

Lookup = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Document:
    """A parsed article: its tokens, the parser environment holding link references, its units."""

    tokens: tuple[Token, ...]
    env: dict
    units: tuple[tuple[int, Unit], ...] = ()  # (token index, unit), as iter_units finds them


@dataclass(frozen=True)
class UnitProblem:
    """A unit that cannot go on a translated page, and why."""

    reason: str
    msgid: str
    line: int
    detail: str


def parse_document(text: str) -> Document:
    env: dict = {}
    tokens = markdown().parse(text, env)
    return Document(tuple(tokens), env, tuple(iter_units(tokens)))


def is_safe_target(url: str) -> bool:
    """A link or image target a page may carry: http(s), mailto or a relative address."""
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return False
    return scheme == "" or scheme.lower() in SAFE_SCHEMES


def translate(document: Document, lookup: Lookup) -> tuple[list[Token], list[UnitProblem]]:
    """The document with every unit replaced by its translation, and the units that failed.

    A unit without a translation or whose translation carries other link targets
    than its source is reported; its source text is never kept on the page (the
    caller stops the language), so the returned tokens are only usable when no
    problem was found.
    """
    tokens = list(document.tokens)
    problems: list[UnitProblem] = []
    for index, unit in document.units or tuple(iter_units(tokens)):
        text = lookup(unit.text)
        if text is None:
            problems.append(UnitProblem(NOT_IN_CATALOG, unit.text, unit.line,
                                        "the source changed since the last 'pipeline pull'"))
            continue
        parsed = _parse_translation(text, document.env)
        source = tokens[index]
        problem = _link_problem(_targets(_unit_children(source, unit.kind)), _targets(parsed))
        if problem:
            problems.append(UnitProblem(UNSAFE_LINK, unit.text, unit.line, problem))
            continue
        tokens[index] = _with_translation(source, unit.kind, text, parsed)
    return tokens, problems


def _parse_translation(text: str, env: dict) -> list[Token]:
    """A unit's translation as inline tokens; plain text is the one text token the parser makes."""
    if text and is_plain(text):
        return [Token("text", "", 0, content=text)]
    return markdown().parseInline(text, env)[0].children or []


def sanitised(tokens: list[Token]) -> list[Token]:
    """The tokens with links to unsafe schemes turned into their plain text."""
    out = []
    for token in tokens:
        if token.type == "inline" and any(not is_safe_target(target)
                                          for target in _targets(token.children or [])):
            token = token.copy(children=_drop_unsafe_links(token.children))
        out.append(token)
    return out


def to_html(tokens: list[Token], env: dict) -> str:
    md = markdown()
    return md.renderer.render(sanitised(tokens), md.options, env)


def to_markdown(tokens: list[Token], env: dict) -> str:
    """CommonMark text of the body (front matter left out), escaped so text stays text."""
    body = [token for token in sanitised(tokens) if token.type != "front_matter"]
    options = {"parser_extension": [mdformat.plugins.PARSER_EXTENSIONS["tables"]],
               "mdformat": {}}
    return MDRenderer().render(_flatten_cell_breaks(body), options, env)


def _with_translation(source: Token, kind: str, text: str, parsed: list[Token]) -> Token:
    if kind == "image alt text":
        children = []
        for child in source.children or []:
            if child.type == "image":
                attrs = {"src": child.attrGet("src"), "alt": ""}  # a title would stay Turkish
                child = child.copy(children=parsed, content=text, attrs=attrs)
            children.append(child)
        return source.copy(children=children)
    return source.copy(children=parsed, content=text)


def _unit_children(source: Token, kind: str) -> list[Token]:
    """The inline tokens a unit's text stands for: an image's alt text, or the whole inline."""
    if kind == "image alt text":
        return [grand for child in source.children or [] if child.type == "image"
                for grand in child.children or []]
    return source.children or []


def _targets(children: list[Token]) -> list[str]:
    found = []
    for child in children:
        if child.type == "link_open":
            found.append(str(child.attrGet("href") or ""))
        elif child.type == "image":
            found.append(str(child.attrGet("src") or ""))
    return found


def _link_problem(source: list[str], translated: list[str]) -> str:
    unsafe = [url for url in translated if not is_safe_target(url)]
    if unsafe:
        return f"link to a forbidden scheme: {unsafe[0]}"
    added = Counter(translated) - Counter(source)
    missing = Counter(source) - Counter(translated)
    if added:
        return f"link target not in the source: {sorted(added)[0]}"
    if missing:
        return f"link target of the source missing: {sorted(missing)[0]}"
    return ""


def _drop_unsafe_links(children: list[Token]) -> list[Token]:
    out, skipping = [], False
    for child in children:
        if child.type == "link_open" and not is_safe_target(str(child.attrGet("href"))):
            skipping = True
            continue
        if child.type == "link_close" and skipping:
            skipping = False
            continue
        if child.type == "image" and not is_safe_target(str(child.attrGet("src"))):
            child = Token("text", "", 0, content=child.content)
        out.append(child)
    return out


def _flatten_cell_breaks(tokens: list[Token]) -> list[Token]:
    """A table cell is one line in Markdown: line breaks inside it become spaces."""
    out, in_cell = [], False
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif in_cell and token.type == "inline" and token.children:
            token = token.copy(children=[
                Token("text", "", 0, content=" ") if child.type in ("softbreak", "hardbreak")
                else child for child in token.children])
        out.append(token)
    return out
