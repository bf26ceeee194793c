"""Translation checks: errors block a language from publication, warnings inform.

Each check is one small function registered with :func:`check`: its name,
its severity and, as the first line of its docstring, its title. Most checks
look at one pair (a source text and its translation; a plural entry has one
pair per form) and yield a message per problem; a few look at a whole entry
or at the catalog's header. Adding a check is writing one such function.
"""

from __future__ import annotations

import hashlib
import re
import statistics
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Callable, Iterator

from pipeline.checks import validity
from pipeline.catalogs.model import Catalog, Entry
from pipeline.config import Config
from pipeline.glossary import Glossary, fold, load_glossary, turkish_lower
from pipeline.source.markup import NAMES, Inline, parse_inline, visible_length
from pipeline.checks.numbers import extract_numbers, format_value, has_percentage, unmatched

ERROR = "error"
WARNING = "warning"
PAIR, ENTRY, CATALOG = "pair", "entry", "catalog"


@dataclass(frozen=True)
class Finding:
    """One problem of one entry, shaped ``file:line: severity: [check] message``."""

    check: str
    severity: str
    message: str
    path: str
    line: int
    msgid: str
    msgctxt: str | None = None
    language: str = ""
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: [{self.check}] {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Check:
    """A registered check: what it is called, how much it matters, what it looks at."""

    name: str
    severity: str
    title: str
    scope: str
    function: Callable
    final: bool = False
    catalog_wide: bool = False


CHECKS: dict[str, Check] = {}


def check(name: str, severity: str, scope: str = PAIR, final: bool = False,
          catalog_wide: bool = False):
    """Register a check; ``final`` checks stop the remaining checks of a pair when they fire.

    A pair check that reads what is measured over its catalog (the usual length
    ratio) says so with ``catalog_wide``: the others depend on the text pair and
    the language alone, so their results are shared by every catalog of the language.
    """
    def register(function: Callable) -> Callable:
        title = (function.__doc__ or name).strip().splitlines()[0]
        CHECKS[name] = Check(name, severity, title, scope, function, final, catalog_wide)
        return function
    return register


@dataclass(frozen=True)
class Context:
    """What the checks of one catalog need besides the entry: language, glossary, plural rule."""

    language: str
    source_language: str
    glossary: Glossary
    nplurals: int | None
    usual_ratio: float
    ratio_measured: bool

    @property
    def base(self) -> str:
        return self.language.split("_")[0]


class _once:
    """A computed attribute kept after its first use (cached_property without its lock)."""

    def __init__(self, function: Callable):
        self.function, self.name = function, function.__name__

    def __get__(self, instance, owner=None):
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


# ------------------------------------------------------------------ running


def pairs(entry: Entry, nplurals: int | None = None) -> list[Pair]:
    """The (source, translation) pairs of an entry: one, or one per plural form."""
    if entry.msgid_plural is None:
        return [Pair(entry.msgid, entry.msgstr)]
    single = nplurals == 1
    return [Pair(entry.msgid if index == 0 and not single else entry.msgid_plural, text, index)
            for index, text in enumerate(entry.msgstrs)]


def check_entry(entry: Entry, context: Context, memo: "PairMemo | None" = None
                ) -> list[tuple[Check, str]]:
    """Every problem of one filled-in entry, as (check, message)."""
    return _check_entry(entry, context, memo, *_registered())


def _registered() -> tuple[list[Check], list[Check]]:
    """The entry checks and the pair checks, in registration order."""
    return ([item for item in CHECKS.values() if item.scope == ENTRY],
            [item for item in CHECKS.values() if item.scope == PAIR])


def _check_entry(entry: Entry, context: Context, memo: "PairMemo | None",
                 entry_checks: list[Check], pair_checks: list[Check]) -> list[tuple[Check, str]]:
    problems = [(item, message) for item in entry_checks
                for message in item.function(entry, context)]
    for pair in pairs(entry, context.nplurals):
        prefix = f"msgstr[{pair.form}]: " if pair.form is not None else ""
        known = memo.results(pair, pair_checks) if memo is not None else None
        # Nothing found by the shared checks: only the catalog-wide ones can still fire.
        for item in (pair_checks if known is None or known else memo.catalog_wide(pair_checks)):
            if known is None or item.catalog_wide:
                messages = list(item.function(pair, context))
            else:
                messages = known.get(item.name, ())
            if messages:
                problems.extend((item, prefix + message) for message in messages)
                if item.final:
                    break
    return problems


class PairMemo:
    """What the pair checks found in each text pair, shared by the catalogs of one language.

    The same pair (site boilerplate, a repeated sentence) is checked once. Only
    checks that depend on nothing but the pair and the language are kept here:
    they run against a context without the catalog's own measures, so a check
    that reads them without declaring itself ``catalog_wide`` fails loudly.
    """

    _LIMIT = 200_000

    def __init__(self, context: Context):
        self.context = replace(context, nplurals=None, usual_ratio=None, ratio_measured=None)
        self.found: dict[bytes, dict[str, tuple[str, ...]]] = {}
        self._wide: tuple[list[Check], list[Check]] | None = None

    def catalog_wide(self, pair_checks: list[Check]) -> list[Check]:
        if self._wide is None or self._wide[0] is not pair_checks:
            self._wide = (pair_checks, [item for item in pair_checks if item.catalog_wide])
        return self._wide[1]

    def results(self, pair: Pair, pair_checks: list[Check]) -> dict[str, tuple[str, ...]]:
        """Check name → messages for the pair, for the checks that are not catalog-wide."""
        text = f"{len(pair.source)}:{pair.source}{pair.translation}"
        key = hashlib.blake2b(text.encode("utf-8"), digest_size=20).digest()
        found = self.found.get(key)
        if found is None:
            if len(self.found) >= self._LIMIT:
                self.found.clear()
            found = self.found[key] = self._run(Pair(pair.source, pair.translation), pair_checks)
        return found

    def _run(self, pair: Pair, pair_checks: list[Check]) -> dict[str, tuple[str, ...]]:
        found = {}
        for item in pair_checks:
            if item.catalog_wide:
                continue
            messages = tuple(item.function(pair, self.context))
            if messages:
                found[item.name] = messages
                if item.final:
                    break
        return found


_memos: dict[tuple, PairMemo] = {}


def pair_memo(context: Context) -> PairMemo:
    """The memo of the context's language, glossary and registered checks (the last few kept)."""
    key = (context.language, context.source_language, context.glossary, tuple(CHECKS.values()))
    memo = _memos.get(key)
    if memo is None:
        if len(_memos) >= 4:
            _memos.clear()
        memo = _memos[key] = PairMemo(context)
    return memo


def check_catalog(catalog: Catalog, path: str, language: str, config: Config) -> list[Finding]:
    """Every finding of a catalog's header and filled-in live entries (empty ones are untranslated)."""
    context = make_context(catalog, language, config)
    memo = pair_memo(context)
    scoped = _registered()
    findings = []
    for item in CHECKS.values():
        if item.scope == CATALOG:
            for entry, message in item.function(catalog, context):
                findings.append(_finding(item, message, path, entry, language))
    for entry in catalog.messages:
        if not any(entry.msgstrs):
            continue
        for item, message in _check_entry(entry, context, memo, *scoped):
            findings.append(_finding(item, message, path, entry, language))
    return findings


def _finding(item: Check, message: str, path: str, entry: Entry, language: str) -> Finding:
    return Finding(item.name, item.severity, message, path, entry.line or 1, entry.msgid,
                   entry.msgctxt, language, entry.fuzzy)


def make_context(catalog: Catalog, language: str, config: Config) -> Context:
    ratio, measured = usual_ratio(catalog, language)
    return Context(language, config.source_language, load_glossary(config, language),
                   validity.header_plural_count(catalog), ratio, measured)


# Translations of Turkish prose run about as long as the source in alphabetic
# scripts and much shorter in Chinese and Japanese; a catalog with enough
# translated entries measures its own ratio instead.
DEFAULT_RATIOS = {"zh": 0.4, "ja": 0.5, "ko": 0.5}
_RATIO_SAMPLE = 8
_RATIO_MIN_LENGTH = 20


def usual_ratio(catalog: Catalog, language: str) -> tuple[float, bool]:
    """The median length ratio of the catalog's translations, or the pair's default."""
    lengths = [(visible_length(pair.source), pair.translation)
               for entry in catalog.messages if entry.has_translation for pair in pairs(entry)]
    ratios = [visible_length(translation) / source for source, translation in lengths
              if source >= _RATIO_MIN_LENGTH]
    if len(ratios) >= _RATIO_SAMPLE:
        return statistics.median(ratios), True
    return DEFAULT_RATIOS.get(language.split("_")[0], 1.0), False


# ------------------------------------------------------------------ errors


@check("gettext-header", ERROR, scope=CATALOG)
def gettext_header(catalog: Catalog, context: Context) -> Iterator[tuple[Entry, str]]:
    """Header as msgfmt --check sees it: present, with a valid Plural-Forms."""
    for message in validity.header_problems(catalog):
        yield catalog.header, message


@check("gettext", ERROR, scope=ENTRY)
def gettext_entry(entry: Entry, context: Context) -> Iterator[str]:
    """Entry as msgfmt --check sees it: newlines at both ends, plural count, flagged formats."""
    yield from validity.entry_problems(entry, context.nplurals)


@check("empty", ERROR, final=True)
def empty(pair: Pair, context: Context) -> Iterator[str]:
    """Empty translation of a non-empty source."""
    if pair.source.strip() and not pair.translation.strip():
        yield "the translation is empty: translate it, or clear every form to leave it untranslated"


_WORD_RE = re.compile(r"[^\W\d_]{2,}")
# Unit symbols count as symbols: "2,5 mm" needs no translation.
_UNITS = {"mg", "mcg", "µg", "μg", "kg", "ml", "dl", "cl", "mm", "cm", "km", "nm", "µm", "μm",
          "cc", "iu", "mmol", "mol", "mmhg", "bpm", "kcal", "cal", "hz", "khz", "min", "sn", "dk",
          "tl", "usd", "eur"}


@check("identical", ERROR, final=True)
def identical(pair: Pair, context: Context) -> Iterator[str]:
    """Translation identical to the source (names, numbers and symbols excepted)."""
    if " ".join(pair.source.split()) != " ".join(pair.translation.split()):
        return
    symbols = context.glossary.kept_words() | _UNITS
    words = [word for word in _WORD_RE.findall(pair.source_inline.without_urls())
             if not word.isupper() and turkish_lower(word) not in symbols]
    if words:
        yield ("the translation is the untranslated source text; translate it (a name to keep "
               f"as it is belongs in the glossary as 'name,name': {context.glossary.path})")


@check("markdown", ERROR)
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


@check("urls", ERROR)
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


@check("unsafe", ERROR)
def unsafe(pair: Pair, context: Context) -> Iterator[str]:
    """Raw HTML, script or an unsafe URL scheme that the source does not have."""
    extra = _unsafe_parts(pair.translation) - _unsafe_parts(pair.source)
    for part in sorted(extra):
        if part.startswith("<"):
            yield f"raw HTML {part} is not in the source: use Markdown (*, **, [](…)) instead"
        else:
            yield f"the URL scheme {part} is not allowed: keep the source's links"


def _number_difference(pair: Pair, context: Context):
    """The source's numbers, those the translation lacks, and those it adds."""
    source = extract_numbers(pair.source_inline.visible, context.source_language)
    missing, extra = unmatched(source, extract_numbers(pair.inline.visible, context.language))
    return source, missing, extra


@check("numbers", ERROR)
def numbers(pair: Pair, context: Context) -> Iterator[str]:
    """A number of the source is missing or changed (read with each language's conventions)."""
    source, missing, extra = _number_difference(pair, context)
    if missing:
        listed = ", ".join(_reading(number) for number in missing)
        instead = (f"; the translation has {', '.join(n.text for n in extra)} instead"
                   if extra else "")
        what = "number" if len(missing) == 1 else "numbers"
        verb = "is" if len(missing) == 1 else "are"
        yield f"{what} {listed} of the source {verb} missing or changed{instead}"
    if (any(number.percent for number in source)
            and not has_percentage(pair.inline.visible, context.language)):
        yield "the source gives a percentage (%) but the translation has no percent sign or word"


def _reading(number) -> str:
    values = sorted(number.values)
    plain = format_value(values[0])
    return number.text if plain == number.text else f"{number.text} (= {plain})"


# ---------------------------------------------------------------- warnings


@check("extra-numbers", WARNING)
def extra_numbers(pair: Pair, context: Context) -> Iterator[str]:
    """A number in the translation that the source does not have."""
    _, missing, extra = _number_difference(pair, context)
    if extra and not missing:
        yield f"{', '.join(n.text for n in extra)} is not in the source: check it is meant"


@check("glossary", WARNING)
def glossary(pair: Pair, context: Context) -> Iterator[str]:
    """A glossary term of the source is not rendered with its glossary translation."""
    for term in context.glossary.terms_in(pair.source_inline.prose):
        if term.kept or context.glossary.rendered(term, pair.inline.visible):
            continue
        yield (f"'{term.source}' should be rendered as '{term.target}' "
               f"({context.glossary.where(term)})")


@check("whitespace", WARNING)
def whitespace(pair: Pair, context: Context) -> Iterator[str]:
    """Leading or trailing whitespace differs from the source."""
    for where, wanted, got in zip(("starts", "ends"), _edges(pair.source), _edges(pair.translation)):
        if wanted != got:
            yield (f"the translation {where} with {_describe_space(got)}, the source with "
                   f"{_describe_space(wanted)}")


def _edges(text: str) -> tuple[str, str]:
    """The whitespace a text starts and ends with."""
    return text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]


def _describe_space(space: str) -> str:
    if not space:
        return "no whitespace"
    return "a newline" if "\n" in space else f"{len(space)} space(s)"


# Sentence-final marks by what they do; a language may use its own sign for the same job.
_FINALS = {".": "full stop", "。": "full stop", "।": "full stop", "۔": "full stop",
           "?": "question mark", "؟": "question mark", "？": "question mark",
           "!": "exclamation mark", "！": "exclamation mark", ":": "colon", "：": "colon",
           ";": "semicolon", "؛": "semicolon", ",": "comma", "،": "comma", "、": "comma",
           "…": "ellipsis"}
_LOCAL_FINALS = {"el": {";": "question mark", "\u037e": "question mark", "·": "semicolon"}}
_CLOSERS = "\"'”’»«)]}›*_`\u200f\u200e "


def final_mark(text: str, language: str) -> str:
    """What the text's final punctuation does (``full stop``, ``question mark``…), or ``none``."""
    text = text.rstrip().rstrip(_CLOSERS).rstrip()
    if text.endswith("..."):
        return "ellipsis"
    if not text:
        return "none"
    marks = {**_FINALS, **_LOCAL_FINALS.get(language.split("_")[0], {})}
    return marks.get(text[-1], "none")


@check("punctuation", WARNING)
def punctuation(pair: Pair, context: Context) -> Iterator[str]:
    """Final punctuation differs from the source (Arabic ؟ ، ؛, Greek ;, Spanish ¿…?)."""
    wanted = final_mark(pair.source_inline.visible, context.source_language)
    got = final_mark(pair.inline.visible, context.language)
    if wanted != got:
        yield f"the source ends with {_article(wanted)}, the translation with {_article(got)}"
    elif got == "question mark" and context.base == "es" and "¿" not in pair.translation:
        yield "a Spanish question opens with ¿"


def _article(mark: str) -> str:
    return "no punctuation" if mark == "none" else ("an " if mark[0] in "aeiou" else "a ") + mark


_LENGTH_FACTOR = 2.0
_LENGTH_MIN = 40


@check("length", WARNING, catalog_wide=True)
def length(pair: Pair, context: Context) -> Iterator[str]:
    """Length far outside the usual ratio for the language pair."""
    source, translation = visible_length(pair.source), visible_length(pair.translation)
    if source < _LENGTH_MIN and translation < 2 * _LENGTH_MIN or not source:
        return
    ratio = translation / source / context.usual_ratio
    if ratio > _LENGTH_FACTOR or ratio < 1 / _LENGTH_FACTOR:
        basis = "in this catalog" if context.ratio_measured else "for the pair"
        yield (f"the translation is {translation / source:.1f}× the source's length, usually "
               f"{context.usual_ratio:.1f}× {basis}: check that nothing is missing or added")


# Repetitions that are grammatical ("die die Pille nehmen", "had had").
_REPEATS_ALLOWED = {"de": {"die", "der", "das", "den", "dem", "des"}, "en": {"had", "that"},
                    "nl": {"die", "dat"}, "fr": {"nous", "vous"}}
_REPEAT_RE = re.compile(r"\b([^\W\d_]+)\s+\1\b", re.I)


@check("repeated-words", WARNING)
def repeated_words(pair: Pair, context: Context) -> Iterator[str]:
    """The same word twice in a row."""
    allowed = _REPEATS_ALLOWED.get(context.base, set())
    source = fold(pair.source_inline.prose, context.source_language)
    for match in _REPEAT_RE.finditer(pair.inline.without_urls()):
        word = fold(match.group(1), context.language)
        if word not in allowed and f"{word} {word}" not in source:
            yield f"'{match.group(0)}' repeats a word"


_BRACKETS = {")": "(", "]": "[", "}": "{", "）": "（"}
_DOUBLE_QUOTES = "\"“”„‟«»"


_BRACKET_RE = re.compile("[" + re.escape("".join(_BRACKETS) + "".join(_BRACKETS.values())) + "]")


def _bracket_problems(text: str) -> tuple[str, ...]:
    """Unmatched brackets of a text, in order."""
    if _BRACKET_RE.search(text) is None:
        return ()
    stack, problems = [], []
    for char in text:
        if char in _BRACKETS.values():
            stack.append(char)
        elif char in _BRACKETS:
            if stack and stack[-1] == _BRACKETS[char]:
                stack.pop()
            else:
                problems.append(char)
    return tuple(problems + stack)


@check("brackets", WARNING)
def brackets(pair: Pair, context: Context) -> Iterator[str]:
    """Unbalanced brackets or quotes."""
    source, translation = pair.source_inline.visible, pair.inline.visible
    unmatched_brackets = _bracket_problems(translation)
    if unmatched_brackets and unmatched_brackets != _bracket_problems(source):
        yield f"unbalanced brackets: {' '.join(unmatched_brackets)} without its partner"
    quotes = sum(translation.count(q) for q in _DOUBLE_QUOTES)
    if quotes % 2 and not sum(source.count(q) for q in _DOUBLE_QUOTES) % 2:
        yield "unbalanced quotes: an odd number of double quotation marks"


# Where each Turkish letter is a normal letter of a language (after CLDR's exemplar
# characters, auxiliary ones included): German has ö and ü, French ç, Romanian ş.
_TURKIC = {"tr", "az", "gag", "crh", "tk"}
_LETTER_HOMES = {
    "çÇ": _TURKIC | {"fr", "pt", "ca", "sq", "ku", "oc"},
    "ğĞ": _TURKIC - {"tk"},
    "ıİ": _TURKIC - {"tk"},
    "öÖ": _TURKIC | {"de", "sv", "fi", "hu", "et", "is", "lb"},
    "şŞ": _TURKIC | {"ro", "ku"},
    "üÜ": _TURKIC | {"de", "hu", "et", "es", "ca", "lb"},
}


@lru_cache(maxsize=64)
def _foreign_letters(base: str) -> frozenset[str]:
    """The Turkish letters that are not letters of a language."""
    return frozenset(char for letters, homes in _LETTER_HOMES.items() if base not in homes
                     for char in letters)


@check("turkish-letters", WARNING)
def turkish_letters(pair: Pair, context: Context) -> Iterator[str]:
    """Looks untranslated: Turkish-only letters (ç ğ ı İ ö ş ü) in a non-Turkish translation."""
    foreign = _foreign_letters(context.base)
    if foreign.isdisjoint(pair.inline.prose):
        return
    names = context.glossary.name_words()
    words = [word for word in _WORD_RE.findall(pair.inline.without_urls())
             if not foreign.isdisjoint(word) and turkish_lower(word) not in names]
    if words:
        letters = sorted({char for word in words for char in word} & foreign)
        shown = ", ".join(dict.fromkeys(words[:3]))
        yield (f"looks untranslated: {shown} {'has' if len(words) == 1 else 'have'} "
               f"{' '.join(letters)}, not letters of this language (add names to "
               f"{context.glossary.path})")
