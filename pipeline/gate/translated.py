"""A translated page: the source's block structure with each unit's inline text swapped.

The source article is parsed once with the project's Markdown dialect (raw
HTML off; :func:`pipeline.source.articles.read_document`), whose ``iter_units``
names the inline tokens that are units; each one gets the parsed approved
translation as its children. So a translation can change words and emphasis,
never the blocks around them, and the link targets it may use are exactly those
of the source unit. The gate swaps translations in to find what keeps a page
off the site; the build renders the tokens of the pages it let through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pipeline.catalogs.model import Entry
from pipeline.gate.facts import EntryRow
from pipeline.gate.rules import NOT_IN_CATALOG, UNSAFE_LINK, Lookup, UnitProblem, link_problem
from pipeline.source.articles import Document, Unit, iter_units, markdown
from pipeline.source.markup import is_plain

if TYPE_CHECKING:  # markdown-it is loaded when a page is read, not by every gate run
    from markdown_it.token import Token


# A catalog's approved messages by key: entries, or the rows the gate keeps of them.
Approved = Mapping[tuple, Entry | EntryRow]


def approved_lookup(entries: Approved) -> Lookup:
    """msgid → the approved translation of an article's unit (units carry no context)."""
    def find(msgid: str) -> str | None:
        entry = entries.get((None, msgid))
        return entry.msgstr if entry is not None else None
    return find


def translate(document: Document, lookup: Lookup) -> tuple[list[Token], list[UnitProblem]]:
    """The document with every unit replaced by its translation, and the units that failed.

    A unit without a translation or whose translation carries other link targets
    than its source is reported; its source text is never kept on the page (the
    gate stops the language), so the returned tokens are only usable when no
    problem was found.
    """
    tokens = list(document.tokens)
    problems: list[UnitProblem] = []
    for index, unit in document.units or tuple(iter_units(tokens)):
        text = lookup(unit.text)
        parsed = _parse_translation(text, document.env) if text is not None else []
        problem = _problem(unit, text, tokens[index], targets(parsed))
        if problem is not None:
            problems.append(problem)
        elif text is not None:
            tokens[index] = _with_translation(tokens[index], unit.kind, text, parsed)
    return tokens, problems


def unit_problems(document: Document, lookup: Lookup) -> list[UnitProblem]:
    """The units :func:`translate` would report, without making the page (all a check needs).

    Only a translation with inline syntax can carry a link target; the targets
    of each such text are parsed once per process and parser references.
    """
    references = _references(document.env)
    problems = []
    for index, unit in document.units or tuple(iter_units(list(document.tokens))):
        text = lookup(unit.text)
        found = _targets_of(text, document.env, references) if text is not None else []
        problem = _problem(unit, text, document.tokens[index], found)
        if problem is not None:
            problems.append(problem)
    return problems


def _problem(unit: Unit, text: str | None, source: Token, translated: list[str]
             ) -> UnitProblem | None:
    """Why a unit's translation (None: there is none) cannot take the source token's place."""
    if text is None:
        return UnitProblem(NOT_IN_CATALOG, unit.text, unit.line,
                           "the source changed since the last 'pipeline pull'")
    problem = link_problem(targets(_unit_children(source, unit.kind)), translated)
    return UnitProblem(UNSAFE_LINK, unit.text, unit.line, problem) if problem else None


_TARGETS_LIMIT = 200_000
_targets_seen: dict[tuple[str, tuple], list[str]] = {}


def _targets_of(text: str, env: dict, references: tuple) -> list[str]:
    """The link and image targets of a translation, parsed once per text and references."""
    if "[" not in text and "<" not in text:  # no link, image or autolink without one of them
        return []
    key = (text, references)
    found = _targets_seen.get(key)
    if found is None:
        if len(_targets_seen) >= _TARGETS_LIMIT:
            _targets_seen.clear()
        found = _targets_seen[key] = targets(_parse_translation(text, env))
    return found


def _references(env: dict) -> tuple:
    """The link reference definitions of a parsed document, as a key."""
    return tuple(sorted((label, reference.get("href", ""), reference.get("title", ""))
                        for label, reference in env.get("references", {}).items()))


def targets(children: list[Token]) -> list[str]:
    """The link and image targets among inline tokens, in order."""
    found = []
    for child in children:
        if child.type == "link_open":
            found.append(str(child.attrGet("href") or ""))
        elif child.type == "image":
            found.append(str(child.attrGet("src") or ""))
    return found


def _parse_translation(text: str, env: dict) -> list[Token]:
    """A unit's translation as inline tokens; plain text is the one text token the parser makes."""
    from markdown_it.token import Token

    if text and is_plain(text):
        return [Token("text", "", 0, content=text)]
    return markdown().parseInline(text, env)[0].children or []


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
