"""Regenerate the SAMPLE sign-offs shipped with the repository.

The fictional sample reviewer of reviewers.toml signs every source article (when
the roster allows them the source language: a sample source signature), approves
every translated entry of the shipped English catalogs and the first half of the
German ones, so that a fresh clone shows the source and one language published
and one stopped.

    python scripts/sign_samples.py --new-key
    python scripts/sign_samples.py --key-file KEY [--replace]
    python scripts/sign_samples.py --new-root

``--new-key`` is the usual way: it makes a throwaway key pair in a temporary
folder, writes its public half into the sample reviewer's entry of
reviewers.toml, signs new sample ledgers (replacing the old ones) and deletes
the private key. It also makes a throwaway SAMPLE clinic trust root, signs the
sample roster with it into a new reviewers.sig.jsonl (replacing the old one) and
prints its public key, for the README's sample value of PIPELINE_TRUST_ROOT;
``--new-root`` does only that, leaving the sample ledgers as they are.

Samples are re-made this way, rather than by keeping the sample reviewer's (or
the sample root's) private key somewhere, because nobody should hold it: a
sample key in the repository would teach that keys belong there and let anyone
forge "sample" approvals that look like real ones, and a key kept on someone's
machine is a secret nobody is responsible for. The sample approvals carry no
medical weight, so a new key whenever the ledger format or the sample catalogs
change costs nothing. ``--key-file`` signs with a key you hold (appending, or
with ``--replace`` starting afresh).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import Config, load_config
from pipeline.errors import PipelineError
from pipeline.fsutil import write_atomic
from pipeline.signoff.keys import generate_key, load_private_key
from pipeline.signoff.ledger import read_ledger
from pipeline.signoff.review import approve, open_signer, translated_entries
from pipeline.signoff.roster import read_roster
from pipeline.signoff.sources import standings, target
from pipeline.signoff.trust import (TRUST_ROOT_VARIABLE, read_log, roster_log_path,
                                    sign_roster)
from pipeline.signoff.verify import ledger_path

SAMPLE_REVIEWER = "sample-reviewer"
SAMPLE_ROOT = "sample-clinic-root"
SHARES = {"en": (1, 1), "de": (1, 2)}  # language → fraction (numerator, denominator) approved


def sign_samples(config: Config, key_file: Path, replace: bool = False) -> dict[str, tuple[int, int]]:
    """Language → (entries approved, translated entries), appending to (or replacing) the sample ledgers."""
    done = {}
    signers = {language: open_signer(config, language, SAMPLE_REVIEWER, key_file)
               for language in SHARES}
    languages = _sample_languages(config)
    if replace:
        for language in languages:
            _check_sample_ledger(ledger_path(config, language))
        for language in languages:
            ledger_path(config, language).unlink(missing_ok=True)
    if config.source_language in languages:
        done[config.source_language] = _sign_sources(config, key_file)
    for language, (numerator, denominator) in SHARES.items():
        targets = list(translated_entries(config, language).values())
        chosen = targets[: len(targets) * numerator // denominator]
        approve(config, language, signers[language], chosen)
        done[language] = (len(chosen), len(targets))
    return done


def _sample_languages(config: Config) -> tuple[str, ...]:
    """The sample ledgers: the translations', and the source's when the sample reviewer may sign it."""
    reviewer = read_roster(config).get(SAMPLE_REVIEWER)
    source = (config.source_language,) if reviewer and reviewer.may_review(
        config.source_language) else ()
    return (*source, *SHARES)


def _sign_sources(config: Config, key_file: Path) -> tuple[int, int]:
    """A sample source signature over every source article, as it is now."""
    language = config.source_language
    articles = [target(article) for article in standings(config)]
    approve(config, language, open_signer(config, language, SAMPLE_REVIEWER, key_file), articles)
    return len(articles), len(articles)


def sign_with_new_key(config: Config) -> tuple[dict[str, tuple[int, int]], str]:
    """Make throwaway sample keys (the reviewer's, the clinic root's), put the reviewer's in the
    roster, sign the roster and the ledgers afresh, delete both; returns the root's public key."""
    for language in _sample_languages(config):
        _check_sample_ledger(ledger_path(config, language))
    _check_sample_roster_log(roster_log_path(config))
    with tempfile.TemporaryDirectory(prefix="sample-key-") as folder:
        new = generate_key(SAMPLE_REVIEWER, Path(folder) / f"{SAMPLE_REVIEWER}.key")
        _set_sample_key(config.roster_path, new.public_key)
        root = sign_with_new_root(config)
        with _pinned(root):  # the samples are signed as a pinned root has them count
            return sign_samples(config, new.path, replace=True), root


def sign_with_new_root(config: Config) -> str:
    """Make a throwaway SAMPLE clinic root, sign the roster with it into a new roster log, delete
    it; returns its public key. The sample ledgers are left as they are."""
    log = roster_log_path(config)
    _check_sample_roster_log(log)
    content = read_roster(config).content
    if content is None:
        raise PipelineError("no roster to sign", config.roster_path)
    with tempfile.TemporaryDirectory(prefix="sample-root-") as folder:
        root = generate_key(SAMPLE_ROOT, Path(folder) / f"{SAMPLE_ROOT}.key")
        log.unlink(missing_ok=True)
        sign_roster(config, load_private_key(root.path), content)
        return root.public_key


@contextmanager
def _pinned(public_key: str) -> Iterator[None]:
    before = os.environ.get(TRUST_ROOT_VARIABLE)
    os.environ[TRUST_ROOT_VARIABLE] = public_key
    try:
        yield
    finally:
        if before is None:
            del os.environ[TRUST_ROOT_VARIABLE]
        else:
            os.environ[TRUST_ROOT_VARIABLE] = before


def _check_sample_roster_log(path: Path) -> None:
    """Refuse to replace a roster log unless every version in it has only the sample reviewer."""
    for line in read_log(path):
        reviewers = line.version.roster.get("reviewers") if line.version is not None else None
        if not isinstance(reviewers, dict) or set(reviewers) - {SAMPLE_REVIEWER}:
            raise PipelineError(f"not only sample versions (see line {line.number}): "
                                "refusing to replace this roster log", path)


def _set_sample_key(roster: Path, public_key: str) -> None:
    """Replace the ``key`` line of the sample reviewer's section, leaving the rest of the file as it is."""
    text = roster.read_text(encoding="utf-8")
    section = re.search(rf"^\[reviewers\.{re.escape(SAMPLE_REVIEWER)}\]\n(?:(?!\[).*\n?)*",
                        text, re.MULTILINE)
    if section is None:
        raise PipelineError(f"no [reviewers.{SAMPLE_REVIEWER}] section", roster)
    body, count = re.subn(r'^key = ".*"$', f'key = "{public_key}"', section.group(0), count=1,
                          flags=re.MULTILINE)
    if count != 1:
        raise PipelineError(f"no key line in [reviewers.{SAMPLE_REVIEWER}]", roster)
    write_atomic(roster, text[:section.start()] + body + text[section.end():])


def _check_sample_ledger(path: Path) -> None:
    """Refuse to replace a ledger unless every line in it is a statement by the sample reviewer."""
    foreign = [line.number for line in read_ledger(path) if _reviewer(line.raw) != SAMPLE_REVIEWER]
    if foreign:
        raise PipelineError(f"not only sample statements (see line {foreign[0]}): "
                            "refusing to replace this ledger", path)


def _reviewer(raw: bytes) -> object:
    """Who a line says signed it, whatever its format (an old format is still the sample's)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data.get("reviewer") if isinstance(data, dict) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    key = parser.add_mutually_exclusive_group(required=True)
    key.add_argument("--new-key", action="store_true",
                     help="sign with a throwaway key, written into reviewers.toml (implies --replace)")
    key.add_argument("--key-file", type=Path, help="the sample reviewer's private key")
    key.add_argument("--new-root", action="store_true",
                     help="only sign the roster afresh with a throwaway sample clinic root "
                          "(--new-key does it too)")
    parser.add_argument("--config", type=Path, help="the project's pipeline.toml")
    parser.add_argument("--replace", action="store_true",
                        help="start the sample ledgers afresh instead of appending")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        root = None
        done: dict[str, tuple[int, int]] = {}
        if args.new_key:
            done, root = sign_with_new_key(config)
        elif args.new_root:
            root = sign_with_new_root(config)
        else:
            done = sign_samples(config, args.key_file, args.replace)
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for language, (approved, translated) in done.items():
        what = "articles" if language == config.source_language else "translated entries"
        print(f"{language}: approved {approved} of {translated} {what}")
    if root is not None:
        print(f"signed {config.relative(config.roster_path)} with a throwaway SAMPLE clinic root "
              f"into {config.relative(roster_log_path(config))}; put its public key into the "
              f"README's sample value:\n    {TRUST_ROOT_VARIABLE}={root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
