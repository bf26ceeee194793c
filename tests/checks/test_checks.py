"""Translation checks: each check passes good translations and catches bad ones, in en, de, ar and ru."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from pipeline.catalogs.model import Catalog, Entry
from pipeline.checks import (CHECKS, ERROR, WARNING, Context, check_catalog, check_entry,
                             final_mark, run_checks)
from pipeline.config import load_config
from pipeline.glossary import Glossary, Term
from pipeline.catalogs.pofile import format_po, parse_po, read_po

GLOSSARY = {"en": "microneedling", "de": "Microneedling", "ar": "الوخز بالإبر الدقيقة",
            "ru": "микроиглование"}


def context(language: str, terms: tuple[Term, ...] | None = None, nplurals: int = 2,
            ratio: float = 1.0) -> Context:
    if terms is None:
        terms = ((Term("mikro iğneleme", GLOSSARY[language], 2),) if language in GLOSSARY else ())
        terms += (Term("Dermapen", "Dermapen", 3),)
    glossary = Glossary(language, f"glossary/tr-{language}.csv", terms)
    return Context(language, "tr", glossary, nplurals, ratio, False)


def fired(source: str, translation: str, language: str = "en", **options) -> dict[str, list[str]]:
    """Check name → messages for one singular entry."""
    found: dict[str, list[str]] = {}
    for item, message in check_entry(Entry(source, (translation,)), context(language, **options)):
        found.setdefault(item.name, []).append(message)
    return found




# ---------------------------------------------------------------- registry


def test_every_check_is_named_titled_and_has_a_severity():
    assert {"gettext-header", "gettext", "empty", "identical", "markdown", "urls", "unsafe",
            "numbers", "glossary", "whitespace", "punctuation", "length", "repeated-words",
            "brackets", "turkish-letters"} <= set(CHECKS)
    for name, item in CHECKS.items():
        assert item.name == name
        assert item.severity in (ERROR, WARNING)
        assert item.title and "\n" not in item.title


def test_errors_are_the_publication_blockers_of_the_issue():
    errors = {name for name, item in CHECKS.items() if item.severity == ERROR}
    assert errors == {"gettext-header", "gettext", "empty", "identical", "markdown", "urls",
                      "unsafe", "numbers"}


def test_a_new_check_is_one_registered_function(monkeypatch):
    from pipeline import checks

    monkeypatch.setattr(checks, "CHECKS", dict(checks.CHECKS))

    @checks.check("no-shouting", WARNING)
    def no_shouting(pair, context):
        """All capitals."""
        if pair.translation.isupper():
            yield "please do not shout"

    assert checks.CHECKS["no-shouting"].title == "All capitals."
    assert fired("Merhaba dünya.", "HELLO WORLD.")["no-shouting"] == ["please do not shout"]


# ------------------------------------------------------------------ errors

EMPTY = [
    ("en", "Genişletilmiş gözenekler", "Enlarged pores", False),
    ("en", "Genişletilmiş gözenekler", "   ", True),
    ("de", "Genişletilmiş gözenekler", "Vergrößerte Poren", False),
    ("de", "Genişletilmiş gözenekler", "\n", True),
    ("ar", "Genişletilmiş gözenekler", "مسام متوسعة", False),
    ("ar", "Genişletilmiş gözenekler", " ", True),
    ("ru", "Genişletilmiş gözenekler", "Расширенные поры", False),
    ("ru", "Genişletilmiş gözenekler", "\t", True),
]


def test_an_empty_plural_form_is_an_error_and_the_filled_one_is_checked():
    entry = Entry("1 seans", ("1 Sitzung", ""), msgid_plural="%d seans")
    found = [(item.name, message) for item, message in check_entry(entry, context("de"))]
    assert ("empty", "msgstr[1]: the translation is empty: translate it, or clear every form "
            "to leave it untranslated") in found


IDENTICAL = [
    ("en", "Genişletilmiş gözenekler", "Genişletilmiş gözenekler", True),
    ("de", "İnce çizgiler veya kırışıklıklar.", "İnce çizgiler veya kırışıklıklar.", True),
    ("ar", "Deri çatlağı.", "Deri çatlağı.", True),
    ("ru", "Hiperhidroz (aşırı terleme).", "Hiperhidroz  (aşırı terleme).", True),
    ("en", "%30 - 2,5 mm", "%30 - 2,5 mm", False),  # numbers and symbols
    ("de", "COVID-19", "COVID-19", False),  # an acronym
    ("ar", "Dermapen", "Dermapen", False),  # a name kept as is in the glossary
    ("ru", "`SPF 50`", "`SPF 50`", False),  # code
    ("en", "Deri çatlağı.", "Stretch marks.", False),
]


def test_an_identical_translation_is_reported_once_not_by_every_warning():
    assert set(fired("Cildiniz için ince iğneler.", "Cildiniz için ince iğneler.")) == {"identical"}


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


NUMBERS = [
    # Turkish "%30" is English "30%", German and Russian "30 %", Arabic "٣٠٪".
    ("en", "Hastaların %30'unda", "In 30% of patients", False),
    ("de", "Hastaların %30'unda", "Bei 30 % der Patienten", False),
    ("ar", "Hastaların %30'unda", "لدى ٣٠٪ من المرضى", False),
    ("ru", "Hastaların %30'unda", "У 30 % пациентов", False),
    ("de", "Hastaların %30'unda", "Bei 30 Prozent der Patienten", False),
    ("en", "Hastaların %30'unda", "In 30 patients", True),  # no longer a percentage
    ("ru", "Hastaların %30'unda", "У 3 % пациентов", True),
    # decimal comma and point
    ("en", "1,5 ml krem", "1.5 ml of cream", False),
    ("de", "1,5 ml krem", "1,5 ml Creme", False),
    ("ar", "1,5 ml krem", "١٫٥ مل من الكريم", False),
    ("ar", "1,5 ml krem", "1.5 مل من الكريم", False),
    ("ru", "1,5 ml krem", "1,5 мл крема", False),
    ("en", "1,5 ml krem", "15 ml of cream", True),
    ("ar", "1,5 ml krem", "١٥ مل من الكريم", True),
    # thousands separators
    ("en", "1.500 TL", "1,500 TL", False),
    ("de", "1.500 TL", "1.500 TL", False),
    ("ar", "1.500 TL", "١٬٥٠٠ ليرة", False),
    ("ru", "1.500 TL", "1 500 лир", False),
    ("ru", "1.500 TL", "1\u00a0500 лир", False),
    ("en", "1.500 TL", "1.500 TL", True),  # an English reader reads one and a half
    ("de", "1.500 TL", "1.050 TL", True),
    # missing, changed, dates and ranges
    ("en", "5 mg", "50 mg", True),
    ("de", "2-3 gün", "2–3 Tage", False),
    ("ar", "2-3 gün", "٢-٣ أيام", False),
    ("ru", "2-3 gün", "2–4 дня", True),
    ("en", "06.02.2023 tarihinde", "on 6/2/2023", False),
    ("ar", "4 hafta sonra", "بعد أسابيع", True),
]


def test_numbers_message_says_what_is_missing_and_what_is_there_instead():
    assert fired("1.500 TL", "1.500 TL", "en")["numbers"] == [
        "number 1.500 (= 1500) of the source is missing or changed; the translation has "
        "1.500 instead"]


def test_a_number_added_by_the_translation_is_only_a_warning():
    found = fired("Günde iki kez.", "Twice (2 times) a day.")
    assert "numbers" not in found and "extra-numbers" in found
    assert CHECKS["extra-numbers"].severity == WARNING


# ---------------------------------------------------------------- warnings

GLOSSARY_CASES = [
    ("en", "Mikro İğneleme Nedir?", "What Is Microneedling?", False),
    ("en", "Mikro İğneleme Nedir?", "What Is Dermarolling?", True),  # İ matched the Turkish way
    ("de", "MİKRO İĞNELEME", "MICRONEEDLING", False),
    ("de", "Mikro iğnelemeden önce", "Vor dem Dermaroller", True),  # a suffixed form is the term
    ("ar", "Mikro iğnelemeyi düşünebilirsiniz.", "يمكنك التفكير في الوخز بالإبر الدقيقة.", False),
    ("ar", "Mikro iğnelemeyi düşünebilirsiniz.", "يمكنك التفكير في هذا الإجراء.", True),
    ("ar", "Mikro iğneleme yaptırmadan önce", "قبل الخضوع للوخز بالإبر الدقيقة", False),
    ("ru", "Mikro iğnelemeden önce", "Перед микроиглованием", False),  # inflected target
    ("ru", "Mikro iğneleme acıyor mu?", "Больно ли это?", True),
    # "MIKRO" with a dotless capital I is "mıkro" in Turkish: not the term.
    ("en", "MIKRO IĞNELEME", "Micro things", False),
]


def test_glossary_message_points_at_the_glossary_line():
    assert fired("Mikro iğneleme", "Dermarolling")["glossary"] == [
        "'mikro iğneleme' should be rendered as 'microneedling' (glossary/tr-en.csv:2)"]


WHITESPACE = [
    ("en", "Deri çatlağı.", "Stretch marks.", False),
    ("en", "Deri çatlağı.", "Stretch marks. ", True),
    ("de", "Deri çatlağı.", " Dehnungsstreifen.", True),
    ("de", "Deri çatlağı.", "Dehnungsstreifen.", False),
    ("ar", "Deri çatlağı.", "علامات التمدد.", False),
    ("ar", "Deri çatlağı.", "علامات التمدد.\u00a0", True),
    ("ru", "Deri çatlağı.", "Растяжки.\n", True),
    ("ru", "Deri çatlağı.", "Растяжки.", False),
]


PUNCTUATION = [
    ("en", "Mikro iğneleme acıyor mu?", "Does microneedling hurt?", False),
    ("en", "Mikro iğneleme acıyor mu?", "Microneedling does not hurt.", True),
    ("de", "Aşağıdakiler:", "Folgendes:", False),
    ("de", "Aşağıdakiler:", "Folgendes.", True),
    ("ar", "Mikro iğneleme acıyor mu?", "هل الوخز بالإبر الدقيقة مؤلم؟", False),
    ("ar", "Kremi sürün.", "ضع الكريم", True),
    ("ru", "Kremi sürün.", "Нанесите крем.", False),
    ("ru", "Kremi sürün.", "Нанесите крем!", True),
    ("el", "Mikro iğneleme acıyor mu?", "Πονάει η μικροβελόνωση;", False),  # Greek ; asks
    ("es", "Mikro iğneleme acıyor mu?", "¿Duele el microneedling?", False),
    ("es", "Mikro iğneleme acıyor mu?", "Duele el microneedling?", True),  # no opening ¿
    ("en", "Hiperhidroz (aşırı terleme).", "Hyperhidrosis (excessive sweating).", False),
    ("en", "**Önemli.**", "**Important**.", False),  # inside or outside the emphasis
]


def test_final_mark_reads_each_language_own_signs():
    assert final_mark("لماذا؟", "ar") == final_mark("Why?", "en") == "question mark"
    assert final_mark("Τι;", "el") == "question mark"
    assert final_mark("a; b;", "en") == "semicolon"
    assert final_mark("أولاً، ثانياً،", "ar") == "comma"
    assert final_mark("Wait...", "en") == final_mark("Warte…", "de") == "ellipsis"


LONG_SOURCE = ("Mikro iğneleme, cildiniz için minimal invaziv bir prosedürdür. Doktorunuz, "
               "cildinizin üst tabakasında küçük delikler açmak için ince iğneler kullanır.")
LENGTH = [
    ("en", LONG_SOURCE, "Microneedling is a minimally invasive procedure for your skin. Your "
     "doctor uses fine needles to make tiny holes in the top layer of your skin.", False),
    ("en", LONG_SOURCE, "Microneedling is a procedure.", True),  # a sentence dropped
    ("de", LONG_SOURCE, "Microneedling ist ein minimalinvasives Verfahren für Ihre Haut. Ihr Arzt "
     "verwendet feine Nadeln, um winzige Löcher in die oberste Hautschicht zu stechen.", False),
    ("ar", LONG_SOURCE, "الوخز بالإبر الدقيقة إجراء طفيف التوغل لبشرتك. يستخدم طبيبك إبرًا دقيقة "
     "لإحداث ثقوب صغيرة في الطبقة العليا من بشرتك.", False),
    ("de", LONG_SOURCE, "Microneedling ist ein minimalinvasives Verfahren für Ihre Haut. Ihr Arzt "
     "verwendet feine Nadeln, um winzige Löcher in die oberste Hautschicht zu stechen. Dabei "
     "entstehen Mikroverletzungen, die der Körper repariert, wobei er neues Kollagen und "
     "Elastin bildet, sodass die Haut straffer und glatter wird.", True),  # text added
    ("ar", LONG_SOURCE, "الوخز بالإبر الدقيقة إجراء.", True),
    ("ru", LONG_SOURCE, "Микроиглование.", True),
    ("ru", "Deri çatlağı.", "Растяжки.", False),  # too short to judge
]


def test_length_uses_the_ratio_measured_on_the_catalog():
    source = "Cildiniz için minimal invaziv bir prosedür."
    entries = [Entry(f"{source} {n}", (f"A minimally invasive procedure for your skin, "
                                       f"carefully described at length. {n}",)) for n in range(10)]
    catalog = Catalog(Entry("", ("Language: en\n",), line=1), entries)
    from pipeline.checks import usual_ratio
    ratio, measured = usual_ratio(catalog, "en")
    assert measured and ratio > 1.5


REPEATED = [
    ("en", "Cildinizi korur.", "It protects the the skin.", True),
    ("en", "Bunu yapan kişi", "The person who had had it", False),
    ("de", "Hapı kullanan kadınlar", "Frauen, die die Pille nehmen", False),  # grammatical
    ("de", "Cildinizi korur.", "Sie schützt schützt Ihre Haut.", True),
    ("ar", "Cildinizi korur.", "يحمي يحمي بشرتك.", True),
    ("ar", "Cildinizi korur.", "يحمي بشرتك.", False),
    ("ru", "Cildinizi korur.", "Защищает и и вашу кожу.", True),
    ("ru", "Cildinizi korur.", "Защищает вашу кожу.", False),
]


BRACKETS = [
    ("en", "Hiperhidroz (aşırı terleme).", "Hyperhidrosis (excessive sweating.", True),
    ("en", "Hiperhidroz (aşırı terleme).", "Hyperhidrosis (excessive sweating).", False),
    ("de", "Buna \"kolajen indüksiyonu\" denir.", "Man nennt das „Kollageninduktion“.", False),
    ("de", "Buna \"kolajen indüksiyonu\" denir.", "Man nennt das „Kollageninduktion.", True),
    ("ar", "Buna \"kolajen indüksiyonu\" denir.", "يسمى هذا «تحفيز الكولاجين».", False),
    ("ar", "Hiperhidroz (aşırı terleme).", "فرط التعرق (التعرق المفرط)).", True),
    ("ru", "Buna \"kolajen indüksiyonu\" denir.", "Это называют «индукцией коллагена».", False),
    ("ru", "Buna \"kolajen indüksiyonu\" denir.", "Это называют «индукцией коллагена.", True),
    ("en", "1) Temizleyin", "1) Clean", False),  # the source has the same lone bracket
    ("en", "[Kılavuz](https://example.org/a_(b))", "[Guide](https://example.org/a_(b))", False),
]


TURKISH_LETTERS = [
    ("en", "İnce çizgiler.", "Fine lines.", False),
    ("en", "İnce çizgiler.", "İnce lines.", True),  # capital dotted İ
    ("en", "Cildiniz için.", "For your skin için.", True),
    ("de", "Gözenekler büyür.", "Die Größe der Poren nimmt über Jahre zu.", False),  # ö ü are German
    ("de", "Gözenekler büyür.", "Die Gözenekler werden größer.", False),  # ö ü only: German letters
    ("de", "Sıkı ve pürüzsüz.", "Straff und pürüzsüz, sıkı.", True),  # ı is not German
    ("ar", "Cildiniz için.", "لبشرتك için.", True),
    ("ar", "Cildiniz için.", "لبشرتك.", False),
    ("ru", "Uzm. Dr. Zahide Eriş onayladı.", "Одобрено д-ром Zahide Eriş.", True),
    ("ru", "Sağlık uzmanınız", "Ваш врач", False),
]


def test_names_in_the_glossary_are_not_taken_for_untranslated_text():
    terms = (Term("Zahide Eriş", "Zahide Eriş", 2),)
    found = check_entry(Entry("Uzm. Dr. Zahide Eriş onayladı.", ("Одобрено д-ром Zahide Eriş.",)),
                        context("ru", terms=terms))
    assert not [item for item, _ in found if item.name == "turkish-letters"]


def test_turkish_letters_are_allowed_where_they_belong():
    found = check_entry(Entry("Sıkı ve pürüzsüz.", ("Sıkı ve pürüzsüz bir cilt.",)),
                        context("az", terms=()))
    assert not [item for item, _ in found if item.name == "turkish-letters"]


# Each check's table of (language, source, translation, whether the check fires).
TABLES = {"empty": EMPTY, "identical": IDENTICAL, "markdown": MARKDOWN, "urls": URLS,
          "unsafe": UNSAFE, "numbers": NUMBERS, "glossary": GLOSSARY_CASES,
          "whitespace": WHITESPACE, "punctuation": PUNCTUATION, "length": LENGTH,
          "repeated-words": REPEATED, "brackets": BRACKETS, "turkish-letters": TURKISH_LETTERS}
CASES = [(name, *case) for name, table in TABLES.items() for case in table]


def _case_id(case: tuple) -> str:
    name, language, _, translation, fails = case
    return f"{name}-{language}-{'fails' if fails else 'passes'}-{translation[:24]}"


@pytest.mark.parametrize("name, language, source, translation, fails", CASES,
                         ids=[_case_id(case) for case in CASES])
def test_check_table(name, language, source, translation, fails):
    found = fired(source, translation, language)
    if fails:
        assert name in found, f"[{name}] should fire on {translation!r}; got {found}"
    else:
        assert name not in found, f"[{name}] fired on {translation!r}: {found[name]}"


def test_every_check_of_a_translation_has_failing_and_passing_cases_in_four_languages():
    for name, table in TABLES.items():
        for language in ("en", "de", "ar", "ru"):
            outcomes = {fails for case_language, *_, fails in table if case_language == language}
            assert outcomes == {True, False}, f"{name} lacks a passing or failing case in {language}"


# ----------------------------------------------------- a realistic article

# Source sentences in the style of the article, and careful human-style translations:
# none of them may raise anything, error or warning.
CORPUS = [
    ("Mikro İğneleme Nedir?", {
        "en": "What Is Microneedling?", "de": "Was ist Microneedling?",
        "ar": "ما هو الوخز بالإبر الدقيقة؟", "ru": "Что такое микроиглование?"}),
    ("Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür.", {
        "en": "Microneedling is a **minimally invasive** procedure for your skin.",
        "de": "Microneedling ist ein **minimalinvasives** Verfahren für Ihre Haut.",
        "ar": "الوخز بالإبر الدقيقة إجراء **طفيف التوغل** لبشرتك.",
        "ru": "Микроиглование — это **минимально инвазивная** процедура для вашей кожи."}),
    ("Hastaların %30'unda hafif kızarıklık 2-3 gün sürer.", {
        "en": "In 30% of patients, mild redness lasts 2–3 days.",
        "de": "Bei 30 % der Patienten hält eine leichte Rötung 2–3 Tage an.",
        "ar": "يستمر احمرار خفيف لدى ٣٠٪ من المرضى لمدة ٢-٣ أيام.",
        "ru": "У 30 % пациентов лёгкое покраснение держится 2–3 дня."}),
    ("Tedaviden 4 hafta önce cildinize %0,1'lik A vitamini kremi sürmeniz istenebilir.", {
        "en": "You may be asked to apply a 0.1% vitamin A cream to your skin 4 weeks before "
              "treatment.",
        "de": "4 Wochen vor der Behandlung sollen Sie eventuell eine Vitamin-A-Creme mit 0,1 % "
              "auf Ihre Haut auftragen.",
        "ar": "قد يُطلب منك وضع كريم فيتامين أ بتركيز ٠٫١٪ على بشرتك قبل العلاج بـ٤ أسابيع.",
        "ru": "За 4 недели до процедуры вас могут попросить наносить на кожу крем с витамином A "
              "0,1 %."}),
    ("Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.", {
        "en": "See [the guide](https://example.org/kilavuz) for details.",
        "de": "Einzelheiten finden Sie im [Leitfaden](https://example.org/kilavuz).",
        "ar": "راجع [الدليل](https://example.org/kilavuz) لمزيد من التفاصيل.",
        "ru": "Подробности см. в [руководстве](https://example.org/kilavuz)."}),
    ("Seans başına 1.500 TL ile 2.000 TL arasında ücret alınır.", {
        "en": "A session costs between 1,500 TL and 2,000 TL.",
        "de": "Eine Sitzung kostet zwischen 1.500 TL und 2.000 TL.",
        "ar": "تتراوح تكلفة الجلسة بين ١٬٥٠٠ و٢٬٠٠٠ ليرة تركية.",
        "ru": "Сеанс стоит от 1 500 до 2 000 лир."}),
    ("İğne uzunluğu 0,5 ile 2,5 mm arasındadır.", {
        "en": "The needles are 0.5 to 2.5 mm long.",
        "de": "Die Nadeln sind 0,5 bis 2,5 mm lang.",
        "ar": "يتراوح طول الإبر بين 0.5 و2.5 مم.",
        "ru": "Длина игл составляет от 0,5 до 2,5 мм."}),
    ("Hiperhidroz (aşırı terleme).", {
        "en": "Hyperhidrosis (excessive sweating).", "de": "Hyperhidrose (übermäßiges Schwitzen).",
        "ar": "فرط التعرق (التعرق المفرط).", "ru": "Гипергидроз (повышенная потливость)."}),
    ("Mikro iğneleme acıyor mu?", {
        "en": "Does microneedling hurt?", "de": "Tut Microneedling weh?",
        "ar": "هل الوخز بالإبر الدقيقة مؤلم؟", "ru": "Больно ли делать микроиглование?"}),
    ("Uygulamadan sonra `SPF 50` güneş kremi kullanın.", {
        "en": "Use `SPF 50` sunscreen after the treatment.",
        "de": "Verwenden Sie nach der Behandlung Sonnencreme mit `SPF 50`.",
        "ar": "استخدم واقي الشمس `SPF 50` بعد العلاج.",
        "ru": "После процедуры используйте солнцезащитный крем `SPF 50`."}),
    ("Bir dermatolog mikro iğneleme yapabilir.\\\nDeneyimli olduğundan emin olun.", {
        "en": "A dermatologist can perform microneedling.\\\nMake sure they are experienced.",
        "de": "Ein Dermatologe kann Microneedling durchführen.\\\nAchten Sie auf Erfahrung.",
        "ar": "يمكن لطبيب الجلدية إجراء الوخز بالإبر الدقيقة.\\\nتأكد من خبرته.",
        "ru": "Микроиглование может проводить дерматолог.\\\nУбедитесь в его опыте."}),
    ("Aşağıdakilere sahipseniz, mikro iğneleme yaptırmadan önce sağlık uzmanınızla konuşun:", {
        "en": "Talk to your healthcare provider before microneedling if you have:",
        "de": "Sprechen Sie vor dem Microneedling mit Ihrem Arzt, wenn Sie Folgendes haben:",
        "ar": "تحدث إلى مقدم الرعاية الصحية قبل الخضوع للوخز بالإبر الدقيقة إذا كان لديك:",
        "ru": "Перед микроиглованием проконсультируйтесь с врачом, если у вас:"}),
    ("Sonuçlar vakaların yaklaşık %10-20'sinde görülür.", {
        "en": "Results are seen in about 10–20% of cases.",
        "de": "Ergebnisse zeigen sich in etwa 10–20 % der Fälle.",
        "ar": "تظهر النتائج في نحو ١٠-٢٠٪ من الحالات.",
        "ru": "Результаты видны примерно в 10–20 % случаев."}),
    ("Doktorlar buna \"kolajen indüksiyon tedavisi\" der.", {
        "en": "Doctors call it \"collagen induction therapy\".",
        "de": "Ärzte nennen das „Kollageninduktionstherapie“.",
        "ar": "يسميه الأطباء «العلاج بتحفيز الكولاجين».",
        "ru": "Врачи называют это «коллагеноиндукционной терапией»."}),
]


@pytest.mark.parametrize("language", ["en", "de", "ar", "ru"])
def test_careful_translations_raise_nothing(language):
    entries = [Entry(source, (translations[language],), line=index)
               for index, (source, translations) in enumerate(CORPUS, start=1)]
    findings = []
    for entry in entries:
        findings += [f"{entry.msgid!r}: [{item.name}] {message}"
                     for item, message in check_entry(entry, context(language))]
    assert findings == []


# ------------------------------------------------------------ gettext validity

HEADER = ('msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: {plural}\\n"\n\n')
GOOD_PLURAL = "nplurals=2; plural=(n != 1);"

# (name, Plural-Forms or None for no header, entries)
PO_CASES = [
    ("valid", GOOD_PLURAL, 'msgid "a\\n"\nmsgstr "b\\n"\n\n#, python-format\n'
     'msgid "%(n)d mg"\nmsgstr "%(n)d mg"\n\n#, python-brace-format\n'
     'msgid "{a} ve {b}"\nmsgstr "{b} und {a}"\n'),
    ("newline at the end", GOOD_PLURAL, 'msgid "a\\n"\nmsgstr "b"\n'),
    ("newline at the start", GOOD_PLURAL, 'msgid "a"\nmsgstr "\\nb"\n'),
    ("fuzzy newline", GOOD_PLURAL, '#, fuzzy\nmsgid "a\\n"\nmsgstr "b"\n'),
    ("plural form count", GOOD_PLURAL,
     'msgid "x"\nmsgid_plural "xs"\nmsgstr[0] "y"\nmsgstr[1] "ys"\nmsgstr[2] "yss"\n'),
    ("plural newline", GOOD_PLURAL,
     'msgid "x\\n"\nmsgid_plural "xs\\n"\nmsgstr[0] "y\\n"\nmsgstr[1] "ys"\n'),
    ("no Plural-Forms with plurals", None,
     'msgid "x"\nmsgid_plural "xs"\nmsgstr[0] "y"\nmsgstr[1] "ys"\n'),
    ("invalid nplurals", "nplurals=x; plural=(n != 1);", 'msgid "a"\nmsgstr "b"\n'),
    ("invalid plural expression", "nplurals=2; plural=(n != 1;", 'msgid "a"\nmsgstr "b"\n'),
    ("plural expression too large", "nplurals=1; plural=(n != 1);", 'msgid "a"\nmsgstr "b"\n'),
    ("python-format type", GOOD_PLURAL, '#, python-format\nmsgid "%d mg"\nmsgstr "%s mg"\n'),
    ("python-format name", GOOD_PLURAL, '#, python-format\nmsgid "%(a)s"\nmsgstr "%(b)s"\n'),
    ("python-format count", GOOD_PLURAL, '#, python-format\nmsgid "%d ve %d"\nmsgstr "%d"\n'),
    ("python-format mapping", GOOD_PLURAL, '#, python-format\nmsgid "%(a)d %s"\nmsgstr "%s"\n'),
    ("python-format invalid msgstr", GOOD_PLURAL, '#, python-format\nmsgid "%d z"\nmsgstr "%"\n'),
    ("Turkish percent in python-format", GOOD_PLURAL,
     '#, python-format\nmsgid "%30 oranında"\nmsgstr "30% of"\n'),
    ("brace-format extra", GOOD_PLURAL,
     '#, python-brace-format\nmsgid "{a}"\nmsgstr "{a} {c}"\n'),
    ("brace-format missing", GOOD_PLURAL,
     '#, python-brace-format\nmsgid "{a} {b}"\nmsgstr "{a}"\n'),
    ("c-format count", GOOD_PLURAL, '#, c-format\nmsgid "%d of %s"\nmsgstr "%d von"\n'),
    ("c-format type", GOOD_PLURAL, '#, c-format\nmsgid "%d of %s"\nmsgstr "%s von %d"\n'),
    ("c-format numbered", GOOD_PLURAL,
     '#, c-format\nmsgid "%d of %s"\nmsgstr "%2$s von %1$d"\n'),
    ("untranslated", GOOD_PLURAL, 'msgid "a\\n"\nmsgstr ""\n'),
]


def _po_text(plural: str | None, body: str) -> str:
    header = (HEADER.format(plural=plural) if plural is not None
              else HEADER.replace('"Plural-Forms: {plural}\\n"\n', ""))
    return header + body


def _msgfmt_entries(path: Path) -> tuple[int, set[int]]:
    """msgfmt --check's exit code and the lines of the messages it rejects (0 for the header)."""
    result = subprocess.run(["msgfmt", "--check", "--use-fuzzy", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True)
    catalog = parse_po(path.read_text(encoding="utf-8"))
    starts = sorted(entry.line for entry in catalog.entries)
    lines = set()
    for match in re.finditer(rf"^{re.escape(str(path))}:(\d+): (?!warning)(.*)$", result.stderr,
                             re.M):
        line, message = int(match.group(1)), match.group(2)
        if re.match(r"nplurals = \d+\.\.\.$", message):
            continue  # msgfmt points at the header's nplurals before naming the wrong entry
        before = [start for start in starts if start <= line]
        lines.add(before[-1] if before else 0)
    return result.returncode, lines


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("name, plural, body", PO_CASES, ids=[case[0] for case in PO_CASES])
def test_gettext_validity_agrees_with_msgfmt(tmp_path, project, name, plural, body):
    path = tmp_path / "case.po"
    path.write_text(_po_text(plural, body), encoding="utf-8")
    returncode, rejected = _msgfmt_entries(path)
    findings = [f for f in check_catalog(read_po(path), "case.po", "de", project.config)
                if f.check.startswith("gettext")]
    ours = {0 if f.msgid == "" else f.line for f in findings}
    assert bool(findings) == (returncode != 0), (name, findings)
    assert ours == rejected, (name, rejected, findings)


def test_a_catalog_without_header_is_rejected(project):
    catalog = parse_po('msgid "a"\nmsgstr "b"\n')
    findings = check_catalog(catalog, "x.po", "de", project.config)
    assert [(f.check, f.line) for f in findings] == [("gettext-header", 1)]
    assert "no header entry" in findings[0].message


def test_gettext_messages_name_what_to_fix(project):
    catalog = parse_po(_po_text(GOOD_PLURAL, 'msgid "a\\n"\nmsgstr "b"\n\n'
                                "msgid \"x\"\nmsgid_plural \"xs\"\n"
                                'msgstr[0] "y"\nmsgstr[1] "ys"\nmsgstr[2] "yss"\n'))
    messages = [f.message for f in check_catalog(catalog, "x.po", "de", project.config)
                if f.check == "gettext"]
    assert messages == ["'msgid' and 'msgstr' do not both end with a newline (msgfmt --check "
                        "rejects it)", "3 plural forms, but the header says nplurals=2"]


# ------------------------------------------------------------- catalogs and CLI


def fill(project, language: str, translations: dict[str, str], fuzzy: tuple[str, ...] = ()) -> Path:
    """Fill in translations of a pulled catalog, by msgid."""
    path = project.po(language)
    catalog = read_po(path)
    catalog.entries = [entry.replace(msgstrs=(translations[entry.msgid],)).with_fuzzy(
        entry.msgid in fuzzy) if entry.msgid in translations else entry
        for entry in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")
    return path


GOOD_DE = {"Mikro İğneleme Nedir?": "Was ist Microneedling?",
           "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.":
           "Einzelheiten im [Leitfaden](https://example.org/kilavuz)."}
BAD_EN = {"Mikro İğneleme Nedir?": "What is microneedling?",
          "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın.":
          "See [the guide](https://example.com/evil) for details. "}


def test_check_catalog_skips_empty_entries_and_marks_fuzzy_ones(project):
    project.run("pull")
    fill(project, "en", BAD_EN, fuzzy=("Ayrıntılar için [kılavuza](https://example.org/kilavuz) "
                                       "bakın.",))
    config = project.config
    catalog = read_po(project.po("en"))
    findings = check_catalog(catalog, "locale/en/LC_MESSAGES/mikro.po", "en", config)
    assert {(f.check, f.fuzzy) for f in findings} == {("urls", True), ("whitespace", True)}
    link_entry = next(e for e in catalog.entries if e.msgid.startswith("Ayrıntılar"))
    assert {f.line for f in findings} == {link_entry.line}
    assert all(f.language == "en" for f in findings)


def test_check_command_lists_findings_and_exits_1_on_errors(project):
    project.run("pull")
    fill(project, "en", BAD_EN)
    fill(project, "de", GOOD_DE)
    result = project.run("check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert ("locale/en/LC_MESSAGES/mikro.po:{}: error: [urls] link URL https://example.com/evil "
            "is not in the source: use the source's URL unchanged").format(
        read_po(project.po("en")).entries[-1].line) in lines
    assert any(line.startswith("en ") and line.split()[-2:] == ["1", "1"] for line in lines)
    assert lines[-1] == "1 error(s), 1 warning(s)"


def test_check_command_exits_0_when_only_warnings_or_nothing(project):
    project.run("pull")
    fill(project, "de", GOOD_DE)
    assert project.run("check").exit_code == 0
    fill(project, "de", {**GOOD_DE, "Mikro İğneleme Nedir?": "Was ist Microneedling? "})
    result = project.run("check", "--lang", "de")
    assert result.exit_code == 0
    assert "warning: [whitespace]" in result.output


def test_check_json_output(project):
    project.run("pull")
    fill(project, "en", BAD_EN)
    result = project.run("check", "--json", "--lang", "en", "--lang", "de")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["errors"] == 1 and data["warnings"] == 1
    assert [summary["language"] for summary in data["languages"]] == ["en", "de"]
    assert data["languages"][0] == {"language": "en", "catalogs": 2, "entries": 2, "errors": 1,
                                    "warnings": 1, "missing": []}
    error = next(f for f in data["findings"] if f["severity"] == "error")
    assert error["check"] == "urls" and error["path"] == "locale/en/LC_MESSAGES/mikro.po"
    assert error["msgid"].startswith("Ayrıntılar") and error["language"] == "en"


def test_check_unknown_language_is_a_usage_error(project):
    project.run("pull")
    result = project.run("check", "--lang", "xx")
    assert result.exit_code == 2
    assert "unknown language 'xx' for --lang" in result.output


def test_malformed_catalog_is_an_error_finding_and_other_languages_are_still_checked(project):
    project.run("pull")
    fill(project, "en", BAD_EN)
    project.po("de").write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    report = run_checks(project.config, ("de", "en"))
    assert [(f.check, f.path, f.line) for f in report.findings if f.language == "de"] == [
        ("gettext", "locale/de/LC_MESSAGES/mikro.po", 2)]
    assert any(f.check == "urls" for f in report.findings)


def test_missing_catalogs_are_noted_not_errors(project):
    report = run_checks(project.config, ("en",))
    assert report.errors == 0
    assert report.languages[0].missing == ("locale/en/LC_MESSAGES/mikro.po",
                                           "locale/en/LC_MESSAGES/site.po")


def test_glossary_file_is_used_by_the_command(project):
    project.run("pull")
    project.write("glossary/tr-de.csv", "source,target\nmikro iğneleme,Microneedling\n")
    fill(project, "de", {**GOOD_DE, "Mikro İğneleme Nedir?": "Was ist Dermarolling?"})
    result = project.run("check", "--lang", "de")
    assert "[glossary] 'mikro iğneleme' should be rendered as 'Microneedling' " \
           "(glossary/tr-de.csv:2)" in result.output


# ------------------------------------------------------------- shipped catalogs

SHIPPED = sorted((REPO / "locale").glob("*/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.relative_to(REPO).as_posix() for p in SHIPPED])
def test_shipped_catalogs_have_no_false_errors(path):
    """Every filled entry of every shipped catalog passes the error checks."""
    config = load_config(REPO / "pipeline.toml")
    language = path.parent.parent.name
    findings = check_catalog(read_po(path), config.relative(path), language, config)
    assert [str(f) for f in findings if f.severity == ERROR] == []
