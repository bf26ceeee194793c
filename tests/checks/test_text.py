"""The text checks: empty, identical, whitespace, punctuation, length, repeats, brackets, letters."""

from __future__ import annotations

from pipeline.catalogs.model import Entry
from pipeline.checks.runner import check_entry
from pipeline.checks.text import final_mark
from pipeline.glossary import Term
from tests.checks.helpers import context, fired, table_tests

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
TABLES = {"empty": EMPTY, "identical": IDENTICAL, "whitespace": WHITESPACE,
          "punctuation": PUNCTUATION, "length": LENGTH, "repeated-words": REPEATED,
          "brackets": BRACKETS, "turkish-letters": TURKISH_LETTERS}


test_check_table, test_every_check_has_both_outcomes_in_four_languages = table_tests(TABLES)
