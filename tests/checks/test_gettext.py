"""The gettext checks agree with msgfmt --check: header, plural forms, newlines, format strings."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.catalogs.pofile import parse_po, read_po
from pipeline.checks import check_catalog

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
