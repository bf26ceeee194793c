"""Where GNU gettext may break a string across lines: a subset of Unicode's UAX #14.

gettext lays out PO strings with libunistring's line breaker; reproducing its
choices is what keeps our files byte-identical to what msgcat, msgmerge and
Poedit write. No Python library implements the same rule set (libunistring's
differs from the current UAX #14 in places, e.g. it breaks after "." before a
letter), so the pairs below were checked against msgcat on generated text in
Turkish, English, German, Arabic and Russian (tests/test_pofile.py keeps that
comparison running).
"""

from __future__ import annotations

import re
import unicodedata

_CLASSES = {
    " ": "SP", "-": "HY", "\u2010": "BA", "\u2012": "BA", "\u2013": "BA", "|": "BA", "\t": "BA",
    "\u2014": "B2", ",": "IS", ".": "IS", ":": "IS", ";": "IS", "\u060c": "IS", "\u060d": "IS",
    "/": "SY", "!": "EX", "?": "EX", "\u061f": "EX", "\u061b": "EX",
    "'": "QU", '"': "QU", "«": "QU", "»": "QU", "‘": "QU", "’": "QU", "“": "QU", "”": "QU",
    "‹": "QU", "›": "QU", "(": "OP", "[": "OP", "{": "OP", "„": "OP", "‚": "OP",
    ")": "CP", "]": "CP", "}": "CL", "\\": "PR", "$": "PR", "+": "PR", "€": "PR", "£": "PR",
    "%": "PO", "°": "PO", "\u066a": "PO", "\u2030": "PO", "…": "IN",
    "\u00a0": "GL", "\u202f": "GL", "\u2011": "GL", "\u2060": "WJ",
}
_NO_BREAK_BEFORE = frozenset({"CL", "CP", "EX", "IS", "SY"})
_NEVER_BEFORE = frozenset({"CL", "CP", "EX", "IS", "SY", "QU", "BA", "HY", "IN", "GL", "WJ", "CM"})
_LETTERS = frozenset({"AL", "NU"})
# Between two word characters a line never breaks, except between ideographs:
# only positions next to a non-word character need the pair rules.
_NON_WORD = re.compile(r"\W")
_class_cache: dict[str, str] = {}
_width_cache: dict[str, int] = {}


def line_breaks(escaped: str, width: int, start_column: int) -> list[int]:
    """Positions to break at, by the greedy rule of libunistring's width_linebreaks.

    ``escaped`` is the string as written between the quotes; ``width`` the room
    on a line; ``start_column`` where the first line starts.
    """
    uniform = _uniform_width(escaped)
    if uniform:
        return _uniform_breaks(escaped, width, start_column)
    opportunities = break_opportunities(escaped, dense=True)
    if not opportunities:
        return []
    breaks = []
    column = start_column
    piece_start = 0
    last_break = None
    for position in (*opportunities, len(escaped)):
        piece = position - piece_start if uniform else _width(escaped[piece_start:position])
        if last_break is not None and column + piece > width:
            breaks.append(last_break)
            column = 0
        column += piece
        last_break = piece_start = position
    return breaks


def _uniform_breaks(escaped: str, width: int, start_column: int) -> list[int]:
    """The same greedy rule where every character is one column wide, asking only near line ends.

    Each line ends at the last opportunity that fits, or, when none does, at the
    first one after (an overlong piece stays whole); so only the positions
    around each line's end are looked at, not those of the whole string.
    """
    length = len(escaped)
    breaks: list[int] = []
    start, column = 0, start_column
    while column + length - start > width:
        limit = start + width - column
        end = _last_opportunity(escaped, min(limit, length - 1), start)
        if end is None:
            end = next((position for position in range(max(limit, start) + 1, length)
                        if _opportunity(escaped, position, length)), None)
            if end is None:
                break
        breaks.append(end)
        start, column = end, 0
    return breaks


def _last_opportunity(escaped: str, position: int, start: int) -> int | None:
    """The last opportunity from ``position`` back to just after ``start``, or None."""
    length = len(escaped)
    while position > start:
        before, after = escaped[position - 1], escaped[position]
        # Within a word (the usual case, tested inline): no break.
        if not ((before.isalnum() or before == "_") and (after.isalnum() or after == "_")) \
                and _breaks_before(escaped, position, length):
            return position
        position -= 1
    return None


def _opportunity(escaped: str, position: int, length: int) -> bool:
    """Whether a line may break before ``position``; never between two word characters."""
    before, after = escaped[position - 1], escaped[position]
    if (before.isalnum() or before == "_") and (after.isalnum() or after == "_"):
        return False
    return _breaks_before(escaped, position, length)


def break_opportunities(escaped: str, dense: bool = False) -> list[int]:
    """Every position before which a line may break."""
    length = len(escaped)
    candidates: range | list[int]
    if dense:
        candidates = range(1, length)
    else:
        candidates = sorted({position for match in _NON_WORD.finditer(escaped)
                             for position in (match.start(), match.start() + 1)
                             if 0 < position < length})
    result = []
    for index in candidates:
        if _breaks_before(escaped, index, length):
            result.append(index)
    return result


def _breaks_before(escaped: str, index: int, length: int) -> bool:
    previous = escaped[index - 1]
    if previous == "\\" and _is_escape_end(escaped, index):
        return False
    if index == length - 2 and escaped.endswith("\\n"):
        return False  # gettext never breaks right before a final "\n"
    before, after = _class(previous), _class(escaped[index])
    if after == "CM" and before != "SP":
        return False
    if before == "CM":
        before = _class_before_marks(escaped, index)
    if after == "SP":
        return False
    if before == "SP":
        return after not in _NO_BREAK_BEFORE and not _glued_across_spaces(escaped, index, after)
    return _pair_allows_break(before, after)


def _pair_allows_break(before: str, after: str) -> bool:
    """Whether a line may break between two adjacent non-space characters."""
    if after in _NEVER_BEFORE or before in ("OP", "QU", "GL", "WJ"):
        return False
    if before in ("SY", "HY", "IS") and after == "NU":
        return False
    if before in _LETTERS and after in _LETTERS:
        return False
    if before in ("PR", "PO") and after in ("AL", "NU", "OP"):
        return False
    if before in ("AL", "NU", "CL", "CP") and after in ("PR", "PO"):
        return False
    if before in ("AL", "NU") and after == "OP":
        return False
    return not (before == "CP" and after in _LETTERS)


def _glued_across_spaces(escaped: str, index: int, after: str) -> bool:
    """UAX #14 rules LB14-LB17: pairs that stay together even with spaces between."""
    position = index - 1
    while position >= 0 and escaped[position] == " ":
        position -= 1
    if position < 0:
        return False
    before = _class(escaped[position])
    return before == "OP" or (before == "QU" and after == "OP") or (before == "B2" and after == "B2")


def _class_before_marks(escaped: str, index: int) -> str:
    """Combining marks take the class of the character they sit on."""
    position = index - 1
    while position > 0 and _class(escaped[position]) == "CM":
        position -= 1
    found = _class(escaped[position])
    return "AL" if found in ("CM", "SP") else found


def _is_escape_end(escaped: str, index: int) -> bool:
    """True when ``escaped[index]`` is the second character of a ``\\x`` escape."""
    backslashes = 0
    position = index - 1
    while position >= 0 and escaped[position] == "\\":
        backslashes += 1
        position -= 1
    return backslashes % 2 == 1


def _class(char: str) -> str:
    found = _class_cache.get(char)
    if found is None:
        found = _class_cache[char] = _classify(char)
    return found


def _classify(char: str) -> str:
    known = _CLASSES.get(char)
    if known:
        return known
    if char.isdigit():
        return "NU"
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me"):
        return "CM"
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return "ID"  # ideographs: a line may break between any two
    return "AL"


def _char_width(char: str) -> int:
    found = _width_cache.get(char)
    if found is None:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            found = 0
        else:
            found = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        _width_cache[char] = found
    return found


_uniform_chars: set[str] = set()


def _uniform_width(text: str) -> bool:
    """Whether every character is one column wide (so widths are lengths)."""
    if text.isascii() or _uniform_chars.issuperset(text):
        return True
    for char in set(text):
        if not char.isascii():
            if _char_width(char) != 1 or _class(char) == "ID":
                return False
            _uniform_chars.add(char)
    return True


def _width(text: str) -> int:
    return sum(_char_width(char) for char in text)
