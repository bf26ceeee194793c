"""Inline Markdown ⇄ XML for machine translation, and a check that drafts keep the inline structure.

Machine translation would translate, drop or mangle Markdown syntax, so every
inline element becomes an XML tag for DeepL's ``tag_handling='xml'``, which
keeps tags with the words they wrap. What must never change or be sent —
link targets, code spans, autolinks, bare URLs and e-mail addresses — becomes
an empty placeholder tag whose original Markdown stays here and is put back
locally. Where DeepL takes plain text (the ``context``), :func:`visible_words`
gives the words of the same XML form, so the same things are left out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Callable
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import unescape as xml_unescape

from markdown_it.common.utils import isStrSpace
from markdown_it.token import Token

from pipeline.source.articles import markdown

# Part of every machine-translation store key: change it when the XML form of a text changes.
MARKUP_VERSION = 1
# Inline tags DeepL must not treat as sentence boundaries.
INLINE_TAGS = ("b", "i", "a", "img", "code", "link", "url")

# Bare URLs and e-mail addresses in text. A URL stops before quotes, brackets and trailing
# punctuation ("…/kilavuz'dan", "…/a."); an address ends with its last domain label.
_URL_RE = re.compile(r"\b(?:(?:https?|ftp)://|mailto:)[^\s<>()\[\]'’\"]*[^\s<>()\[\]'’\".,;:!?*_]"
                     r"|[\w+-][\w.+-]*@[\w-]+(?:\.[\w-]+)+")
_MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>])")
_ENTITY_RE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


class MarkupError(ValueError):
    """A machine translation whose tags cannot be turned back into Markdown."""


@dataclass(frozen=True)
class Tagged:
    """A text as sent for translation, and the Markdown each placeholder id stands for."""

    xml: str
    slots: tuple[str, ...]


# ---------------------------------------------------------------- Markdown → XML


def to_xml(text: str) -> Tagged:
    """The XML form of one inline Markdown text; link targets and code stay in ``slots``."""
    writer = _XmlWriter(_link_suffixes(text))
    writer.write(_inline(text))
    return Tagged("".join(writer.out), tuple(writer.slots))


class _XmlWriter:
    def __init__(self, suffixes: list[tuple[str, str, str]]):
        self.suffixes = suffixes
        self.out: list[str] = []
        self.slots: list[str] = []

    def slot(self, markdown_text: str) -> str:
        self.slots.append(markdown_text)
        return str(len(self.slots) - 1)

    def write(self, tokens: list[Token]) -> None:
        skip_until_close = False
        for index, token in enumerate(tokens):
            if skip_until_close:
                skip_until_close = token.type != "link_close"
                continue
            if token.type == "text":
                self.text(token.content)
            elif token.type == "softbreak":
                self.out.append(" ")
            elif token.type == "hardbreak":
                self.out.append("<br/>")
            elif token.type in ("strong_open", "em_open"):
                tag = "b" if token.type == "strong_open" else "i"
                self.out.append(f'<{tag} i="{self.slot(token.markup)}">')
            elif token.type in ("strong_close", "em_close"):
                self.out.append("</b>" if token.type == "strong_close" else "</i>")
            elif token.type == "link_open" and token.markup == "autolink":
                self.out.append(f'<link i="{self.slot(f"<{tokens[index + 1].content}>")}"/>')
                skip_until_close = True
            elif token.type == "link_open":
                self.out.append(f'<a i="{self.slot(self.suffix(token))}">')
            elif token.type == "link_close":
                self.out.append("</a>")
            elif token.type == "image":
                self.out.append(f'<img i="{self.slot(self.suffix(token))}">')
                self.write(token.children or [])
                self.out.append("</img>")
            elif token.type == "code_inline":
                self.out.append(f'<code i="{self.slot(_code_span(token))}"/>')
            else:
                self.text(token.content)

    def text(self, text: str) -> None:
        position = 0
        for match in _URL_RE.finditer(text):
            self.out.append(xml_escape(text[position:match.start()]))
            self.out.append(f'<url i="{self.slot(match.group())}"/>')
            position = match.end()
        self.out.append(xml_escape(text[position:]))

    def suffix(self, token: Token) -> str:
        """The ``(target "title")`` part of a link or image, as the source wrote it."""
        href = str(token.attrs.get("href", token.attrs.get("src", "")))
        title = str(token.attrs.get("title", ""))
        for index, (found_href, found_title, raw) in enumerate(self.suffixes):
            if (found_href, found_title) == (href, title):
                del self.suffixes[index]
                return raw
        target = f"<{href}>" if re.search(r"[\s()<>]", href) or not href else href
        return f'({target} "{_escape_title(title)}")' if title else f"({target})"


def _code_span(token: Token) -> str:
    content = token.content
    padded = content.startswith(" ") and content.endswith(" ") and content.strip()
    pad = " " if padded or content.startswith("`") or content.endswith("`") else ""
    return f"{token.markup}{pad}{content}{pad}{token.markup}"


def _escape_title(title: str) -> str:
    return title.replace("\\", "\\\\").replace('"', '\\"')


def _link_suffixes(text: str) -> list[tuple[str, str, str]]:
    """Every ``](target "title")`` of a text: (normalised href, title, raw ``(…)``).

    markdown-it keeps only the normalised target; drafts must repeat the
    source's own spelling (``kılavuz``, not ``k%C4%B1lavuz``), so it is read
    here with the parser's own helpers.
    """
    md = markdown()
    found = []
    start = text.find("](")
    while start != -1:
        position, end = _skip_space(text, start + 2), len(text)
        href, title = "", ""
        destination = md.helpers.parseLinkDestination(text, position, end)
        if destination.ok:
            href = md.normalizeLink(destination.str)
            if md.validateLink(href):
                position = destination.pos
            else:
                href = ""
            before_title = position
            position = _skip_space(text, position)
            parsed = md.helpers.parseLinkTitle(text, position, end)
            if position < end and before_title != position and parsed.ok:
                title, position = parsed.str, _skip_space(text, parsed.pos)
        if position < end and text[position] == ")":
            found.append((href, title, text[start + 1:position + 1]))
        start = text.find("](", start + 2)
    return found


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and (isStrSpace(text[position]) or text[position] == "\n"):
        position += 1
    return position


# ---------------------------------------------------------------- XML → Markdown


def from_xml(xml: str, slots: tuple[str, ...]) -> str:
    """The Markdown of a translated XML text; raises MarkupError on tags it cannot place."""
    root = _parse(xml)
    plain = _render(root, slots, _keep)
    escaped = _render(root, slots, escape_markdown)
    # Escape only when a character of the translation would otherwise become markup.
    if plain == escaped or _token_signature(plain) == _token_signature(escaped):
        return plain
    return escaped


def escape_markdown(text: str) -> str:
    """Text made literal for inline Markdown."""
    return _ENTITY_RE.sub("\\\\&", _MARKDOWN_SPECIAL_RE.sub(r"\\\1", text))


def _keep(text: str) -> str:
    return text


def _parse(xml: str) -> ET.Element:
    try:
        return ET.fromstring(f"<m>{xml}</m>")
    except ET.ParseError as exc:
        raise MarkupError(f"the translation is not well-formed XML ({exc})") from None


def _render(element: ET.Element, slots: tuple[str, ...], escape: Callable[[str], str]) -> str:
    out = [escape(element.text or "")]
    for child in element:
        out.append(_render_child(child, slots, escape))
        out.append(escape(child.tail or ""))
    return "".join(out)


def _render_child(child: ET.Element, slots: tuple[str, ...], escape: Callable[[str], str]) -> str:
    if child.tag == "br":
        return "\\\n"
    slot = _slot(child, slots)
    inner = _render(child, slots, escape)
    if child.tag in ("b", "i"):
        core = inner.strip()
        if not core:
            return inner
        lead, trail = inner[:len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()):]
        return f"{lead}{slot}{core}{slot}{trail}"
    if child.tag == "a":
        return f"[{inner}]{slot}"
    if child.tag == "img":
        return f"![{inner}]{slot}"
    if child.tag in ("code", "link", "url"):
        return slot + inner
    raise MarkupError(f"the translation has a tag <{child.tag}> the source does not have")


def _slot(child: ET.Element, slots: tuple[str, ...]) -> str:
    index = child.get("i", "")
    if not index.isdigit() or int(index) >= len(slots):
        raise MarkupError(f"the translation has a <{child.tag}> tag with an unknown id")
    return slots[int(index)]


# ---------------------------------------------------------------- structure


def same_structure(source: str, translation: str) -> bool:
    """Whether both texts have the same inline elements: emphasis, links and their targets, code, URLs."""
    return structure(source) == structure(translation)


def structure(text: str) -> tuple:
    """The inline elements of a text, without its words, in a canonical order.

    Order among siblings is ignored, since a translation may legitimately move
    a link or an emphasis; nesting, targets, code and URLs must all match.
    """
    return _canonical(_tree(_inline(text)))


def _tree(tokens: list[Token]) -> list[tuple]:
    root: list[tuple] = []
    stack: list[list[tuple]] = [root]
    skip_until_close = False
    for token in tokens:
        if skip_until_close:
            skip_until_close = token.type != "link_close"
            continue
        here = stack[-1]
        if token.type == "text":
            here.extend(("url", url) for url in _URL_RE.findall(token.content))
        elif token.type == "hardbreak":
            here.append(("br",))
        elif token.type == "code_inline":
            here.append(("code", token.content))
        elif token.type == "image":
            here.append(("img", token.attrs.get("src", ""), token.attrs.get("title", ""),
                         _canonical(_tree(token.children or []))))
        elif token.type == "link_open" and token.markup == "autolink":
            here.append(("autolink", token.attrs.get("href", "")))
            skip_until_close = True
        elif token.nesting == 1:
            children: list[tuple] = []
            attrs = (token.attrs.get("href", ""), token.attrs.get("title", "")) \
                if token.type == "link_open" else ()
            here.append((token.type.removesuffix("_open"), attrs, children))
            stack.append(children)
        elif token.nesting == -1 and len(stack) > 1:
            stack.pop()
    return root


def _canonical(nodes: list) -> tuple:
    def one(node: tuple) -> tuple:
        if len(node) == 3 and isinstance(node[2], list):
            return (node[0], node[1], _canonical(node[2]))
        return node
    return tuple(sorted((one(node) for node in nodes), key=repr))


def _token_signature(text: str) -> list[tuple]:
    def flat(tokens: list[Token]) -> list[tuple]:
        return [(t.type, t.content, tuple(sorted(t.attrs.items())), tuple(flat(t.children or [])))
                for t in tokens]
    return flat(_inline(text))


def _inline(text: str) -> list[Token]:
    tokens = markdown().parseInline(text)
    return tokens[0].children or [] if tokens else []


# ---------------------------------------------------------------- helpers for engines


def billable_characters(xml: str) -> int:
    """Characters DeepL bills for an XML text: the text outside tags, in code points."""
    try:
        return len(_outside_tags(xml))
    except MarkupError:
        return len(xml)


def visible_words(text: str) -> str:
    """The words of an inline Markdown text as plain text, for where DeepL takes no tags.

    The text outside the tags of :func:`to_xml`, spaces collapsed: link and
    emphasis text stay, while link targets, code spans, autolinks, bare URLs
    and e-mail addresses are left out (not replaced), exactly as in the texts
    sent for translation.
    """
    return " ".join(_outside_tags(to_xml(text).xml).split())


def _outside_tags(xml: str) -> str:
    return "".join(_parse(xml).itertext())


def map_text(xml: str, change: Callable[[str], str]) -> str:
    """The XML with ``change`` applied to every piece of text and every tag left as it is."""
    root = _parse(xml)
    for element in root.iter():
        if element is not root and element.text:
            element.text = change(element.text)
        if element is not root and element.tail:
            element.tail = change(element.tail)
    head = xml_escape(change(root.text)) if root.text else ""
    return head + "".join(ET.tostring(child, encoding="unicode") for child in root)


@lru_cache(maxsize=1 << 16)  # boilerplate: one text's draft lands in many catalogs
def restore(source: str, tagged: Tagged, translated_xml: str) -> tuple[str, bool]:
    """A translated XML text as Markdown, and whether its inline structure matches the source.

    A translation whose tags cannot be placed keeps its words (tags dropped),
    reported as not matching, so a draft is never lost and never silently wrong.
    """
    try:
        text = from_xml(translated_xml, tagged.slots)
    except MarkupError:
        text = "".join(_parse_lenient(translated_xml))
    text = _like_source_edges(source, text.strip())
    return text, same_structure(source, text)


def _parse_lenient(xml: str) -> list[str]:
    return [escape_markdown(xml_unescape(part)) for part in re.split(r"<[^>]*>", xml)]


def _like_source_edges(source: str, text: str) -> str:
    lead = source[:len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()):]
    return f"{lead}{text}{trail}"
