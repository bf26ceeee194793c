"""What every machine-translation engine shares: the interface, its data, its one error, batching.

The engines (:mod:`~pipeline.mt.engines.deepl`, :mod:`~pipeline.mt.engines.pseudo`)
import from here, not from the package, so the package can import them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from collections.abc import Callable, Sequence

from pipeline.errors import EngineError

MEMORY = "memory"
DEEPL = "deepl"
PSEUDO = "pseudo"
ENGINE_NAMES = (MEMORY, DEEPL, PSEUDO)
MACHINE_ENGINES = (DEEPL, PSEUDO)
KEY_VARIABLE = "DEEPL_AUTH_KEY"
SERVER_VARIABLE = "DEEPL_SERVER_URL"


@dataclass(frozen=True)
class Translation:
    """One translated text (XML form) and the characters billed for it."""

    text: str
    billed: int


@dataclass(frozen=True)
class Batch:
    """Texts sent in one request, sharing one context."""

    texts: tuple[str, ...]
    context: str | None = None


@dataclass(frozen=True)
class Usage:
    """The account's characters used and allowed in this billing period."""

    count: int | None
    limit: int | None

    @property
    def remaining(self) -> int | None:
        if self.count is None or self.limit is None:
            return None
        return max(self.limit - self.count, 0)


class Engine(Protocol):
    """What the translate stage needs from a machine engine; languages are project codes."""

    name: str
    billable: bool  # billable results are stored and their characters counted
    concurrency: int
    uses_context: bool  # wants the article's title and description with each batch

    def store_options(self, source: str, target: str) -> dict:
        """Everything besides the text that changes a translation, for the store key."""

    def batches(self, items: Sequence[tuple[str, str | None]], source: str,
                target: str) -> list[Batch]:
        """(text, context) items cut into requests within the engine's limits."""

    def usage(self) -> Usage | None:
        """Check that the engine is reachable and the key accepted; the usage when known."""

    def prepare(self, source: str, targets: Sequence[str]) -> list[str]:
        """Get ready to translate into these languages; notices for the user."""

    def translate(self, batch: Batch, source: str, target: str) -> list[Translation]:
        """One request; raises EngineError (or QuotaExceeded) when it fails."""


class QuotaExceeded(EngineError):
    """The engine's quota for this billing period is used up."""


def pack(items: Sequence[tuple[str, str | None]], max_texts: int, max_bytes: int,
         overhead: Callable[[str | None], int], size: Callable[[str], int]) -> list[Batch]:
    """Texts grouped by context, in order, into batches of at most max_texts and max_bytes.

    ``overhead(context)`` is the size of a request without texts and
    ``size(text)`` what one text adds; a text too big for any request still
    goes alone, so the engine can say what is wrong with it.
    """
    by_context: dict[str | None, list[str]] = {}
    for text, context in items:
        by_context.setdefault(context, []).append(text)
    batches = []
    for context, texts in by_context.items():
        current: list[str] = []
        used = overhead(context)
        for text in texts:
            cost = size(text)
            if current and (len(current) >= max_texts or used + cost > max_bytes):
                batches.append(Batch(tuple(current), context))
                current, used = [], overhead(context)
            current.append(text)
            used += cost
        if current:
            batches.append(Batch(tuple(current), context))
    return batches
