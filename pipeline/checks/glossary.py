"""The glossary check: a medical term of the source is rendered as the project's glossary says.

A warning: the glossary (``glossary/<source>-<target>.csv``, :mod:`pipeline.glossary`)
records the clinic's choices, and a reviewer decides whether a sentence may differ.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.registry import WARNING, Context, Pair, check


def _has_terms(pair: Pair, context: Context) -> bool:
    return bool(context.glossary.terms)


@check("glossary", WARNING, applies=_has_terms)
def glossary(pair: Pair, context: Context) -> Iterator[str]:
    """A glossary term of the source is not rendered with its glossary translation."""
    for term in context.glossary.terms_in(pair.source_inline.prose):
        if term.kept or context.glossary.rendered(term, pair.inline.visible):
            continue
        yield (f"'{term.source}' should be rendered as '{term.target}' "
               f"({context.glossary.where(term)})")
