"""The checks package: its small public API, and no import of the gate that keeps its findings."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline.checks
from conftest import REPO

PACKAGE = Path(pipeline.checks.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            package = ["pipeline", "checks"][:3 - node.level] if node.level else []  # from . or ..
            module = ".".join([*package, *([node.module] if node.module else [])])
            names |= {module, *(f"{module}.{alias.name}" for alias in node.names)}
    return names


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_no_check_module_imports_the_gate(path):
    assert not {name for name in imported_modules(path)
                if name == "pipeline.gate" or name.startswith("pipeline.gate.")}


def test_importing_the_checks_loads_nothing_of_the_gate():
    code = ("import sys, pipeline.checks; "
            "print(sorted(m for m in sys.modules if m.startswith('pipeline.gate')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_public_api():
    assert set(pipeline.checks.__all__) == {"CHECKS", "ERROR", "WARNING", "Finding", "Severity",
                                            "check", "check_catalog"}
    for name in pipeline.checks.__all__:
        assert getattr(pipeline.checks, name) is not None
