"""Rendering the tokens of a page the gate let through: HTML, or CommonMark text.

Whatever the tokens hold, a link or image to an unsafe scheme is rendered as
its plain text: a second line of defence behind the gate's link rule.
"""

from __future__ import annotations

import mdformat.plugins
from markdown_it.token import Token
from mdformat.renderer import MDRenderer

from pipeline.gate.translated import targets
from pipeline.gate.rules import is_safe_target
from pipeline.source.articles import markdown


def sanitised(tokens: list[Token]) -> list[Token]:
    """The tokens with links to unsafe schemes turned into their plain text."""
    out = []
    for token in tokens:
        if token.type == "inline" and any(not is_safe_target(target)
                                          for target in targets(token.children or [])):
            token = token.copy(children=_drop_unsafe_links(token.children or []))
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
