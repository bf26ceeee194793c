"""A whole review session in Turkish, in real chromium: from a changed string to a publishable language.

The doctor's roster entry says ``locale = "tr"`` and ``timezone = "Europe/Istanbul"``. They
see what changed since a colleague approved a string, a translator's note, correct one
wording on the page (signed, and in the catalog), and move from waiting string to waiting
string with the keyboard until nothing waits and ``pipeline status`` says the language
is publishable.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import ARTIFACTS, Project
from pipeline.catalogs.pofile import format_po, read_po
from pipeline.signoff.verify import entry_digest, read_signoffs
from signing import add_doctor, edit_translation, entry, translate
from tests.signoff.test_server import ITEM, TITLE, arrived, doctor, live

__all__ = ["arrived", "doctor", "live"]  # the fixtures, shared with test_server
pytestmark = pytest.mark.browser

DESCRIPTION = "Cildiniz için minimal invaziv bir prosedür."
NOTE = "please confirm: enlarged pores, not extended"


@pytest.fixture
def site(project: Project, tmp_path, approve_all) -> Project:
    """English fully translated and approved by a colleague on 1 March 2026, 09:30 UTC; since
    then the translator changed three strings and left a note on one of them."""
    project.run("pull")
    translate(project, "en")
    approve_all(project, "en")
    edit_translation(project, "en", TITLE, "[en] What is micro-needling?")
    edit_translation(project, "en", DESCRIPTION, "[en] A minimally invasive procedure for your skin.")
    edit_translation(project, "en", ITEM, "[en] Extended pores")
    catalog = read_po(project.po("en"))
    catalog.entries = [e.replace(comments=(NOTE,)) if e.msgid == ITEM else e for e in catalog.entries]
    project.po("en").write_text(format_po(catalog), encoding="utf-8")
    project.key = add_doctor(project, tmp_path / "keys", languages=("en",),
                             extra='locale = "tr"\ntimezone = "Europe/Istanbul"\n')
    return project


def status(project: Project) -> dict:
    """``pipeline status --lang en --json``: the English report."""
    (report,) = json.loads(project.run("status", "--lang", "en", "--json").output)
    return report


def test_a_whole_session_in_turkish(site, live, doctor):
    assert status(site)["stale"] == 3 and not status(site)["publishable"]
    doctor.goto(f"{live}/")
    assert doctor.locator("h1").inner_text() == "Onayınızı bekleyen çeviriler"
    english = doctor.locator('section[aria-labelledby="lang-en"]')
    assert english.locator("h2").inner_text().startswith("İngilizce")  # not "İNGİLİZCE"
    english.get_by_role("link", name=TITLE).click()
    assert doctor.locator("html").get_attribute("lang") == "tr"
    assert doctor.locator(".summary strong").inner_text() == "3 bekliyor"
    assert doctor.get_by_role("link", name="Yalnızca bekleyenler (3)").get_attribute("aria-current") == "page"

    # n: the first waiting string, changed since the colleague approved it: its diff, in Istanbul time
    doctor.keyboard.press("n")
    title = doctor.locator(f"#e-{_digest(site, TITLE)[:16]}")
    assert doctor.evaluate("location.hash") == f"#e-{_digest(site, TITLE)[:16]}"
    changes = title.locator(".changes").inner_text()
    assert "Dr. Ayşe Demir bunu 1 Mart 2026 12:30:00 TSİ tarihinde onayladığından beri değişenler" in changes
    assert title.locator("del").first.inner_text().strip() == "Mikro İğneleme Nedir"
    assert "micro-needling" in title.locator("ins").first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    doctor.screenshot(path=str(ARTIFACTS / "review-session-tr-diff.png"), full_page=True)

    # a: approve it; the page moves on to the next waiting string
    doctor.keyboard.press("a")
    doctor.wait_for_url(re.compile(r".*done=approved&count=1.*"))
    assert doctor.get_by_role("status").inner_text().startswith("1 metin onaylandı")
    assert doctor.evaluate("location.hash") == f"#e-{_digest(site, DESCRIPTION)[:16]}"
    assert doctor.locator(".summary strong").inner_text() == "2 bekliyor"
    doctor.keyboard.press("a")
    doctor.wait_for_url(re.compile(rf".*#e-{_digest(site, ITEM)[:16]}$"))

    # the translator's note is there; the doctor corrects one word instead of rejecting
    item = doctor.locator(f"#e-{_digest(site, ITEM)[:16]}")
    assert f"Çevirmenin notu: {NOTE}" in item.inner_text()
    item.locator("details.correct summary").click()
    item.locator("details.correct textarea").fill("[en] Enlarged pores")
    item.get_by_role("button", name=re.compile(r"numaralı metni düzelt ve onayla$")).click()
    doctor.wait_for_url(re.compile(r".*done=corrected&count=1.*#queue-done$"))
    corrected = entry(site, "en", ITEM)
    assert corrected.msgstrs == ("[en] Enlarged pores",) and not corrected.fuzzy
    assert any("Dr. Test Hekim" in comment for comment in corrected.comments)
    approval = read_signoffs(site.config, "en").approved[entry_digest("en", corrected)]
    assert approval.reviewer == "dr-test"

    # the count reaches zero, and the language becomes publishable
    assert doctor.locator(".summary strong").inner_text() == "0 bekliyor"
    assert doctor.locator("#queue-done").inner_text().startswith("Bu makalede sizi bekleyen bir şey yok.")
    total = doctor.locator("progress#progress").get_attribute("max")
    assert doctor.locator("progress#progress").get_attribute("value") == total
    doctor.screenshot(path=str(ARTIFACTS / "review-session-tr-done.png"), full_page=True)
    assert status(site)["publishable"] and status(site)["stale"] == status(site)["waiting"] == 0
    doctor.goto(f"{live}/")
    assert "tamamen incelendi: bir sonraki derlemede yayımlanır" in doctor.locator(
        'section[aria-labelledby="lang-en"]').inner_text()


def _digest(project: Project, msgid: str) -> str:
    return entry_digest("en", entry(project, "en", msgid))

