"""gettext validity as ``msgfmt --check`` sees it: header, plural forms, newlines, format strings.

Two error checks, ``gettext-header`` and ``gettext``: a catalog msgfmt rejects
cannot be compiled. Below them, msgfmt's rules, each returning messages.
Format strings are checked only where an entry is flagged ``c-format``,
``python-format`` or ``python-brace-format``, as msgfmt does.
"""

from __future__ import annotations

import gettext
import re
import string
from functools import lru_cache
from collections.abc import Callable, Iterator

from pipeline.catalogs.model import Catalog, Entry, plural_count
from pipeline.checks.registry import CATALOG, ENTRY, ERROR, Context, check

# msgfmt evaluates the plural expression over this many values of n.
_PLURAL_PROBE = range(0, 1001)
_PRINTF_RE = re.compile(
    r"%(?:(?P<position>\d+)\$)?(?:\((?P<name>[^)]*)\))?(?P<flags>[-+ #0']*)"
    r"(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?"
    r"(?P<length>hh|h|ll|l|L|q|j|z|t)?(?P<conversion>[diouxXeEfFgGaAcspnr%])")
_PYTHON_TYPES = {**dict.fromkeys("diouxX", "integer"), **dict.fromkeys("eEfFgG", "float"),
                 "c": "character", **dict.fromkeys("sra", "any")}
_C_TYPES = {**dict.fromkeys("di", "int"), **dict.fromkeys("ouxX", "unsigned int"),
            **dict.fromkeys("eEfFgGaA", "double"), "c": "char", "s": "string",
            "p": "pointer", "n": "count"}


# (msgid or msgid_plural, msgstr, the msgstr's name, strict) → problems
FormatCheck = Callable[[str, str, str, bool], list[str]]


class _Invalid(ValueError):
    pass


@check("gettext-header", ERROR, scope=CATALOG)
def gettext_header(catalog: Catalog, context: Context) -> Iterator[str]:
    """Header as msgfmt --check sees it: present, with a valid Plural-Forms."""
    yield from header_problems(catalog)


@check("gettext", ERROR, scope=ENTRY)
def gettext_entry(entry: Entry, context: Context) -> Iterator[str]:
    """Entry as msgfmt --check sees it: newlines at both ends, plural count, flagged formats."""
    yield from entry_problems(entry, context.nplurals)


def header_problems(catalog: Catalog) -> list[str]:
    """What msgfmt --check rejects in a catalog's header."""
    header = catalog.header
    if not header.line and not header.msgstr:
        return ["the catalog has no header entry (msgid \"\"): run 'pipeline pull' to restore it"]
    fields = catalog.header_fields()
    plural_forms = fields.get("Plural-Forms")
    if plural_forms is None:
        if any(entry.msgid_plural is not None and any(entry.msgstrs) for entry in catalog.messages):
            return ["the header has no Plural-Forms but the catalog has plural messages"]
        return []
    return plural_forms_problems(plural_forms)


def plural_forms_problems(value: str) -> list[str]:
    """Problems of a Plural-Forms value such as ``nplurals=2; plural=(n != 1);``."""
    return list(_plural_forms_problems(value))


@lru_cache(maxsize=64)
def _plural_forms_problems(value: str) -> tuple[str, ...]:
    """The problems, cached: every catalog of a language has the same Plural-Forms."""
    parts = {name.strip(): rest.strip() for name, _, rest in
             (part.partition("=") for part in value.split(";")) if name.strip()}
    if "nplurals" not in parts or "plural" not in parts:
        return ("Plural-Forms needs both nplurals=INTEGER and plural=EXPRESSION",)
    count = plural_count(value, default=0)
    if count < 1:
        return ("invalid nplurals value in Plural-Forms",)
    try:
        rule = gettext.c2py(parts["plural"])
        largest = max(int(rule(n)) for n in _PLURAL_PROBE)
    except (ValueError, ZeroDivisionError, RecursionError, SyntaxError):
        return ("invalid plural expression in Plural-Forms",)
    if largest >= count:
        return (f"nplurals = {count} but the plural expression can produce values as large "
                f"as {largest}",)
    return ()


def header_plural_count(catalog: Catalog) -> int | None:
    """The header's nplurals, or None when it has none (or an invalid one)."""
    value = catalog.header_field("Plural-Forms")
    count = plural_count(value, default=0) if value else 0
    return count or None


def entry_problems(entry: Entry, nplurals: int | None) -> list[str]:
    """What msgfmt --check rejects in one translated entry."""
    if (entry.msgid_plural is None and not entry.flags and "\n" not in entry.msgid
            and "\n" not in entry.msgstr):
        return []  # the usual case: no newline at either end, no plural, no format flag
    problems = list(_newline_problems(entry))
    if entry.msgid_plural is not None and nplurals is None:
        problems.append("a plural message, but the header has no valid Plural-Forms")
    elif entry.msgid_plural is not None and len(entry.msgstrs) != nplurals:
        problems.append(f"{len(entry.msgstrs)} plural forms, but the header says "
                        f"nplurals={nplurals}")
    for flag, compare in _FORMAT_CHECKS.items():
        if flag in entry.flags:
            problems.extend(_format_problems(entry, compare, flag))
    return problems


def _newline_problems(entry: Entry) -> Iterator[str]:
    pairs = [("msgid_plural", entry.msgid_plural)] if entry.msgid_plural is not None else []
    names = (["msgstr"] if entry.msgid_plural is None
             else [f"msgstr[{index}]" for index in range(len(entry.msgstrs))])
    pairs.extend((name, text) for name, text in zip(names, entry.msgstrs) if text)
    for name, text in pairs:
        for where, test in (("begin", str.startswith), ("end", str.endswith)):
            if test(entry.msgid, "\n") != test(text, "\n"):
                yield (f"'msgid' and '{name}' do not both {where} with a newline "
                       "(msgfmt --check rejects it)")


def _format_problems(entry: Entry, compare: FormatCheck, flag: str) -> list[str]:
    problems: list[str] = []
    forms = [(entry.msgid, "msgstr", entry.msgstr)] if entry.msgid_plural is None else [
        (entry.msgid if index == 0 else entry.msgid_plural, f"msgstr[{index}]", text)
        for index, text in enumerate(entry.msgstrs)]
    for original, name, text in forms:
        if text:
            problems.extend(f"{flag}: {message}" for message in
                            compare(original, text, name, entry.msgid_plural is None))
    return problems


def _printf(text: str, types: dict[str, str], named: bool) -> tuple[str, list | dict]:
    """('tuple', [types]) or ('mapping', {name: type}) of a printf-style format string."""
    positional, mapping = [], {}
    numbered: dict[int, str] = {}
    index = 0
    while (index := text.find("%", index)) != -1:
        match = _PRINTF_RE.match(text, index)
        if match is None:
            raise _Invalid("a directive is incomplete or unknown")
        index = match.end()
        conversion = match["conversion"]
        if conversion == "%":
            continue
        if conversion not in types:
            raise _Invalid(f"'%{conversion}' is not a valid directive here")
        kind = (match["length"] or "") + types[conversion]
        stars = [part for part in (match["width"], match["precision"]) if part == "*"]
        if match["name"] is not None and named:
            if stars:
                raise _Invalid("'*' cannot be used with a named argument")
            mapping[match["name"]] = kind
        elif match["position"] is not None and not named:
            numbered[int(match["position"])] = kind
        else:
            positional.extend(["int"] * len(stars) + [kind])
    if sum(map(bool, (positional, mapping, numbered))) > 1:
        raise _Invalid("named or numbered and plain directives are mixed")
    if numbered:
        if sorted(numbered) != list(range(1, len(numbered) + 1)):
            raise _Invalid("numbered arguments leave a gap")
        return "tuple", [numbered[n] for n in sorted(numbered)]
    return ("mapping", mapping) if mapping else ("tuple", positional)


def _compare_printf(original: str, text: str, name: str, strict: bool, types: dict, named: bool,
                    label: str) -> list[str]:
    try:
        source_kind, source_args = _printf(original, types, named)
    except _Invalid:
        return []  # msgfmt checks nothing when the msgid itself is not a format string
    try:
        kind, args = _printf(text, types, named)
    except _Invalid as exc:
        return [f"'{name}' is not a valid {label} format string: {exc}"]
    if source_args and args and source_kind != kind:
        return [f"'msgid' expects a {source_kind}, '{name}' a {kind}"]
    if source_kind == "mapping" or kind == "mapping":
        return _compare_names(dict(source_args or {}), dict(args or {}), name, strict)
    if len(source_args) != len(args) and (strict or len(args) > len(source_args)):
        return [f"the number of format specifications in 'msgid' and '{name}' does not match"]
    return [f"format specifications in 'msgid' and '{name}' for argument {number} are not the same"
            for number, (a, b) in enumerate(zip(source_args, args), start=1) if a != b][:1]


def _compare_names(source: dict, target: dict, name: str, strict: bool) -> list[str]:
    problems = [f"a format specification for argument '{key}', as in '{name}', doesn't exist "
                "in 'msgid'" for key in target if key not in source]
    if strict:
        problems += [f"a format specification for argument '{key}' doesn't exist in '{name}'"
                     for key in source if key not in target]
    problems += [f"format specifications in 'msgid' and '{name}' for argument '{key}' are not "
                 "the same" for key in target if key in source and source[key] != target[key]]
    return problems


def _python_format(original: str, text: str, name: str, strict: bool) -> list[str]:
    return _compare_printf(original, text, name, strict, _PYTHON_TYPES, True, "Python")


def _c_format(original: str, text: str, name: str, strict: bool) -> list[str]:
    return _compare_printf(original, text, name, strict, _C_TYPES, False, "C")


def _brace_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    automatic = 0
    for _, field, _, _ in string.Formatter().parse(text):
        if field is None:
            continue
        base = re.split(r"[.\[]", field, maxsplit=1)[0]
        if base == "":
            base, automatic = str(automatic), automatic + 1
        fields[base] = "any"
    return fields


def _brace_format(original: str, text: str, name: str, strict: bool) -> list[str]:
    try:
        source = _brace_fields(original)
    except ValueError:
        return []
    try:
        target = _brace_fields(text)
    except ValueError as exc:
        return [f"'{name}' is not a valid Python brace format string: {exc}"]
    return _compare_names(source, target, name, strict)


_FORMAT_CHECKS: dict[str, FormatCheck] = {"c-format": _c_format, "python-format": _python_format,
                  "python-brace-format": _brace_format}
