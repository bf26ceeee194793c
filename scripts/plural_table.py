"""Regenerate pipeline/catalogs/plural-forms.json, the Plural-Forms values catalogs are written with.

The file has three sections, looked up in this order by ``pipeline.catalogs.model.plural_forms``:

``gettext``
    What GNU gettext's ``msginit`` writes: its table, gettext-tools/src/plural-table.c.
    Found by running ``msginit`` for every language and ``ll_CC`` code Babel knows; a
    region code is kept only when its rule is its own (``pt_BR``), since ``msginit``
    falls back from ``ll_CC`` to ``ll``. Refreshed on every run.
``gettext-manual``
    Languages the GNU gettext manual ("Plural forms") gives a rule for but ``msginit``'s
    table lacks. Copied from the manual into this script (``MANUAL_RULES``).
``cldr``
    For languages a clinic plausibly targets that gettext has no rule for: the CLDR rule
    written gettext-style, as Babel gives it. A snapshot, carried over unchanged unless
    ``--cldr`` is given, so that upgrading Babel never changes a catalog header.

Every value is checked with ``msgfmt --check`` before the file is written.

    python scripts/plural_table.py            # refresh the gettext section
    python scripts/plural_table.py --cldr     # and re-take the CLDR snapshot from Babel
    python scripts/plural_table.py --check    # exit 1 when the file is not what this would write
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "pipeline" / "catalogs" / "plural-forms.json"

MANUAL_SOURCE = ("GNU gettext {version} manual, node \"Plural forms\": the rules it gives for "
                 "languages msginit's table lacks")
# As the manual prints them (its backslash-newlines joined); its Arabic numbering is the one
# gettext tools and PO editors use.
MANUAL_RULES = {
    "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
          ": n%100>=11 ? 4 : 5;",
    "id": "nplurals=2; plural=n != 1;",
    "th": "nplurals=1; plural=0;",
}

CLDR_SOURCE = ("CLDR plural rules written gettext-style, as Babel {babel} gives them "
               "(babel.messages.plurals.get_plural, a table Babel generates from CLDR; "
               "Babel {babel}'s locale data is CLDR {cldr}): a fixed snapshot for languages "
               "gettext has no rule for; one with CLDR's compact-notation 'many' form whose rule is "
               "that of a language in gettext's table (its twin) takes gettext's rule for it")
# Languages a clinic plausibly targets that gettext 0.21 has no rule for (zh covers zh_CN
# and zh_TW). A language that gettext covers is refused here: gettext wins.
CLDR_LANGUAGES = (
    "af", "am", "az", "bn", "bs", "ca", "ckb", "cy", "eu", "fa", "fil", "gl", "hi", "hy", "is",
    "ka", "kk", "km", "ku", "ky", "lb", "lo", "mk", "mn", "ms", "mt", "my", "ne", "pa", "ps",
    "si", "sq", "sw", "ta", "te", "tk", "ur", "uz", "zh",
)

EMPTY_TEMPLATE = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
PLURAL_FORMS_RE = re.compile(r'Plural-Forms: (.*?)\\n')


def gettext_env() -> dict[str, str]:
    """msginit's own table only: without GETTEXTCLDRDIR it consults no CLDR files."""
    env = {name: value for name, value in os.environ.items() if name != "GETTEXTCLDRDIR"}
    env["LC_ALL"] = "C"
    return env


def msginit_version() -> str:
    first = subprocess.run(["msginit", "--version"], capture_output=True, text=True,
                           check=True, env=gettext_env()).stdout.splitlines()[0]
    return first.rsplit(" ", 1)[-1]


def msginit_rule(language: str, template: Path) -> str | None:
    """The Plural-Forms value msginit writes for a language, or None when it knows no rule."""
    result = subprocess.run(["msginit", "--no-translator", "-l", language, "-i", str(template),
                             "-o", "-"], capture_output=True, text=True, check=True,
                            env=gettext_env())
    match = PLURAL_FORMS_RE.search(result.stdout.replace('"\n"', ""))
    return match.group(1).strip() if match else None


def candidate_codes() -> tuple[list[str], list[str]]:
    """Every ``ll`` and ``ll_CC`` code in Babel's locale data: more than gettext's table holds."""
    from babel.localedata import locale_identifiers

    codes = sorted(locale_identifiers())
    languages = [code for code in codes if re.fullmatch(r"[a-z]{2,3}", code)]
    regions = [code for code in codes if re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", code)]
    return languages, regions


def gettext_rules(scratch: Path) -> dict[str, str]:
    """msginit's rule for every language it knows, and for region codes with a row of their own."""
    template = scratch / "empty.pot"
    template.write_text(EMPTY_TEMPLATE, encoding="utf-8")
    languages, regions = candidate_codes()
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = dict(zip(languages + regions,
                         pool.map(lambda code: msginit_rule(code, template), languages + regions)))
    rules = {code: found[code] for code in languages if found[code]}
    for code in regions:
        if found[code] and found[code] != rules.get(code.split("_")[0]):
            rules[code] = found[code]
    return dict(sorted(rules.items()))


def cldr_section(gettext: dict[str, str]) -> dict:
    """A fresh snapshot of Babel's gettext-style CLDR rules for ``CLDR_LANGUAGES``.

    CLDR 42 gave some languages a "many" form for exact millions written in
    compact notation (the operand ``e``: "1 M"), which gettext leaves out for
    Italian, French, Spanish and Portuguese. A language with such a form whose
    CLDR rule is exactly that of a language in gettext's table takes gettext's
    rule for it, its "twin" (Catalan and Galician: Italian's).
    """
    import babel
    from babel import Locale
    from babel.core import get_cldr_version
    from babel.messages.plurals import get_plural

    by_rule = {}
    for language in sorted(gettext):
        by_rule.setdefault(_cldr_rule(Locale, language), language)
    rules, twins = {}, {}
    for language in CLDR_LANGUAGES:
        cldr_rule = _cldr_rule(Locale, language)
        compact = any(re.search(r"\be\b", condition) for _, condition in cldr_rule)
        twin = by_rule.get(cldr_rule) if compact else None
        if twin is not None:
            rules[language], twins[language] = gettext[twin], twin
            continue
        rule = get_plural(language)
        rules[language] = f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"
    return {"name": "cldr",
            "source": CLDR_SOURCE.format(babel=babel.__version__, cldr=get_cldr_version()),
            "twins": twins, "rules": rules}


def _cldr_rule(locale_class, language: str) -> tuple:
    try:
        return tuple(sorted(locale_class.parse(language).plural_form.rules.items()))
    except (ValueError, LookupError):
        return ()


def carried_cldr_section() -> dict:
    """The CLDR snapshot already in the data file: Babel upgrades must not change it silently."""
    if not DATA.exists():
        raise SystemExit(f"{DATA.relative_to(REPO)} does not exist: run with --cldr to take "
                         "the CLDR snapshot")
    sections = json.loads(DATA.read_text(encoding="utf-8"))["sections"]
    section = next(section for section in sections if section["name"] == "cldr")
    if sorted(section["rules"]) != sorted(CLDR_LANGUAGES):
        raise SystemExit("CLDR_LANGUAGES differs from the carried snapshot: run with --cldr "
                         "and review the diff")
    return section


def msgfmt_problem(rule: str, scratch: Path) -> str | None:
    """What ``msgfmt --check`` says about a catalog with this header and a plural message."""
    count = int(re.search(r"nplurals\s*=\s*(\d+)", rule).group(1))
    forms = "".join(f'msgstr[{index}] "x{index} %d"\n' for index in range(count))
    po = scratch / "check.po"
    po.write_text(f'{EMPTY_TEMPLATE}"Plural-Forms: {rule}\\n"\n\n'
                  f'msgid "%d day"\nmsgid_plural "%d days"\n{forms}', encoding="utf-8")
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(po)],
                            capture_output=True, text=True, env=gettext_env())
    if result.returncode:
        return result.stderr.strip() or f"exit status {result.returncode}"
    return None


def refuse_overlaps(gettext: dict[str, str], manual: dict[str, str], cldr: dict[str, str]) -> None:
    """A language gettext covers must never take its rule from a later section."""
    for name, rules in (("gettext-manual", manual), ("cldr", cldr)):
        covered = sorted(set(rules) & set(gettext))
        if covered:
            raise SystemExit(f"msginit has a rule for {', '.join(covered)}: "
                             f"remove them from {name}")
    covered = sorted(set(cldr) & set(manual))
    if covered:
        raise SystemExit(f"the gettext manual has a rule for {', '.join(covered)}: remove them "
                         "from CLDR_LANGUAGES")


def build(take_cldr: bool) -> str:
    """The data file's text: every section, every value accepted by msgfmt --check."""
    version = msginit_version()
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        gettext = gettext_rules(scratch)
        cldr = cldr_section(gettext) if take_cldr else carried_cldr_section()
        refuse_overlaps(gettext, MANUAL_RULES, cldr["rules"])
        sections = [
            {"name": "gettext",
             "source": f"GNU gettext {version}, gettext-tools/src/plural-table.c, "
                       "as written by msginit",
             "rules": gettext},
            {"name": "gettext-manual", "source": MANUAL_SOURCE.format(version=version),
             "rules": MANUAL_RULES},
            cldr,
        ]
        for section in sections:
            for language, rule in section["rules"].items():
                problem = msgfmt_problem(rule, scratch)
                if problem:
                    raise SystemExit(f"msgfmt --check rejects {section['name']} {language}: "
                                     f"{problem}")
    data = {
        "about": "Plural-Forms values written into catalogs, by language code. Generated by "
                 "scripts/plural_table.py: do not edit by hand. Looked up section by section, "
                 "for ll_CC first, then for ll; a language in none takes the installed Babel's.",
        "sections": sections,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cldr", action="store_true",
                        help="re-take the CLDR snapshot from the installed Babel")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when the data file is out of date")
    arguments = parser.parse_args()
    text = build(arguments.cldr)
    current = DATA.read_text(encoding="utf-8") if DATA.exists() else None
    if arguments.check:
        if text != current:
            print(f"{DATA.relative_to(REPO)} is out of date: run scripts/plural_table.py",
                  file=sys.stderr)
            return 1
        return 0
    if text != current:
        DATA.parent.mkdir(parents=True, exist_ok=True)
        DATA.write_text(text, encoding="utf-8")
        print(f"wrote {DATA.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
