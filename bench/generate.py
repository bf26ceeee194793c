"""Generate a deterministic synthetic site from the shipped article, for benchmarks.

N articles × 5 target languages, 40–60 strings each, in one of two varieties:

- ``repetitive``: the shipped article's own paragraphs, lightly reworded, renumbered
  and reordered, plus boilerplate paragraphs shared by many articles. Most strings
  recur across the site (3,355 distinct text pairs per language of about 46,000
  strings at 1,000 articles).
- ``varied``: every body sentence, heading, list item, title and description distinct
  across the site (bench/varied.py); only real boilerplate repeats (a few shared
  disclaimer and contact paragraphs, and the site chrome), as on a real clinic's site.

The same variety, seed and count give the same bytes. Stand-in translations are
generated for every catalog and signed off by a throwaway bench reviewer (real
Ed25519 statements, about 50 per language), so that the gate and the build have
real work.
"""

from __future__ import annotations

import argparse
import random
import re
import string
import sys
import zlib
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.source.articles import read_article

sys.path.insert(0, str(Path(__file__).resolve().parent))
import varied

LANGUAGES = ["en", "de", "ar", "ru", "fr"]
BOILERPLATE = [
    "Bu makale yalnızca bilgilendirme amaçlıdır ve bir doktor muayenesinin yerini tutmaz.",
    "Randevu almak için kliniğimizi arayabilir veya çevrim içi formu doldurabilirsiniz.",
    "Tedavi planınız, cilt tipinize ve sağlık geçmişinize göre doktorunuz tarafından belirlenir.",
    "Herhangi bir yan etki fark ederseniz hemen sağlık uzmanınıza başvurun.",
    "Sonuçlar kişiden kişiye farklılık gösterebilir.",
    "İşlemden sonra birkaç gün güneşten korunmanız önerilir.",
    "Hamilelik veya emzirme döneminde tedaviden önce doktorunuza danışın.",
    "Kliniğimizde tüm işlemler uzman hekimler tarafından yapılır.",
]
SWAPS = [("cildiniz", "cildinizin yüzeyi"), ("küçük", "minik"), ("daha iyi", "çok daha iyi"),
         ("sağlık uzmanı", "hekim"), ("prosedür", "işlem"), ("ince", "çok ince"),
         ("yardımcı olabilir", "destek olabilir"), ("önce", "öncesinde")]
TOPICS = ["Mikro İğneleme", "Kimyasal Peeling", "Lazer Epilasyon", "Dolgu", "Botoks",
          "Akne Tedavisi", "Leke Tedavisi", "Saç Ekimi", "Cilt Bakımı", "Gençlik Aşısı"]


def vary(text: str, rng: random.Random) -> str:
    """Reword, renumber or reorder a Turkish paragraph, deterministically."""
    for old, new in SWAPS:
        if old in text and rng.random() < 0.3:
            text = text.replace(old, new, 1)
    sentences = re.split(r"(?<=[.?!]) ", text)
    if len(sentences) > 1 and rng.random() < 0.3:
        rng.shuffle(sentences)
        text = " ".join(sentences)
    if rng.random() < 0.35:
        text = text.rstrip(".") + f", yaklaşık {rng.randint(2, 12)} hafta sürebilir."
    return text


def article_text(index: int, units, rng: random.Random) -> str:
    topic = TOPICS[index % len(TOPICS)]
    lines = ["---", f"title: {topic} Rehberi {index}",
             f"description: {topic} hakkında bilmeniz gerekenler ({index}).",
             "reviewed_by: Uzm. Dr. Örnek Hekim", "published: 2023-02-06", "updated: 2024-05-01", "---", ""]
    body = [u for u in units if u.kind not in ("title", "description")]
    count = rng.randint(34, 50)
    chosen = sorted(rng.sample(range(len(body)), min(count, len(body))))
    for position in chosen:
        unit = body[position]
        text = vary(unit.text, rng) if unit.kind != "heading" else f"{unit.text.rstrip('?')} ({topic})?"
        if unit.kind == "heading":
            lines += [f"## {text}", ""]
        elif unit.kind == "list item":
            lines += [f"- {text}", ""]
        else:
            lines += [text, ""]
    for paragraph in rng.sample(BOILERPLATE, rng.randint(3, 6)):
        lines += [paragraph, ""]
    return "\n".join(lines)


VARIETIES = ("repetitive", "varied")


def generate(root: Path, count: int, variety: str = "repetitive", seed: int = 0) -> int:
    """Write the site's configuration and ``count`` articles; returns how many texts repeat.

    The count is of body texts the varied generator could not make distinct (0 for
    a varied site of any size this bench uses); a repetitive site returns 0.
    """
    if variety not in VARIETIES:
        raise ValueError(f"variety must be one of {', '.join(VARIETIES)}, not {variety!r}")
    (root / "source").mkdir(parents=True, exist_ok=True)
    (root / "pipeline.toml").write_text(
        '[site]\nname = "Benchmark Kliniği"\nbase_url = "https://bench.example.org"\n\n'
        f'[languages]\nsource = "tr"\ntargets = {LANGUAGES!r}\n'.replace("'", '"'), encoding="utf-8")
    if variety == "varied":
        site = varied.VariedSite(seed, count)
        for index in range(count):
            path = root / "source" / f"makale-{index:04d}.md"
            path.write_text(site.article(index), encoding="utf-8")
        return site.repeats
    article = read_article(REPO / "source" / "mikro-igneleme-nedir.md")
    for index in range(count):
        rng = random.Random(index if not seed else f"{seed}:{index}")
        path = root / "source" / f"makale-{index:04d}.md"
        path.write_text(article_text(index, article.units, rng), encoding="utf-8")
    return 0



def fill_translations(root: Path, languages=LANGUAGES) -> int:
    """Give every catalog entry a stand-in translation that passes the checks; returns entries filled.

    Words become language-tagged tokens; inline Markdown, numbers and link
    targets stay as in the source, so the checks and the build see real work.
    """
    sys.path.insert(0, str(REPO))
    from pipeline.config import load_config
    from pipeline.fsutil import write_files
    from pipeline.catalogs.pofile import format_po, read_po

    config = load_config(root / "pipeline.toml")
    filled, outputs = 0, {}
    for language in languages:
        for path in sorted((config.locale_dir / language / "LC_MESSAGES").glob("*.po")):
            catalog = read_po(path)
            entries = []
            for entry in catalog.entries:
                if not entry.obsolete and not entry.msgstr:
                    entry = entry.replace(msgstrs=tuple(stand_in(entry.msgid, language)
                                                        for _ in entry.msgstrs))
                    filled += 1
                entries.append(entry)
            catalog.entries = entries
            outputs[path] = format_po(catalog)
    write_files(outputs)
    return filled


_WORD_RE = re.compile(r"[^\W\d_]+")


def stand_in(msgid: str, language: str) -> str:
    parts = re.split(r"(\]\([^)]*\))", msgid)
    return "".join(part if part.startswith("](") else
                   _WORD_RE.sub(lambda m: _stand_in_word(m.group(0), language), part)
                   for part in parts)


@cache
def _stand_in_word(word: str, language: str) -> str:
    """A made-up word as long as the source word, the same for the same word (no false repeats)."""
    rng = random.Random(zlib.crc32(f"{language}:{word}".encode()))
    return language + "".join(rng.choices(string.ascii_lowercase, k=max(len(word) - 1, 1)))


def change_paragraphs(root: Path, fraction: float, seed: int = 7) -> int:
    """Reword a fraction of all body paragraphs across the site; returns how many changed."""
    rng = random.Random(seed)
    changed = 0
    for path in sorted((root / "source").glob("*.md")):
        lines = path.read_text(encoding="utf-8").split("\n")
        body_start = lines.index("---", 1) + 1
        for number in range(body_start, len(lines)):
            line = lines[number]
            if line and not line.startswith(("#", "-")) and rng.random() < fraction:
                lines[number] = line.replace(" ", " yeniden ", 1)
                changed += 1
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed


BENCH_REVIEWER = "bench-reviewer"
STATEMENTS_PER_LANGUAGE = 50


def sign_everything(root: Path, key_dir: Path, statements: int = STATEMENTS_PER_LANGUAGE,
                    languages=LANGUAGES) -> dict[str, int]:
    """Approve every translated entry with a throwaway key, in about ``statements`` batches per language.

    A bench reviewer (key in ``key_dir``, outside the site) joins the site's roster;
    the statements are real Ed25519 signatures appended through the review stage.
    Returns language → entries approved.
    """
    from pipeline.config import load_config
    from pipeline.signoff.keys import generate_key
    from pipeline.signoff.review import approve, open_signer, translated_entries

    config = load_config(root / "pipeline.toml")
    key = generate_key(BENCH_REVIEWER, key_dir / f"{BENCH_REVIEWER}.key")
    (root / "reviewers.toml").write_text(
        f'[reviewers.{BENCH_REVIEWER}]\nname = "Dr. Benchmark (bench)"\n'
        f'languages = {list(languages)!r}\nkey = "{key.public_key}"\n'.replace("'", '"'),
        encoding="utf-8")
    approved = {}
    for language in languages:
        signer = open_signer(config, language, BENCH_REVIEWER, key.path)
        targets = list(translated_entries(config, language).values())
        size = -(-len(targets) // statements)
        for start in range(0, len(targets), size):
            approve(config, language, signer, targets[start:start + size])
        approved[language] = len(targets)
    return approved


def change_one_translation(root: Path, key_dir: Path, number: int = 0,
                           language: str = "en") -> str:
    """Edit one paragraph's translation in one catalog and approve it again; returns its digest."""
    from pipeline.config import load_config
    from pipeline.fsutil import write_atomic
    from pipeline.catalogs.pofile import format_po, read_po
    from pipeline.signoff.review import Located, Target, approve, open_signer
    from pipeline.signoff.verify import entry_digest
    from pipeline.source.articles import domains

    config = load_config(root / "pipeline.toml")
    domain = domains(config)[number % (len(domains(config)) - 1)]
    path = config.catalog_path(language, domain)
    catalog = read_po(path)
    position, entry = next((i, e) for i, e in enumerate(catalog.entries)
                           if not e.obsolete and e.msgid and len(e.msgid) > 80)
    edited = entry.replace(msgstrs=(entry.msgstr + f" {language}xxx",))
    catalog.entries[position] = edited
    write_atomic(path, format_po(catalog))
    changed = read_po(path).entries[position]
    signer = open_signer(config, language, BENCH_REVIEWER, key_dir / f"{BENCH_REVIEWER}.key")
    digest = entry_digest(language, changed, catalog.header_field("Plural-Forms"))
    place = Located(domain, path, config.relative(path), changed)
    approve(config, language, signer, [Target(digest, (place,))])
    return digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--variety", choices=VARIETIES, default="repetitive")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    repeats = generate(args.root, args.n, args.variety, args.seed)
    if repeats:
        print(f"{repeats} texts could not be made distinct", file=sys.stderr)


if __name__ == "__main__":
    main()
