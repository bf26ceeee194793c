"""Running the checks over a catalog: order, what is skipped, what is shared, what is disabled."""

from __future__ import annotations

import pytest

from conftest import REPO
from pipeline.catalogs.model import Catalog, Entry
from pipeline.catalogs.pofile import read_po
from pipeline.checks import CHECKS, ERROR, WARNING, check, check_catalog
from pipeline.checks.runner import check_entry, plan, usual_ratio
from pipeline.config import load_config
from tests.checks.helpers import BAD_EN, context, fill, registered_for_now

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



def test_errors_run_first_the_final_ones_before_the_rest_then_warnings():
    checks = plan()
    assert [item.name for item in checks.catalog] == ["gettext-header"]
    assert [item.name for item in checks.entry] == ["gettext"]
    assert [item.name for item in checks.pair] == [
        "empty", "identical", "markdown", "urls", "unsafe", "numbers", "extra-numbers",
        "glossary", "whitespace", "punctuation", "length", "repeated-words", "brackets",
        "turkish-letters"]
    severities = [item.severity for item in checks.pair]
    assert severities == sorted(severities, reverse=True)


def test_an_empty_translation_is_reported_once_not_by_every_check():
    found = check_entry(Entry("Hastaların %30'unda", (" ",)), context("en"))
    assert [item.name for item, _ in found] == ["empty"]


def test_disabled_warnings_are_not_run(project):
    project.run("pull")
    fill(project, "en", BAD_EN)
    path = "locale/en/LC_MESSAGES/mikro.po"
    everything = check_catalog(read_po(project.po("en")), path, "en", project.config)
    assert {f.check for f in everything} == {"urls", "whitespace"}
    project.write("pipeline.toml", project.read("pipeline.toml")
                  + '\n[checks]\ndisable = ["whitespace", "length"]\n')
    config = project.config
    assert config.disabled_checks == {"whitespace", "length"}
    assert [f for f in check_catalog(read_po(project.po("en")), path, "en", config)] == [
        f for f in everything if f.check != "whitespace"]


def test_a_check_reading_the_catalog_ratio_must_say_it_is_catalog_wide(project):
    project.run("pull")
    fill(project, "en", BAD_EN)
    with registered_for_now():
        @check("ratio-reader", WARNING)
        def ratio_reader(pair, context):
            """Reads the catalog's length ratio without saying so."""
            context.length_ratio()
            yield from ()

        with pytest.raises(LookupError, match="catalog_wide"):
            check_catalog(read_po(project.po("en")), "x.po", "en", project.config)
    assert "ratio-reader" not in CHECKS


def test_length_uses_the_ratio_measured_on_the_catalog():
    source = "Cildiniz için minimal invaziv bir prosedür."
    entries = [Entry(f"{source} {n}", (f"A minimally invasive procedure for your skin, "
                                       f"carefully described at length. {n}",)) for n in range(10)]
    catalog = Catalog(Entry("", ("Language: en\n",), line=1), entries)
    ratio, measured = usual_ratio(catalog, "en")
    assert measured and ratio > 1.5



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



# ------------------------------------------------------------- shipped catalogs

SHIPPED = sorted((REPO / "locale").glob("*/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.relative_to(REPO).as_posix() for p in SHIPPED])
def test_shipped_catalogs_have_no_false_errors(path):
    """Every filled entry of every shipped catalog passes the error checks."""
    config = load_config(REPO / "pipeline.toml")
    language = path.parent.parent.name
    findings = check_catalog(read_po(path), config.relative(path), language, config)
    assert [str(f) for f in findings if f.severity == ERROR] == []
