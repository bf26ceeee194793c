"""An article's content and digest: what a source doctor signs."""

from __future__ import annotations

import textwrap

import pytest
from conftest import ARTICLE

from pipeline.signoff.articles import (article_content, article_id, content_diff, content_digest,
                                       signed_content)
from pipeline.source.articles import read_document

TWO_LISTS = textwrap.dedent("""\
    ---
    title: Mikro İğneleme
    ---

    Mikro iğneleme şunlara da yardımcı olabilir:

    - Hiperhidroz.

    Şu durumlarda mikro iğneleme yaptırmayın:

    - Aktif sivilce.
    - Kan bozuklukları veya antikoagülanlar.
    """)
MOVED = textwrap.dedent("""\
    ---
    title: Mikro İğneleme
    ---

    Mikro iğneleme şunlara da yardımcı olabilir:

    - Hiperhidroz.
    - Kan bozuklukları veya antikoagülanlar.

    Şu durumlarda mikro iğneleme yaptırmayın:

    - Aktif sivilce.
    """)


def digest_of(tmp_path, text: str, slug: str = "mikro") -> str:
    return content_digest(content_of(tmp_path, text, slug))


def content_of(tmp_path, text: str, slug: str = "mikro") -> dict:
    path = tmp_path / f"{slug}.md"
    path.write_text(text, encoding="utf-8")
    return article_content(*read_document(path))


def test_moving_an_item_into_another_list_changes_the_digest(tmp_path):
    assert MOVED.count("Kan bozuklukları") == 1 and sorted(MOVED.split()) == sorted(TWO_LISTS.split())
    before, after = content_of(tmp_path, TWO_LISTS), content_of(tmp_path, MOVED)
    assert content_digest(before) != content_digest(after)
    assert ["list 2 › item › paragraph", "Kan bozuklukları veya antikoagülanlar."] in before["content"]
    assert ["list 1 › item › paragraph", "Kan bozuklukları veya antikoagülanlar."] in after["content"]
    assert "-list 2 › item › paragraph: Kan bozuklukları veya antikoagülanlar." in content_diff(
        before, after)


@pytest.mark.parametrize("change", [
    lambda text: text.replace("Mikro iğneleme, cildiniz", "Mikro iğneleme, yüzünüz"),  # a sentence
    lambda text: text.replace("## Mikro İğneleme Nedir?", "### Mikro İğneleme Nedir?"),  # a level
    lambda text: text.replace("updated: 2023-02-06", "updated: 2024-01-01"),  # a date shown
    lambda text: text.replace("title: Mikro İğneleme Nedir?", "title: Mikro İğneleme"),
    lambda text: text + "\n```\n5 mg\n```\n",  # a code block
    lambda text: text + "\n---\n",  # a rule
    lambda text: text.replace("https://example.org/kilavuz", "https://example.org/baska"),
    lambda text: text.replace("- Genişletilmiş gözenekler\n- İnce çizgiler veya kırışıklıklar.\n",
                              "- İnce çizgiler veya kırışıklıklar.\n- Genişletilmiş gözenekler\n"),
    lambda text: text.replace("- Genişletilmiş", "1. Genişletilmiş").replace("- İnce", "2. İnce"),
])
def test_what_the_page_shows_is_signed(tmp_path, change):
    changed = change(ARTICLE)
    assert changed != ARTICLE
    assert digest_of(tmp_path, changed) != digest_of(tmp_path, ARTICLE)


def test_a_link_definition_is_signed(tmp_path):
    text = ARTICLE.replace("[kılavuza](https://example.org/kilavuz)", "[kılavuza][k]")
    assert (digest_of(tmp_path, text + "\n[k]: https://example.org/a\n")
            != digest_of(tmp_path, text + "\n[k]: https://example.org/b\n"))


@pytest.mark.parametrize("change", [
    lambda text: text.replace("cildiniz için **minimal", "cildiniz\niçin **minimal"),  # re-wrapped
    lambda text: text.replace("reviewed_by: Uzm. Dr. Zahide Eriş\n", ""),  # not on the page as such
    lambda text: text + "\n\n\n",
])
def test_what_the_page_does_not_show_is_not(tmp_path, change):
    changed = change(ARTICLE)
    assert changed != ARTICLE
    assert digest_of(tmp_path, changed) == digest_of(tmp_path, ARTICLE)


def test_the_digest_names_the_article(tmp_path):
    assert digest_of(tmp_path, ARTICLE, "mikro") != digest_of(tmp_path, ARTICLE, "baska")
    assert article_id("mikro") != article_id("baska") and len(article_id("mikro")) == 16


def test_a_signed_content_is_shown_only_when_it_hashes_to_its_digest(tmp_path):
    content = content_of(tmp_path, ARTICLE)
    digest = content_digest(content)
    assert signed_content(digest, content) == content
    edited = {**content, "content": [*content["content"][:-1], ["paragraph", "Başka bir şey."]]}
    assert signed_content(digest, edited) is None
    assert signed_content(digest, ["not", "an", "article"]) is None
