"""The interactive review on a terminal: one waiting entry at a time, every decision recorded at once.

Quitting, Ctrl-C or a crash loses nothing: each approve or reject is signed and
appended to the ledger before the next entry is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import click

from pipeline.catalogs.model import language_name
from pipeline.config import Config
from pipeline.gate.verdict import STALE
from pipeline.signoff.ledger import format_time
from pipeline.signoff.review import Pending, Signer, approve, back_translation, reject

CHOICES = {"a": "approve", "r": "reject", "s": "skip", "q": "quit"}


@dataclass(frozen=True)
class SessionResult:
    approved: int
    rejected: int
    skipped: int
    remaining: int


def run_session(config: Config, language: str, signer: Signer, items: list[Pending],
                echo: Callable[[str], None]) -> SessionResult:
    """Ask about each item in turn; approve and reject are recorded before moving on."""
    counts = {"approve": 0, "reject": 0, "skip": 0}
    for number, item in enumerate(items, start=1):
        echo(describe(config, language, item, f"[{number}/{len(items)}]"))
        choice = CHOICES[click.prompt("[a]pprove, [r]eject, [s]kip, [q]uit",
                                      type=click.Choice(list(CHOICES)), show_choices=False)]
        if choice == "quit":
            return SessionResult(counts["approve"], counts["reject"], counts["skip"],
                                 len(items) - number + 1)
        if choice == "approve":
            approve(config, language, signer, [item])
        elif choice == "reject":
            note = click.prompt("Note for the translator (what is wrong)")
            reject(config, language, signer, item, note)
        counts[choice] += 1
        echo(f"  {choice}d" if choice != "skip" else "  skipped")
    return SessionResult(counts["approve"], counts["reject"], counts["skip"], 0)


def describe(config: Config, language: str, item: Pending, counter: str = "") -> str:
    """One entry as the doctor sees it: source, translation, back-translation, warnings."""
    entry = item.entry
    source = language_name(config.source_language)
    target = language_name(language)
    width = max(len(source), len(target), len("back-translation")) + 2
    lines = [f"{counter} {item.state}  {item.digest[:12]}  {item.places[0].where}".strip()]
    if len(item.places) > 1:
        lines.append(f"  (the same text pair in {len(item.places)} places: one approval covers all)")
    if entry.msgctxt:
        lines.append(f"  {'context:':<{width}}{entry.msgctxt}")
    lines.append(f"  {source + ':':<{width}}{_indent(entry.msgid, width)}")
    if entry.msgid_plural:
        lines.append(f"  {'plural:':<{width}}{_indent(entry.msgid_plural, width)}")
    for index, msgstr in enumerate(entry.msgstrs):
        label = target if len(entry.msgstrs) == 1 else f"{target}[{index}]"
        lines.append(f"  {label + ':':<{width}}{_indent(msgstr, width)}")
    back = back_translation(config, language, entry)
    if back:
        lines.append(f"  {'back-translation:':<{width}}{_indent(back, width)}")
    if item.state == STALE and item.earlier is not None:
        lines.append(f"  changed since {item.earlier.name} approved an earlier text on "
                     f"{format_time(item.earlier.time)}")
    if entry.fuzzy:
        lines.append("  fuzzy (a draft or a changed source): approving accepts this wording")
    lines.extend(f"  {finding.severity}: [{finding.check}] {finding.message}"
                 for finding in item.findings)
    return "\n".join(lines)


def _indent(text: str, width: int) -> str:
    return text.replace("\n", "\n  " + " " * width)
