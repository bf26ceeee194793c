"""Regenerate the SAMPLE sign-offs shipped with the repository.

The fictional sample reviewer of reviewers.toml approves every translated entry
of the shipped English catalogs and the first half of the German ones, so that
a fresh clone shows one published language and one stopped. Needs the sample
reviewer's private key (never committed):

    python scripts/sign_samples.py --key-file ~/.config/pipeline/keys/sample-reviewer.key [--replace]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import load_config  # noqa: E402
from pipeline.errors import PipelineError  # noqa: E402
from pipeline.signoff.ledger import read_ledger  # noqa: E402
from pipeline.signoff.review import approve, open_signer, translated_entries  # noqa: E402
from pipeline.signoff.verify import ledger_path  # noqa: E402

SAMPLE_REVIEWER = "sample-reviewer"
SHARES = {"en": (1, 1), "de": (1, 2)}  # language → fraction (numerator, denominator) approved


def sign_samples(config, key_file: Path, replace: bool = False) -> dict[str, tuple[int, int]]:
    """Language → (entries approved, translated entries), appending to (or replacing) the sample ledgers."""
    done = {}
    for language, (numerator, denominator) in SHARES.items():
        signer = open_signer(config, language, SAMPLE_REVIEWER, key_file)
        if replace:
            _drop_sample_ledger(ledger_path(config, language))
        targets = list(translated_entries(config, language).values())
        chosen = targets[: len(targets) * numerator // denominator]
        approve(config, language, signer, chosen)
        done[language] = (len(chosen), len(targets))
    return done


def _drop_sample_ledger(path: Path) -> None:
    """Remove a ledger only when every line in it is a statement by the sample reviewer."""
    lines = read_ledger(path)
    foreign = [line.number for line in lines
               if line.statement is None or line.statement.reviewer != SAMPLE_REVIEWER]
    if foreign:
        raise PipelineError(f"not only sample statements (see line {foreign[0]}): "
                            "refusing to replace this ledger", path)
    path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key-file", type=Path, required=True,
                        help="the sample reviewer's private key")
    parser.add_argument("--config", type=Path, help="the project's pipeline.toml")
    parser.add_argument("--replace", action="store_true",
                        help="start the sample ledgers afresh instead of appending")
    args = parser.parse_args(argv)
    try:
        done = sign_samples(load_config(args.config), args.key_file, args.replace)
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for language, (approved, translated) in done.items():
        print(f"{language}: approved {approved} of {translated} translated entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
