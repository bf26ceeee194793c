"""Commands at once, as real processes started together: nothing lost, the site whole."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading

import httpx
import pytest

from conftest import REPO, Project
from pipeline.catalogs.pofile import read_po
from pipeline.signoff.page import key_field
from pipeline.signoff.review import translated_entries
from pipeline.signoff.verify import read_signoffs
from signing import add_doctor, ledger_lines, translate
from sites import catalogs, fuzzy_entries, generated_site, msgfmt_failures, tree
from test_locking import Holder

OWN_POST = {"Sec-Fetch-Site": "same-origin"}  # and Origin: the page's own, set per server


def _together(project: Project, *commands: tuple[str, ...]) -> list[subprocess.CompletedProcess]:
    """Start every command at once; wait for all of them."""
    return _finish(commands, [project.start_subprocess(*command) for command in commands])


def _finish(commands: tuple[tuple[str, ...], ...],
            started: list[subprocess.Popen]) -> list[subprocess.CompletedProcess]:
    done = []
    for command, process in zip(commands, started):
        out, err = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return done


def test_two_builds_at_once_both_succeed_in_turn_and_the_site_is_whole(
        project, translate_all, approve_all):
    project.run("pull")
    translate_all(project, "en")
    approve_all(project, "en")
    project.write("source/ikinci.md", project.read("source/mikro.md").replace("Mikro", "İkinci"))
    project.run("pull")
    translate_all(project, "en")
    approve_all(project, "en")
    for first, second in (_together(project, ("build",), ("build",)),
                          _waiting_together(project, ("build",), ("build",))):
        assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
        assert "Traceback" not in first.stderr + second.stderr
    assert project.run("build", "--out", "clean").exit_code == 0
    built = tree(project.root / "public")
    assert ".pipeline-site" in built and "en/ikinci/index.html" in built
    assert built == tree(project.root / "clean")
    assert not list(project.root.glob(".public.pipeline-*"))  # no staging folder left


def _waiting_together(project: Project, *commands: tuple[str, ...]) -> list[subprocess.CompletedProcess]:
    """Start the commands together while the project is busy, so that each must wait its turn."""
    holder = Holder(project)
    started = [project.start_subprocess(*command) for command in commands]
    try:
        for process in started:
            assert process.stderr is not None
            assert process.stderr.readline().startswith("notice: waiting for another command")
    finally:
        holder.release()
    return _finish(commands, started)


@pytest.fixture
def site(tmp_path) -> Project:
    site = generated_site(tmp_path / "site", 20, ("en", "de"))
    assert site.run("pull").exit_code == 0
    return site


def test_pull_and_translate_at_once_keep_every_draft_and_every_new_string(site):
    added = {}
    for number, path in enumerate(sorted((site.root / "source").glob("*.md"))):
        added[path.stem] = f"Bu paragraf eşzamanlı çekme sınaması için eklendi, numara {number}."
        path.write_text(path.read_text(encoding="utf-8") + f"\n{added[path.stem]}\n",
                        encoding="utf-8")
    pull, drafts = _together(site, ("pull",), ("translate", "--engine", "pseudo"))
    assert pull.returncode == 0 and drafts.returncode == 0, pull.stderr + drafts.stderr
    filled = 0
    for row in re.findall(r"^(?:en|de) +(\d+) .* (\d+)$", drafts.stdout, re.MULTILINE):
        empty, left = map(int, row)
        filled += empty - left
    in_catalogs = 0
    for path in catalogs(site):
        catalog = read_po(path)
        in_catalogs += sum(1 for entry in catalog.entries if entry.msgstr.startswith("⟦"))
        if path.stem in added:
            assert added[path.stem] in {entry.msgid for entry in catalog.messages}, path
    assert filled > 100 and in_catalogs == filled, drafts.stdout
    assert msgfmt_failures(site) == []


def test_approvals_from_the_page_and_the_command_line_at_once_lose_nothing(tmp_path):
    site = generated_site(tmp_path / "site", 2, ("en",))
    assert site.run("pull").exit_code == 0
    translate(site, "en", fuzzy=True)
    key = add_doctor(site, tmp_path / "keys", languages=("en",))
    targets = sorted(translated_entries(site.config, "en").items())[:48]
    on_page, on_command_line = targets[::2], [digest for digest, _ in targets[1::2]]
    server = _Server(site, key)
    try:
        idle = site.run_subprocess("pull", "--no-wait")  # an open page does not hold the project
        assert idle.returncode == 0, idle.stderr
        posting = threading.Thread(target=server.approve_each, args=(on_page,))
        posting.start()
        runs = [site.start_subprocess("review", "approve", "--lang", "en", "--reviewer", "dr-test",
                                      "--key-file", str(key),
                                      *[arg for digest in chunk for arg in ("--entry", digest)])
                for chunk in (on_command_line[i:i + 4] for i in range(0, len(on_command_line), 4))]
        for run in runs:
            _, err = run.communicate(timeout=300)
            assert run.returncode == 0, err
        posting.join(timeout=300)
    finally:
        server.stop()
    assert server.statuses == [303] * len(on_page)
    approved = read_signoffs(site.config, "en").approved
    assert {digest for digest, _ in targets} <= set(approved)
    assert len(ledger_lines(site, "en")) == len(on_page) + len(runs)
    verified = site.run_subprocess("review", "verify")
    assert verified.returncode == 0 and f"{len(on_page) + len(runs)} statement(s) verified" \
        in verified.stdout, verified.stdout + verified.stderr
    for _, target in targets:
        for place in target.places:
            assert place.entry.msgid not in fuzzy_entries(place.path), place.where


def test_a_decision_on_the_page_waits_for_a_writer_then_is_saved(tmp_path):
    site = generated_site(tmp_path / "site", 1, ("en",))
    assert site.run("pull").exit_code == 0
    translate(site, "en", fuzzy=True)
    key = add_doctor(site, tmp_path / "keys", languages=("en",))
    target = sorted(translated_entries(site.config, "en").items())[:1]
    server = _Server(site, key)
    try:
        holder = Holder(site, command="pipeline pull")
        posting = threading.Thread(target=server.approve_each, args=(target,))
        posting.start()
        posting.join(timeout=2)
        assert posting.is_alive() and ledger_lines(site, "en") == []  # waiting for the pull
        holder.release()
        posting.join(timeout=120)
    finally:
        server.stop()
    assert server.statuses == [303] and len(ledger_lines(site, "en")) == 1
    assert "waiting for another command" in "".join(server.lines.queue)
    place = target[0][1].places[0]
    assert place.entry.msgid not in fuzzy_entries(place.path)  # approved: no longer a draft


class _Server:
    """``pipeline review serve`` as a process, and a doctor approving on its page one string at a time."""

    def __init__(self, project: Project, key):
        environment = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1",
                       "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "review", "serve", "--reviewer", "dr-test",
             "--key-file", str(key), "--lang", "en"],
            cwd=project.root, env=environment, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stdout],
                         daemon=True).start()
        self.url = self._address()
        self.origin, self.token = re.fullmatch(r"(http://[^/]+)/t/([^/]+)/", self.url).groups()
        self.statuses: list[int] = []

    def _address(self) -> str:
        while True:
            line = self.lines.get(timeout=60)
            found = re.search(r"http://127\.0\.0\.1:\d+/t/[\w-]{40,}/", line)
            if found:
                return found.group(0)

    def approve_each(self, targets) -> None:
        with httpx.Client(timeout=120) as http:
            for digest, target in targets:
                place = target.places[0]
                response = http.post(
                    f"{self.url}en/{place.domain}/approve",
                    data={"token": self.token, "digest": digest,
                          "key": key_field(place.entry.key)},
                    headers={**OWN_POST, "Origin": self.origin})
                self.statuses.append(response.status_code)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
