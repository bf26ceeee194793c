"""Reading and writing PO files, byte-compatible with the GNU gettext tools.

Written by hand rather than with polib for two reasons: polib wraps lines
differently from msgmerge/msgcat/Poedit (so every save would churn the
translators' diffs), and it is several times slower on a site of thousands
of catalogs. The layout rules imitate gettext's ``write-po.c``: 79 columns,
breaks at Unicode line-break opportunities, ``msgid ""`` first when a
string needs more than one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from pipeline.catalogs.model import FUZZY, Catalog, Entry, parse_header
from pipeline.errors import CatalogError
from pipeline.catalogs.linebreak import line_breaks

PAGE_WIDTH = 79

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
            "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r",
              "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r'[\\"\n\t\r\a\b\f\v]')
_UNESCAPE_RE = re.compile(r'\\(.)')
_KEYWORDS = frozenset({"msgctxt", "msgid", "msgid_plural", "msgstr"})


# ---------------------------------------------------------------- reading


def read_po(path: Path) -> Catalog:
    """Parse a PO or POT file; a syntax error names the file and line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path) from None
    return parse_po_bytes(data, path)


def parse_po_bytes(data: bytes, path: Path) -> Catalog:
    """A catalog from the bytes of its file: UTF-8, and a header that says so."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError("not valid UTF-8 (catalogs must be UTF-8: convert it with "
                           "'msgconv --to-code=UTF-8')", path, line) from None
    catalog = parse_po(text, path)
    check_charset(catalog, text, path)
    return catalog


_CHARSET_RE = re.compile(r"charset\s*=\s*([^\s;]+)", re.I)


def check_charset(catalog: Catalog, text: str, path: Path | str) -> None:
    """Refuse a header that declares another charset than UTF-8, or none.

    The pipeline reads and writes catalogs as UTF-8 only, whatever the header says,
    while msgfmt and every PO editor believe the header: UTF-8 text under
    ``charset=ISO-8859-9`` shows garbled there. A catalog without a header entry is
    left to the ``gettext-header`` check, which reports it.
    """
    if not catalog.header.msgstr:
        return
    match = _CHARSET_RE.search(parse_header(catalog.header.msgstr).get("Content-Type", ""))
    charset = match.group(1) if match else None
    if charset is not None and charset.upper() == "UTF-8":
        return
    said = f"says charset={charset}" if charset else "declares no charset"
    raise CatalogError(f"the header {said}, but catalogs are UTF-8 (the pipeline reads and writes "
                       "nothing else, gettext tools would believe the header): make it "
                       "'Content-Type: text/plain; charset=UTF-8\\n'", path,
                       _header_line(text, catalog.header.line, "Content-Type:"))


def _header_line(text: str, start: int, field: str) -> int:
    """The line of a header field's string, from the header's msgid line to the blank line after."""
    lines = text.split("\n")
    for number in range(max(start, 1), len(lines) + 1):
        line = lines[number - 1]
        if field in line:
            return number
        if not line.strip():
            break
    return start or 1


def parse_po(text: str, path: Path | str = "<string>") -> Catalog:
    return _Parser(path).parse(text)


class _Parser:
    """A line-oriented PO parser that keeps line numbers for error messages."""

    def __init__(self, path: Path | str):
        self.path = path
        self.entries: list[Entry] = []
        self._reset()

    def _reset(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.previous: dict[str, list[str]] = {}
        self.comments: list[str] = []
        self.extracted: list[str] = []
        self.references: list[str] = []
        self.flags: list[str] = []
        self.current: list[str] | None = None
        self.obsolete = False
        self.start = 0
        self.msgid_line = 0
        self.last_keyword = ""
        self.has_msgstr = False
        self.plural_forms = False

    def error(self, message: str, line: int) -> CatalogError:
        return CatalogError(message, self.path, line)

    def parse(self, text: str) -> Catalog:
        if text.startswith("\ufeff"):
            text = text[1:]
        lineno = 0
        for lineno, raw in enumerate(text.split("\n"), start=1):
            line = raw.strip()
            # The most common line by far: a plain continuation of the current string.
            if line[:1] == '"' and self.current is not None and self.current is not self._previous_current:
                body = line[1:-1]
                if len(line) >= 2 and line[-1] == '"' and "\\" not in body and '"' not in body:
                    self.current.append(body)
                    continue
            self._line(line, lineno)
        self._finish(lineno)
        return self._catalog()

    def _catalog(self) -> Catalog:
        seen: dict[tuple, int] = {}
        header = None
        entries = []
        for entry in self.entries:
            if entry.is_header and header is None:
                header = entry
                continue
            key = (entry.obsolete, entry.msgctxt, entry.msgid)
            if key in seen:
                raise self.error(f"duplicate message definition (first defined at line {seen[key]})",
                                 entry.line)
            seen[key] = entry.line
            entries.append(entry)
        if header is None:
            header = Entry(msgid="", msgstrs=("",))
        return Catalog(header=header, entries=entries)

    def _line(self, line: str, lineno: int) -> None:
        if not line:
            self._finish(lineno)
            return
        if line.startswith("#~"):
            body = line[2:].lstrip()
            if self.fields and not self.obsolete and self.has_msgstr:
                self._finish(lineno)
            self.obsolete = True
            if body.startswith("|"):
                self._previous(body[1:].strip(), lineno)
            elif body:
                self._keyword_or_string(body, lineno)
            return
        if line.startswith("#"):
            if self.fields and self.last_keyword.startswith("msgstr"):
                self._finish(lineno)
            self._comment(line, lineno)
            return
        if self.obsolete and self.fields:
            self._finish(lineno)
        self._keyword_or_string(line, lineno)

    def _comment(self, line: str, lineno: int) -> None:
        if not self.start:
            self.start = lineno
        kind = line[1:2]
        if kind == ".":
            self.extracted.append(line[3:] if line[2:3] == " " else line[2:])
        elif kind == ":":
            self.references.extend(line[2:].split())
        elif kind == ",":
            self.flags.extend(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif kind == "|":
            self._previous(line[2:].strip(), lineno)
        else:
            self.comments.append(line[2:] if line[1:2] == " " else line[1:])

    def _previous(self, body: str, lineno: int) -> None:
        if body.startswith('"'):
            if self.current is None or self.current is not self._previous_current:
                raise self.error("continuation of a previous-message line without a keyword", lineno)
            self.current.append(self._string(body, lineno))
            return
        keyword, _, rest = body.partition(" ")
        if keyword not in ("msgctxt", "msgid", "msgid_plural"):
            raise self.error(f"unknown keyword '{keyword}' in a '#|' line", lineno)
        self.previous[keyword] = [self._string(rest.strip(), lineno)]
        self.current = self._previous_current = self.previous[keyword]

    _previous_current: list[str] | None = None

    def _keyword_or_string(self, line: str, lineno: int) -> None:
        if line.startswith('"'):
            if self.current is None or self.current is self._previous_current:
                raise self.error("a string continuation line without a keyword before it", lineno)
            self.current.append(self._string(line, lineno))
            return
        keyword, _, rest = line.partition(" ")
        rest = rest.strip()
        if self.has_msgstr and keyword in ("msgctxt", "msgid"):
            self._finish(lineno)
        if keyword not in _KEYWORDS:
            if not (keyword.startswith("msgstr[") and keyword.endswith("]") and keyword[7:-1].isdigit()):
                raise self.error(f"unknown keyword '{keyword}'", lineno)
            self.plural_forms = True
        if keyword in self.fields:
            raise self.error(f"'{keyword}' given twice in one message", lineno)
        if not self.start:
            self.start = lineno
        if keyword == "msgid":
            self.msgid_line = lineno
        elif keyword.startswith("msgstr"):
            self.has_msgstr = True
        self.fields[keyword] = [self._string(rest, lineno)]
        self.current = self.fields[keyword]
        self.last_keyword = keyword

    def _string(self, token: str, lineno: int) -> str:
        if len(token) < 2 or not token.startswith('"') or not token.endswith('"'):
            raise self.error("expected a string in double quotes", lineno)
        body = token[1:-1]
        if "\\" not in body:
            if '"' in body:
                raise self.error("unescaped double quote inside a string", lineno)
            return body
        if re.search(r'(?<!\\)(?:\\\\)*"', body):
            raise self.error("unescaped double quote inside a string", lineno)
        if re.search(r'(?<!\\)(?:\\\\)*\\$', body):
            raise self.error("string ends with a lone backslash", lineno)

        def unescape(match: re.Match) -> str:
            char = match.group(1)
            if char not in _UNESCAPES:
                raise self.error(f"invalid escape sequence '\\{char}'", lineno)
            return _UNESCAPES[char]

        return _UNESCAPE_RE.sub(unescape, body)

    def _finish(self, lineno: int) -> None:
        if not self.fields:
            if self.previous:
                raise self.error("previous-message lines ('#|') without a message", self.start or lineno)
            if self.comments or self.flags or self.references or self.extracted:
                # Comments at the end of a file with no message: gettext ignores them too.
                pass
            self._reset()
            return
        fields = {key: "".join(parts) for key, parts in self.fields.items()}
        if "msgid" not in fields:
            raise self.error("message without 'msgid'", self.start)
        plural_keys = sorted((k for k in fields if k.startswith("msgstr[")),
                             key=lambda k: int(k[7:-1])) if self.plural_forms else []
        if "msgid_plural" in fields:
            if "msgstr" in fields or not plural_keys:
                raise self.error("a plural message needs msgstr[0], msgstr[1]…", self.msgid_line)
            if [int(k[7:-1]) for k in plural_keys] != list(range(len(plural_keys))):
                raise self.error("plural forms must be numbered msgstr[0], msgstr[1]… in order",
                                 self.msgid_line)
            msgstrs = tuple(fields[k] for k in plural_keys)
        else:
            if plural_keys:
                raise self.error("msgstr[N] given for a message without msgid_plural", self.msgid_line)
            if "msgstr" not in fields:
                raise self.error("message without 'msgstr'", self.msgid_line)
            msgstrs = (fields["msgstr"],)
        previous = {key: "".join(parts) for key, parts in self.previous.items()} if self.previous else {}
        self.entries.append(Entry(
            msgid=fields["msgid"],
            msgstrs=msgstrs,
            msgctxt=fields.get("msgctxt"),
            msgid_plural=fields.get("msgid_plural"),
            flags=tuple(dict.fromkeys(self.flags)),
            comments=tuple(self.comments),
            extracted=tuple(self.extracted),
            references=tuple(self.references),
            previous_msgctxt=previous.get("msgctxt"),
            previous_msgid=previous.get("msgid"),
            previous_msgid_plural=previous.get("msgid_plural"),
            obsolete=self.obsolete,
            line=self.msgid_line,
        ))
        self._reset()


# ---------------------------------------------------------------- writing


# What an entry's lines are made of: every field but the line it was read from.
LayoutKey = tuple


def format_po(catalog: Catalog, laid_out: Mapping[LayoutKey, str] | None = None) -> str:
    """The catalog as gettext's msgcat would write it.

    ``laid_out``: lines already made for some entries (:func:`laid_out_entries`),
    reused instead of laid out again.
    """
    out: list[str] = []
    _write_entry(out, catalog.header, prefix="")
    for entry in catalog.entries:
        if not entry.obsolete:
            out.append("\n")
            lines = laid_out.get(layout_key(entry)) if laid_out else None
            if lines is None:
                _write_entry(out, entry, prefix="")
            else:
                out.append(lines)
    for entry in _written_obsolete(catalog):
        out.append("\n")
        lines = laid_out.get(layout_key(entry)) if laid_out else None
        if lines is None:
            _write_obsolete(out, entry)
        else:
            out.append(lines)
    return "".join(out)


def layout_key(entry: Entry) -> LayoutKey:
    return (entry.msgid, entry.msgstrs, entry.msgctxt, entry.msgid_plural, entry.flags,
            entry.comments, entry.extracted, entry.references, entry.previous_msgctxt,
            entry.previous_msgid, entry.previous_msgid_plural, entry.obsolete)


def laid_out_entries(text: str, catalog: Catalog) -> dict[LayoutKey, str]:
    """Each entry's lines in ``text``, which :func:`format_po` wrote for ``catalog``.

    Only for text known to be format_po's own output (the caller's to know): its
    entries are separated by blank lines, which nothing inside an entry can be.
    Empty when the blocks do not line up with the entries.
    """
    if not text.endswith("\n"):
        return {}
    blocks = text[:-1].split("\n\n")
    written = [*catalog.messages, *_written_obsolete(catalog)]
    if len(blocks) != len(written) + 1:
        return {}
    return {layout_key(entry): block + "\n" for entry, block in zip(written, blocks[1:])}


def _written_obsolete(catalog: Catalog) -> list[Entry]:
    """The obsolete entries a catalog file keeps: gettext drops those without a translation."""
    return [entry for entry in catalog.entries if entry.obsolete and any(entry.msgstrs)]


def _write_entry(out: list[str], entry: Entry, prefix: str) -> None:
    for comment in entry.comments:
        out.append(f"# {comment}\n" if comment else "#\n")
    for comment in entry.extracted:
        out.append(f"#. {comment}\n" if comment else "#.\n")
    if entry.references:
        out.append(_references(entry.references))
    flags = _ordered_flags(entry)
    if flags:
        out.append("#, " + ", ".join(flags) + "\n")
    _write_previous(out, entry, "#| ")
    _write_strings(out, entry, prefix)


def _write_obsolete(out: list[str], entry: Entry) -> None:
    for comment in entry.comments:
        out.append(f"# {comment}\n" if comment else "#\n")
    if entry.fuzzy:
        out.append("#, fuzzy\n")
    _write_previous(out, entry, "#~| ")
    _write_strings(out, entry, "#~ ")


def _write_previous(out: list[str], entry: Entry, prefix: str) -> None:
    if entry.previous_msgctxt is not None:
        out.append(wrap_string("msgctxt", entry.previous_msgctxt, prefix))
    if entry.previous_msgid is not None:
        out.append(wrap_string("msgid", entry.previous_msgid, prefix))
    if entry.previous_msgid_plural is not None:
        out.append(wrap_string("msgid_plural", entry.previous_msgid_plural, prefix))


def _write_strings(out: list[str], entry: Entry, prefix: str) -> None:
    if entry.msgctxt is not None:
        out.append(wrap_string("msgctxt", entry.msgctxt, prefix))
    out.append(wrap_string("msgid", entry.msgid, prefix))
    if entry.msgid_plural is None:
        out.append(wrap_string("msgstr", entry.msgstr, prefix))
        return
    out.append(wrap_string("msgid_plural", entry.msgid_plural, prefix))
    for index, msgstr in enumerate(entry.msgstrs):
        out.append(wrap_string(f"msgstr[{index}]", msgstr, prefix))


def _ordered_flags(entry: Entry) -> list[str]:
    # gettext drops "fuzzy" from a message with no translation: there is nothing to doubt.
    fuzzy = [FUZZY] if entry.fuzzy and any(entry.msgstrs) else []
    return fuzzy + [flag for flag in entry.flags if flag != FUZZY]


def _references(references: tuple[str, ...]) -> str:
    lines = ["#:"]
    column = 2
    for reference in references:
        width = len(reference) + 1
        if column > 2 and column + width > PAGE_WIDTH:
            lines.append("\n#:")
            column = 2
        lines.append(" " + reference)
        column += width
    lines.append("\n")
    return "".join(lines)


# ------------------------------------------------------------ line layout


@lru_cache(maxsize=1 << 16)
def wrap_string(keyword: str, text: str, prefix: str = "") -> str:
    """``keyword "text"`` laid out on lines as gettext's write-po.c does."""
    portions = _split_after_newlines(text)
    lines: list[str] = []
    available = PAGE_WIDTH - 2 - len(prefix)  # room for the prefix and both quotes
    first_line_start = len(keyword) + 1
    multiple = len(portions) > 1
    for index, portion in enumerate(portions):
        escaped = _escape(portion)
        if index == 0:
            breaks = line_breaks(escaped, available, first_line_start)
            if portion and (multiple or breaks or first_line_start > available):
                lines.append(f'{prefix}{keyword} ""\n')
            else:
                lines.append(f'{prefix}{keyword} "{escaped}"\n')
                continue
        breaks = line_breaks(escaped, available, 0)
        start = 0
        for cut in [*breaks, len(escaped)]:
            lines.append(f'{prefix}"{escaped[start:cut]}"\n')
            start = cut
    return "".join(lines)


def _split_after_newlines(text: str) -> list[str]:
    if "\n" not in text[:-1]:
        return [text]
    parts = text.split("\n")
    portions = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        portions.append(parts[-1])
    return portions


def _escape(text: str) -> str:
    return _ESCAPE_RE.sub(lambda match: _ESCAPES[match.group(0)], text)
