"""Translation checks: errors block a language from publication, warnings inform.

(Skeleton: the full set of checks is built in the translation-checks work.)
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.catalog import Catalog, Entry
from pipeline.config import Config

ERROR = "error"
WARNING = "warning"


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

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: [{self.check}] {self.message}"


def check_entry(entry: Entry, language: str, config: Config) -> list[tuple[str, str, str]]:
    """(check name, severity, message) for every problem of one translated entry."""
    problems = []
    if entry.has_translation is False and any(entry.msgstrs):
        problems.append(("empty", ERROR, "a plural form is empty"))
    return problems


def check_catalog(catalog: Catalog, path: str, language: str, config: Config) -> list[Finding]:
    """Every finding of a catalog's live, filled-in entries (empty ones are simply untranslated)."""
    findings = []
    for entry in catalog.messages:
        if not any(entry.msgstrs):
            continue
        for check, severity, message in check_entry(entry, language, config):
            findings.append(Finding(check, severity, message, path, entry.line,
                                    entry.msgid, entry.msgctxt))
    return findings
