"""The markup checks: inline Markdown, link targets and unsafe HTML are the source's.

All three are errors: a page whose links point elsewhere, whose emphasis moved
or that carries raw HTML or script is not the text the doctor approved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.checks.registry import ERROR, Context, Pair, check
from pipeline.source.markup import NAMES, may_hold_url


def _marked_up(pair: Pair, context: Context) -> bool:
    """Either text has inline Markdown: else both shapes are empty, and equal."""
    return bool(pair.source_inline.nodes or pair.inline.nodes)


def _has_targets(pair: Pair, context: Context) -> bool:
    """The translation has inline Markdown or a bare URL: else it has no URL to be wrong."""
    return bool(pair.inline.nodes) or may_hold_url(pair.inline.prose)


def _may_be_unsafe(pair: Pair, context: Context) -> bool:
    """Every unsafe pattern needs a '<' or a ':' in the translation."""
    return "<" in pair.translation or ":" in pair.translation


@check("markdown", ERROR, applies=_marked_up)
def markdown_structure(pair: Pair, context: Context) -> Iterator[str]:
    """Inline Markdown (emphasis, strong, code, links, images, line breaks) differs from the source."""
    source, translation = pair.source_inline, pair.inline
    if source.shape() == translation.shape():
        return
    wanted, got = source.counts(), translation.counts()
    differences = [f"{NAMES[kind]}: {wanted[kind]} in the source, {got[kind]} here"
                   for kind in NAMES if wanted[kind] != got[kind]]
    what = "; ".join(differences) or "the same elements are nested differently"
    yield (f"inline Markdown differs from the source ({what}); keep the source's "
           f"{source.skeleton()}, here it is {translation.skeleton()}")


@check("urls", ERROR, applies=_has_targets)
def urls(pair: Pair, context: Context) -> Iterator[str]:
    """Link and image URLs are exactly the source's."""
    source, translation = pair.source_inline, pair.inline
    for kind in ("link", "image"):
        wanted, got = source.targets(kind), translation.targets(kind)
        for url in got:
            if url not in wanted:
                yield f"{kind} URL {url} is not in the source: use the source's URL unchanged"
            elif got[url] != wanted[url]:
                yield f"{kind} URL {url} is used {got[url]} times, {wanted[url]} in the source"
    known = {*source.targets("link"), *source.targets("image"), *source.bare_urls()}
    for url in translation.bare_urls():
        if url not in known:
            yield f"the URL {url} is not in the source: use the source's URLs only"


_HTML_RE = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?\s*>|<!--|<!\[CDATA\[|<\?")
_SCRIPT_RE = re.compile(r"\b((?:java|vb|live)script)\s*:", re.I)
_DATA_URL_RE = re.compile(r"\bdata\s*:\s*[a-z]+/[a-z0-9.+-]+\s*[;,]", re.I)


def _unsafe_parts(text: str) -> set[str]:
    if "<" not in text and ":" not in text:  # every pattern below needs one of them
        return set()
    parts = {f"<{m.group(1).lower()}>" if m.group(1) else m.group(0)
             for m in _HTML_RE.finditer(text)}
    parts |= {f"{m.group(1).lower()}:" for m in _SCRIPT_RE.finditer(text)}
    parts |= {"data:" for _ in _DATA_URL_RE.finditer(text)}
    return parts


@check("unsafe", ERROR, applies=_may_be_unsafe)
def unsafe(pair: Pair, context: Context) -> Iterator[str]:
    """Raw HTML, script or an unsafe URL scheme that the source does not have."""
    extra = _unsafe_parts(pair.translation) - _unsafe_parts(pair.source)
    for part in sorted(extra):
        if part.startswith("<"):
            yield f"raw HTML {part} is not in the source: use Markdown (*, **, [](…)) instead"
        else:
            yield f"the URL scheme {part} is not allowed: keep the source's links"
