"""The outcome of verifying a ledger, kept in the store, so a run where nothing changed reads it.

Verifying a big ledger means parsing every statement, encoding it again as it was
signed and checking its signature: seconds per run on a big site, for the same
answer as the run before. The signatures still decide: the store (see
:mod:`pipeline.cache.store`) keeps what :func:`pipeline.signoff.verify.verify_lines`
concluded, authenticated by the cache secret, under a digest of exactly what the
conclusion depends on besides the code and the clock:

- the ledger's bytes (their SHA-256, through the store's file index: size, times and
  inode, so an unchanged ledger is not hashed again; the change time cannot be set
  back, so a line edited in place with its old modification time is seen);
- the language and the ledger's place as shown (every problem names it);
- the roster as verified (:func:`roster_digest`).

What is kept is only what the gate reads: the statements that count, without the
texts they carry, and why every other line does not count; the standing of each
digest is replayed from them on every run (a few milliseconds). Commands that show
texts (the review page, the review context) read the ledger itself.
"""

from __future__ import annotations

from datetime import datetime, UTC
from pathlib import Path
from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.cache import digest_of, shared_store
from pipeline.config import Config
from pipeline.fsutil import read_if_exists
from pipeline.signoff.ledger import (LedgerLine, LedgerProblem, Statement, parse_ledger,
                                     statement_texts)
from pipeline.signoff.roster import Roster, load_roster
from pipeline.signoff.trust import content_sha
from pipeline.signoff.verify import (SignoffState, Signed, check_ledger, latest_time, ledger_path,
                                     read_signoffs, replay, verify_lines)

SIGNOFFS = "signoffs"  # the kind of value in the store


def verified_signoffs(config: Config, language: str, roster: Roster | None = None,
                      now: datetime | None = None) -> SignoffState:
    """What ``read_signoffs(config, language, roster, now, texts=False)`` says, from the store
    when it holds the outcome for exactly this ledger and roster."""
    roster = roster if roster is not None else load_roster(config)
    path = ledger_path(config, language)
    shown = config.relative(path)
    if roster.refused:  # nothing counts, and the ledger is not even read
        return check_ledger([], language, roster, shown)
    store = shared_store(config.cache_dir)
    latest = latest_time(now)
    known = store.index.digest(path)
    if known is not None:
        kept = _loaded(store.get_marshal(SIGNOFFS, _key(language, shown, known, roster)), language,
                       shown, roster, latest)
        if kept is not None:
            return replay(language, shown, *kept)
    found = store.index.read(path)
    if found is None:  # no ledger: nothing to keep
        return read_signoffs(config, language, roster, now, texts=False)
    data, sha = found
    times: list[int] = []
    counted, problems = verify_lines(_noting_times(parse_ledger(data), times), language, roster,
                                     shown, now, texts=False)
    newest = max(times, default=None)
    if _timely(newest, latest):
        store.put_marshal(SIGNOFFS, _key(language, shown, sha, roster),
                          _value(counted, problems, newest))
    return replay(language, shown, counted, problems)


class SignedTexts:
    """The texts counted statements carry: a statement kept without them (as the gate and the
    store keep it) has them read from its line of the ledger, the ledger read once and each
    line parsed once. Nothing here is verified: a text is believed only once it hashes to the
    digest its verified statement covers (:func:`pipeline.signoff.verify.signed_text`)."""

    def __init__(self, ledger: Path | None):
        self.ledger = ledger
        self._data: bytes | None = None
        self._by_line: dict[int, dict[str, Any]] = {}

    def of(self, signed: Signed) -> dict[str, Any]:
        if signed.statement.texts:
            return signed.statement.texts
        if signed.line not in self._by_line:
            if self._data is None:
                self._data = self._read()
            self._by_line[signed.line] = statement_texts(self._data, signed.line)
        return self._by_line[signed.line]

    def _read(self) -> bytes:
        if self.ledger is None:
            return b""
        try:
            return read_if_exists(self.ledger) or b""
        except OSError:
            return b""  # no earlier text to show; nothing is decided by it


def roster_digest(roster: Roster) -> str:
    """A digest of the roster as verified: everything a ledger's verification asks of it.

    The reviewers, their languages, names and keys are all read from the roster's
    canonical content (what the trust root signs, whatever the file's formatting);
    beside it, the trust root it was checked against ("" when none is pinned) and
    whether that root refused it.
    """
    content = content_sha(roster.content) if roster.content is not None else None
    return digest_of(content, roster.root, roster.refused)


def _key(language: str, shown: str, ledger_sha: str, roster: Roster) -> str:
    return digest_of(language, shown, ledger_sha, roster_digest(roster))


def _noting_times(lines: Iterable[LedgerLine], times: list[int]) -> Iterator[LedgerLine]:
    """The lines, read one by one, noting the time (seconds since the epoch) each well-formed
    one claims on the way."""
    for line in lines:
        if line.statement is not None:
            times.append(int(line.statement.time.timestamp()))
        yield line


def _timely(newest: int | None, latest: datetime) -> bool:
    """Whether no line claims a time after ``latest``, so none was refused for being in the future.

    Rule 8 depends on the clock: a line refused now for its future time counts once its
    time has come, so an outcome with such a line is never kept. One kept is used only
    while this still holds (a clock set back would make its lines future ones again).
    """
    return newest is None or newest <= latest.timestamp()


# ---------------------------------------------------------------- the value

# In marshal's format (Store.put_marshal): json.loads takes 55 ms for a ledger of 48,000
# digests, marshal 15 ms, and gives back the dicts and tuples a Statement holds.


def _value(counted: list[Signed], problems: list[LedgerProblem], newest: int | None) -> tuple:
    statements = tuple((signed.line, s.reviewer, int(s.time.timestamp()), s.meaning, s.digests,
                        s.note, s.key, s.signature, s.prev)
                       for signed in counted for s in (signed.statement,))
    lines = tuple((problem.line, problem.message, problem.harmless) for problem in problems)
    return newest, statements, lines


def _loaded(value: Any, language: str, shown: str, roster: Roster, latest: datetime
            ) -> tuple[list[Signed], list[LedgerProblem]] | None:
    """The statements that count and the problems of a kept outcome, or None to verify again."""
    if value is None:
        return None
    try:
        newest, statements, lines = value
        if not _timely(newest, latest):
            return None
        counted = [_signed(row, language, roster) for row in statements]
        problems = [LedgerProblem(shown, line, message, harmless)
                    for line, message, harmless in lines]
    except (ValueError, TypeError, LookupError):
        return None
    return counted, problems


def _signed(row: tuple, language: str, roster: Roster) -> Signed:
    line, reviewer, time, meaning, digests, note, key, signature, prev = row
    doctor = roster.get(reviewer)
    if doctor is None:  # cannot be under the same roster: a value not of this code
        raise LookupError(reviewer)
    statement = Statement(reviewer, language, datetime.fromtimestamp(time, UTC), meaning,
                          digests, note, key, signature, prev)
    return Signed(line, statement, doctor)
