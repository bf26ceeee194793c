"""The interactive review on a terminal: one waiting entry at a time, every decision recorded at once.

Quitting, Ctrl-C or a crash loses nothing: each approve, reject or edit (the
doctor's own wording, checked, written and approved at once) is signed and
appended to the ledger before the next entry is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import click
from babel.numbers import format_decimal

from pipeline.config import Config
from pipeline.gate.verdict import STALE
from pipeline.errors import SignoffError
from pipeline.signoff.context import DELETE, EQUAL, DiffPart, RowContext, pending_contexts
from pipeline.signoff.handback import APPROVED, CORRECTED, REJECTED, Tally
from pipeline.signoff.i18n import N_, _, current_locale, language_label, when
from pipeline.signoff.review import (Decision, Pending, Signer, approve, correct, reject, resolve,
                                     translated_entries)
from pipeline.signoff.verify import ledger_path

CHOICES = {"a": "approve", "r": "reject", "e": "edit", "s": "skip", "q": "quit"}
DONE = {"approve": N_("  approved"), "reject": N_("  rejected"), "edit": N_("  corrected and approved"),
        "skip": N_("  skipped")}
KIND = {"approve": APPROVED, "reject": REJECTED, "edit": CORRECTED}


@dataclass(frozen=True)
class SessionResult:
    approved: int
    rejected: int
    corrected: int
    skipped: int
    remaining: int


def run_session(config: Config, language: str, signer: Signer, items: list[Pending],
                echo: Callable[[str], None], tally: Tally | None = None) -> SessionResult:
    """Ask about each item in turn; every decision is recorded before moving on (and tallied)."""
    counts = dict.fromkeys(("approve", "reject", "edit", "skip"), 0)
    for number, (item, context) in enumerate(zip(items, pending_contexts(config, language, items)),
                                              start=1):
        echo(describe(config, language, item, f"[{number}/{len(items)}]", context))
        choice, decision = _decide(config, language, signer, item, echo)
        if choice == "quit":
            return SessionResult(counts["approve"], counts["reject"], counts["edit"],
                                 counts["skip"], len(items) - number + 1)
        counts[choice] += 1
        if decision is not None and tally is not None:
            tally.record(language, KIND[choice], len(decision.targets),
                         (config.relative(ledger_path(config, language)), *decision.catalogs_written))
        echo(_(DONE[choice]))
    return SessionResult(counts["approve"], counts["reject"], counts["edit"], counts["skip"], 0)


def _decide(config: Config, language: str, signer: Signer, item: Pending,
            echo: Callable[[str], None]) -> tuple[str, Decision | None]:
    """The doctor's choice for one item, recorded; an edit the checks refuse is asked again."""
    while True:
        choice = CHOICES[click.prompt(_("[a]pprove, [r]eject, [e]dit, [s]kip, [q]uit"),
                                      type=click.Choice(list(CHOICES)), show_choices=False)]
        if choice == "approve":
            return choice, approve(config, language, signer, [item])
        if choice == "reject":
            note = click.prompt(_("Note for the translator (what is wrong)"))
            return choice, reject(config, language, signer, item, note)
        if choice != "edit":
            return choice, None
        forms = [click.prompt(_("Your wording") if len(item.entry.msgstrs) == 1 else
                              _("Your wording, form %(form)d") % {"form": index},
                              default=text) for index, text in enumerate(item.entry.msgstrs)]
        try:
            target = resolve(translated_entries(config, language), [item.digest], language)[0]
            correction = correct(config, language, signer, target, forms)
        except SignoffError as error:  # refused by a check, or changed meanwhile: nothing signed
            echo(_("  not signed: %(reason)s") % {"reason": error.format_message()})
            continue
        for warning in correction.warnings:
            echo(_("  warning: %(text)s") % {"text": warning})
        return choice, correction.decision


def describe(config: Config, language: str, item: Pending, counter: str = "",
             context: RowContext | None = None) -> str:
    """One entry as the doctor sees it: texts, notes, origin, terms, changes, warnings."""
    if context is None:
        (context,) = pending_contexts(config, language, [item])
    entry = item.entry
    source = language_label(config.source_language)
    target = language_label(language)
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
    if context.back:
        lines.append(f"  {labels['back']:<{width}}{_indent(context.back, width)}")
        lines.append(_("  agreement of the back-translation with the source: %(score)s/100")
                     % {"score": format_decimal(context.score or 0, locale=current_locale())})
    if item.state == STALE and item.earlier is not None:
        lines.append(_("  changed since %(name)s approved an earlier text on %(time)s")
                     % {"name": item.earlier.name, "time": when(item.earlier.time)})
    if context.source_diff is not None and context.target_diff is not None:
        for name, diff in ((source, context.source_diff), (target, context.target_diff)):
            if any(part.op != EQUAL for part in diff):
                lines.append(f"    {name + ':':<{width}}{_indent(marked(diff), width + 2)}")
    if entry.fuzzy:
        lines.append(_("  fuzzy (a draft or a changed source): approving accepts this wording"))
    lines.extend(context_lines(context))
    return "\n".join(lines)


def context_lines(context: RowContext) -> list[str]:
    """The notes, the machine origin, the glossary terms and the warnings, one line each."""
    lines = [_("  translator's note: %(text)s") % {"text": text} for text in context.comments]
    lines += [_("  note from the source: %(text)s") % {"text": text} for text in context.extracted]
    origin = context.mt_origin
    if origin is not None:
        lines.append(_("  machine draft by %(engine)s (%(date)s), not edited since")
                     % {"engine": origin.engine, "date": origin.date or _("date unknown")})
    for hit in context.glossary:
        line = _("  glossary: %(source)s → %(target)s") % {"source": hit.source, "target": hit.target}
        lines.append(line if hit.rendered else line + " " + _("(not in the translation)"))
    lines += [_("  check: %(text)s") % {"text": text} for text in context.warnings]
    return lines


def marked(diff: tuple[DiffPart, ...]) -> str:
    """A word diff as plain text, the way ``git diff --word-diff`` shows one: [-old-]{+new+}."""
    return "".join(part.text if part.op == EQUAL else
                   f"[-{part.text}-]" if part.op == DELETE else f"{{+{part.text}+}}"
                   for part in diff)


def _indent(text: str, width: int) -> str:
    return text.replace("\n", "\n  " + " " * width)
