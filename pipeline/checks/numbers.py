"""The number checks, and numbers in prose read the way a reader of the text's language reads them.

A number of the source missing or changed is an error (a dose, a price, a
share of patients); a number the translation adds is a warning. Turkish
"1.500" is fifteen hundred and "1,5" one and a half; English reads the same
digits the other way round; Russian groups with a space and Arabic may use
its own digits and separators (١٬٥٠٠ and ١٫٥). A number is reduced to its
value so that "%30", "30%" and "٣٠ ٪" compare equal, and a value the locale
leaves ambiguous keeps every reading it allows.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple
from collections.abc import Iterator

from babel.numbers import get_decimal_symbol, get_group_symbol

from pipeline.checks.registry import ERROR, WARNING, Context, Pair, check

ARABIC_DECIMAL = "\u066b"
ARABIC_GROUP = "\u066c"
_SPACES = " \u00a0\u202f\u2009"
_NARROW_SPACES = "\u00a0\u202f\u2009"
_APOSTROPHES = "'\u2019"
_PUNCT_SEPARATORS = ".," + ARABIC_DECIMAL + ARABIC_GROUP
_RUN_RE = re.compile(r"\d+(?:[.,\u066b\u066c'\u2019 \u00a0\u202f\u2009]\d+)*")
_PERCENT_SIGNS = "%\u066a\ufe6a\uff05"
_PERCENT_BEFORE_RE = re.compile(rf"[{_PERCENT_SIGNS}][ \u00a0\u202f]?$")
_PERCENT_AFTER_RE = re.compile(rf"^[ \u00a0\u202f\u2009]?[{_PERCENT_SIGNS}]")
_NOT_DIGIT_RE = re.compile(r"[^\d]")
_DIGIT_RE = re.compile(r"\d")

# Words that make a number a percentage when a translator spells the sign out.
PERCENT_WORDS = {
    "en": ("percent", "per cent"), "de": ("prozent",), "ru": ("процент",),
    "ar": ("بالمئة", "بالمائة", "في المئة", "في المائة"), "fr": ("pour cent", "pourcent"),
    "es": ("por ciento",), "it": ("per cento",), "pt": ("por cento",), "nl": ("procent",),
    "pl": ("procent",), "uk": ("відсот",), "el": ("τοις εκατό",), "tr": ("yüzde",),
}


class Number(NamedTuple):
    """One number as written, with every value its locale allows and whether it is a percentage."""

    text: str
    values: frozenset[Decimal]
    percent: bool = False

    def matches(self, other: Number) -> bool:
        return bool(self.values & other.values)


def _number_difference(pair: Pair, context: Context
                       ) -> tuple[list[Number], list[Number], list[Number]]:
    """The source's numbers, those the translation lacks, and those it adds (once per pair)."""
    return pair.derived(_difference, context.source_language, context.language)


def _difference(pair: Pair, source_language: str, language: str
                ) -> tuple[list[Number], list[Number], list[Number]]:
    source = extract_numbers(pair.source_inline.visible, source_language)
    missing, extra = unmatched(source, extract_numbers(pair.inline.visible, language))
    return source, missing, extra


def _source_has_digits(pair: Pair, context: Context) -> bool:
    """Without a digit in the source, no number can be missing and none is a percentage."""
    return _DIGIT_RE.search(pair.source_inline.visible) is not None


def _translation_has_digits(pair: Pair, context: Context) -> bool:
    """Without a digit in the translation, it adds no number."""
    return _DIGIT_RE.search(pair.inline.visible) is not None


@check("numbers", ERROR, applies=_source_has_digits)
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


def _reading(number: Number) -> str:
    values = sorted(number.values)
    plain = format_value(values[0])
    return number.text if plain == number.text else f"{number.text} (= {plain})"


@check("extra-numbers", WARNING, applies=_translation_has_digits)
def extra_numbers(pair: Pair, context: Context) -> Iterator[str]:
    """A number in the translation that the source does not have."""
    _, missing, extra = _number_difference(pair, context)
    if extra and not missing:
        yield f"{', '.join(n.text for n in extra)} is not in the source: check it is meant"


def extract_numbers(text: str, language: str) -> list[Number]:
    """Every number of a text, in order, read with the conventions of ``language``."""
    numbers = []
    signs = any(sign in text for sign in _PERCENT_SIGNS)
    for match in _RUN_RE.finditer(text):
        run = match.group(0)
        if not signs and run.isdigit():  # the usual case: digits alone, no percent sign near
            numbers.append(_plain_number(run))
            continue
        pieces = _split_run(run, language)
        start, end = match.start(), match.end()
        for index, (piece, values) in enumerate(pieces):
            # A sign, an optional space, and "$" that may stand before a final newline: a
            # percent sign counts within three characters before, two after.
            percent = signs and bool(
                (index == 0 and _PERCENT_BEFORE_RE.search(text, max(0, start - 3), start))
                or (index == len(pieces) - 1 and _PERCENT_AFTER_RE.match(text[end:end + 2])))
            numbers.append(Number(piece, frozenset(values), percent))
    return numbers


@lru_cache(maxsize=4096)
def _plain_number(digits: str) -> Number:
    return Number(digits, frozenset((Decimal(_ascii(digits)),)))


def unmatched(source: list[Number], target: list[Number]) -> tuple[list[Number], list[Number]]:
    """The source numbers the target lacks, and the target numbers the source lacks."""
    if not source or not target:
        return list(source), list(target)
    remaining = sorted(target, key=lambda number: len(number.values))
    missing = []
    for number in source:
        partner = next((other for other in remaining if number.matches(other)), None)
        if partner is None:
            missing.append(number)
        else:
            remaining.remove(partner)
    order = {id(number): index for index, number in enumerate(target)}
    return missing, sorted(remaining, key=lambda number: order[id(number)])


def has_percentage(text: str, language: str) -> bool:
    """Whether the text expresses a percentage, by sign or by the language's word for it."""
    if any(sign in text for sign in _PERCENT_SIGNS):
        return True
    folded = text.casefold()
    return any(word in folded for word in PERCENT_WORDS.get(language.split("_")[0], ()))


def format_value(value: Decimal) -> str:
    """A value written plainly (``1500``, ``1.5``) for messages."""
    return format(value.normalize(), "f")


@lru_cache(maxsize=64)
def _symbols(language: str, arabic_digits: bool) -> tuple[str, str]:
    """(decimal, group) symbols of a language for Latin or Arabic-Indic digits."""
    if arabic_digits:
        return ARABIC_DECIMAL, ARABIC_GROUP
    try:
        decimal = get_decimal_symbol(language, numbering_system="latn")
        group = get_group_symbol(language, numbering_system="latn")
    except Exception:  # an unknown locale reads numbers the English way
        decimal, group = ".", ","
    return decimal, group


def _split_run(run: str, language: str) -> list[tuple[str, set[Decimal]]]:
    """A run of digits and separators as one or more numbers with their readings."""
    if run.isdigit():  # the usual case: a plain number
        return [(run, {Decimal(_ascii(run))})]
    groups = _NOT_DIGIT_RE.split(run)
    separators = _NOT_DIGIT_RE.findall(run)
    arabic = any("\u0660" <= char <= "\u0669" or "\u06f0" <= char <= "\u06f9" for char in run)
    decimal, group = _symbols(language, arabic)
    pieces: list[tuple[list[str], list[str]]] = [([groups[0]], [])]
    for separator, digits in zip(separators, groups[1:]):
        current_groups, current_seps = pieces[-1]
        if _joins(separator, digits, current_groups, group):
            current_groups.append(digits)
            current_seps.append(separator)
        else:
            pieces.append(([digits], []))
    result = []
    for piece_groups, piece_seps in pieces:
        result.extend(_read(piece_groups, piece_seps, decimal, group))
    return result


def _joins(separator: str, digits: str, groups: list[str], group: str) -> bool:
    """Whether a separator continues the number rather than starting a new one."""
    if separator in _PUNCT_SEPARATORS:
        return True
    grouped = len(digits) == 3 and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    if separator in _APOSTROPHES or separator in _NARROW_SPACES:
        return grouped
    return grouped and group.strip() == ""  # a plain space groups only where spaces do


def _read(groups: list[str], separators: list[str], decimal: str, group: str
          ) -> list[tuple[str, set[Decimal]]]:
    """The readings of one number, or its parts when no reading fits (dates such as 06.02.2023)."""
    text = "".join(g + s for g, s in zip(groups, [*separators, ""]))
    punct = [s for s in separators if s in _PUNCT_SEPARATORS]
    digits = [_ascii(g) for g in groups]
    if not punct:
        return [(text, {Decimal("".join(digits))})]
    kinds = list(dict.fromkeys(punct))
    grouped_tail = all(len(g) == 3 for g in groups[1:])
    if len(kinds) == 1 and len(punct) > 1:
        if grouped_tail and len(groups[0]) <= 3:
            return [(text, {Decimal("".join(digits))})]
        return [(g, {Decimal(d)}) for g, d in zip(groups, digits)]
    if (len(kinds) == 2 and punct.count(punct[-1]) == 1 and separators[-1] == punct[-1]
            and all(len(g) == 3 for g in groups[1:-1]) and len(groups[0]) <= 3):
            return [(text, {Decimal("".join(digits[:-1]) + "." + digits[-1])})]
    if len(kinds) > 1:
        return [(g, {Decimal(d)}) for g, d in zip(groups, digits)]
    return [(text, _one_separator_readings(punct[0], digits, groups, decimal, group))]


def _one_separator_readings(separator: str, digits: list[str], groups: list[str],
                            decimal: str, group: str) -> set[Decimal]:
    head = "".join(digits[:-1])
    as_decimal = Decimal(head + "." + digits[-1])
    as_group = Decimal(head + digits[-1])
    three = len(groups[-1]) == 3
    if separator in (decimal, ARABIC_DECIMAL):
        return {as_decimal}
    if separator in (group, ARABIC_GROUP):
        return {as_group} if three else {as_decimal}
    return {as_group, as_decimal} if three else {as_decimal}


def _ascii(digits: str) -> str:
    if digits.isascii():
        return digits
    return "".join(str(unicodedata.digit(char)) for char in digits)
