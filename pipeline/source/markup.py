"""The inline Markdown of one unit: its structure, its link targets and the text a reader sees.

Parsed with the project's own Markdown dialect (:func:`pipeline.source.articles.markdown`),
so the checks see exactly what the build will render.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline.source.articles import markdown

if TYPE_CHECKING:
    from markdown_it.token import Token

BARE_URL_RE = re.compile(r"\b(?:https?|ftp)://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]|\bmailto:[^\s<>()]+")


def may_hold_url(text: str) -> bool:
    """False where :data:`BARE_URL_RE` cannot match (most text): every match has one of these."""
    return "://" in text or "mailto:" in text

# How each element is named in messages, and drawn in a skeleton of the unit.
NAMES = {"em": "emphasis (*…*)", "strong": "strong emphasis (**…**)", "code": "code span (`…`)",
         "link": "link ([…](…))", "image": "image (![…](…))", "break": "line break (\\ at line end)"}
_DRAWN = {"em": ("*", "*"), "strong": ("**", "**"), "link": ("[", "](…)"),
          "code": ("`…`", ""), "image": ("![…](…)", ""), "break": ("\\⏎", "")}
_CONTAINERS = {"em_open": "em", "strong_open": "strong", "link_open": "link"}


@dataclass(frozen=True)
class Node:
    """One inline element; containers (emphasis, strong, link) hold their nested elements."""

    kind: str
    target: str = ""
    children: tuple[Node, ...] = ()

    def shape(self) -> tuple:
        """What must match between source and translation: kinds and nesting, not order or URLs."""
        return (self.kind, tuple(sorted(child.shape() for child in self.children)))

    def draw(self) -> str:
        opening, closing = _DRAWN[self.kind]
        inside = "".join(child.draw() for child in self.children) or ("…" if closing else "")
        return f"{opening}{inside}{closing}" if closing else opening

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Inline:
    """A unit's inline Markdown: its elements, the words a reader sees and the code it shows."""

    text: str
    nodes: tuple[Node, ...]
    prose: str
    code: tuple[str, ...]

    @property
    def visible(self) -> str:
        """Everything a reader sees, code included."""
        return " ".join((self.prose, *self.code)) if self.code else self.prose

    def shape(self) -> tuple:
        return tuple(sorted(node.shape() for node in self.nodes))

    def counts(self) -> Counter:
        return Counter(node.kind for top in self.nodes for node in top.walk())

    def skeleton(self) -> str:
        """The unit's elements drawn without their text, e.g. ``**…** […](…)``."""
        return " ".join(node.draw() for node in self.nodes) or "no Markdown"

    def targets(self, kind: str) -> Counter:
        """How often each URL is the target of a link (or image)."""
        if not self.nodes:
            return Counter()
        return Counter(node.target for top in self.nodes for node in top.walk()
                       if node.kind == kind)

    def bare_urls(self) -> list[str]:
        return BARE_URL_RE.findall(self.prose) if may_hold_url(self.prose) else []

    def without_urls(self) -> str:
        """The prose with bare URLs taken out, for checks that look at words."""
        return BARE_URL_RE.sub(" ", self.prose) if may_hold_url(self.prose) else self.prose


# Where an inline rule of the project's dialect can start (escapes, code, emphasis, links,
# images, autolinks, entities, line breaks), and what the normaliser rewrites (\r, \0).
# Text with none of these is a single text token: no parser needed.
_INLINE_SYNTAX_RE = re.compile(r"[\n\r\0!&*<\[\]\\_`]")


def is_plain(text: str) -> bool:
    """Whether markdown-it reads the text as one plain text token (no inline syntax in it)."""
    return _INLINE_SYNTAX_RE.search(text) is None


def parse_inline(text: str) -> Inline:
    """Parse one unit's inline Markdown; plain text (most units) is taken as it is."""
    if is_plain(text):
        return Inline(text, (), text, ())
    return _parse_marked_up(text)


def visible_length(text: str) -> int:
    """How many characters a reader sees of a unit (the Markdown syntax left out)."""
    if is_plain(text):
        return len(text)
    return len(_parse_marked_up(text).visible)


@lru_cache(maxsize=8192)
def _parse_marked_up(text: str) -> Inline:
    """markdown-it's reading of a unit (cached: every language checks the same sources)."""
    tokens = markdown().parseInline(text)
    children = tokens[0].children or [] if tokens else []
    stack: list[tuple[str, str, list[Node]]] = [("root", "", [])]
    prose: list[str] = []
    code: list[str] = []
    for token in children:
        _take(token, stack, prose, code)
    while len(stack) > 1:  # markdown-it always closes what it opens; this is only a guard
        kind, target, nested = stack.pop()
        stack[-1][2].append(Node(kind, target, tuple(nested)))
    return Inline(text, tuple(stack[0][2]), "".join(prose), tuple(code))


def _take(token: Token, stack: list, prose: list[str], code: list[str]) -> None:
    if token.type in _CONTAINERS:
        stack.append((_CONTAINERS[token.type], token.attrs.get("href", "") or "", []))
    elif token.type in ("em_close", "strong_close", "link_close"):
        kind, target, nested = stack.pop()
        stack[-1][2].append(Node(kind, str(target), tuple(nested)))
    elif token.type == "text":
        prose.append(token.content)
    elif token.type == "softbreak":
        prose.append(" ")
    elif token.type == "hardbreak":
        prose.append("\n")
        stack[-1][2].append(Node("break"))
    elif token.type == "code_inline":
        code.append(token.content)
        stack[-1][2].append(Node("code"))
    elif token.type == "image":
        prose.append("".join(child.content for child in token.children or []
                             if child.type in ("text", "code_inline")))
        stack[-1][2].append(Node("image", str(token.attrs.get("src", "") or "")))
    elif token.content:
        prose.append(token.content)
