"""What a check is: its severity, its record and decorator, what it looks at and what it finds.

A check is one small function registered with :func:`check`: its name, its
severity and, as the first line of its docstring, its title. It looks at one
subject and yields a message per problem: a pair (a source text and its
translation; a plural entry has one pair per form), a whole entry, or the
catalog (its messages are shown at the header).
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any, Generic, Literal, TypeVar, overload
from collections.abc import Callable, Iterable

from pipeline.glossary import Glossary
from pipeline.source.markup import Inline, parse_inline


class Severity(enum.StrEnum):
    """How much a finding matters: an error blocks publication, a warning informs.

    Ordered by weight, lightest first as declared (``ERROR > WARNING``). The
    value is the word reports show, so ``str()``, JSON and kept findings give
    ``"error"`` or ``"warning"`` (JSON would write an IntEnum as its number).
    """

    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def __lt__(self, other: object) -> bool:
        return self.rank < _rank_of(other) if isinstance(other, str) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.rank <= _rank_of(other) if isinstance(other, str) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.rank > _rank_of(other) if isinstance(other, str) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.rank >= _rank_of(other) if isinstance(other, str) else NotImplemented


_RANKS = {severity: rank for rank, severity in enumerate(Severity)}


def _rank_of(value: str) -> int:
    """The rank of a severity, or of its word ("error"): never the order of the spelling."""
    return _RANKS[Severity(value)]


ERROR = Severity.ERROR
WARNING = Severity.WARNING

Scope = Literal["pair", "entry", "catalog"]
PAIR: Scope = "pair"
ENTRY: Scope = "entry"
CATALOG: Scope = "catalog"

Subject = TypeVar("Subject")
Function = TypeVar("Function", bound=Callable[..., Iterable[str]])


@dataclass(frozen=True)
class Finding:
    """One problem of one entry, shaped ``file:line: severity: [check] message``."""

    check: str
    severity: Severity
    message: str
    path: str
    line: int
    msgid: str
    msgctxt: str | None = None
    language: str = ""
    fuzzy: bool = False

    def __post_init__(self) -> None:
        if type(self.severity) is not Severity:  # read back from JSON as its word
            object.__setattr__(self, "severity", Severity(self.severity))

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: [{self.check}] {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Context:
    """What the checks of one catalog need besides the entry: language, glossary, plural rule."""

    language: str
    source_language: str
    glossary: Glossary
    nplurals: int | None
    usual_ratio: float | None  # None where results are shared between catalogs
    ratio_measured: bool | None

    @property
    def base(self) -> str:
        return self.language.split("_")[0]

    def length_ratio(self) -> tuple[float, bool]:
        """The catalog's usual length ratio and whether it was measured on the catalog."""
        if self.usual_ratio is None or self.ratio_measured is None:
            raise LookupError("a check that reads the catalog's length ratio must be registered "
                              "catalog_wide")
        return self.usual_ratio, self.ratio_measured


@dataclass(frozen=True)
class Check(Generic[Subject]):
    """A registered check: what it is called, how much it matters, what it looks at."""

    name: str
    severity: Severity
    title: str
    scope: Scope
    function: Callable[[Subject, Context], Iterable[str]]
    final: bool = False
    catalog_wide: bool = False
    applies: Callable[[Subject, Context], bool] | None = None

    def run(self, subject: Subject, context: Context) -> tuple[str, ...]:
        """The check's messages, none without running it where it cannot apply."""
        if self.applies is not None and not self.applies(subject, context):
            return ()
        return tuple(self.function(subject, context))


# Every registered check by name, in registration order; the runner orders them by severity.
CHECKS: dict[str, Check[Any]] = {}


def check(name: str, severity: Severity, scope: Scope = PAIR, final: bool = False,
          catalog_wide: bool = False, applies: Callable[[Any, Context], bool] | None = None
          ) -> Callable[[Function], Function]:
    """Register a check; ``final`` checks stop the remaining checks of a pair when they fire.

    Only an error may be final: a warning that silenced the checks after it
    could hide an error. A pair check that reads what is measured over its
    catalog (the usual length ratio) says so with ``catalog_wide``: the others
    depend on the text pair and the language alone, so their results are
    shared by every catalog of the language. ``applies`` is a quick test that
    is false only where the check cannot find anything (no digit, no
    bracket): there the check is not run, which is most pairs of most checks.
    """
    severity = Severity(severity)
    if final and severity is not ERROR:
        raise ValueError(f"check {name!r}: only an error check may stop the checks after it")

    def register(function: Function) -> Function:
        title = (function.__doc__ or name).strip().splitlines()[0]
        CHECKS[name] = Check(name, severity, title, scope, function, final, catalog_wide,
                             applies)
        return function
    return register


Value = TypeVar("Value")


class _once(Generic[Value]):
    """A computed attribute kept after its first use (cached_property without its lock)."""

    def __init__(self, function: Callable[[Pair], Value]) -> None:
        self.function, self.name = function, function.__name__

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _once[Value]: ...

    @overload
    def __get__(self, instance: Pair, owner: type | None = None) -> Value: ...

    def __get__(self, instance: Pair | None, owner: type | None = None) -> _once[Value] | Value:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value


@dataclass(frozen=True)
class Pair:
    """One source text and one translation of it (one plural form of an entry)."""

    source: str
    translation: str
    form: int | None = None

    @_once
    def source_inline(self) -> Inline:
        return parse_inline(self.source)

    @_once
    def inline(self) -> Inline:
        return parse_inline(self.translation)

    def derived(self, function: Callable[..., Value], *args: Any) -> Value:
        """``function(self, *args)``, worked out once for every check of the pair that asks.

        For what several checks read (the numbers of both texts, say): a pair is
        checked by a dozen functions, and each would otherwise work it out again.
        """
        memo = self.__dict__.get("_derived")
        if memo is None:
            memo = self.__dict__["_derived"] = {}
        key = (function, args)
        if key not in memo:
            memo[key] = function(self, *args)
        return memo[key]
