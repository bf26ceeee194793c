"""Varied Turkish text for the benchmark site: every body sentence of the site distinct.

The shipped article's sentences, with their terms made slots (the procedure, the
condition, the body area, the clinician, the substance, the numbers), are the
templates; a term table of the same field fills them, inflected by Turkish vowel
harmony (mikro iğnelemeyi, botoksa, PRP tedavisinden). Sentences take openers
and tails of different lengths; some words are **bold** and some procedures
link to the site's article about them. Every sentence, heading, list item,
title and description is checked against all those generated before and drawn
again if it was seen, so only real boilerplate repeats: a few shared
disclaimer and contact paragraphs, and the site chrome.

Deterministic: the same seed and article count give the same bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# ------------------------------------------------------------------ Turkish morphology

_VOWELS = "aıoueiöü"
_HARD = "fstkçşhp"
_FOUR_WAY = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "i": "i", "ö": "ü", "ü": "ü"}


def tr_lower(text: str) -> str:
    return text.replace("I", "ı").replace("İ", "i").lower()


def tr_upper_first(text: str) -> str:
    """The first letter upper-cased the Turkish way (i → İ), past leading emphasis or a link's [.

    A text that starts with a number or a sign (40 yaş, %30) is left as it is.
    """
    index = len(text) - len(text.lstrip("*_["))
    if index < len(text) and text[index].isalpha():
        upper = {"i": "İ", "ı": "I"}.get(text[index], text[index].upper())
        return text[:index] + upper + text[index + 1:]
    return text


_SMALL_WORDS = {"ve", "ile", "mi", "mı", "mu", "mü", "için", "veya", "de", "da", "ya"}


def tr_title(text: str) -> str:
    """Heading case as the shipped article writes it: each word capitalised, small words not."""
    words = text.split(" ")
    return " ".join(word if index and word.rstrip("?:,.") in _SMALL_WORDS else tr_upper_first(word)
                    for index, word in enumerate(words))


def _last_vowel(word: str) -> str:
    for char in reversed(tr_lower(word)):
        if char in _VOWELS:
            return char
    return "e"


def _a(word: str) -> str:
    return "a" if _last_vowel(word) in "aıou" else "e"


def _i(word: str) -> str:
    return _FOUR_WAY[_last_vowel(word)]


def inflect(phrase: str, possessive: bool = False) -> dict[str, str]:
    """The case forms of a noun phrase (no consonant softening: the tables avoid such words).

    ``possessive``: the phrase ends in a possessive suffix (PRP tedavisi, yüz bölgesi),
    so the case endings take the buffer ``n``.
    """
    last = tr_lower(phrase.split()[-1])
    a, i = _a(last), _i(last)
    if possessive:
        return {"": phrase, "acc": f"{phrase}n{i}", "dat": f"{phrase}n{a}",
                "loc": f"{phrase}nd{a}", "abl": f"{phrase}nd{a}n", "gen": f"{phrase}n{i}n",
                "ins": f"{phrase}yl{a}"}
    vowel = last[-1] in _VOWELS
    y = "y" if vowel else ""
    d = "t" if last[-1] in _HARD else "d"
    return {"": phrase, "acc": f"{phrase}{y}{i}", "dat": f"{phrase}{y}{a}",
            "loc": f"{phrase}{d}{a}", "abl": f"{phrase}{d}{a}n",
            "gen": f"{phrase}{'n' if vowel else ''}{i}n", "ins": f"{phrase}{y}l{a}"}


def question(word: str) -> str:
    """The question particle that follows a word: mi, mı, mu, mü."""
    return "m" + _i(word)


# ------------------------------------------------------------------ the field's terms

PROCEDURES = [
    ("mikro iğneleme", False), ("kimyasal peeling", False), ("lazer epilasyon", False),
    ("dolgu uygulaması", True), ("botoks", False), ("PRP tedavisi", True),
    ("leke tedavisi", True), ("akne tedavisi", True), ("mezoterapi", False),
    ("fraksiyonel lazer", False), ("dermapen uygulaması", True), ("karbon peeling", False),
    ("gençlik aşısı", True), ("saç mezoterapisi", True), ("ozon tedavisi", True),
    ("radyofrekans uygulaması", True), ("HIFU uygulaması", True), ("ip askı yöntemi", True),
    ("somon DNA aşısı", True), ("medikal cilt bakımı", True), ("dermabrazyon", False),
    ("mikrodermabrazyon", False), ("kriyoterapi", False), ("skleroterapi", False),
    ("yağ enjeksiyonu", True), ("altın iğne uygulaması", True),
]
CONDITIONS = [
    ("akne izleri", True), ("ince çizgiler", False), ("kırışıklıklar", False),
    ("güneş lekeleri", True), ("genişlemiş gözenekler", False), ("çatlaklar", False),
    ("cilt sarkması", True), ("melazma", False), ("yanık izleri", True),
    ("göz altı morlukları", True), ("hiperpigmentasyon", False), ("ameliyat izleri", True),
    ("saç dökülmesi", True), ("rozasea", False), ("aşırı terleme", False),
    ("elastikiyet kaybı", True), ("cilt donukluğu", True), ("yaşlılık lekeleri", True),
    ("gebelik çatlakları", True), ("siyah noktalar", False), ("sivilce", False),
    ("selülit", False),
]
AREAS = [
    ("yüz bölgesi", True), ("boyun bölgesi", True), ("dekolte bölgesi", True),
    ("göz çevresi", True), ("el sırtı", True), ("sırt bölgesi", True), ("alın bölgesi", True),
    ("çene hattı", True), ("koltuk altı", True), ("bacak bölgesi", True),
    ("yanak bölgesi", True), ("üst dudak bölgesi", True), ("karın bölgesi", True),
    ("saçlı deri", False), ("kol bölgesi", True), ("diz çevresi", True),
]
# Who or when, already in the locative: "erkeklerde mikro iğneleme".
CONTEXTS = [
    "erkeklerde", "kadınlarda", "hassas ciltlerde", "yağlı ciltlerde", "kuru ciltlerde",
    "koyu tenlerde", "açık tenlerde", "40 yaş sonrasında", "25 yaş altındaki hastalarda",
    "sporcularda", "yaz aylarında", "kış aylarında", "doğum sonrasında", "menopoz döneminde",
    "ergenlik döneminde", "akneye yatkın ciltlerde",
]
# plain, yours, to yours, with yours, of yours
CLINICIANS = [
    ("dermatolog", "dermatoloğunuz", "dermatoloğunuza", "dermatoloğunuzla", "dermatoloğunuzun"),
    ("plastik cerrah", "plastik cerrahınız", "plastik cerrahınıza", "plastik cerrahınızla",
     "plastik cerrahınızın"),
    ("sağlık uzmanı", "sağlık uzmanınız", "sağlık uzmanınıza", "sağlık uzmanınızla",
     "sağlık uzmanınızın"),
    ("hekim", "hekiminiz", "hekiminize", "hekiminizle", "hekiminizin"),
    ("doktor", "doktorunuz", "doktorunuza", "doktorunuzla", "doktorunuzun"),
    ("estetisyen", "estetisyeniniz", "estetisyeninize", "estetisyeninizle", "estetisyeninizin"),
    ("cilt bakım uzmanı", "cilt bakım uzmanınız", "cilt bakım uzmanınıza",
     "cilt bakım uzmanınızla", "cilt bakım uzmanınızın"),
]
SUBSTANCES = [
    "hyalüronik asit", "C vitamini", "A vitamini", "retinol", "peptitler", "büyüme faktörleri",
    "niasinamid", "salisilik asit", "glikolik asit", "çinko oksit", "seramidler", "pantenol",
    "E vitamini", "azelaik asit",
]
# object, then the verb: it does, it may do, (helps) to do
EFFECTS = [
    ("kolajen üretimini", "artırır", "artırabilir", "artırmaya"),
    ("cildin yenilenme sürecini", "hızlandırır", "hızlandırabilir", "hızlandırmaya"),
    ("cilt dokusunu", "sıkılaştırır", "sıkılaştırabilir", "sıkılaştırmaya"),
    ("gözeneklerin görünümünü", "azaltır", "azaltabilir", "azaltmaya"),
    ("cilt tonunu", "eşitler", "eşitleyebilir", "eşitlemeye"),
    ("lekelerin belirginliğini", "azaltır", "azaltabilir", "azaltmaya"),
    ("cildin nem dengesini", "destekler", "destekleyebilir", "desteklemeye"),
    ("ince çizgilerin derinliğini", "azaltır", "azaltabilir", "azaltmaya"),
    ("elastin liflerini", "güçlendirir", "güçlendirebilir", "güçlendirmeye"),
    ("kan dolaşımını", "canlandırır", "canlandırabilir", "canlandırmaya"),
    ("cildin bariyer işlevini", "onarır", "onarabilir", "onarmaya"),
    ("yağ üretimini", "dengeler", "dengeleyebilir", "dengelemeye"),
    ("yara dokusunu", "yumuşatır", "yumuşatabilir", "yumuşatmaya"),
    ("cildin esnekliğini", "artırır", "artırabilir", "artırmaya"),
    ("ölü hücrelerin atılmasını", "kolaylaştırır", "kolaylaştırabilir", "kolaylaştırmaya"),
]
SIDE_EFFECTS = [
    "hafif kızarıklık", "şişlik", "kuruluk", "pullanma", "hassasiyet", "hafif morarma",
    "kaşıntı", "geçici renk değişikliği", "küçük kabuklanmalar", "batma hissi",
    "gerginlik hissi", "sıcaklık hissi",
]
SENSATIONS = ["batma", "basınç", "sıcaklık", "karıncalanma", "yanma", "gerginlik"]
AFTERCARE = [
    "güneş koruyucu kullanmanız", "makyaj yapmamanız", "sıcak duş almamanız",
    "saunaya girmemeniz", "yoğun egzersizden kaçınmanız", "cildinizi nazikçe nemlendirmeniz",
    "retinol içeren ürünlere ara vermeniz", "bol su içmeniz", "havuza girmemeniz",
    "cildinizi ovalamamanız", "kabukları koparmamanız", "alkol içeren tonikler kullanmamanız",
    "solaryuma girmemeniz", "yastık kılıfınızı sık değiştirmeniz",
]
AFTERCARE_DO = [
    "makyaj yapmayın", "sıcak duş almayın", "saunaya girmeyin", "yoğun egzersiz yapmayın",
    "havuza girmeyin", "cildinizi ovalamayın", "kabukları koparmayın",
    "alkol içeren tonik kullanmayın", "solaryuma girmeyin", "peeling ürünleri kullanmayın",
]
AFTERCARE_ASK = [
    "makyaj yapabilirim", "spor yapabilirim", "denize girebilirim", "güneşlenebilirim",
    "saunaya girebilirim", "retinol kullanabilirim", "işe dönebilirim",
]
BEFORE = [
    "kullandığınız ilaçları bildirmeniz", "güneşlenmemeniz",
    "retinol içeren ürünleri bırakmanız", "alkol almamanız", "ağda yaptırmamanız",
    "cildinizi tahriş edecek ürünlerden uzak durmanız", "uçuk geçmişinizi paylaşmanız",
    "bol su içmeniz", "kan sulandırıcı ilaçlarınızı doktorunuza danışarak düzenlemeniz",
]
BEFORE_DO = [
    "güneşlenmeyin", "alkol almayın", "retinol içeren ürünleri bırakın", "ağda yaptırmayın",
    "peeling ürünleri kullanmayın", "bol su için",
    "kullandığınız ilaçların listesini hazırlayın", "solaryuma girmeyin",
]
REVIEWERS = ["Uzm. Dr. Zahide Eriş", "Uzm. Dr. Ayşe Gündoğdu", "Dr. Mehmet Şahin",
             "Uzm. Dr. Elif Çelik", "Doç. Dr. Oğuz Yılmaz", "Uzm. Dr. Gül Öztürk"]

# ------------------------------------------------------------------ templates

OPENERS = ["genellikle", "çoğu durumda", "uzmanlara göre,", "klinik deneyimlerimize göre,",
           "bununla birlikte,", "özellikle {X},", "bazı hastalarda", "ayrıca", "öte yandan,",
           "bu nedenle", "ilk seanstan sonra", "tedavi sürecinde"]
TAILS = [", ancak sonuçlar kişiden kişiye değişebilir",
         ", bu nedenle {D_ins} görüşmeniz önemlidir", " ve bu etki yaklaşık {mo} ay sürebilir",
         "; {X} bu süre {d} güne kadar uzayabilir", ", özellikle {C} söz konusu olduğunda",
         " (ortalama {min} dakika)", ", ki bu da {E_obj} {E_pot}",
         "; {D_poss} bu planı {w} hafta sonra yeniden değerlendirir"]

PARAGRAPHS = {
    "what": [
        "{P}, {A_gen} üst katmanında kontrollü mikro hasar oluşturarak {E_obj} {E_aor} ve bu sayede {C_gen} görünümünü azaltmaya yardımcı olur.",
        "{Pb}, {C_acc} hedefleyen minimal invaziv bir işlemdir.",
        "{D} bu işlemde {mm} mm derinliğe kadar inen ince iğneler veya özel başlıklar kullanır.",
        "{P_gen} temel amacı, {A_loc} {E_obj} {E_ma} destek olmaktır.",
        "işlem sırasında açılan küçük kanallar, {S} gibi etken maddelerin cilde daha iyi nüfuz etmesini sağlar.",
        "{P}, {Q_abl} farklı olarak {A_gen} daha derin katmanlarına etki eder.",
        "bu yöntem {X_de} uygulanabilir ve genellikle {min} dakika sürer.",
        "{P} tek başına veya {QL} ile birlikte planlanabilir.",
        "oluşan mikro hasar, {A_gen} iyileşme sürecini canlandırır; böylece cilt {w} hafta içinde daha fazla kolajen ve elastin üretir.",
        "bu proteinler {A_acc} daha sıkı ve pürüzsüz tutar, {C_gen} belirginliğini de azaltır.",
        "{P} çoğunlukla {A_dat} yapılır, ancak {A2_dat}, {A3_dat} veya {A4_dat} de uygulanabilir.",
        "araştırmalarda {P_abl} sonra cilt kalınlığında yaklaşık %{pct} artış bildirilmiştir.",
        "{S} içeren serumlarla birlikte uygulandığında {P_gen} etkisi belirgin şekilde artabilir.",
        "{P} hakkında en sık sorulan soru etkinin ne kadar süreceğidir; bu süre {X} genellikle {mo} ay civarındadır.",
        "{P_gen} kozmetik ve tıbbi kullanımları vardır: {C} ve {C2} bunların başında gelir.",
    ],
    "how": [
        "işlemden önce {A} temizlenir ve {min} dakika boyunca uyuşturucu krem uygulanır.",
        "{D}, cihazın iğne derinliğini {A_gen} kalınlığına göre {mm} mm ile {mm2} mm arasında ayarlar.",
        "uygulama sırasında {A_loc} hafif bir {sens} hissi duyabilirsiniz.",
        "seans toplam {min} dakika sürer ve {X_de} aynı gün günlük yaşama dönülebilir.",
        "işlemin sonunda cilde {S} içeren yatıştırıcı bir maske uygulanır.",
        "{X} seanslar genellikle {w} hafta arayla planlanır.",
        "{P} sırasında cihaz {A_loc} dikey ve yatay yönlerde {k} kez gezdirilir.",
        "{D_poss} gerekirse işlemi {S} ile destekleyerek {E_obj} {E_ma} çalışır.",
        "hassas bölgelerde, örneğin {A_loc}, daha yüzeyel bir uygulama ({mm} mm) tercih edilir.",
        "uygulamadan sonra {h} saat boyunca {A_acc} suyla yıkamamanız önerilir.",
        "{Pb} için kullanılan başlıklar tek kullanımlıktır ve her seansta yenisi açılır; bu kural {X_de} geçerlidir.",
    ],
    "who": [
        "{P}, {C_dat} ek olarak {C2} için de kullanılabilir.",
        "{X} {P_gen} en çok tercih edildiği durum {C}, ardından {C2} olarak sıralanır.",
        "bazı durumlarda {D} ilaçları veya vitaminleri doğrudan {A_dat} vermek için {P_acc} kullanır.",
        "{C_acc} {w} haftadan uzun süredir fark ediyorsanız {P} sizin için uygun olabilir.",
    ],
    "who intro": [
        "{C_abl} veya {C2_abl} endişe ediyorsanız {P_acc} düşünebilirsiniz:",
        "{X} aşağıdaki şikâyetler için {P} sıklıkla tercih edilir:",
        "{P}, aşağıdaki durumlarda {E_obj} {E_pot}:",
        "{P_gen} {X} en çok yardımcı olduğu durumlar şunlardır:",
        "{A_loc} şu sorunlarınız varsa {P_acc} {D_dat} sorabilirsiniz:",
        "{X} {A_loc} görülen şu sorunlarda {P} {s} seansta sonuç verebilir:",
        "{C} dışında, {A_loc} şu durumlar için de {P} uygulanabilir:",
    ],
    "who item": [
        "{C_cap}, özellikle {A_loc}.",
        "{A_loc} {C}.",
        "{C_cap} veya {C2}.",
        "son {mo} ayda belirginleşen {C}.",
        "{X} sık görülen {C}.",
        "{A_loc} {C_dat} bağlı renk farklılıkları.",
        "{age} yaş sonrasında artan {C}",
        "{C_cap} ve buna eşlik eden {side}",
        "{A_loc} {E_obj} etkileyen {C} (hafif veya orta düzeyde).",
    ],
    "whonot intro": [
        "aşağıdakilerden biri sizin için geçerliyse {P_abl} önce {D_ins} konuşun:",
        "{P}, şu durumlarda ertelenmeli veya {D_gen} onayıyla yapılmalıdır:",
        "{X} {P} planlanırken şu durumlara dikkat edilir:",
        "{A_loc} {P} yaptırmadan önce şu durumları {D_dat} bildirin:",
        "{C} için {X} {P} düşünüyorsanız, şu durumlarda önce {D_ins} görüşün:",
        "{A_loc} {C} olan hastalarda {P} aşağıdaki durumlarda {w} hafta ertelenir:",
    ],
    "whonot item": [
        "son {mo} ay içinde izotretinoin kullandıysanız.",
        "{A_loc} aktif sivilce, uçuk veya enfeksiyon varsa.",
        "kan pıhtılaşma bozukluğunuz varsa veya son {d} gün içinde kan sulandırıcı kullandıysanız.",
        "hamileyseniz veya son {mo} ay içinde doğum yaptıysanız.",
        "keloid eğiliminiz (sert, kabarık yara izleri) varsa ve {A_loc} daha önce iz kaldıysa.",
        "{C_acc} kötüleştirebilecek bir cilt hastalığınız varsa.",
        "egzama veya sedef hastalığı {A_loc} son {w} hafta içinde alevlendiyse.",
        "son {w} hafta içinde {Q} yaptırdıysanız.",
        "kemoterapi veya radyoterapi gördüyseniz ve tedavinin bitiminden bu yana {mo} aydan az geçtiyse.",
        "{S} içeren bir ürüne karşı alerjiniz varsa",
        "{A_loc} {mm} cm'den büyük, şekli değişen veya kanayan bir ben varsa.",
    ],
    "before": [
        "{P_abl} önce {D_ins} bir ön görüşme yapmanız gerekir.",
        "{D_poss} cildinizi inceleyecek, sağlık geçmişinizi gözden geçirecek ve {C_dat} yönelik hedeflerinizi konuşacaktır.",
        "işlemden {d} gün önce {before} önerilir.",
        "tedaviden yaklaşık {w} hafta önce {D_poss} {A_dat} {S} içeren bir krem sürmenizi isteyebilir.",
        "bu kremler {E_obj} {E_ma} yardımcı olabilir ve {P_gen} etkisini destekler.",
        "ön görüşmede {P_gen} {X} nasıl sonuç verdiğini gösteren öncesi ve sonrası fotoğraflarını isteyebilirsiniz.",
        "{P_acc} yapan kişinin bu teknikte en az {y} yıllık deneyime sahip olduğundan emin olun.",
        "bir plastik cerrah, dermatolog veya estetisyen {P} yapabilir; {X} ise {D_gen} değerlendirmesi özellikle önemlidir.",
        "{P} öncesi ve sonrası cildinizi karşılaştırabilmeniz için {A_gen} fotoğrafları da çekilebilir.",
    ],
    "before item": [
        "işlemden {d} gün önce {before_do}.",
        "{P_abl} önceki {h} saat içinde {before_do}.",
        "{A_acc} {d} gün boyunca tahriş etmeyin ve {before_do}",
    ],
    "after": [
        "işlemden sonra {A_loc} {side} ve {side2} görülebilir; bu belirtiler genellikle {d} gün içinde kaybolur.",
        "ilk {h} saat boyunca {after} önerilir.",
        "{P_abl} sonraki {w} hafta boyunca en az SPF {spf} koruyuculu bir güneş kremi kullanın.",
        "cildiniz iyileşirken {S} içeren nazik bir nemlendirici {E_obj} {E_ma} yardımcı olur.",
        "{X} iyileşme süreci biraz daha uzun sürebilir ve {d} ile {d2} gün arasında değişebilir.",
        "{side} {d} günden uzun sürerse veya artarsa {D_dat} başvurun.",
        "{P_abl} sonra {A_acc} {h} saat boyunca {after} {C_gen} iyileşmesi için önemlidir.",
    ],
    "after item": [
        "ilk {d} gün {after_do}.",
        "en az {w} hafta boyunca SPF {spf} güneş koruyucu kullanın.",
        "{A_acc} günde {k} kez {S} içeren bir ürünle nemlendirin.",
        "{h} saat sonra {A_acc} ılık suyla yıkayabilirsiniz",
        "{P_abl} sonraki {d} gün {after_do} ve {A_acc} güneşten koruyun.",
    ],
    "results": [
        "istediğiniz sonuçları elde etmek için muhtemelen {s} ile {s2} seansa ihtiyacınız olacak.",
        "seanslar arasında genellikle {w} hafta beklenir; bu süre {C_gen} derinliğine göre değişebilir.",
        "hastaların yaklaşık %{pct} kadarı ilk seanstan sonra {A_loc} belirgin bir iyileşme fark eder.",
        "{P_gen} etkisi ortalama {mo} ay sürer ve yılda {k} kez tekrarlanması önerilir.",
        "kolajen üretimi işlemden {w} hafta sonra artmaya başladığı için sonuçlar {X} kademeli olarak ortaya çıkar.",
        "{X} sonuçlar {s} seanstan sonra daha belirgin hale gelir.",
        "klinik çalışmalarda {C_gen} görünümünde %{pct} oranında azalma bildirilmiştir.",
        "{P_acc} {QL} ile birleştirmek sonuçları güçlendirebilir, ancak iki işlem arasında en az {w} hafta olmalıdır.",
        "{A_loc} elde edilen sonuç, düzenli güneş koruması ile {mo} aya kadar korunabilir.",
        "{dose} {S} ile desteklenen seanslarda iyileşme yaklaşık %{pct} daha hızlı olabilir.",
    ],
    "risks": [
        "{X} {P} genellikle güvenli bir işlemdir, ancak her işlemde olduğu gibi bazı riskler vardır.",
        "nadir durumlarda enfeksiyon, iz kalması veya renk değişikliği gelişebilir; bu risk {X} yaklaşık %{pct_low} civarındadır.",
        "evde kullanılan cihazlarla {mm} mm'den derin uygulamalar yapılmamalıdır, çünkü {A_loc} kalıcı iz riski artar.",
        "{P_abl} sonra {side} görülmesi normaldir ve çoğunlukla {h} saat içinde azalır.",
        "{S} içeren ürünleri işlemden hemen sonra kullanmak {A_loc} {side} riskini artırabilir.",
    ],
    "risks intro": [
        "{P_abl} sonra {A_loc} en sık görülen yan etkiler şunlardır:",
        "{X} {P_abl} sonra görülebilecek yan etkiler şunlardır:",
        "{P_gen} {C} tedavisinde bilinen yan etkileri şunlardır:",
        "{X} {A_loc} yapılan {P_abl} sonra şu belirtiler görülebilir:",
        "{C} için {P} yaptıran hastalarımızın %{pct_low} kadarında şu yan etkiler görüldü:",
        "{P_abl} sonraki {d} gün içinde {A_loc} şunları fark edebilirsiniz:",
    ],
    "risks item": [
        "{side_cap}: genellikle {d} gün içinde geçer.",
        "{side_cap} ve {side2}, özellikle {A_loc}.",
        "{A_loc} {h} saate kadar süren {side}.",
        "nadiren {side} görülebilir; {w} haftadan uzun sürerse {D_dat} başvurun.",
        "{C_gen} geçici olarak belirginleşmesi (ilk {d} gün).",
    ],
    "compare": [
        "{P} ve {Q}, {A_gen} görünümünü ve dokusunu iyileştirmeye yönelik işlemlerdir, ancak etki mekanizmaları farklıdır.",
        "{Q} cildin en üst tabakasına etki ederken {P} {mm} mm derinliğe kadar iner.",
        "bu nedenle {C} gibi yüzeyin altındaki sorunlarda {P} daha iyi sonuç verebilir.",
        "{Q_gen} iyileşme süresi genellikle {d} gün, {P_gen} ise {d2} gündür.",
        "maliyet açısından {Q} seans başına daha uygun olsa da {P} için daha az seans ({s}) gerekebilir.",
        "{X} hangi yöntemin uygun olduğuna {D_poss} cildinizi inceledikten sonra karar verir.",
        "bunun yerine {Q} sırasında bir sağlık uzmanı, {A_gen} en üst tabakasını pürüzlü kenarlı bir cihazla {k} kez geçer.",
    ],
    "faq intro": [
        "ön görüşme, {X} {P} hakkında merak ettiklerinizi sormak için iyi bir zamandır, örneğin:",
        "{P_acc} planlamadan önce {D_dat} şu soruları sorabilirsiniz:",
        "{C} için {P} düşünen hastalarımızın en sık sorduğu sorular şunlardır:",
        "{X} {A_loc} {P} yaptırmadan önce sorulan sorular genellikle şunlardır:",
        "{A_loc} {C} için {P_acc} düşünüyorsanız {D_dat} şunları sorun:",
        "ilk görüşmede {X} {C_acc} konuşurken şu sorular işinize yarayabilir:",
    ],
    "faq item": [
        "{P} acıtır mı, {A_loc} uyuşturucu krem kullanılıyor mu?",
        "sonuçları ne kadar sürede göreceğim, {s} seans yeterli olacak mı?",
        "{X} {P_abl} sonra kaç gün işe ara vermem gerekir?",
        "{A_loc} {C_acc} tamamen gidermek için kaç seans gerekir?",
        "{P} ile {Q} aynı gün yapılabilir mi?",
        "{P_abl} sonra ne zaman {ask}?",
        "riskler veya yan etkiler var mı, {side} ne kadar sürer?",
        "{P_abl} sonra {S} içeren ürünleri kullanmaya ne zaman devam edebilirim?",
        "yılda kaç kez {P} yaptırabilirim, {age} yaş üstünde de uygun mu?",
        "{P_gen} {A_loc} etkisi {mo} aydan uzun sürer mi?",
    ],
}
HEADINGS = {
    "what": ["{X} {C} için {P} nedir?", "{A_loc} {C} ve {P}: nedir, nasıl etki eder?",
             "{P} nedir?", "{X} {P} nedir, nasıl etki eder?", "{C} için {P} nedir?",
             "{P} {C_dat} nasıl etki eder?", "{A_loc} {P} nasıl çalışır?",
             "{X} {P}: temel bilgiler", "{P_gen} {C} üzerindeki etkisi"],
    "how": ["{X} {A_loc} {P} nasıl yapılır?", "{C} için {A_loc} {P} nasıl uygulanır?",
            "{A_loc} {P} nasıl uygulanır?", "{X} {P} seansı nasıl geçer?",
            "{C} için {P} adım adım", "{A_loc} {P} sırasında neler olur?",
            "{X} {P} nasıl yapılır?"],
    "who": ["{X} {C} için {P} kimlere uygundur?", "{A_loc} {C} için {P} kimlere önerilir?",
            "{X} {P} kimlere uygundur?", "{C} için {P} kimlere önerilir?",
            "{A_loc} {P} için uygun adaylar", "{X} {P} kimlere yapılır?"],
    "whonot": ["{X} {C} varsa {P} yapılabilir mi?", "{A_loc} {C} varsa {P} kimlere uygulanmaz?",
               "{X} kim {P} yaptırmamalı?", "{X} {P} kimlere uygulanmaz?",
               "{A_loc} {P} yaptırmamanız gereken durumlar",
               "{C} varsa {P} yapılabilir mi?"],
    "before": ["{X} {C} için {P_abl} önce hazırlık", "{A_loc} {C} için {P} öncesi nelere dikkat edilmeli?",
               "{X} {P_abl} önce hazırlık", "{A_loc} {P} öncesi nelere dikkat edilmeli?",
               "{C} tedavisinde {P_abl} önce yapılması gerekenler",
               "{X} {P_abl} önce ne olur?"],
    "after": ["{X} {A_loc} {P_abl} sonra bakım", "{C} için {P} sonrası ilk {d} gün",
              "{X} {P} sonrası iyileşme süreci", "{A_loc} {P_abl} sonra nelere dikkat edilmeli?",
              "{P_abl} sonraki ilk {d} gün", "{C} tedavisinde {P_abl} sonra bakım"],
    "results": ["{X} {C} için {P} sonuçları", "{A_loc} {C} için kaç seans {P} gerekir?",
                "{C} için kaç seans {P} gerekir?", "{X} {P} sonuçları ne kadar sürer?",
                "{A_loc} {P}: beklenen sonuçlar", "{X} {P} sonuçları ne zaman görülür?"],
    "risks": ["{X} {A_loc} {P} güvenli mi?", "{C} için {P}: {X} riskler",
              "{X} {P_gen} yan etkileri", "{A_loc} {P}: riskler ve yan etkiler",
              "{C} tedavisinde {P} güvenli mi?", "{X} {P_gen} riskleri nelerdir?"],
    "compare": ["{P} ve {Q}: fark nedir?", "{P} {P_mi}, {Q} {Q_mi}?",
                "{C} için {P} {P_mi}, {Q} {Q_mi}?", "{X} {P} ve {Q} karşılaştırması",
                "{A_loc} {P} ile {Q} arasındaki farklar"],
    "faq": ["{X} {C} için {P} hakkında sık sorulan sorular", "{A_loc} {C} ve {P} hakkında merak edilenler",
            "{X} {P} hakkında merak edilenler", "{C} ve {P}: sorular ve yanıtlar",
            "{A_loc} {P} hakkında sık sorulan sorular"],
}
TITLES = ["{C} için {P}", "{X} {A_loc} {C} tedavisinde {P}", "{X} {P}: bilmeniz gerekenler", "{A_loc} {P} rehberi",
          "{C} tedavisinde {P}", "{X} {C} için {P}", "{A_loc} {C} ve {P}"]
DESCRIPTIONS = [
    "{P}, {X} {C_acc} azaltmak için kullanılan minimal invaziv bir işlemdir.",
    "{A_loc} {C} için {P_gen} nasıl yapıldığını, kimlere uygun olduğunu ve sonrasında nelere dikkat edilmesi gerektiğini öğrenin.",
    "{P} hakkında bilmeniz gerekenler: {s} seanslık tedavi planı, iyileşme süreci ve olası yan etkiler.",
    "{X} {P_acc} düşünüyorsanız {C} için beklenen sonuçları ve riskleri bu yazıda bulabilirsiniz.",
]
# Added to a list item (before its final mark) half the time: items are short, and a
# site of thousands of articles needs more of them than the item templates alone give.
QUALIFIERS = {
    "who item": [" ({X} sık görülür)", ", {P} ile {w} haftada belirgin iyileşme sağlanabilir",
                 "; {D_poss} önce {A_acc} değerlendirir", ", {age} yaş sonrasında daha sık",
                 " — {s} seanslık bir plan çoğu zaman yeterlidir"],
    "whonot item": [" ({P} öncesinde {D_dat} mutlaka bildirin)",
                    ", özellikle {A_loc} {P} planlanıyorsa",
                    "; bu durumda {P} en az {w} hafta ertelenir",
                    "; {D_poss} {Q_acc} alternatif olarak önerebilir",
                    " ({X} bu durum daha sık görülür)"],
    "before item": [" ve bunu {D_dat} bildirin", "; bu, {A_loc} {side} riskini azaltır",
                    ", özellikle {X}", " ({P} sonuçlarını doğrudan etkiler)",
                    "; {S} içeren ürünlere {d} gün önceden ara verin"],
    "after item": [" ({X} bu süre {d2} güne uzayabilir)", ", özellikle {A_loc}",
                   "; {side} varsa {D_dat} haber verin"],
    "risks item": [" ({X} daha sık)", "; {P_abl} sonraki ilk {h} saatte belirgindir",
                   ", {S} içeren bir kremle hafifler",
                   " — {D_poss} bunu {w}. haftadaki kontrolde değerlendirir"],
    "faq item": ["{X} ", "{C} söz konusuysa ", "{age} yaşındayım; ", "{A_loc} {C} varsa "],
}
QUESTION_ITEMS = {"faq item"}  # their qualifier comes first

# Sections after "what", in the order an article takes them.
SECTIONS = ["how", "who", "whonot", "before", "after", "results", "risks", "compare", "faq"]

# The site's real boilerplate: the same paragraphs under many articles.
BOILERPLATE = [
    "Bu makale yalnızca bilgilendirme amaçlıdır ve bir doktor muayenesinin yerini tutmaz.",
    ("Randevu almak için kliniğimizi arayabilir veya [çevrim içi formu]"
     "(https://bench.example.org/randevu) doldurabilirsiniz."),
    "Kliniğimizde tüm işlemler uzman hekimler tarafından yapılır.",
    ("Sonuçlar kişiden kişiye farklılık gösterebilir; tedavi planınızı "
     "**muayeneden sonra** birlikte belirleriz."),
]


# ------------------------------------------------------------------ generation


@dataclass(frozen=True)
class Subject:
    """What one article is about: a procedure for a condition, an area and a group."""

    procedure: int
    condition: int
    area: int
    context: int


class _Slots(dict):
    """Slot values drawn on first use, so that a template draws only what it names."""

    def __init__(self, writer: VariedSite):
        super().__init__()
        self.writer = writer

    def __missing__(self, name: str) -> str:
        value = self[name] = self.writer.slot(name, self)
        return value


class VariedSite:
    """Writes the articles of one site, keeping every text it wrote so that none repeats."""

    TRIES = 40

    def __init__(self, seed: int, count: int):
        self.seed, self.count = seed, count
        self.own_share = 0.5  # how often a slot takes the article's own term
        self.comparing = False  # in the section comparing the article's procedure to another
        self.block: set[str] = set()  # the templates of the paragraph or list being written
        self.seen: set[str] = set()
        self.repeats = 0
        self.procedures = [inflect(*item) for item in PROCEDURES]
        self.conditions = [inflect(*item) for item in CONDITIONS]
        self.areas = [inflect(*item) for item in AREAS]
        rng = random.Random(f"varied:{seed}:subjects")
        subjects, chosen = [], set()
        while len(subjects) < count:
            subject = Subject(rng.randrange(len(PROCEDURES)), rng.randrange(len(CONDITIONS)),
                              rng.randrange(len(AREAS)), rng.randrange(len(CONTEXTS)))
            if subject not in chosen or len(chosen) >= 0.5 * len(PROCEDURES) * len(
                    CONDITIONS) * len(AREAS) * len(CONTEXTS):
                chosen.add(subject)
                subjects.append(subject)
        self.subjects = subjects
        self.by_procedure: dict[int, list[int]] = {}
        for index, subject in enumerate(subjects):
            self.by_procedure.setdefault(subject.procedure, []).append(index)

    # -- slots

    def slot(self, name: str, slots: _Slots) -> str:
        rng, subject = self.rng, self.subject
        base, _, case = name.partition("_")
        if name.endswith("_cap"):
            return tr_upper_first(slots[name[:-4]])
        if base in ("P", "Q", "Pb"):
            if base == "Q" and "Q#" not in slots:  # the compared one in its section, else any
                slots["Q#"] = self.compared if self.comparing else rng.choice(
                    [i for i in range(len(PROCEDURES)) if i != subject.procedure])
            forms = self.procedures[slots["Q#"] if base == "Q" else subject.procedure]
            if case == "mi":
                return question(forms[""])
            text = forms[case]
            if base == "Pb" and rng.random() < 0.5:
                return f"**{text}**"
            return text
        if name == "QL":  # the other procedure, linked to an article about it
            text = slots["Q"]
            articles = self.by_procedure.get(slots["Q#"]) or list(range(self.count))
            if rng.random() < 0.6:
                return f"[{text}](../makale-{rng.choice(articles):04d}/)"
            return text
        if base in ("C", "C2"):
            return self._term(self.conditions, base, case, slots, "C", subject.condition)
        if base in ("A", "A2", "A3", "A4"):
            return self._term(self.areas, base, case, slots, "A", subject.area)
        if base == "X":
            if "X#" not in slots:
                own = rng.random() < self.own_share
                slots["X#"] = subject.context if own else rng.randrange(len(CONTEXTS))
            text = CONTEXTS[slots["X#"]]
            return f"{text} d{_a(text)}" if case == "de" else text
        if base == "D":
            if "D#" not in slots:
                slots["D#"] = rng.randrange(len(CLINICIANS))
            column = {"": 0, "poss": 1, "dat": 2, "ins": 3, "gen": 4}[case]
            return CLINICIANS[slots["D#"]][column]
        if base == "E":
            if "E#" not in slots:
                slots["E#"] = rng.randrange(len(EFFECTS))
            return EFFECTS[slots["E#"]][{"obj": 0, "aor": 1, "pot": 2, "ma": 3}[case]]
        if name in ("side", "side2"):
            return self._distinct(SIDE_EFFECTS, slots, "side#")
        plain = {"S": SUBSTANCES, "sens": SENSATIONS, "after": AFTERCARE,
                 "after_do": AFTERCARE_DO, "ask": AFTERCARE_ASK, "before": BEFORE,
                 "before_do": BEFORE_DO}
        if name in plain:
            return rng.choice(plain[name])
        return self._number(name, slots)

    def _term(self, table, base, case, slots, family, own) -> str:
        """A term of a table, the same for every case of one slot (A, A_loc), distinct per slot."""
        key = f"{base}#"
        if key not in slots:
            used = slots.setdefault(f"{family}##", [])
            pick = own if base == family and self.rng.random() < self.own_share else None
            if pick is None or pick in used:
                pick = self.rng.choice([i for i in range(len(table)) if i not in used])
            used.append(pick)
            slots[key] = pick
        return table[slots[key]][case]

    def _distinct(self, words, slots, key) -> str:
        used = slots.setdefault(key, [])
        word = self.rng.choice([w for w in words if w not in used])
        used.append(word)
        return word

    def _number(self, name: str, slots: _Slots) -> str:
        rng = self.rng
        if name in ("s2", "d2", "mm2"):
            low = slots[name[:-1]]
            if name == "mm2":
                options = [m for m in _DEPTHS if _depth(m) > _depth(low)] or [low]
                return rng.choice(options)
            return str(int(low) + rng.randint(1, 4 if name == "s2" else 7))
        if name == "mm":
            return rng.choice(_DEPTHS[:-1])
        if name == "dose":
            amount = rng.choice(["0,5", "1", "1,5", "2", "2,5", "3"])
            return f"{amount} {rng.choice(['ml', 'mg'])}"
        low, high, step = {"s": (2, 6, 1), "w": (2, 12, 1), "d": (2, 14, 1), "mo": (3, 24, 1),
                           "pct": (10, 90, 5), "pct_low": (1, 5, 1), "min": (15, 90, 5),
                           "age": (18, 65, 1), "h": (12, 72, 12), "k": (2, 4, 1),
                           "y": (2, 15, 1), "spf": (30, 50, 20)}[name]
        return str(rng.randrange(low, high + 1, step))

    # -- texts

    def fill(self, template: str) -> str:
        return template.format_map(_Slots(self))

    def template(self, options: list[str]) -> str:
        """One of the options, not one the current paragraph or list already used if it can."""
        fresh = [option for option in options if option not in self.block]
        template = self.rng.choice(fresh or options)
        self.block.add(template)
        return template

    def unique(self, make) -> str:
        for _ in range(self.TRIES):
            text = make()
            if text not in self.seen:
                self.seen.add(text)
                return text
        self.repeats += 1
        return text

    def sentence(self, kind: str) -> str:
        def make() -> str:
            slots = _Slots(self)
            text = self.template(PARAGRAPHS[kind]).format_map(slots)
            if text.endswith(".") and self.rng.random() < 0.3:
                text = text[:-1] + self.template(TAILS).format_map(slots) + "."
            if self.rng.random() < 0.25 and not text.startswith(("bu ", "bunun", "ayrıca")):
                opener = self.rng.choice(OPENERS).format_map(slots)
                text = f"{opener} {text}"
            return tr_upper_first(text)
        return self.unique(make)

    def paragraph(self, kind: str, sentences: int | None = None) -> str:
        if sentences is None:
            sentences = self.rng.choices([1, 2, 3], weights=[4, 4, 2])[0]
        self.block = set()
        return " ".join(self.sentence(kind) for _ in range(sentences))

    def item(self, kind: str) -> str:
        """A list item (or a list's introduction): no two of a list from one template if can be."""
        def make() -> str:
            slots = _Slots(self)
            text = self.template(PARAGRAPHS[kind]).format_map(slots)
            if kind in QUALIFIERS and self.rng.random() < 0.5:
                qualifier = self.rng.choice(QUALIFIERS[kind]).format_map(slots)
                if kind in QUESTION_ITEMS:
                    text = qualifier + text
                elif text[-1] in ".?:":
                    text = text[:-1] + qualifier + text[-1]
                else:
                    text += qualifier
            return tr_upper_first(text)
        return self.unique(make)

    def heading(self, kind: str) -> str:
        self.own_share = 0.7
        try:
            return self.unique(lambda: tr_title(self.fill(self.rng.choice(HEADINGS[kind]))))
        finally:
            self.own_share = 0.5

    def article(self, index: int) -> str:
        self.rng = rng = random.Random(f"varied:{self.seed}:{index}")
        self.subject = self.subjects[index]
        self.compared = rng.choice([i for i in range(len(PROCEDURES))
                                    if i != self.subject.procedure])
        self.own_share = 1.0  # the title and description are about the article's own subject
        title = self.unique(lambda: tr_title(self.fill(rng.choice(TITLES))))
        description = self.unique(lambda: tr_upper_first(self.fill(rng.choice(DESCRIPTIONS))))
        self.own_share = 0.5
        published = f"20{rng.randint(19, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        lines = ["---", f"title: {_yaml(title)}", f"description: {_yaml(description)}",
                 f"reviewed_by: {rng.choice(REVIEWERS)}", f"published: {published}",
                 f"updated: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "---", ""]
        others = sorted(rng.sample(range(len(SECTIONS)), rng.randint(5, 7)))
        for kind in ["what", *(SECTIONS[i] for i in others)]:
            self.comparing = kind == "compare"
            lines += [f"## {self.heading(kind)}", ""]
            lines += self.section(kind)
        self.comparing = False
        shared = [0, *sorted(rng.sample(range(1, len(BOILERPLATE)), rng.randint(1, 3)))]
        for number in shared:
            lines += [BOILERPLATE[number], ""]
        return "\n".join(lines)

    def section(self, kind: str) -> list[str]:
        rng, lines = self.rng, []
        body = {"whonot": "before", "faq": "what"}.get(kind, kind)  # their paragraphs
        for _ in range(rng.randint(1, 3)):
            lines += [self.paragraph(body), ""]
        if f"{kind} intro" in PARAGRAPHS or f"{kind} item" in PARAGRAPHS:
            if f"{kind} intro" in PARAGRAPHS:
                lines += [self.item(f"{kind} intro"), ""]
            numbered = kind in ("before", "after") and rng.random() < 0.5
            self.block = set()
            for number in range(rng.randint(3, 6)):
                marker = f"{number + 1}." if numbered else "-"
                lines.append(f"{marker} {self.item(f'{kind} item')}")
            lines.append("")
            if rng.random() < 0.4:
                lines += [self.paragraph(body, 1), ""]
        return lines


_DEPTHS = ["0,25", "0,5", "0,75", "1", "1,5", "2", "2,5", "3"]


def _depth(text: str) -> float:
    return float(text.replace(",", "."))


def _yaml(text: str) -> str:
    """A front-matter value: plain when YAML reads it as written, else double-quoted."""
    if ": " in text or " #" in text or text[0] in "%@`!&*|>'\"[]{}#?-,":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


