"""Cutting articles into units: every block found, nothing untranslatable, right line numbers."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pipeline.errors import SourceError
from pipeline.source.articles import read_article, slug_for

SHIPPED = Path(__file__).resolve().parents[2] / "source" / "mikro-igneleme-nedir.md"


def article(tmp_path, text: str, name: str = "makale.md"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return read_article(path)


def test_shipped_article_yields_every_block_with_its_line():
    parsed = read_article(SHIPPED)
    lines = SHIPPED.read_text(encoding="utf-8").split("\n")
    kinds = [unit.kind for unit in parsed.units]
    assert kinds.count("title") == kinds.count("description") == 1
    assert kinds.count("heading") == 5
    assert kinds.count("list item") == 20
    assert kinds.count("paragraph") == 17
    for unit in parsed.units:
        if unit.kind in ("title", "description"):
            assert lines[unit.line - 1].startswith(f"{unit.kind}: ")
        else:
            assert unit.text in lines[unit.line - 1]
    # The doctor is named by the article's source signature (a sample one, shipped), not here.
    assert "reviewed_by" not in parsed.meta and str(parsed.meta["published"]) == "2023-02-06"
    assert not any("reviewed_by" in unit.text or "2023" in unit.text for unit in parsed.units)


def test_scraping_debris_is_gone_from_the_shipped_article():
    text = SHIPPED.read_text(encoding="utf-8")
    for debris in ("Başa Dön", "Zahide Eris, MD", "mikrodermabrazyonMikro", "dermarollerMicro",
                   "işlemiAşağıdakilere", "iğnelemeMikro", "Dermapen"):
        assert debris not in text


BLOCKS = """\
        ---
        title: Başlık
        description: Açıklama
        tags: [a, b]
        ---

        # Ana başlık

        Bir **kalın** ve [bağlantı](https://example.org/a) içeren
        paragraf, iki satırda.

        > Alıntı paragrafı.

        1. Birinci madde
        2. İkinci madde

        | Sütun | Değer |
        |-------|-------|
        | Hücre | 5 mg  |

        ![Cilt görüntüsü](resim.png)

        ```
        kod bloğu çevrilmez
        ```

        https://example.org/yalnizca-adres

        `sadece_kod`

        Satır sonu{HARD_BREAK}
        zorunlu.
        """


def test_each_block_type_and_inline_markdown_kept_as_written(tmp_path):
    parsed = article(tmp_path, BLOCKS.replace("{HARD_BREAK}", "  "))  # trailing spaces: a hard break
    assert [(u.kind, u.text, u.line) for u in parsed.units] == [
        ("title", "Başlık", 2),
        ("description", "Açıklama", 3),
        ("heading", "Ana başlık", 7),
        ("paragraph", "Bir **kalın** ve [bağlantı](https://example.org/a) içeren paragraf, iki satırda.", 9),
        ("blockquote", "Alıntı paragrafı.", 12),
        ("list item", "Birinci madde", 14),
        ("list item", "İkinci madde", 15),
        ("table cell", "Sütun", 17),
        ("table cell", "Değer", 17),
        ("table cell", "Hücre", 19),
        ("table cell", "5 mg", 19),
        ("image alt text", "Cilt görüntüsü", 21),
        ("paragraph", "Satır sonu\\\nzorunlu.", 31),
    ]


def test_article_without_front_matter_is_refused(tmp_path):
    with pytest.raises(SourceError) as caught:
        article(tmp_path, "Yalnızca bir paragraf.\n")
    assert "no front matter" in caught.value.message and caught.value.line == 1


@pytest.mark.parametrize("text, line, message", [
    ("---\ntitle: [kapanmamış\n---\n\nMetin.\n", 2, "malformed front matter"),
    ("---\ntitle: Başlık\n\nMetin.\n", 1, "never closed"),
    ("---\ndescription: yalnız\n---\n\nMetin.\n", 1, "no 'title'"),
    ("---\ntitle: Başlık\npublished: 6 Şubat\n---\n\nMetin.\n", 3, "ISO date"),
    ("---\n- bir\n- iki\n---\n\nMetin.\n", 2, "mapping"),
    ("---\ntitle: 42\n---\n", 2, "must be text"),
])
def test_bad_front_matter_names_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "makale.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_article(path)
    assert caught.value.line == line
    assert message in caught.value.message


def test_non_utf8_source_names_the_line(tmp_path):
    path = tmp_path / "makale.md"
    path.write_bytes("Birinci satır.\n\nİkinci ".encode() + b"\xfe\n")
    with pytest.raises(SourceError, match="not valid UTF-8") as caught:
        read_article(path)
    assert caught.value.line == 3


@pytest.mark.parametrize("name", ["Büyük.md", "two words.md", "a--b.md", "-a.md", "a_b.md"])
def test_unsafe_slugs_are_refused(name):
    with pytest.raises(SourceError, match="not a safe slug"):
        slug_for(Path(name))


def test_safe_slug():
    assert slug_for(Path("source/mikro-igneleme-nedir.md")) == "mikro-igneleme-nedir"
