"""The code identity: a digest of the code that makes every cached value."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterator

from pipeline.cache.digests import sha256_of_parts


@lru_cache(maxsize=1)
def code_identity() -> str:
    """A digest of the code that makes every cached value.

    The bytes of every file of the package (modules, templates, data), the
    Python version, and the name and version of every distribution installed
    where the package runs: a superset of the libraries it imports, cheap to
    list (directory names) where tracing imports means parsing every
    distribution's metadata. Computed, never kept by hand: editing a module or
    upgrading a library makes every value new.
    """
    return sha256_of_parts(_identity_parts())


def _identity_parts() -> Iterator[bytes]:
    package = Path(__file__).resolve().parent.parent  # the whole pipeline package
    yield f"{sys.implementation.name} {sys.version}".encode()
    for path in sorted(package.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        yield path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
    for name in installed_distributions():
        yield name.encode() + b"\0"


def installed_distributions() -> list[str]:
    """``name-version`` of every distribution on the import path, from its metadata folder's name."""
    found: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(name.rpartition(".")[0] for name in names
                     if name.endswith((".dist-info", ".egg-info")))
    return sorted(found)
