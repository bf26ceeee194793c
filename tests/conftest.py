"""Shared fixtures: small projects in a temporary directory, and ways to run the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import Config, load_config
from datetime import UTC

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"  # screenshots from the browser tests (ignored by git)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

ARTICLE = textwrap.dedent("""\
    ---
    title: Mikro İğneleme Nedir?
    description: Cildiniz için minimal invaziv bir prosedür.
    reviewed_by: Uzm. Dr. Zahide Eriş
    published: 2023-02-06
    updated: 2023-02-06
    ---

    ## Mikro İğneleme Nedir?

    Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür.

    - Genişletilmiş gözenekler
    - İnce çizgiler veya kırışıklıklar.

    Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.
    """)

CONFIG = textwrap.dedent("""\
    [site]
    name = "Test Kliniği"
    base_url = "https://klinik.example"

    [languages]
    source = "tr"
    targets = {targets}
    """)


class Project:
    """A throw-away project: pipeline.toml, source/ and locale/ under one folder."""

    def __init__(self, root: Path):
        self.root = root

    @property
    def config(self) -> Config:
        return load_config(self.root / "pipeline.toml")

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def po(self, language: str, slug: str = "mikro") -> Path:
        return self.root / "locale" / language / "LC_MESSAGES" / f"{slug}.po"

    def set_translation(self, language: str, msgid: str, msgstr: str, fuzzy: bool = False,
                        slug: str = "mikro") -> None:
        """Fill one entry of a catalog, as a translator's editor would."""
        from pipeline.fsutil import write_atomic
        from pipeline.catalogs.pofile import format_po, read_po
        path = self.po(language, slug)
        catalog = read_po(path)
        catalog.entries = [entry.replace(msgstrs=(msgstr,)).with_fuzzy(fuzzy)
                           if entry.msgid == msgid else entry for entry in catalog.entries]
        write_atomic(path, format_po(catalog))

    def snapshot(self) -> dict[str, tuple[bytes, int]]:
        """Every project file's bytes and mtime (not the cache's), to prove a command changed nothing."""
        cache = self.root / ".pipeline-cache"
        return {str(p.relative_to(self.root)): (p.read_bytes(), p.stat().st_mtime_ns)
                for p in sorted(self.root.rglob("*")) if p.is_file() and cache not in p.parents}

    def run(self, *args: str, input: str | None = None):
        """Run the CLI in-process, from inside the project."""
        runner = CliRunner()
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            return runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        finally:
            os.chdir(cwd)

    def run_subprocess(self, *args: str, env: dict | None = None, timeout: float = 120,
                       input: str | None = None):
        """Run ``python -m pipeline`` as a separate process, as a user or CI would."""
        return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=self.root,
                              env=self._environment(env), capture_output=True, text=True,
                              timeout=timeout, input=input)

    def start_subprocess(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        """Start ``python -m pipeline`` as a separate process, to signal it while it runs."""
        return subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=self.root,
                                env=self._environment(env), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    @staticmethod
    def _environment(env: dict | None) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})}


@pytest.fixture(autouse=True)
def cache_secret(monkeypatch):
    """A fixed secret for the store, so no test writes one into the user's config directory."""
    from pipeline.cache.store import SECRET_VARIABLE

    monkeypatch.setenv(SECRET_VARIABLE, "test secret")


@pytest.fixture(autouse=True)
def no_trust_root(monkeypatch):
    """No clinic trust root pinned, whatever the shell running the tests has: tests pin their own."""
    from pipeline.signoff.trust import TRUST_ROOT_VARIABLE

    monkeypatch.delenv(TRUST_ROOT_VARIABLE, raising=False)


@pytest.fixture
def make_project(tmp_path):
    def factory(articles: dict[str, str] | None = None, targets=("en", "de", "ar", "ru")) -> Project:
        project = Project(tmp_path / "project")
        project.write("pipeline.toml", CONFIG.format(targets=list(targets)).replace("'", '"'))
        (project.root / "source").mkdir()
        for slug, text in (articles if articles is not None else {"mikro": ARTICLE}).items():
            project.write(f"source/{slug}.md", text)
        return project
    return factory


@pytest.fixture
def project(make_project) -> Project:
    return make_project()


# ---------------------------------------------------------------- translated, approved projects

FAKE_TRANSLATION = {"en": "English text", "de": "Deutscher Text", "ar": "نص عربي",
                    "ru": "Русский текст"}
_LINK_TARGET_RE = re.compile(r"\]\(([^)\s]+)\)")


def fake_translation(msgid: str, language: str, number: int) -> str:
    """A recognisable non-Turkish text with the msgid's inline Markdown, numbers and link targets."""
    label = FAKE_TRANSLATION[language]
    count = iter(range(1, 1000))
    parts = re.split(r"(\]\([^)]*\))", msgid)  # keep "](url)" exactly as it is
    words = [part if part.startswith("](") else
             re.sub(r"[^\W\d_]+", lambda m: f"{label}{number}x{next(count)}", part)
             for part in parts]
    return "".join(words)


@pytest.fixture
def translate_all():
    """Fill every entry of a language's catalogs (fuzzy cleared); ``overrides`` maps msgid → text."""
    from pipeline.catalogs.pofile import format_po, read_po
    from pipeline.source.articles import domains

    def fill(project: Project, language: str, overrides: dict[str, str] | None = None) -> None:
        config = project.config
        number = 0
        for domain in domains(config):
            path = config.catalog_path(language, domain)
            catalog = read_po(path)
            entries = []
            for entry in catalog.entries:
                if not entry.obsolete:
                    number += 1
                    text = (overrides or {}).get(entry.msgid) or fake_translation(
                        entry.msgid, language, number)
                    entry = entry.replace(msgstrs=(text,) * len(entry.msgstrs)).with_fuzzy(False)
                entries.append(entry)
            catalog.entries = entries
            path.write_text(format_po(catalog), encoding="utf-8")
    return fill


@pytest.fixture
def approve_all(tmp_path):
    """Approve every current entry of the given languages with a real, signed ledger statement.

    A doctor gets a key pair and a roster entry on first use; only the text
    pairs present when ``approve`` is called are covered, so editing a
    translation afterwards makes its approval stale, as in real use.
    """
    from datetime import datetime

    from pipeline.signoff.review import approve as sign_approval
    from pipeline.signoff.review import open_signer, translated_entries
    from signing import add_doctor

    keys: dict[str, Path] = {}

    def approve(project: Project, *languages: str, name: str = "Dr. Ayşe Demir",
                reviewer: str = "ademir", time: datetime | None = None,
                domain_filter=None) -> None:
        moment = time or datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
        if reviewer not in keys:
            keys[reviewer] = add_doctor(project, tmp_path / "keys", reviewer=reviewer,
                                        languages=("en", "de", "ar", "ru", "fr"), name=name)
        config = project.config
        for language in languages:
            signer = open_signer(config, language, reviewer, keys[reviewer])
            targets = [target for target in translated_entries(config, language).values()
                       if not domain_filter or any(domain_filter(place.domain)
                                                   for place in target.places)]
            sign_approval(config, language, signer, targets, moment)
    return approve


@pytest.fixture
def fake_deepl(monkeypatch):
    """A local DeepL-speaking server the pipeline is pointed at, with quick retries."""
    import deepl

    from deepl_server import FakeDeepL

    monkeypatch.setattr(deepl.http_client, "max_network_retries", 2)
    monkeypatch.setattr(deepl.http_client, "min_connection_timeout", 5.0)
    monkeypatch.setattr(deepl.http_client._BackoffTimer, "BACKOFF_INITIAL", 0.01)
    with FakeDeepL() as server:
        for name, value in server.env.items():
            monkeypatch.setenv(name, value)
        yield server


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright; skipped, with the reason, where it is absent."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} "
                    "(apt-get install chromium): the real-browser test cannot run")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
