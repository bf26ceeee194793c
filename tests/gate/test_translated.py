"""What the gate's page check finds is what making the page finds, link references included."""

from __future__ import annotations

import textwrap

import pytest

from pipeline.gate.rules import NOT_IN_CATALOG, UNSAFE_LINK
from pipeline.gate.translated import translate, unit_problems
from pipeline.source.articles import parse_document

SOURCE = textwrap.dedent("""\
    ## Başlık

    Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.

    Bkz. [kaynak][r] ve <https://example.org/oto>.

    ![Bir cilt resmi](resim.png)

    [r]: https://example.org/kaynak
    [s]: https://example.org/baska
    """)
LINK = "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."
REFERENCE = "Bkz. [kaynak][r] ve <https://example.org/oto>."
ENGLISH = {"Başlık": "Title", LINK: "See [the guide](https://example.org/kilavuz).",
           REFERENCE: "See [the source][r] and <https://example.org/oto>.",
           "Bir cilt resmi": "A picture of skin"}


@pytest.mark.parametrize("overrides, found", [
    ({}, []),
    ({"Başlık": None}, [NOT_IN_CATALOG]),
    ({LINK: "See [the guide](https://evil.example)."}, [UNSAFE_LINK]),
    ({REFERENCE: "See [the source][x] and <https://example.org/oto>."}, [UNSAFE_LINK]),
    ({REFERENCE: "See [the source][s] and <https://example.org/oto>."}, [UNSAFE_LINK]),
    ({REFERENCE: "See [the source][R] and <https://example.org/oto>."}, []),
    ({REFERENCE: "See [the source][r]."}, [UNSAFE_LINK]),
    ({"Bir cilt resmi": "![skin](https://evil.example/x.png)"}, [UNSAFE_LINK]),
])
def test_the_check_finds_what_making_the_page_finds(overrides, found):
    table = {**ENGLISH, **overrides}
    lookup = table.get
    document = parse_document(SOURCE)
    checked = unit_problems(document, lookup)
    assert checked == translate(document, lookup)[1]
    assert [problem.reason for problem in checked] == found
    assert unit_problems(document, lookup) == checked  # parsed targets are kept, not changed


def test_a_translation_is_checked_against_the_references_of_its_own_article():
    lookup = {"Bkz. [kaynak][r].": "See [the source][r]."}.get
    defined = parse_document("Bkz. [kaynak][r].\n\n[r]: https://example.org/kaynak\n")
    elsewhere = parse_document("Bkz. [kaynak][r].\n\n[r]: https://example.org/baska\n")
    assert unit_problems(defined, lookup) == []
    assert unit_problems(elsewhere, lookup) == []
    undefined = parse_document("Bkz. [kaynak][r].\n")  # the source is plain text here
    assert [p.reason for p in unit_problems(undefined, lookup)] == []
    assert [p.reason for p in unit_problems(undefined, {"Bkz. [kaynak][r].": "See [x](y)."}.get)] \
        == [UNSAFE_LINK]
