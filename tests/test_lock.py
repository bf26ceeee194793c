"""requirements.lock: agrees with pyproject.toml, pins everything with hashes, and is what is installed."""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import REPO

LOCK = REPO / "requirements.lock"
PYPROJECT = REPO / "pyproject.toml"


@dataclass
class Pin:
    name: str
    version: str | None  # None: not an exact `==` pin
    marker: Marker | None = None
    hashes: list[str] = field(default_factory=list)

    def applies(self) -> bool:
        return self.marker is None or self.marker.evaluate()


def parse_lock(text: str) -> tuple[dict[str, list[Pin]], list[str]]:
    """The lock's entries by canonical name (a universal lock may pin one name per marker), and its problems.

    Anything but `name==version [; marker] --hash=…` is a problem: an index, find-links or
    local path written into the lock would send a fresh clone somewhere it cannot go.
    """
    pins: dict[str, list[Pin]] = {}
    problems = []
    logical = ""
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        logical += line
        entry, logical = logical.strip(), ""
        if not entry:
            continue
        words = entry.split()
        hashes = [word.removeprefix("--hash=") for word in words if word.startswith("--hash=")]
        rest = " ".join(word for word in words if not word.startswith("--hash="))
        if rest.startswith("-") or "file:" in rest or "://" in rest:
            problems.append(f"not a pinned requirement: {rest}")
            continue
        try:
            requirement = Requirement(rest)
        except InvalidRequirement as error:
            problems.append(f"unreadable: {rest} ({error})")
            continue
        specs = list(requirement.specifier)
        exact = len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version
        name = canonicalize_name(requirement.name)
        pin = Pin(name, specs[0].version if exact else None, requirement.marker, hashes)
        pins.setdefault(name, []).append(pin)
        if pin.version is None:
            problems.append(f"{rest}: not pinned with ==")
        if not any(h.startswith("sha256:") for h in hashes):
            problems.append(f"{rest}: no --hash=sha256:")
    return pins, problems


def declared(pyproject: dict) -> list[tuple[str, Requirement]]:
    """Every requirement pyproject.toml declares, with where: dependencies, each extra, the build backend."""
    project = pyproject["project"]
    found = [("dependencies", Requirement(r)) for r in project.get("dependencies", [])]
    for extra, requirements in project.get("optional-dependencies", {}).items():
        found += [(f"extra {extra}", Requirement(r)) for r in requirements]
    found += [("build-system", Requirement(r)) for r in pyproject.get("build-system", {}).get("requires", [])]
    return found


def disagreements(pyproject: dict, lock_text: str) -> list[str]:
    """What keeps the lock from being an install of pyproject.toml; empty when they agree."""
    pins, problems = parse_lock(lock_text)
    for where, requirement in declared(pyproject):
        entries = pins.get(canonicalize_name(requirement.name))
        if not entries:
            problems.append(f"{requirement} ({where}): not in the lock")
            continue
        for pin in entries:
            if pin.version and not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{requirement} ({where}): the lock pins {pin.version}")
    return problems


def test_the_lock_agrees_with_pyproject():
    pyproject = tomllib.loads(PYPROJECT.read_text())
    problems = disagreements(pyproject, LOCK.read_text())
    assert not problems, "run `make lock`:\n" + "\n".join(problems)


def test_the_lock_pins_the_installing_tools():
    pins, _ = parse_lock(LOCK.read_text())
    assert {"pip", "setuptools", "uv"} <= pins.keys()


def test_a_mismatched_lock_is_reported():
    pyproject = tomllib.loads(textwrap.dedent("""\
        [build-system]
        requires = ["setuptools>=77"]
        [project]
        name = "example"
        dependencies = ["babel>=2.14,<2.20", "click>=8.1"]
        [project.optional-dependencies]
        test = ["pytest>=8"]
        """))
    lock = textwrap.dedent("""\
        # a comment
        babel==2.20.0 \\
            --hash=sha256:aaaa
            # via example
        pytest==8.0.0
        setuptools>=77 --hash=sha256:bbbb
        --find-links somewhere
        """)
    assert disagreements(pyproject, lock) == [
        "pytest==8.0.0: no --hash=sha256:",
        "setuptools>=77: not pinned with ==",
        "not a pinned requirement: --find-links somewhere",
        "babel<2.20,>=2.14 (dependencies): the lock pins 2.20.0",
        "click>=8.1 (dependencies): not in the lock",
    ]
    good = "babel==2.19.0 --hash=sha256:aa\nclick==8.1.0 --hash=sha256:bb\n" \
           "pytest==8.0.0 --hash=sha256:cc\nsetuptools==80.0 --hash=sha256:dd\n"
    assert disagreements(pyproject, good) == []


def test_a_lock_entry_with_a_marker_and_continuation_lines_is_read():
    pins, problems = parse_lock("colorama==0.4.6 ; sys_platform == 'win32' \\\n"
                                "    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via click\n")
    assert problems == []
    [pin] = pins["colorama"]
    assert (pin.version, pin.hashes, str(pin.marker)) == ("0.4.6", ["sha256:aa", "sha256:bb"],
                                                           'sys_platform == "win32"')


def in_this_checkouts_venv() -> bool:
    prefix = Path(sys.prefix).resolve()
    return sys.prefix != sys.base_prefix and prefix.is_relative_to(REPO)


@pytest.mark.skipif(not in_this_checkouts_venv(),
                    reason="not running in this checkout's virtual environment, where `make setup` "
                           "installs requirements.lock: there is no locked install to compare")
def test_the_installed_environment_is_the_lock():
    pins, _ = parse_lock(LOCK.read_text())
    project = canonicalize_name(tomllib.loads(PYPROJECT.read_text())["project"]["name"])
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    wrong = []
    for name, entries in sorted(pins.items()):
        for pin in filter(Pin.applies, entries):
            if name not in installed:
                wrong.append(f"{name}=={pin.version}: not installed")
            elif Version(installed[name]) != Version(pin.version):
                wrong.append(f"{name}=={pin.version}: {installed[name]} installed")
    wrong += [f"{name}=={version}: installed, not in the lock" for name, version in sorted(installed.items())
              if name not in pins and name != project]
    assert not wrong, "run `make setup` (it remakes the venv from the lock):\n" + "\n".join(wrong)
