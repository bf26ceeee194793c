"""The soak: 200 random interleavings of pull, translate, approve and build on a 50-article site.

Four workers each run a random sequence of 50 operations as processes of their
own (forked from a runner that imported the package once: tests/forkrunner.py), at
the same time: a pull (after editing an article, as an author would), a
translate with the pseudo engine, a doctor approving a few strings in the
terminal, a build. The site starts translated, approved and published in
English; each edit stops English until its string is drafted and approved again.
Afterwards every catalog passes ``msgfmt --check``, every
ledger line verifies, the output folder carries its marker and a clean rebuild
gives the same bytes. The operations come from a seeded RNG: the seed is in
every failure message, and ``SOAK_SEED=N`` replays the same sequences (the
timing, and so the interleaving, is the machine's).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Project
from forkrunner import ForkRunner
from pipeline.locking import project_lock
from pipeline.catalogs.pofile import read_po
from pipeline.signoff.review import approve, open_signer, translated_entries
from pipeline.signoff.verify import entry_digest, read_signoffs
from signing import add_doctor
from sites import catalogs, generated_site, msgfmt_failures, tree

pytestmark = pytest.mark.soak

ARTICLES = 50
LANGUAGES = ("en",)  # one language: every operation costs a little more with each
WORKERS = 4
OPERATIONS = 200
REVIEWER = "dr-soak"


class Soak:
    def __init__(self, site: Project, key: Path, seed: int):
        self.site, self.key, self.seed = site, key, seed
        self.log: list[str] = []
        self.failures: list[str] = []
        self.runners = threading.local()
        self.approvals = 0  # decisions the doctor's sessions said they signed
        self.added = itertools.count(1)

    def run(self, *args: str, input: str = "") -> str:
        done = self.runners.runner.run(self.site.root, *args, input=input)
        self.log.append(f"{' '.join(args[:3])} → {done.returncode}")
        if done.returncode or "Traceback" in done.stderr:
            self.failures.append(f"pipeline {' '.join(args)} exited {done.returncode}:\n"
                                 f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return done.stdout

    def pull(self, rng: random.Random) -> None:
        with project_lock(self.site.config):  # an author saves an article, never mid-command
            _edit_article(self.site, rng, next(self.added))
        self.run("pull")

    def translate(self, rng: random.Random) -> None:
        self.run("translate", "--engine", "pseudo", "--lang", rng.choice(LANGUAGES))

    def approve(self, rng: random.Random) -> None:
        answers = "a\n" * rng.randint(1, 6) + "q\n"
        said = self.run("review", "approve", "--lang", rng.choice(LANGUAGES), "--reviewer",
                        REVIEWER, "--key-file", str(self.key), input=answers)
        found = re.search(r"approved (\d+), rejected 0, corrected 0, skipped", said)  # after the last prompt
        self.approvals += int(found.group(1)) if found else 0

    def build(self, rng: random.Random) -> None:
        self.run("build")

    def worker(self, rng: random.Random, count: int, folder: Path) -> None:
        operations: list[Callable[[random.Random], None]] = [
            self.pull, self.translate, self.approve, self.build]
        folder.mkdir()
        self.runners.runner = ForkRunner(folder)
        try:
            for _ in range(count):
                time.sleep(rng.random() * 0.1)
                rng.choice(operations)(rng)
        finally:
            self.runners.runner.close()

    def check(self, condition: bool, what: str) -> None:
        if not condition:
            pytest.fail(f"soak seed {self.seed} (SOAK_SEED={self.seed} replays its operations): "
                        f"{what}\noperations: {'; '.join(self.log)}")


def _edit_article(site: Project, rng: random.Random, number: int) -> None:
    """Reword one paragraph of one article, or add one; the new text is never that of another.

    (A text pair already approved elsewhere would count as approved while its new
    place stays fuzzy: right, but not what the soak's last check looks for.)
    """
    path = rng.choice(sorted((site.root / "source").glob("*.md")))
    lines = path.read_text(encoding="utf-8").split("\n")
    body = lines.index("---", 1) + 1
    paragraphs = [n for n in range(body, len(lines))
                  if lines[n] and not lines[n].startswith(("#", "-", "|", ">"))]
    word = _word(number)
    if paragraphs and rng.random() < 0.7:
        changed = rng.choice(paragraphs)
        lines[changed] = lines[changed].replace(" ", f" {word} ", 1)
    else:
        lines += [f"Bu paragraf {word} sonradan eklendi.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _word(number: int) -> str:
    """A word of its own for each number, of letters only (a digit would fail the numbers check)."""
    letters = ""
    while number:
        number, digit = divmod(number, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[digit]
    return "ek" + letters


def _approved_but_fuzzy(site: Project) -> list[str]:
    """Entries whose very text pair a doctor approved, yet still marked fuzzy (a lost clear)."""
    approved = read_signoffs(site.config, "en").approved
    found = []
    for path in catalogs(site):
        catalog = read_po(path)
        rule = catalog.header_field("Plural-Forms")
        found += [f"{path.name}: {entry.msgid}" for entry in catalog.messages
                  if entry.fuzzy and entry_digest("en", entry, rule) in approved]
    return found


def test_random_interleavings_of_pull_translate_approve_and_build_leave_a_whole_project(tmp_path):
    seed = int(os.environ.get("SOAK_SEED") or random.SystemRandom().randrange(2 ** 32))
    site = generated_site(tmp_path / "site", ARTICLES, LANGUAGES)
    key = add_doctor(site, tmp_path / "keys", reviewer=REVIEWER, languages=LANGUAGES)
    assert site.run("pull").exit_code == 0
    assert site.run("translate", "--engine", "pseudo").exit_code == 0
    signer = open_signer(site.config, "en", REVIEWER, key)
    approve(site.config, "en", signer, list(translated_entries(site.config, "en").values()))
    assert "en: published" in site.run("build").output  # from here on, each edit stops it
    soak = Soak(site, key, seed)
    master = random.Random(seed)
    workers = [threading.Thread(target=soak.worker, args=(
        random.Random(master.random()), OPERATIONS // WORKERS, tmp_path / f"worker-{number}"))
        for number in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    soak.check(len(soak.log) == OPERATIONS and not soak.failures, "\n".join(soak.failures))

    soak.check(msgfmt_failures(site) == [], f"msgfmt --check: {msgfmt_failures(site)}")
    verified = site.run_subprocess("review", "verify")
    statements = 1 + soak.approvals  # the first approval of everything, then one per decision
    soak.check(verified.returncode == 0 and f"{statements} statement(s) verified, 0 line" in
               verified.stdout, f"{statements} decisions made: " + verified.stdout + verified.stderr)
    soak.check(_approved_but_fuzzy(site) == [], f"approved, yet fuzzy: {_approved_but_fuzzy(site)}")
    built = site.run_subprocess("build")
    soak.check(built.returncode == 0, built.stderr)
    public = tree(site.root / "public")
    soak.check(".pipeline-site" in public, "public/ has no marker")
    shutil.rmtree(site.root / ".pipeline-cache")
    clean = site.run_subprocess("build", "--out", "clean")
    soak.check(clean.returncode == 0, clean.stderr)
    soak.check(tree(site.root / "clean") == public, "a clean rebuild gives other bytes")
