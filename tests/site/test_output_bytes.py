"""The bytes of every output file stay those the build has always written, in every format.

The digests were recorded from builds made before output formats became modules
of their own; a change here is a change of what readers get, never a refactoring.
The project is built from fixed inputs (the shipped sample is left out: its
sign-offs are re-made, with new dates, whenever the ledger format changes).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipeline.site.build import MANIFEST, build

TWO_LANGUAGES = {
    "html": {
        ".pipeline-site": "1f05b249caa84233573e6935138575a40a046fdb4c7021cbf7007401b87a481c",
        "ar/index.html": "23753033b9f78c1c5f769bf9d994a5f3fb783a28dae3c0bd852c55137bc2ef9b",
        "ar/mikro/index.html": "922582c686b35c98f1e895b3593d5204d0f0b4ce5a4fe0492d6add4b9cab5e4f",
        "en/index.html": "fa4be1bb1d750c1e5071b572a52eef40a2aabccfd22ae0e5ca1e21bead5abe71",
        "en/mikro/index.html": "40fee42e071fb62f45aa622557c381f041e50e6cff99b1c4c4174c2d9eba9fc0",
        "index.html": "feff4c6e730234509f349dfb668aecdae46693d3b26c44114eb78fc353aa112d",
        "sitemap.xml": "a6bbffb079d471e9b0eb0a127bc20a3ccbfa73a3ec6b76f66e03af759af0f8c8",
        "style.css": "e9d371ac94be0dd75b75cbe4c88e00199c43a13f9235cae256cc999d49f0983b",
        "tr/index.html": "e0fec9f857929918ce6a1f3704cc152b0058206239b866d051fa900374ec4948",
        "tr/mikro/index.html": "a43632c2e460feb4ed233dd71ae8ecb47957c8658993544d8055cf072dad2572",
    },
    "md": {
        ".pipeline-site": "1f05b249caa84233573e6935138575a40a046fdb4c7021cbf7007401b87a481c",
        "ar/mikro.md": "241ed53505325b77c7ff11bbc9bfd9feee88c0cbdcd1b992fc4213cf7197d8bf",
        "en/mikro.md": "4da6d2560c9d548052ac35fdd4308adc8ddad88ed2da7b3ba1cdd2b4484e7bcb",
        "tr/mikro.md": "9b12e3f2cc342eb190280b0db75c5fd12d52b4d33860fa1f14075919de732811",
    },
}


def digests(out: Path) -> dict[str, str]:
    """Every file's SHA-256 but the manifest's (its keys name the code that made the files)."""
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*")) if path.is_file() and path.name != MANIFEST}


@pytest.mark.parametrize("fmt", sorted(TWO_LANGUAGES))
def test_a_left_to_right_and_a_right_to_left_language_build_to_the_recorded_bytes(
        project, translate_all, approve_all, fmt, tmp_path):
    assert project.run("pull").exit_code == 0
    for language in ("en", "ar"):
        translate_all(project, language)
    approve_all(project, "en", "ar")
    out = tmp_path / f"out-{fmt}"
    build(project.config, out, fmt)
    assert digests(out) == TWO_LANGUAGES[fmt]
