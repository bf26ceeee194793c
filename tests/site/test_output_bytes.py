"""The bytes of every output file stay those the build has always written, in every format.

The digests were recorded from builds made before output formats became modules
of their own; a change here is a change of what readers get, never a refactoring.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import REPO, Project

from pipeline.site.build import MANIFEST, build

SAMPLE = {
    "html": {
        ".pipeline-site": "1f05b249caa84233573e6935138575a40a046fdb4c7021cbf7007401b87a481c",
        "en/index.html": "4d5db209ffaeacf21628ab855a84202b74d2aa28655fd0dbded70ecc30a7a36b",
        "en/mikro-igneleme-nedir/index.html":
            "118051588cd323cf21594bb48811819390435611851da57940cc2e8ad5480169",
        "index.html": "f5be543c869d716cd49abb366202aae3ed75761e59f06014c836e5a237ae5a8a",
        "sitemap.xml": "96c0bba22612e9e04f6733483c821248b1bc84ce211621f4570a678af204733d",
        "style.css": "e9d371ac94be0dd75b75cbe4c88e00199c43a13f9235cae256cc999d49f0983b",
        "tr/index.html": "1c24e8875cacf2d8fe2c8395ebde6b6c4604c52867657dea7655c656aac0933e",
        "tr/mikro-igneleme-nedir/index.html":
            "38cad611ec05d7dedb0f75989bf36a82b5c35cdd26bbaf922f7f6e5fa38f7cd6",
    },
    "md": {
        ".pipeline-site": "1f05b249caa84233573e6935138575a40a046fdb4c7021cbf7007401b87a481c",
        "en/mikro-igneleme-nedir.md":
            "d49ef294fecb1669d203e770c40c254c2114afc11c2ab1fae62301d4d845904d",
        "tr/mikro-igneleme-nedir.md":
            "9908760cd47032a2ee7b48aea5f4f04e7a81941afb46749eebd1a3ee23e33209",
    },
}

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


@pytest.fixture
def sample(tmp_path) -> Project:
    """A copy of the repository's sample project: English published, the others stopped."""
    project = Project(tmp_path / "sample")
    project.root.mkdir()
    for name in ("pipeline.toml", "reviewers.toml"):
        shutil.copy(REPO / name, project.root / name)
    for name in ("source", "locale"):
        shutil.copytree(REPO / name, project.root / name)
    return project


@pytest.mark.parametrize("fmt", sorted(SAMPLE))
def test_the_sample_project_builds_to_the_recorded_bytes(sample, fmt, tmp_path):
    out = tmp_path / f"out-{fmt}"
    build(sample.config, out, fmt)
    assert digests(out) == SAMPLE[fmt]


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
