"""The catalog data model: entries, headers and plural rules, independent of any file format."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from babel import Locale
from babel.messages.plurals import get_plural

FUZZY = "fuzzy"


@dataclass(frozen=True, slots=True)
class Entry:
    """One message of a catalog; ``msgstrs`` has one form, or one per plural form."""

    msgid: str
    msgstrs: tuple[str, ...] = ("",)
    msgctxt: str | None = None
    msgid_plural: str | None = None
    flags: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    extracted: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def msgstr(self) -> str:
        return self.msgstrs[0]

    @property
    def fuzzy(self) -> bool:
        return FUZZY in self.flags

    @property
    def has_translation(self) -> bool:
        """Every form is filled in (fuzzy or not)."""
        return all(self.msgstrs)

    @property
    def translated(self) -> bool:
        """Counted as translated the way gettext counts it: filled in and not fuzzy."""
        return self.has_translation and not self.fuzzy

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None and not self.obsolete

    def replace(self, **changes) -> "Entry":
        return dataclasses.replace(self, **changes)

    def with_fuzzy(self, fuzzy: bool) -> "Entry":
        others = tuple(flag for flag in self.flags if flag != FUZZY)
        flags = (FUZZY, *others) if fuzzy else others
        if fuzzy:
            return self.replace(flags=flags)
        return self.replace(
            flags=flags, previous_msgctxt=None, previous_msgid=None, previous_msgid_plural=None
        )

    def location(self, path: str) -> str:
        return f"{path}:{self.line}" if self.line else path


@dataclass(slots=True)
class Catalog:
    """A header entry and the messages that follow it, in file order."""

    header: Entry
    entries: list[Entry] = field(default_factory=list)

    @property
    def messages(self) -> list[Entry]:
        """The live (non-obsolete) messages."""
        return [entry for entry in self.entries if not entry.obsolete]

    @property
    def obsolete(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.obsolete]

    def header_fields(self) -> dict[str, str]:
        return parse_header(self.header.msgstr)

    def header_field(self, name: str, default: str = "") -> str:
        return self.header_fields().get(name, default)

    @property
    def language(self) -> str:
        return self.header_field("Language")


def parse_header(text: str) -> dict[str, str]:
    """Header fields in order, as written (``Name: value`` per line)."""
    fields: dict[str, str] = {}
    for line in text.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    return fields


def format_header(fields: dict[str, str]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in fields.items())


def plural_count(plural_forms: str, default: int) -> int:
    for part in plural_forms.split(";"):
        name, _, value = part.partition("=")
        if name.strip() == "nplurals":
            try:
                return int(value)
            except ValueError:
                return default
    return default


# Where Babel's CLDR-derived rule and GNU gettext disagree, gettext wins, since
# msgfmt and every PO editor read the header the way gettext does.
PLURAL_OVERRIDES = {
    "tr": (2, "(n != 1)"),
    "ar": (6, "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5"),
}


def plural_forms(language: str) -> str:
    """The Plural-Forms header value for a language code such as ``de`` or ``pt_BR``."""
    base = language.split("_")[0]
    if language in PLURAL_OVERRIDES or base in PLURAL_OVERRIDES:
        count, expr = PLURAL_OVERRIDES.get(language) or PLURAL_OVERRIDES[base]
    else:
        rule = get_plural(language)
        count, expr = rule.num_plurals, rule.plural_expr
    return f"nplurals={count}; plural={expr};"


def language_name(language: str, in_language: str = "en") -> str:
    return Locale.parse(language).get_display_name(in_language) or language


def po_date(moment: datetime) -> str:
    """A date as PO headers write it: ``2026-11-26 01:30+0000``."""
    return moment.strftime("%Y-%m-%d %H:%M%z")


def template_header_fields(project: str, created: str) -> dict[str, str]:
    return {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": created,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }


def catalog_header_fields(project: str, language: str, created: str, revised: str) -> dict[str, str]:
    team = language_name(language)
    return {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": created,
        "PO-Revision-Date": revised,
        "Last-Translator": f"{team} team",
        "Language-Team": team,
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(language),
    }
