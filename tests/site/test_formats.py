"""Output formats: one module each behind one interface, listed by the registry the CLI uses."""

from __future__ import annotations

import pytest

from pipeline.cli import cli
from pipeline.errors import BuildError
from pipeline.site.build import build
from pipeline.site.formats import OutputFormat, output_format, output_formats


def test_every_format_module_is_in_the_registry_and_the_cli():
    assert list(output_formats()) == ["html", "md"]
    assert all(isinstance(fmt, OutputFormat) for fmt in output_formats().values())
    option = next(p for p in cli.commands["build"].params if p.name == "fmt")
    assert list(option.type.choices) == list(output_formats())


def test_an_unknown_format_is_refused_naming_the_known_ones():
    with pytest.raises(BuildError, match="unknown format 'pdf': use one of html, md"):
        output_format("pdf")


class Plain(OutputFormat):
    """A format made only of the interface: the build needs nothing else."""

    name = "txt"

    def page_path(self, tag: str, slug: str) -> str:
        return f"{tag}/{slug}.txt"

    def body(self, tokens: list, env: dict) -> str:
        return "\n".join(token.content for token in tokens if token.type == "inline")

    def page(self, site, config, edition, editions, article, body: str) -> bytes:
        return f"{edition.tag}\n{body}\n".encode()

    def extra_files(self, site, config, editions, articles) -> dict[str, bytes]:
        return {"languages.txt": " ".join(edition.tag for edition in editions).encode()}


def test_a_format_is_one_class_behind_the_interface(project, translate_all, approve_all,
                                                    monkeypatch, tmp_path):
    assert project.run("pull").exit_code == 0
    translate_all(project, "en")
    approve_all(project, "en")
    monkeypatch.setitem(output_formats(), "txt", Plain())
    out = tmp_path / "txt"
    result = build(project.config, out, "txt")
    assert result.format == "txt" and [r.language for r in result.languages if r.published] == \
        ["tr", "en"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt")) == [
        "en/mikro.txt", "languages.txt", "tr/mikro.txt"]
    assert (out / "languages.txt").read_text() == "tr en"
    english = (out / "en" / "mikro.txt").read_text(encoding="utf-8")
    assert english.startswith("en\nEnglish text") and "Mikro" not in english
