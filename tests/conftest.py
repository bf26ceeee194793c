"""Shared fixtures: small projects in a temporary directory, and ways to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import Config, load_config

REPO = Path(__file__).resolve().parent.parent

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

    def snapshot(self) -> dict[str, tuple[bytes, int]]:
        """Every file's bytes and mtime, to prove a command changed nothing."""
        return {str(p.relative_to(self.root)): (p.read_bytes(), p.stat().st_mtime_ns)
                for p in sorted(self.root.rglob("*")) if p.is_file()}

    def run(self, *args: str, input: str | None = None):
        """Run the CLI in-process, from inside the project."""
        runner = CliRunner()
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            return runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        finally:
            os.chdir(cwd)

    def run_subprocess(self, *args: str, env: dict | None = None, timeout: float = 120):
        """Run ``python -m pipeline`` as a separate process, as a user or CI would."""
        environment = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})}
        return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=self.root,
                              env=environment, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def make_project(tmp_path):
    def factory(articles: dict[str, str] | None = None, targets=("en", "de", "ar", "ru")) -> Project:
        project = Project(tmp_path / "project")
        project.write("pipeline.toml", CONFIG.format(targets=list(targets)).replace("'", '"'))
        for slug, text in (articles if articles is not None else {"mikro": ARTICLE}).items():
            project.write(f"source/{slug}.md", text)
        return project
    return factory


@pytest.fixture
def project(make_project) -> Project:
    return make_project()


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
