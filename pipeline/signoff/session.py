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
from pipeline.signoff.i18n import N_, _, when
from pipeline.signoff.review import Pending, Signer, approve, back_translation, reject

CHOICES = {"a": "approve", "r": "reject", "s": "skip", "q": "quit"}
DONE = {"approve": N_("  approved"), "reject": N_("  rejected"), "skip": N_("  skipped")}


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
        choice = CHOICES[click.prompt(_("[a]pprove, [r]eject, [s]kip, [q]uit"),
                                      type=click.Choice(list(CHOICES)), show_choices=False)]
        if choice == "quit":
            return SessionResult(counts["approve"], counts["reject"], counts["skip"],
                                 len(items) - number + 1)
        if choice == "approve":
            approve(config, language, signer, [item])
        elif choice == "reject":
            note = click.prompt(_("Note for the translator (what is wrong)"))
            reject(config, language, signer, item, note)
        counts[choice] += 1
        echo(_(DONE[choice]))
    return SessionResult(counts["approve"], counts["reject"], counts["skip"], 0)


def describe(config: Config, language: str, item: Pending, counter: str = "") -> str:
    """One entry as the doctor sees it: source, translation, back-translation, warnings."""
    entry = item.entry
    source = language_name(config.source_language)
    target = language_name(language)
    labels = {"context": _("context:"), "plural": _("plural:"), "back": _("back-translation:")}
    width = max(len(source), len(target), *(len(label) for label in labels.values())) + 1
    lines = [f"{counter} {item.state}  {item.digest[:12]}  {item.places[0].where}".strip()]
    if len(item.places) > 1:
        lines.append(_("  (the same text pair in %(count)d places: one approval covers all)")
                     % {"count": len(item.places)})
    if entry.msgctxt:
        lines.append(f"  {labels['context']:<{width}}{entry.msgctxt}")
    lines.append(f"  {source + ':':<{width}}{_indent(entry.msgid, width)}")
    if entry.msgid_plural:
        lines.append(f"  {labels['plural']:<{width}}{_indent(entry.msgid_plural, width)}")
    for index, msgstr in enumerate(entry.msgstrs):
        label = target if len(entry.msgstrs) == 1 else f"{target}[{index}]"
        lines.append(f"  {label + ':':<{width}}{_indent(msgstr, width)}")
    back = back_translation(config, language, entry)
    if back:
        lines.append(f"  {labels['back']:<{width}}{_indent(back, width)}")
    if item.state == STALE and item.earlier is not None:
        lines.append(_("  changed since %(name)s approved an earlier text on %(time)s")
                     % {"name": item.earlier.name, "time": when(item.earlier.time)})
    if entry.fuzzy:
        lines.append(_("  fuzzy (a draft or a changed source): approving accepts this wording"))
    lines.extend(f"  {finding.severity}: [{finding.check}] {finding.message}"
                 for finding in item.findings)
    return "\n".join(lines)


def _indent(text: str, width: int) -> str:
    return text.replace("\n", "\n  " + " " * width)
