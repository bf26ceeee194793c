"""What a doctor needs beside each row, as plain data: notes, origin, terms, warnings, changes, score.

Computed once per row from the catalog entry as read for the request, the
verified ledger, the glossary and the machine-translation store. Only the
origin and the score come from the store (paid drafts, never a verdict): they
help a doctor decide where to look, and decide nothing themselves.

- **notes**: the translators' comments (``#``) and the extracted comments
  (``#.``, from the source), without the stamps the pipeline writes for itself;
- **machine origin**: the engine and date of the draft, when the translation is
  still exactly that draft;
- **glossary**: the glossary terms of the source, and whether the translation
  renders each one;
- **warnings**: the checks' findings in plain words;
- **changes**: word-level diffs of the source and of the translation against the
  last pair a doctor approved for this entry, recovered from the signed
  statement's ``texts`` (offline, and only when they hash to the signed digest);
- **score**: chrF of the back-translation against the source (0–100), where a
  back-translation exists.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass
from collections.abc import Callable, Iterator, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pipeline.catalogs.model import Entry
from pipeline.checks import CHECKS, ERROR, Finding
from pipeline.config import Config
from pipeline.mt.store import Draft
from pipeline.glossary import Glossary, load_glossary, turkish_lower
from pipeline.signoff.i18n import _
from pipeline.signoff.verified import SignedTexts, verified_signoffs
from pipeline.signoff.verify import Approval, SignoffState, entry_ids, ledger_path, signed_text

if TYPE_CHECKING:
    from pipeline.signoff.review import Pending

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
# Comments the pipeline writes for itself: the kind of block, and the stamp of a machine draft
# (its engine and date are shown as the origin when the wording is still the draft's).
_OWN_EXTRACTED = re.compile(r"type: ")
_DRAFT_STAMP = re.compile(r"machine draft: [\w.-]+, \d{4}-\d{2}-\d{2}$")
# Words, runs of white space, and each other character: a diff never splits a word.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


class DiffPart(NamedTuple):
    """One run of a word-level diff: ``equal``, ``insert`` (only in the new text) or ``delete``."""

    op: str
    text: str


@dataclass(frozen=True)
class MachineOrigin:
    """The engine whose draft the translation still is, and the date the draft was stored."""

    engine: str
    date: str | None  # ISO date; None for drafts stored before dates were kept


@dataclass(frozen=True)
class GlossaryHit:
    """A glossary term found in the source, and whether the translation renders it as agreed."""

    source: str
    target: str
    rendered: bool


@dataclass(frozen=True)
class Earlier:
    """The last pair a doctor approved for an entry whose text has changed since."""

    entry: Entry
    approval: Approval


@dataclass(frozen=True)
class RowContext:
    """Everything shown beside one row's texts, as plain data (see the module's docstring)."""

    comments: tuple[str, ...] = ()
    extracted: tuple[str, ...] = ()
    mt_origin: MachineOrigin | None = None
    glossary: tuple[GlossaryHit, ...] = ()
    warnings: tuple[str, ...] = ()
    back: str | None = None
    score: float | None = None
    earlier: Earlier | None = None
    source_diff: tuple[DiffPart, ...] | None = None
    target_diff: tuple[DiffPart, ...] | None = None

    def as_dict(self) -> dict:
        origin = self.mt_origin
        return {
            "comments": list(self.comments), "extracted": list(self.extracted),
            "machine_origin": None if origin is None else {"engine": origin.engine,
                                                           "date": origin.date},
            "glossary": [{"source": hit.source, "target": hit.target, "rendered": hit.rendered}
                         for hit in self.glossary],
            "warnings": list(self.warnings), "back_translation": self.back, "score": self.score,
            "source_diff": _diff_list(self.source_diff), "target_diff": _diff_list(self.target_diff),
        }


EMPTY = RowContext()


@dataclass(frozen=True)
class Subject:
    """One entry to give a context: where it is, its digest as shown, what the checks found."""

    domain: str
    entry: Entry
    digest: str = ""
    findings: tuple[Finding, ...] = ()
    former: tuple[str, ...] = ()  # the catalog's earlier names (pipeline mv)


def row_contexts(config: Config, language: str, subjects: Sequence[Subject],
                 signoffs: SignoffState | None = None) -> list[RowContext]:
    """The context of each subject, in order; the store and the ledger are read once for all."""
    from pipeline.mt.backtranslate import back_translations
    from pipeline.mt.origin import machine_origins

    signoffs = signoffs if signoffs is not None else verified_signoffs(config, language)
    glossary = load_glossary(config, language)
    earlier = cache(lambda: ApprovedPairs(language, signoffs, ledger_path(config, language)))
    backs: dict[tuple[str, tuple], str] = {}
    origins: dict[tuple[str, tuple], Draft] = {}
    for domain in dict.fromkeys(subject.domain for subject in subjects):
        entries = [subject.entry for subject in subjects if subject.domain == domain]
        backs.update(((domain, key), text)
                     for key, text in back_translations(config, language, entries).items())
        origins.update(((domain, key), draft)
                       for key, draft in machine_origins(config, language, entries).items())
    contexts = []
    for subject in subjects:
        entry, place = subject.entry, (subject.domain, subject.entry.key)
        draft = origins.get(place)
        back = backs.get(place)
        contexts.append(RowContext(
            comments=tuple(text for text in entry.comments if not _DRAFT_STAMP.match(text)),
            extracted=tuple(text for text in entry.extracted if not _OWN_EXTRACTED.match(text)),
            mt_origin=MachineOrigin(draft.engine, draft.received) if draft is not None else None,
            glossary=glossary_hits(glossary, entry),
            warnings=tuple(plain_warning(finding) for finding in subject.findings),
            back=back, score=agreement(back, entry.msgid) if back else None,
            **_changes(subject, earlier, signoffs)))
    return contexts


def pending_contexts(config: Config, language: str, items: Sequence[Pending]) -> list[RowContext]:
    """The context of each entry waiting for a doctor (as ``review list`` and the session show it)."""
    return row_contexts(config, language, [Subject(item.places[0].domain, item.entry, item.digest,
                                                   item.findings) for item in items])


class ApprovedPairs:
    """The last pair approved for each entry id, as its statement signed it; looked up lazily.

    Indexing the ledger is cheap; recovering a signed text costs a digest, so only
    the pairs a changed row asks for are recovered.
    """

    def __init__(self, language: str, signoffs: SignoffState, ledger: Path | None = None):
        self.language = language
        self.index = signoffs.standing_by_id
        self.texts = SignedTexts(ledger)  # ledger: where statements kept without texts have them

    def get(self, entry_id: str) -> Earlier | None:
        """The pair approved for the entry id, when its statement carries it and it hashes to its digest."""
        found = self.index.get(entry_id)
        if found is None:
            return None
        digest, signed, approval = found
        entry = signed_text(self.language, digest, self.texts.of(signed).get(digest))
        return Earlier(entry, approval) if entry is not None else None


def _changes(subject: Subject, earlier: Callable[[], ApprovedPairs], signoffs: SignoffState) -> dict:
    """The diffs against the last approved pair of this entry, unless this very pair is approved."""
    if not subject.digest or subject.digest in signoffs.approved:
        return {}
    entry = subject.entry
    pairs = earlier()
    found = next((pair for pair in map(pairs.get, entry_ids(subject.domain, entry, subject.former))
                  if pair is not None), None)
    if found is None:
        return {}
    return {"earlier": found,
            "source_diff": word_diff(_source(found.entry), _source(entry)),
            "target_diff": word_diff("\n".join(found.entry.msgstrs), "\n".join(entry.msgstrs))}


def _source(entry: Entry) -> str:
    return entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\n{entry.msgid_plural}"


def word_diff(old: str, new: str) -> tuple[DiffPart, ...]:
    """The changes from ``old`` to ``new``, word by word: each run of changes as deleted, then inserted.

    A lone space between two changes belongs to the change ("[-a b-]{+c d+}", not
    "[-a-]{+c+} [-b-]{+d+}"), as ``git diff --word-diff`` reads.
    """
    before, after = _TOKEN.findall(old), _TOKEN.findall(new)
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    parts: list[DiffPart] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for index, (op, i1, i2, j1, j2) in enumerate(ops):
        between = 0 < index < len(ops) - 1 and "".join(before[i1:i2]).isspace()
        if op == "equal" and not between:
            _add(parts, DELETE, "".join(deleted))
            _add(parts, INSERT, "".join(inserted))
            deleted, inserted = [], []
            _add(parts, EQUAL, "".join(before[i1:i2]))
        else:
            deleted += before[i1:i2]
            inserted += after[j1:j2]
    _add(parts, DELETE, "".join(deleted))
    _add(parts, INSERT, "".join(inserted))
    return tuple(parts)


def _add(parts: list[DiffPart], op: str, text: str) -> None:
    if parts and parts[-1].op == op:
        parts[-1] = DiffPart(op, parts[-1].text + text)
    elif text:
        parts.append(DiffPart(op, text))


def glossary_hits(glossary: Glossary, entry: Entry) -> tuple[GlossaryHit, ...]:
    """The glossary terms found in the entry's source, each with whether the translation has it."""
    translation = "\n".join(entry.msgstrs)
    return tuple(GlossaryHit(term.source, term.target,
                             term.kept or glossary.rendered(term, translation))
                 for term in glossary.terms_in(_source(entry)))


def plain_warning(finding: Finding) -> str:
    """A finding as a sentence: what the check looks for (in the doctor's language), then what it found."""
    check = CHECKS.get(finding.check)
    title = _(check.title).rstrip(".") if check is not None else finding.check
    text = f"{title}: {finding.message}"
    return _("Blocks publication. %(text)s") % {"text": text} if finding.severity >= ERROR else text


def agreement(back: str, source: str) -> float:
    """chrF (0–100) of a back-translation against the source, both lower-cased the Turkish way."""
    return round(_chrf().sentence_score(turkish_lower(back), [turkish_lower(source)]).score, 1)


@lru_cache(maxsize=1)
def _chrf():
    from sacrebleu.metrics import CHRF

    return CHRF()


def _diff_list(parts: tuple[DiffPart, ...] | None) -> list | None:
    return None if parts is None else [[part.op, part.text] for part in parts]


def extract_check_titles(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """A Babel extractor: the title of each ``@check`` function (its docstring's first line).

    The titles are shown to doctors beside each finding, so they belong to the review
    interface's catalog; mapped in ``locale/babel.cfg`` for the modules of ``pipeline.checks``.
    """
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and getattr(d.func, "id", None) == "check"
                for d in node.decorator_list):
            title = (ast.get_docstring(node) or "").strip().splitlines()
            if title:
                yield node.lineno, None, title[0], ["the title of a translation check"]
