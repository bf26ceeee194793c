"""Pseudo-localisation: accented, lengthened text with the markup intact, to test page layouts.

Nobody can take ``⟦Ḿîķŕö îğñéļéḿé ·····⟧`` for a translation, yet it shows
where a layout breaks with longer text or non-ASCII letters, and that
links and emphasis survive the round trip through the XML form.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.mt.engines.base import Batch, Translation, Usage, pack
from pipeline.mt.inline_xml import billable_characters, map_text

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçđéƒĝĥîĵķļḿñöþʠŕšţûṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻḾÑÖÞǪŔŠŢÛṼŴẊÝŽ")
# Translations run about a third longer than the source in many languages.
_GROWTH = 0.3


def pseudo_translate(xml: str) -> str:
    """The pseudo-localised form of an XML text."""
    padding = "·" * max(1, round(billable_characters(xml) * _GROWTH))
    return f"⟦{map_text(xml, lambda text: text.translate(_ACCENTS))} {padding}⟧"


class PseudoEngine:
    name = "pseudo"
    billable = False
    concurrency = 1
    uses_context = False

    def store_options(self, source: str, target: str) -> dict:
        return {}

    def batches(self, items: Sequence[tuple[str, str | None]], source: str,
                target: str) -> list[Batch]:
        return pack(items, max_texts=1000, max_bytes=1 << 30, overhead=lambda context: 0,
                    size=len)

    def usage(self) -> Usage | None:
        return None

    def prepare(self, source: str, targets: Sequence[str]) -> list[str]:
        return []

    def translate(self, batch: Batch, source: str, target: str) -> list[Translation]:
        return [Translation(pseudo_translate(text), 0) for text in batch.texts]
