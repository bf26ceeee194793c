"""The markup checks: inline Markdown, link and image URLs, unsafe HTML and URL schemes."""

from __future__ import annotations

from tests.checks.helpers import fired, table_tests

SOURCE_MD = "Mikro iğneleme **minimal invaziv** bir [prosedürdür](https://example.org/p)."
MARKDOWN = [
    ("en", SOURCE_MD, "Microneedling is a **minimally invasive** [procedure](https://example.org/p).",
     False),
    ("de", SOURCE_MD, "Microneedling ist ein [Verfahren](https://example.org/p), "
     "**minimalinvasiv**.", False),  # order may change with the language
    ("ar", SOURCE_MD, "الوخز بالإبر الدقيقة [إجراء](https://example.org/p) __طفيف التوغل__.",
     False),  # another spelling of the same element
    ("ru", SOURCE_MD, "Микроиглование — **минимально инвазивная** [процедура](https://example.org/p).",
     False),
    ("en", SOURCE_MD, "Microneedling is a minimally invasive [procedure](https://example.org/p).",
     True),  # strong emphasis lost
    ("de", SOURCE_MD, "Microneedling ist ein **minimalinvasives Verfahren**.", True),  # link lost
    ("ar", SOURCE_MD, "الوخز *بالإبر* الدقيقة [إجراء](https://example.org/p) **طفيف التوغل**.",
     True),  # emphasis added
    ("ru", SOURCE_MD, "Микроиглование — [**минимально инвазивная** процедура](https://example.org/p).",
     True),  # strong moved into the link
    ("en", "Şunu yazın: `mg/kg`.", "Write: mg/kg.", True),  # code span lost
    ("de", "Birinci satır\\\nikinci satır", "Erste Zeile zweite Zeile", True),  # line break lost
    ("de", "Birinci satır\\\nikinci satır", "Erste Zeile\\\nzweite Zeile", False),
    ("ru", "![Mikro iğneleme cihazı](img/cihaz.png)", "Аппарат для микроиглования", True),
    ("ar", "**Kalın** ve **kalın**", "**غامق** و**غامق", True),  # an unclosed ** is plain text
]


def test_markdown_message_names_the_element_and_shows_both_skeletons():
    message = fired(SOURCE_MD, "Microneedling is a minimally invasive "
                    "[procedure](https://example.org/p).")["markdown"][0]
    assert "strong emphasis (**…**): 1 in the source, 0 here" in message
    assert "**…** […](…)" in message


SOURCE_LINKS = ("Ayrıntılar için [kılavuza](https://example.org/kilavuz) ve "
                "[SSS sayfasına](https://example.org/sss) bakın.")
URLS = [
    ("en", SOURCE_LINKS, "For details see [the guide](https://example.org/kilavuz) and "
     "[the FAQ](https://example.org/sss).", False),  # translated link text, same URLs
    ("de", SOURCE_LINKS, "Siehe [häufige Fragen](https://example.org/sss) und den "
     "[Leitfaden](https://example.org/kilavuz).", False),  # reordered with the sentence
    ("ar", SOURCE_LINKS, "راجع [الدليل](https://example.org/kilavuz) و[الأسئلة الشائعة]"
     "(https://example.org/sss) لمزيد من التفاصيل.", False),
    ("ru", SOURCE_LINKS, "Подробнее в [руководстве](https://example.org/kilavuz) и "
     "[ответах на вопросы](https://example.org/sss).", False),
    ("en", SOURCE_LINKS, "For details see [the guide](https://example.com/guide) and "
     "[the FAQ](https://example.org/sss).", True),  # a URL swapped for another
    ("de", SOURCE_LINKS, "Siehe [Leitfaden](https://example.org/kilavuz) und "
     "[Fragen](https://example.org/kilavuz).", True),  # one URL twice, the other gone
    ("ar", SOURCE_LINKS, "راجع [الدليل](https://example.org/kilavuz/) و[الأسئلة الشائعة]"
     "(https://example.org/sss).", True),  # not exactly the same: a trailing slash
    ("ru", SOURCE_LINKS, "Подробнее в [руководстве](http://example.org/kilavuz) и "
     "[ответах](https://example.org/sss).", True),  # http instead of https
    ("en", "Bkz. https://example.org/kilavuz", "See https://example.org/guide", True),
    ("de", "![Cihaz](img/cihaz.png)", "![Gerät](img/geraet.png)", True),
    ("ar", "![Cihaz](img/cihaz.png)", "![جهاز](img/cihaz.png)", False),
]


UNSAFE = [
    ("en", "Kremi sürün.", "Apply the <b>cream</b>.", True),
    ("de", "Kremi sürün.", "Tragen Sie die Creme auf.<script>alert(1)</script>", True),
    ("ar", "[Kılavuz](https://example.org/k)", "[الدليل](javascript:alert(1))", True),
    ("ru", "[Kılavuz](https://example.org/k)", "[Руководство](data:text/html;base64,PHNjcmlwdD4=)",
     True),
    ("en", "Kremi sürün.", "Apply the cream.<!-- note -->", True),
    ("en", "Klinik veriler: 5 < 10 mg.", "Clinical data: 5 < 10 mg.", False),  # 'data:' is prose
    ("de", "`<br>` etiketini kullanmayın.", "Verwenden Sie kein `<br>`.", False),  # in the source
    ("ar", "Kremi sürün.", "ضع الكريم.", False),
    ("ru", "Kremi sürün.", "Нанесите крем.", False),
]



TABLES = {"markdown": MARKDOWN, "urls": URLS, "unsafe": UNSAFE}


test_check_table, test_every_check_has_both_outcomes_in_four_languages = table_tests(TABLES)
