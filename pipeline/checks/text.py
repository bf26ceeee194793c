"""The text checks: translated at all; whitespace, punctuation, length, words, brackets, letters.

``empty`` and ``identical`` are errors, and final: a text left empty or left in
Turkish is reported once, not by every warning. The rest are warnings for
translators and reviewers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterator

from pipeline.checks.registry import ERROR, WARNING, Context, Pair, check
from pipeline.glossary import fold, turkish_lower
from pipeline.source.markup import visible_length


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


def _space_at_an_edge(pair: Pair, context: Context) -> bool:
    """Either text starts or ends with whitespace: else both have none at either edge."""
    return any(text[:1].isspace() or text[-1:].isspace()
               for text in (pair.source, pair.translation))


@check("whitespace", WARNING, applies=_space_at_an_edge)
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
    return _marks(language.split("_")[0]).get(text[-1], "none")


@lru_cache(maxsize=64)
def _marks(base: str) -> dict[str, str]:
    return {**_FINALS, **_LOCAL_FINALS.get(base, {})}


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
    if (source < _LENGTH_MIN and translation < 2 * _LENGTH_MIN) or not source:
        return
    usual, measured = context.length_ratio()
    ratio = translation / source / usual
    if ratio > _LENGTH_FACTOR or ratio < 1 / _LENGTH_FACTOR:
        basis = "in this catalog" if measured else "for the pair"
        yield (f"the translation is {translation / source:.1f}× the source's length, usually "
               f"{usual:.1f}× {basis}: check that nothing is missing or added")


# Repetitions that are grammatical ("die die Pille nehmen", "had had").
_REPEATS_ALLOWED = {"de": {"die", "der", "das", "den", "dem", "des"}, "en": {"had", "that"},
                    "nl": {"die", "dat"}, "fr": {"nous", "vous"}}
# Possessive: a shorter word than the whole letter run could never be followed by a space.
_REPEAT_RE = re.compile(r"\b([^\W\d_]++)\s++\1\b", re.I)


@check("repeated-words", WARNING)
def repeated_words(pair: Pair, context: Context) -> Iterator[str]:
    """The same word twice in a row."""
    allowed = _REPEATS_ALLOWED.get(context.base, set())
    source = None
    for match in _REPEAT_RE.finditer(pair.inline.without_urls()):
        word = fold(match.group(1), context.language)
        if word in allowed:
            continue
        if source is None:
            source = fold(pair.source_inline.prose, context.source_language)
        if f"{word} {word}" not in source:
            yield f"'{match.group(0)}' repeats a word"


_BRACKETS = {")": "(", "]": "[", "}": "{", "）": "（"}
_DOUBLE_QUOTES = "\"“”„‟«»"


_BRACKET_RE = re.compile("[" + re.escape("".join(_BRACKETS) + "".join(_BRACKETS.values())) + "]")


def _bracket_problems(text: str) -> tuple[str, ...]:
    """Unmatched brackets of a text, in order."""
    if _BRACKET_RE.search(text) is None:
        return ()
    stack, problems = [], []
    for char in _BRACKET_RE.findall(text):
        if char in _BRACKETS.values():
            stack.append(char)
        elif char in _BRACKETS:
            if stack and stack[-1] == _BRACKETS[char]:
                stack.pop()
            else:
                problems.append(char)
    return tuple(problems + stack)


_BRACKET_OR_QUOTE_RE = re.compile("[" + re.escape("".join(_BRACKETS) + "".join(_BRACKETS.values())
                                                   + _DOUBLE_QUOTES) + "]")


def _has_brackets_or_quotes(pair: Pair, context: Context) -> bool:
    """Only a bracket or a double quote in the translation can be unbalanced there."""
    return _BRACKET_OR_QUOTE_RE.search(pair.inline.visible) is not None


@check("brackets", WARNING, applies=_has_brackets_or_quotes)
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
