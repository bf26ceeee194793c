"""Generated many-article sites for the concurrency tests and the soak (bench/generate.py's articles)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO, Project
from pipeline.catalogs.pofile import read_po

sys.path.insert(0, str(REPO / "bench"))
try:
    import generate
finally:
    sys.path.remove(str(REPO / "bench"))


def generated_site(root: Path, count: int, targets: tuple[str, ...]) -> Project:
    """A sample site of ``count`` generated articles in the given target languages, not pulled yet."""
    generate.generate(root, count, "varied")
    config = root / "pipeline.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("targets = ")
    config.write_text(text[:start] + f"targets = {json.dumps(list(targets))}\n", encoding="utf-8")
    return Project(root)


def catalogs(project: Project) -> list[Path]:
    return sorted((project.root / "locale").glob("*/LC_MESSAGES/*.po"))


def msgfmt_failures(project: Project) -> list[str]:
    """``msgfmt --check``'s complaint about each catalog that fails it."""
    failures = []
    for path in catalogs(project):
        done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                              capture_output=True, text=True)
        if done.returncode:
            failures.append(done.stderr)
    return failures


def fuzzy_entries(path: Path) -> list[str]:
    return [entry.msgid for entry in read_po(path).messages if entry.fuzzy]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}
