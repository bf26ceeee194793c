"""The review page as a queue, in the doctor's language: waiting only, search, next waiting, progress."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from conftest import REPO
from pipeline.signoff.page import article_view
from pipeline.catalogs.pofile import read_po
from pipeline.signoff.queue import Listing, article_progress, fold, lowest_scores, next_waiting, shown_rows
from pipeline.signoff.review import approve, open_signer
from pipeline.signoff.review import translated_entries
from tests.signoff.test_server import ITEM, TITLE, arrived, digest_of, doctor, get, live, make_app, post, \
    shown, site
from signing import add_doctor

__all__ = ["arrived", "doctor", "live", "site"]  # the fixtures, shared with test_server
DESCRIPTION = "Cildiniz için minimal invaziv bir prosedür."


def approve_strings(project, language: str, *msgids: str) -> None:
    config = project.config
    signer = open_signer(config, language, "dr-test", project.key)
    entries = translated_entries(config, language)
    approve(config, language, signer, [entries[digest_of(project, language, m)] for m in msgids])


# ---------------------------------------------------------------- the queue's rules


def test_search_ignores_case_and_the_dotted_i():
    assert fold("MİKRO İĞNELEME") == fold("mikro iğneleme") == fold("MIKRO IĞNELEME")
    assert "iğne" in fold("İĞNELEME") and "iğne" in fold("ığne") and "kilavuz" in fold("KILAVUZ")


def test_the_queue_lists_waiting_rows_in_order_and_moves_on(site):
    approve_strings(site, "en", DESCRIPTION)
    rows = article_view(site.config, "en", "mikro").rows
    waiting = shown_rows(rows, Listing())
    assert [row.number for row in waiting] == [row.number for row in rows if row.waiting]
    assert DESCRIPTION not in [row.entry.msgid for row in waiting]
    assert len(shown_rows(rows, Listing(show_all=True))) == len(rows)
    assert [row.entry.msgid for row in shown_rows(rows, Listing(query="MİKRO NEDİR"))] == [TITLE]
    assert next_waiting(rows, 1).number == 3  # 2 is approved
    assert next_waiting(rows, rows[-1].number).number == 1  # past the last: back to the first
    assert Listing.of({"show": "all", "q": "  a  b ", "sort": "score"}).params() == {
        "show": "all", "q": "a b", "sort": "score"}
    assert Listing(query="ğ&x").link(show_all=True) == "?show=all&q=%C4%9F%26x"
    assert Listing().link() == ""


def test_sorting_by_score_puts_the_lowest_agreement_first_and_flags_it(site, monkeypatch):
    backs = {TITLE: "Mikro iğneleme nedir?", ITEM: "Bambaşka bir şey", DESCRIPTION: "Cildiniz için prosedür"}
    monkeypatch.setattr("pipeline.mt.backtranslate.back_translations",
                        lambda config, language, entries: {e.key: backs[e.msgid]
                                                           for e in entries if e.msgid in backs})
    rows = article_view(site.config, "en", "mikro").rows
    ordered = shown_rows(rows, Listing(by_score=True))
    assert [row.entry.msgid for row in ordered[:3]] == [ITEM, DESCRIPTION, TITLE]
    assert all(row.score is None for row in ordered[3:])
    (lowest,) = lowest_scores(rows)
    assert lowest == next(row.number for row in rows if row.entry.msgid == ITEM)
    html = get(TestClient(make_app(site)), "/en/mikro/?sort=score").text
    html = html[html.index("<tbody>"):]
    assert html.index(f">{ITEM}<") < html.index(f">{DESCRIPTION}<") < html.index(f">{TITLE}<")
    assert html.count("Look closely:") == 1 and "agreement with the source" in html


# ---------------------------------------------------------------- the page


def test_the_page_shows_waiting_rows_by_default_and_all_on_request(site):
    approve_strings(site, "en", DESCRIPTION)
    client = TestClient(make_app(site))
    waiting = get(client, "/en/mikro/").text
    assert f">{DESCRIPTION}<" not in waiting and f">{TITLE}<" in waiting
    assert re.search(r'aria-current="page">Waiting only \(5\)</a>', waiting)
    assert "Show all (6)" in waiting
    assert re.search(r'<label for="progress">1 of 6 approved</label>\s*<progress id="progress" max="6" '
                     r'value="1">', waiting)
    everything = get(client, "/en/mikro/?show=all").text
    assert f">{DESCRIPTION}<" in everything and re.search(r'aria-current="page">Show all', everything)


def test_a_search_finds_rows_and_says_when_nothing_matches(site):
    client = TestClient(make_app(site))
    found = get(client, "/en/mikro/", params={"q": "MİKRO"}).text
    assert f">{TITLE}<" in found and f">{ITEM}<" not in found
    assert 'value="MİKRO"' in found and "Approve every waiting string found" in found
    assert found.count('<input type="hidden" name="q" value="MİKRO">') >= 2  # decisions keep it
    none = get(client, "/en/mikro/", params={"q": "zzz"}).text
    assert "No string matches “zzz”." in none and "<table" not in none


def test_after_a_decision_the_page_moves_to_the_next_waiting_string(site):
    client = TestClient(make_app(site))
    response = post(client, "/en/mikro/approve", **shown(site, "en", TITLE), q="", show="all")
    description = digest_of(site, "en", DESCRIPTION)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"&show=all#e-{description[:16]}")
    rows = article_view(site.config, "en", "mikro").rows
    for row in rows[2:]:
        approve_strings(site, "en", row.entry.msgid)
    last = post(client, "/en/mikro/approve", **shown(site, "en", DESCRIPTION))
    assert last.headers["location"].endswith("#queue-done")
    page = client.get(last.headers["location"]).text
    assert 'id="queue-done"' in page and "Nothing of this article is waiting for you." in page


def test_the_overview_shows_progress_and_puts_the_closest_language_first(site):
    approve_strings(site, "de", TITLE, DESCRIPTION)
    html = get(TestClient(make_app(site)), "/").text
    german, english = html.index('id="lang-de"'), html.index('id="lang-en"')
    assert german < english  # de: 2 approved, fewer strings left
    assert '<td class="count">2 of 6</td>' in html  # the article
    assert re.search(r'<progress id="progress-de" max="18" value="2">', html)  # with the site's strings


# ---------------------------------------------------------------- in Turkish


@pytest.fixture
def turkish_doctor(site, tmp_path):
    roster = site.root / "reviewers.toml"
    roster.write_text("", encoding="utf-8")
    site.key = add_doctor(site, tmp_path / "tr-keys", languages=("en", "de", "ar"),
                          extra='locale = "tr"\ntimezone = "Europe/Istanbul"\n')
    return site


def test_the_page_speaks_the_doctors_roster_language_and_time_zone(turkish_doctor):
    site = turkish_doctor
    approve_strings(site, "en", TITLE)
    client = TestClient(make_app(site))
    html = get(client, "/en/mikro/?show=all", headers={"Accept-Language": "en-US,en"}).text
    assert '<html lang="tr"' in html and ">Onayla</button>" in html
    assert "İngilizce çeviri" in html and "Türkçe kaynak" in html
    assert re.search(r"Onaylandı</span> Dr\. Test Hekim, \d+ \w+ 2\d{3} \d\d:\d\d:\d\d TSİ", html)
    assert "Approve" not in html.replace('class="approve', "")
    overview = get(client, "/").text
    assert "Onayınızı bekleyen çeviriler" in overview and "Almanca" in overview


def test_without_a_roster_language_the_browser_decides(site):
    client = TestClient(make_app(site))
    turkish = get(client, "/en/mikro/", headers={"Accept-Language": "tr-TR,tr;q=0.9,en;q=0.5"}).text
    assert '<html lang="tr"' in turkish and "Yalnızca bekleyenler" in turkish
    english = get(client, "/en/mikro/", headers={"Accept-Language": "fr-FR,de;q=0.8"}).text
    assert '<html lang="en"' in english and "Waiting only" in english


def test_messages_of_the_server_speak_turkish_too(turkish_doctor):
    response = post(TestClient(make_app(turkish_doctor)), "/en/mikro/approve",
                    **shown(turkish_doctor, "en", TITLE))
    page = TestClient(make_app(turkish_doctor)).get(response.headers["location"]).text
    assert "1 metin onaylandı: anahtarınızla imzalandı" in page


def test_the_sheet_is_printed_in_the_doctors_language(turkish_doctor, tmp_path):
    out = tmp_path / "sheet.html"
    result = turkish_doctor.run("review", "sheet", "--lang", "de", "--reviewer", "dr-test",
                                "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<html lang="tr">' in html and "İnceleme formu: Almanca (de)" in html
    assert re.search(r"yazdırılma: \d+ \w+ 2\d{3} \d\d:\d\d:\d\d TSİ", html)
    english = turkish_doctor.run("review", "sheet", "--lang", "de", "-o", str(tmp_path / "en.html"))
    assert english.exit_code == 0 and "Review sheet: German (de)" in (tmp_path / "en.html").read_text()


def test_no_style_uppercases_text():
    """The dotted-İ fix at its root: CSS uppercasing follows lang, so it is not used at all."""
    styles = [REPO / "pipeline/signoff/static/review.css",
              *(REPO / "pipeline/signoff/templates").glob("*.html")]
    assert not [path.name for path in styles if "uppercase" in re.sub(
        r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)]


# ---------------------------------------------------------------- review serve --open


def test_serve_open_opens_the_printed_address_in_the_browser(site, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    monkeypatch.setattr("uvicorn.Server.run", lambda self, sockets=None: None)  # no real serving
    result = site.run("review", "serve", "--reviewer", "dr-test", "--key-file", str(site.key),
                      "--open")
    assert result.exit_code == 0, result.output
    (url,) = opened
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/t/[\w-]{40,}/", url) and f"    {url}" in result.output
    assert site.run("review", "serve", "--reviewer", "dr-test", "--key-file", str(site.key)
                    ).exit_code == 0
    assert len(opened) == 1  # without --open nothing is opened


def test_serve_says_so_when_no_browser_opens(site, monkeypatch):
    monkeypatch.setattr("webbrowser.open", lambda url: False)
    monkeypatch.setattr("uvicorn.Server.run", lambda self, sockets=None: None)
    result = site.run("review", "serve", "--reviewer", "dr-test", "--key-file", str(site.key), "--open")
    assert "No browser could be opened here: open the address above yourself." in result.output



def test_the_terminal_session_speaks_turkish(turkish_doctor):
    result = turkish_doctor.run("review", "approve", "--lang", "en", "--reviewer", "dr-test",
                                "--key-file", str(turkish_doctor.key), input="s\nq\n")
    assert result.exit_code == 0, result.output
    assert "Türkçe:" in result.output and "İngilizce:" in result.output
    assert "[a] onayla" in result.output and "  atlandı" in result.output


# ---------------------------------------------------------------- the keyboard, in chromium


@pytest.mark.browser
def test_the_keyboard_moves_searches_and_opens_a_rejection(site, live, doctor):
    doctor.goto(f"{live}/en/mikro/")
    rows = doctor.locator("tr.row.waiting")
    first, second = rows.nth(0).get_attribute("id"), rows.nth(1).get_attribute("id")
    doctor.keyboard.press("n")
    assert doctor.evaluate("location.hash") == f"#{first}"
    doctor.keyboard.press("n")
    assert doctor.evaluate("location.hash") == f"#{second}"
    doctor.keyboard.press("p")
    assert doctor.evaluate("location.hash") == f"#{first}"
    doctor.keyboard.press("r")  # opens the note box of the string you are on, nothing is signed
    assert doctor.evaluate("document.activeElement.id") == "note-1"
    assert doctor.locator(f"#{first} details.reject").get_attribute("open") is not None
    doctor.keyboard.type("a n p")  # typing in the note is not a shortcut
    assert doctor.evaluate("location.hash") == f"#{first}"
    assert doctor.locator("#note-1").input_value() == "a n p"
    assert "Approved" not in doctor.content() and not (site.root / "locale/en/signoffs.jsonl").exists()
    doctor.locator("#note-1").blur()
    doctor.keyboard.press("/")
    assert doctor.evaluate("document.activeElement.id") == "search"
    doctor.keyboard.type("gözenek")
    doctor.keyboard.press("Enter")
    doctor.wait_for_url("**/en/mikro/?q=g%C3%B6zenek")
    assert doctor.locator("tbody tr").count() == 1



def test_within_a_language_the_article_nearest_to_done_comes_first(site, approve_all):
    from pipeline.signoff.page import language_overview
    from pipeline.signoff.queue import articles_closest_first
    from signing import edit_translation, translate
    translate(site, "en", slug="site")
    approve_all(site, "en", domain_filter=lambda domain: domain == "site")
    overview = language_overview(site.config, "en")
    assert [a.domain for a in overview.articles] == ["mikro", "site"]  # the gate's order
    assert [a.domain for a in articles_closest_first(overview)] == ["mikro", "site"]  # site: done
    first_site_string = read_po(site.po("en", "site")).messages[0].msgid
    edit_translation(site, "en", first_site_string, "[en] changed", slug="site")
    overview = language_overview(site.config, "en")
    assert [article_progress(a).remaining for a in overview.articles] == [6, 1]
    assert [a.domain for a in articles_closest_first(overview)] == ["site", "mikro"]  # 1 left < 6


def test_without_a_roster_zone_times_are_in_the_sites_zone(site):
    config = site.root / "pipeline.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Test Kliniği"', 'name = "Test Kliniği"\ntimezone = "Asia/Tokyo"'), encoding="utf-8")
    approve_strings(site, "en", TITLE)
    html = get(TestClient(make_app(site)), "/en/mikro/?show=all").text
    assert re.search(r"Approved</span> by Dr\. Test Hekim on \w+ \d+, 2\d{3}, \d+:\d\d:\d\d\s[AP]M "
                     r"\+0900", html)  # Babel writes Tokyo time with its offset
