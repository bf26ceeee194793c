"""The doctors' review page: the token guard, decisions exactly as on the command line, a real browser."""

from __future__ import annotations

import html as htmllib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from conftest import REPO, Project
from disks import FULL, mount_disk_fixture  # noqa: F401 (the mount_disk fixture)
from pipeline.cache import Store
from pipeline.checks import WARNING, Finding, check_catalog
from pipeline.gate.facts import BUNDLE, DETAILS, FACTS, CatalogFacts, EntryRow, FactsStore, \
    catalog_paths
from pipeline.gate.verdict import APPROVED, DISPUTED, evaluate
from pipeline.catalogs.pofile import read_po
from pipeline.signoff.page import key_field
from pipeline.signoff.review import approve, open_signer, open_signer_for, reject, translated_entries
from pipeline.signoff.server import (LOOPBACK_NAMES, SECURITY_HEADERS, ServeError, address,
                                    allowed_hosts, bind, create_app)
from pipeline.signoff.verify import entry_digest, read_signoffs
from signing import add_doctor, edit_translation, entry, ledger, ledger_lines, serving, translate
from conftest import ARTIFACTS

TOKEN = "per-run-token-for-tests-0123456789abcdef"
BASE = f"/t/{TOKEN}"  # every page and form of the run
TITLE = "Mikro İğneleme Nedir?"
ITEM = "Genişletilmiş gözenekler"
OWN_ORIGIN = "http://testserver"
# What chromium sends with the review page's own form posts (Referrer-Policy: no-referrer).
OWN_POST = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def site(project, tmp_path):
    """The test article: English translated, German and Arabic drafted (fuzzy); one doctor for all three."""
    project.run("pull")
    translate(project, "en", slug="mikro")
    translate(project, "de", slug="mikro", fuzzy=True)
    translate(project, "ar", slug="mikro", fuzzy=True)
    project.key = add_doctor(project, tmp_path / "keys", languages=("en", "de", "ar"))
    return project


def make_app(project, languages=None, hosts=("testserver",), log=None):
    signer, languages = open_signer_for(project.config, languages, "dr-test", project.key)
    return create_app(project.config, signer, languages, TOKEN, hosts, log)


@pytest.fixture
def client(site):
    """A client that opened the printed address; it sends paths under /t/TOKEN itself (``get``)."""
    client = TestClient(make_app(site))
    assert client.get(f"{BASE}/").status_code == 200
    return client


def get(client: TestClient, path: str, **kwargs: Any) -> httpx.Response:
    return client.get(BASE + path, **kwargs)


def digest_of(project, language, msgid):
    return next(d for d, t in translated_entries(project.config, language).items()
                if t.entry.msgid == msgid)


def shown(project: Project, language: str, *msgids: str,
          msgctxt: str | None = None) -> dict[str, Any]:
    """The fields a decision form carries for these strings: each digest and entry key."""
    return {"digest": [digest_of(project, language, msgid) for msgid in msgids],
            "key": [key_field((msgctxt, msgid)) for msgid in msgids]}


def post(client: TestClient, path: str, headers: Any = OWN_POST, token: str | None = TOKEN,
         base: str = BASE, **fields: Any) -> httpx.Response:
    """A decision as the page's own form sends it (``path`` under /t/TOKEN)."""
    data = {"token": token, **fields} if token is not None else fields
    return client.post(base + path, data=data, headers=headers, follow_redirects=False)


def changed_files(project, before):
    return {name for name, (data, _) in project.snapshot().items()
            if before.get(name, (None,))[0] != data} | (set(before) - set(project.snapshot()))


# ---------------------------------------------------------------- the guard


ROUTES = ["/", "/en/mikro/", "/ar/mikro/", "/en/site/", "/static/review.css", "/en/nope/", "/xx"]
DECISIONS = ["/en/mikro/approve", "/en/mikro/reject", "/en/mikro/approve-all", "/en/mikro/correct"]
# Addresses that do not carry this run's token as the first part of the path.
NOT_THE_TOKEN = ["", "/t/guessed", f"/t/{TOKEN}x", f"/t/{TOKEN[:-1]}", f"/T/{TOKEN}", f"/t//{TOKEN}",
                 f"/x/{TOKEN}", f"/t/{TOKEN.upper()}"]


@pytest.mark.parametrize("path", ROUTES)
def test_every_page_needs_the_token_in_its_path(site: Project, path: str) -> None:
    anonymous = TestClient(make_app(site))
    for prefix in NOT_THE_TOKEN:
        refused = anonymous.get(prefix + path)
        assert (refused.status_code, refused.text) == (404, "Not Found"), prefix + path
    # The token anywhere but the path (the old address, a cookie) is not the token either.
    assert anonymous.get(path, params={"token": TOKEN}).status_code == 404
    anonymous.cookies.set("pipeline-review-80", TOKEN)
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(f"{BASE}{path}").status_code in (200, 404)  # /en/nope/, /xx: no such page
    assert anonymous.get(f"{BASE}/").status_code == 200


@pytest.mark.parametrize("path", DECISIONS)
def test_a_decision_without_the_token_is_refused_and_changes_nothing(
        site: Project, client: TestClient, path: str) -> None:
    before = site.snapshot()
    fields = {**shown(site, "en", ITEM), "note": "x", "read": "yes"}
    for prefix in NOT_THE_TOKEN:
        assert post(client, path, base=prefix, **fields).status_code == 404
    assert post(client, path, base="", **fields).status_code == 404
    assert post(client, path, token=None, **fields).status_code == 403  # the path alone: not enough
    assert post(client, path, token="guessed", **fields).status_code == 403
    assert site.snapshot() == before


# Headers of a POST that did not come from the review page itself, or does not say so.
FOREIGN = {
    "another site": {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
    "another port": {"Origin": "http://testserver:8080", "Sec-Fetch-Site": "same-site"},
    "another port, no-referrer": {"Origin": "null", "Sec-Fetch-Site": "same-site"},
    "a sandboxed page": {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    "another scheme": {"Origin": "https://testserver", "Sec-Fetch-Site": "cross-site"},
    "own origin, but same-site": {"Origin": OWN_ORIGIN, "Sec-Fetch-Site": "same-site"},
    "own origin, but cross-site": {"Origin": OWN_ORIGIN, "Sec-Fetch-Site": "cross-site"},
    "typed in the address bar": {"Origin": OWN_ORIGIN, "Sec-Fetch-Site": "none"},
    "no Origin": {"Sec-Fetch-Site": "same-origin"},
    "no Sec-Fetch-Site": {"Origin": OWN_ORIGIN},
    "no Sec-Fetch-Site, null": {"Origin": "null"},
    "neither": {},
    "a foreign Origin said to be same-origin": {"Origin": "http://evil.example",
                                                "Sec-Fetch-Site": "same-origin"},
    "two Origins": [("Origin", OWN_ORIGIN), ("Origin", "http://evil.example"),
                    ("Sec-Fetch-Site", "same-origin")],
    "two Sec-Fetch-Sites": [("Origin", "null"), ("Sec-Fetch-Site", "same-origin"),
                            ("Sec-Fetch-Site", "cross-site")],
}


@pytest.mark.parametrize("path", DECISIONS)
@pytest.mark.parametrize("case", list(FOREIGN))
def test_a_post_not_from_the_page_itself_is_refused_and_changes_nothing(
        site: Project, client: TestClient, path: str, case: str) -> None:
    before = site.snapshot()
    fields = {**shown(site, "en", ITEM), "note": "x", "read": "yes"}
    response = post(client, path, headers=FOREIGN[case], **fields)
    assert response.status_code == 403 and "did not come from the review page" in response.text
    assert "set-cookie" not in response.headers
    assert site.snapshot() == before  # ledger and catalogs byte for byte, and untouched
    assert not ledger(site, "en").exists()


@pytest.mark.parametrize("origin", ["null", OWN_ORIGIN])
def test_the_pages_own_post_is_accepted_with_its_origin_or_null(
        site: Project, client: TestClient, origin: str) -> None:
    response = post(client, "/en/mikro/approve", headers={"Origin": origin,
                                                          "Sec-Fetch-Site": "same-origin"},
                    **shown(site, "en", TITLE))
    assert response.status_code == 303
    assert digest_of(site, "en", TITLE) in read_signoffs(site.config, "en").approved


def test_a_foreign_host_is_refused_even_with_the_token(site):
    rebound = TestClient(make_app(site, hosts=LOOPBACK_NAMES), base_url="http://evil.example")
    refused = rebound.get(f"{BASE}/")
    assert (refused.status_code, refused.text) == (404, "Not Found")
    assert allowed_hosts("127.0.0.1") == allowed_hosts("localhost") == LOOPBACK_NAMES
    assert allowed_hosts("0.0.0.0") is None and allowed_hosts("Review.Lan") == {"review.lan"}


def test_no_cookie_is_ever_set_and_every_link_carries_the_token(site: Project, client: TestClient) -> None:
    responses = [client.get(prefix + path) for prefix in ("", BASE) for path in ROUTES]
    responses += [client.get(f"/?token={TOKEN}"), get(client, "/en/mikro/?done=approved&count=1")]
    responses += [post(client, path, **shown(site, "en", ITEM), note="x", read="yes")
                  for path in DECISIONS]
    responses += [post(client, DECISIONS[0], headers=FOREIGN["another port"],
                       **shown(site, "en", TITLE))]
    assert all("set-cookie" not in response.headers for response in responses)
    assert not client.cookies
    page = get(client, "/en/mikro/").text + get(client, "/").text
    addresses = re.findall(r'(?:href|action)="([^"#]+)"', page)
    assert addresses and all(address.startswith(f"{BASE}/") for address in addresses)


@pytest.mark.parametrize("site_header", ["same-site", "cross-site"])
def test_a_page_opened_from_another_page_is_refused(client: TestClient, site_header: str) -> None:
    refused = get(client, "/en/mikro/", headers={"Sec-Fetch-Site": site_header})
    assert refused.status_code == 403 and "did not come from the review page" in refused.text
    assert ITEM not in refused.text
    for allowed in ("none", "same-origin"):  # typed or pasted; a link of the page itself
        assert get(client, "/en/mikro/", headers={"Sec-Fetch-Site": allowed}).status_code == 200


@pytest.mark.parametrize("path", [f"{BASE}/", f"{BASE}/en/mikro/", f"{BASE}/static/review.css",
                                  "/nope", f"{BASE}/nope"])
def test_every_response_carries_a_strict_security_policy(client, path):
    for response in (client.get(path), TestClient(client.app).get(path)):
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "style-src 'self'" in csp
        assert "form-action 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp  # only the page's own file, never inline or foreign script
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"  # the token stays here
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
        assert all(response.headers[name] == value for name, value in SECURITY_HEADERS.items())


def test_decisions_are_post_only_and_reading_changes_nothing(site, client):
    before = site.snapshot()
    for path in [*ROUTES, "/en/mikro/?done=approved&count=3&changed=2", "/de/mikro/", "/"]:
        get(client, path)
    for path in DECISIONS:
        assert get(client, path + f"?digest={digest_of(site, 'en', ITEM)}&note=x").status_code == 405
    assert site.snapshot() == before


def test_only_the_doctors_languages_and_known_articles_are_served(site, tmp_path):
    client = TestClient(make_app(site, languages=["en"]))
    assert get(client, "/en/mikro/").status_code == 200
    assert get(client, "/de/mikro/").status_code == 404
    assert get(client, "/en/other/").status_code == 404
    assert "German" not in get(client, "/").text


# ---------------------------------------------------------------- the pages


def test_the_overview_counts_what_is_waiting_per_language(client):
    html = get(client, "/").text
    assert re.search(r"<strong>18</strong> strings are waiting for you in 3 languages", html)
    left = [int(n) for n in re.findall(r"not published yet: (\d+) strings? still to translate", html)]
    assert len(left) == 3 and left == sorted(left)  # the language closest to publication first
    assert f'<a href="{BASE}/en/mikro/" lang="tr">Mikro İğneleme Nedir?</a>' in html
    assert '<td class="count waiting">6</td>' in html
    assert '<progress id="progress-en" max="' in html


def test_the_article_page_shows_every_string_in_reading_order(site, client, monkeypatch):
    # The page shows whatever the machine-translation store holds as back-translations.
    monkeypatch.setattr("pipeline.mt.backtranslate.back_translations",
                        lambda config, language, entries: {e.key: f"BACK: {e.msgid}"
                                                           for e in entries if e.msgid == ITEM})
    edit_translation(site, "ar", ITEM, '<script>alert("x")</script> مسام')
    html = get(client, "/ar/mikro/").text
    positions = [html.index(f">{escape(e.msgid)}<") for e in read_po(site.po("ar")).messages]
    assert len(positions) == 6 and positions == sorted(positions)
    assert html.count('class="row state-waiting') == 6
    assert html.count('class="text translation" lang="ar" dir="rtl"') == 6
    assert html.count('name="text" rows="3" lang="ar" dir="rtl"') == 6  # the correction fields
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert f"BACK: {ITEM}" in html and "no back-translation" in html and "not cached" not in html
    assert "looks untranslated" in html  # the check warnings of the row
    assert "Draft (fuzzy): approving accepts this wording." in html
    assert 'aria-label="Approve string 1"' in html and '<label for="note-1">' in html


def test_approving_writes_exactly_what_the_command_line_writes(site, client, tmp_path):
    twin = Project(tmp_path / "twin")
    shutil.copytree(site.root, twin.root)
    digest = digest_of(site, "de", TITLE)
    response = post(client, "/de/mikro/approve", **shown(site, "de", TITLE))
    assert response.status_code == 303
    following = digest_of(site, "de", "Cildiniz için minimal invaziv bir prosedür.")  # string 2
    assert response.headers["location"] == (f"{BASE}/de/mikro/?done=approved&count=1&changed=0"
                                            f"#e-{following[:16]}")
    cli = twin.run("review", "approve", "--lang", "de", "--reviewer", "dr-test", "--key-file",
                   str(site.key), "--entry", digest)
    assert cli.exit_code == 0, cli.output
    assert _without_time(ledger_lines(site, "de")) == _without_time(ledger_lines(twin, "de"))
    assert site.po("de").read_bytes() == twin.po("de").read_bytes()
    assert not entry(site, "de", TITLE).fuzzy and entry(site, "de", ITEM).fuzzy
    approval = read_signoffs(site.config, "de").approved[digest]
    assert (approval.reviewer, approval.name) == ("dr-test", "Dr. Test Hekim")
    page = client.get(response.headers["location"]).text
    assert "Approved 1 string: signed with your key and saved in the ledger." in page
    assert f'id="e-{digest[:16]}"' not in page  # waiting only: the decided string leaves the queue
    page = get(client, "/de/mikro/?show=all").text
    assert re.search(r"Approved</span> by Dr. Test Hekim on \w+ \d+, \d{4}, \d+:\d\d:\d\d\s[AP]M UTC", page)


def test_a_decision_on_a_full_disk_is_one_line_on_the_page_and_changes_nothing(
        site: Project, client: TestClient, mount_disk, monkeypatch) -> None:
    monkeypatch.chdir(site.root)
    disk = mount_disk(site.root)
    disk.fill()
    before = site.snapshot()
    response = post(client, "/de/mikro/approve", **shown(site, "de", TITLE))
    assert response.status_code == 500
    assert f"locale/de/LC_MESSAGES/mikro.po: {FULL}" in htmllib.unescape(response.text)
    assert site.snapshot() == before


def test_rejecting_writes_exactly_what_the_command_line_writes(site, client, tmp_path):
    twin = Project(tmp_path / "twin")
    shutil.copytree(site.root, twin.root)
    digest = digest_of(site, "en", ITEM)
    note = "  'enlarged pores',\n not 'extended' "
    assert post(client, "/en/mikro/reject", **shown(site, "en", ITEM), note=note).status_code == 303
    cli = twin.run("review", "reject", "--lang", "en", "--reviewer", "dr-test", "--key-file",
                   str(site.key), "--entry", digest, "--note", note)
    assert cli.exit_code == 0, cli.output
    (line,) = ledger_lines(site, "en")
    assert _without_time([line]) == _without_time(ledger_lines(twin, "en"))
    assert line["meaning"] == "reject" and line["note"] == "'enlarged pores', not 'extended'"
    rejected = next(e for e in read_po(site.po("en")).messages if e.msgid == ITEM)
    assert rejected.fuzzy
    assert rejected.comments == (f"rejected by Dr. Test Hekim on {line['time'][:10]}: "
                                 "'enlarged pores', not 'extended'",)
    dated = re.compile(rb"on \d{4}-\d\d-\d\d:")
    assert dated.sub(b"", site.po("en").read_bytes()) == dated.sub(b"", twin.po("en").read_bytes())
    assert read_signoffs(site.config, "en").rejected[digest].note == line["note"]
    assert "Rejected</span> by Dr. Test Hekim" in get(client, "/en/mikro/?show=all").text


def test_a_rejection_without_a_note_signs_nothing(site, client):
    before = site.snapshot()
    response = post(client, "/en/mikro/reject", **shown(site, "en", ITEM), note=" \n ")
    assert response.status_code == 409 and "a rejection needs a note" in response.text
    assert site.snapshot() == before


def test_a_string_edited_after_the_page_was_loaded_is_not_signed(site, client):
    old = shown(site, "en", ITEM)
    edit_translation(site, "en", ITEM, "Enlarged pores")
    before = site.snapshot()
    for path, fields in (("/en/mikro/approve", {}), ("/en/mikro/reject", {"note": "no"})):
        response = post(client, path, **old, **fields)
        assert response.status_code == 409 and "changed since the page was loaded" in response.text
        assert ">Enlarged pores<" in response.text  # the page shows the new text
    assert post(client, "/en/mikro/approve", digest="0" * 64, key=old["key"]).status_code == 409
    assert site.snapshot() == before


def test_only_the_digest_of_the_entry_the_form_names_is_signed(site: Project, client: TestClient) -> None:
    """A digest of another string of the article, sent with this string's key, signs nothing."""
    before = site.snapshot()
    title, item = shown(site, "en", TITLE), shown(site, "en", ITEM)
    crossed = {"digest": item["digest"], "key": title["key"]}
    for path, fields in (("/en/mikro/approve", {}), ("/en/mikro/reject", {"note": "no"}),
                         ("/en/mikro/approve-all", {"read": "yes"})):
        response = post(client, path, **crossed, **fields)
        assert response.status_code in (303, 409)
    assert site.snapshot() == before
    assert "1 string changed since the page was loaded" in client.get(
        post(client, "/en/mikro/approve-all", **crossed, read="yes").headers["location"]).text
    for malformed in ({"digest": title["digest"]}, {"key": title["key"]},
                      {"digest": title["digest"], "key": "[null]"},
                      {"digest": title["digest"], "key": "not json"},
                      {"digest": title["digest"] + [item["digest"][0]], "key": title["key"]},
                      {**shown(site, "en", TITLE, ITEM)}):  # one decision names one string
        assert post(client, "/en/mikro/approve", **malformed).status_code == 400
    assert site.snapshot() == before


def test_a_string_of_another_article_is_not_signed_from_this_one(site, client):
    translate(site, "en", slug="site")
    before = site.snapshot()
    chrome = next(t for d, t in translated_entries(site.config, "en").items()
                  if t.places[0].domain == "site")
    fields = {"digest": chrome.digest, "key": key_field(chrome.entry.key)}
    assert post(client, "/en/mikro/approve", **fields).status_code == 409
    assert site.snapshot() == before


def forge_facts(project: Project, language: str, domain: str,
                change: Callable[[CatalogFacts], None]) -> None:
    """Plant forged gate facts for one catalog, as whoever holds the cache secret could.

    The store is opened with the secret the tests use ($PIPELINE_CACHE_SECRET), so the
    forged values verify: the gate itself now takes them as the truth about the catalog.
    """
    config = project.config
    kept = FactsStore(config, language, check_catalog)
    catalogs = catalog_paths(config, language)
    kept.prepare(catalogs)
    store = Store(config.cache_dir)
    bundle = {}
    for name, path, shown_path in catalogs:
        facts = kept.facts(name, path, shown_path)
        if facts is None:
            continue
        facts.entries(), facts.findings()
        if name == domain:
            change(facts)
        key = kept._key(name, shown_path, facts.sha)
        store.put_json(FACTS, key, facts.to_json())
        store.put(DETAILS, key, facts.details_line(name).encode("utf-8"))
        bundle[name] = facts.to_json()
    assert kept.bundle is not None
    store.put_json(BUNDLE, kept.bundle, bundle)


def test_a_forged_cache_changes_neither_what_is_shown_nor_what_is_signed(
        site: Project, client: TestClient) -> None:
    """The gate's kept facts swap two digests of the article and add texts: the page uses none of it."""
    catalog = read_po(site.po("en"))
    real = {e.key: entry_digest("en", e, catalog.header_field("Plural-Forms"))
            for e in catalog.messages}
    title, item = (None, TITLE), (None, ITEM)

    def swap(facts: CatalogFacts) -> None:
        rows = facts.entries()
        first, second = (next(n for n, row in enumerate(rows) if (row.msgctxt, row.msgid) == key)
                         for key in (title, item))
        facts.digests[first], facts.digests[second] = facts.digests[second], facts.digests[first]
        facts.rows = [EntryRow(row.msgctxt, row.msgid, row.line, row.error, ("FORGED TEXT",))
                      for row in rows]
        facts.found = [*facts.findings(), Finding("forged", WARNING, "FORGED WARNING",
                                                  "locale/en/LC_MESSAGES/mikro.po", 1, TITLE)]

    forge_facts(site, "en", "mikro", swap)
    mikro = next(d for d in evaluate(site.config, "en").domains if d.domain == "mikro")
    assert mikro.digests[title] == real[item]  # the forgery took: the gate believes it
    before = site.snapshot()

    page = get(client, "/en/mikro/").text
    assert "FORGED" not in page
    pairs = re.findall(r'name="digest" value="([0-9a-f]{64})">\s*<input type="hidden" name="key" '
                       r'value="([^"]+)"', page)
    assert pairs and {(digest, tuple(json.loads(htmllib.unescape(key)))) for digest, key in pairs} \
        == {(digest, key) for key, digest in real.items()}
    # The form of the title as the forged cache would have had it: item's digest, title's key.
    forged = {"digest": real[item], "key": key_field(title)}
    for path, fields in (("/en/mikro/approve", {}), ("/en/mikro/reject", {"note": "no"})):
        response = post(client, path, **forged, **fields)
        assert response.status_code == 409 and "FORGED" not in response.text
    post(client, "/en/mikro/approve-all", **forged, read="yes")
    assert site.snapshot() == before  # nothing signed, no catalog touched

    assert post(client, "/en/mikro/approve", digest=real[title], key=key_field(title)).status_code == 303
    (line,) = ledger_lines(site, "en")
    assert list(line["digests"]) == [real[title]]


def test_a_disputed_string_is_shown_with_both_doctors(
        site: Project, client: TestClient, tmp_path: Path) -> None:
    other = add_doctor(site, tmp_path / "keys", reviewer="dr-other", languages=("en",),
                       name="Dr. Başka Hekim")
    config = site.config
    target = translated_entries(config, "en")[digest_of(site, "en", ITEM)]
    reject(config, "en", open_signer(config, "en", "dr-test", site.key), target, "wrong term")
    approve(config, "en", open_signer(config, "en", "dr-other", other), [target])
    assert target.digest in read_signoffs(config, "en").disputed
    page = get(client, "/en/mikro/?show=all").text
    assert "1 disputed" in page and "Disputed</span> approved by Dr. Başka Hekim" in page
    assert get(client, "/").status_code == 200
    mikro = next(d for d in evaluate(config, "en").domains if d.domain == "mikro")
    assert mikro.states[(None, ITEM)] == DISPUTED


def test_approve_all_signs_every_waiting_string_of_the_article_in_one_statement(site, client):
    translate(site, "de", slug="site", fuzzy=True)
    form = get(client, "/de/mikro/").text.split('id="approve-all"')[1]
    digests = re.findall(r'name="digest" value="([0-9a-f]{64})"', form)
    keys = [htmllib.unescape(key) for key in re.findall(r'name="key" value="([^"]+)"', form)]
    assert len(digests) == len(keys) == 6
    assert digests == [digest_of(site, "de", json.loads(key)[1]) for key in keys]
    response = post(client, "/de/mikro/approve-all", read="yes", digest=digests, key=keys)
    assert response.status_code == 303
    (line,) = ledger_lines(site, "de")
    assert line["meaning"] == "approve" and sorted(line["digests"]) == sorted(digests)
    assert not any(e.fuzzy for e in read_po(site.po("de")).messages)
    assert all(e.fuzzy for e in read_po(site.po("de", "site")).messages)  # other catalogs untouched
    verdict = evaluate(site.config, "de")
    mikro = next(d for d in verdict.domains if d.domain == "mikro")
    assert set(mikro.states.values()) == {APPROVED}
    html = client.get(response.headers["location"]).text
    assert "Approved 6 strings" in html and "Nothing of this article is waiting for you." in html


def test_approve_all_needs_the_box_ticked_and_skips_what_changed(site, client):
    both = shown(site, "en", TITLE, ITEM)
    before = site.snapshot()
    response = post(client, "/en/mikro/approve-all", **both)
    assert response.status_code == 400 and "tick the box" in response.text
    assert site.snapshot() == before
    edit_translation(site, "en", ITEM, "Enlarged pores")
    response = post(client, "/en/mikro/approve-all", read="yes", **both)
    (line,) = ledger_lines(site, "en")
    assert list(line["digests"]) == [both["digest"][0]]  # only what the doctor read, as it was read
    html = client.get(response.headers["location"]).text
    assert "Approved 1 string" in html and "1 string changed since the page was loaded" in html
    again = post(client, "/en/mikro/approve", **shown(site, "en", TITLE))
    assert "Nothing new to sign" in client.get(again.headers["location"]).text
    assert len(ledger_lines(site, "en")) == 1


def test_each_decision_is_reported_on_the_terminal(site):
    said = []
    client = TestClient(make_app(site, log=said.append))
    post(client, "/en/mikro/approve", **shown(site, "en", TITLE))
    (line,) = said
    assert line.startswith("en/mikro: approved 1 string(s), signed 20") and TOKEN not in line


def test_a_broken_catalog_is_shown_as_a_problem_not_a_traceback(site, client):
    site.po("en").write_text('msgid "unterminated\n', encoding="utf-8")
    response = get(client, "/en/mikro/")
    assert response.status_code == 500
    assert "locale/en/LC_MESSAGES/mikro.po:1" in response.text and "Traceback" not in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


# ---------------------------------------------------------------- starting the server


def test_the_address_carries_the_token_in_its_path_and_port_zero_picks_a_free_port():
    assert address("127.0.0.1", 8421, "a-b_c") == "http://127.0.0.1:8421/t/a-b_c/"
    assert address("0.0.0.0", 1, "t") == "http://127.0.0.1:1/t/t/"
    assert address("::1", 2, "t") == "http://[::1]:2/t/t/"
    listener = bind("127.0.0.1", 0)
    try:
        port = listener.getsockname()[1]
        assert port > 0
        with pytest.raises(ServeError, match=f"cannot listen on 127.0.0.1:{port}"):
            bind("127.0.0.1", port)
    finally:
        listener.close()


def test_serving_needs_a_rostered_doctor_with_their_key(site, tmp_path):
    result = site.run("review", "serve", "--reviewer", "dr-nobody")
    assert result.exit_code == 1 and "unknown reviewer 'dr-nobody'" in result.output
    result = site.run("review", "serve", "--reviewer", "dr-test", "--lang", "ru",
                      "--key-file", str(site.key))
    assert result.exit_code == 1 and "may not sign off 'ru'" in result.output
    result = site.run("review", "serve", "--reviewer", "dr-test", "--key-file",
                      str(tmp_path / "missing.key"))
    assert result.exit_code == 1 and "no key file here" in result.output


class Serving:
    """``pipeline review serve`` as a separate process, its output read line by line as it comes."""

    def __init__(self, project: Project, *args: str):
        environment = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1",
                       "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "review", "serve", "--reviewer", "dr-test",
             "--key-file", str(project.key), "--port", "0", *args],
            cwd=project.root, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self.lines: queue.Queue = queue.Queue()
        self.reader = threading.Thread(
            target=lambda: [self.lines.put(line) for line in self.process.stdout], daemon=True)
        self.reader.start()

    def stop(self) -> str:
        """Ctrl-C, as a doctor stops the page; everything it printed."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        return "".join(self.lines.queue)


def test_the_command_prints_an_address_that_opens_the_page(site):
    serving = Serving(site, "--lang", "en")
    process, lines = serving.process, serving.lines
    try:
        url = _printed_address(lines)
        origin, token = re.fullmatch(r"(http://[^/]+)/t/([^/]+)/", url).groups()
        with httpx.Client() as http:
            assert http.get(f"{origin}/").status_code == 404
            page = http.get(url)
            assert page.status_code == 200 and "set-cookie" not in page.headers
            assert "Dr. Test Hekim" in page.text and "German" not in page.text
            fields = {"token": token, **shown(site, "en", TITLE)}
            refused = http.post(f"{url}en/mikro/approve", data=fields)  # no Origin: not the page
            assert refused.status_code == 403
            decided = http.post(f"{url}en/mikro/approve", data=fields,
                                headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"})
            assert decided.status_code == 303
        assert digest_of(site, "en", TITLE) in read_signoffs(site.config, "en").approved
    finally:
        output = serving.stop()
    assert process.returncode == 0, output
    assert "en/mikro: approved 1 string(s)" in output and "review page stopped" in output


def _printed_address(lines: queue.Queue) -> str:
    seen = []
    while True:
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            pytest.fail(f"no address printed; output so far: {''.join(seen)}")
        seen.append(line)
        found = re.search(r"http://127\.0\.0\.1:\d+/t/[\w-]{40,}/", line)
        if found:
            return found.group(0)


def _without_time(lines: list[dict]) -> list[dict]:
    return [{k: v for k, v in line.items() if k not in ("time", "signature")} for line in lines]


# ---------------------------------------------------------------- in a real browser


@pytest.fixture
def arrived() -> list[dict[str, Any]]:
    """Every request that reached the review server: its method, path, status and headers."""
    return []


@pytest.fixture
def live(site: Project, arrived: list[dict[str, Any]]) -> Iterator[str]:
    """The review app for dr-test on 127.0.0.1, a free port, in a background thread."""
    app = make_app(site, hosts=LOOPBACK_NAMES)

    async def recording(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        seen = {"method": scope["method"], "path": scope["path"],
                "headers": {name.decode("latin-1").lower(): value.decode("latin-1")
                            for name, value in scope["headers"]}}
        arrived.append(seen)

        async def noting(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            await send(message)
        await app(scope, receive, noting)

    with serving(recording) as port:
        yield f"http://127.0.0.1:{port}{BASE}"  # the printed address, without its final slash


@pytest.fixture
def doctor(browser: Any, live: str) -> Iterator[Any]:
    """A browser tab that opened the printed address."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    printed = address("127.0.0.1", int(live.split(":")[2].split("/")[0]), TOKEN)
    assert printed == f"{live}/"
    response = page.goto(printed)
    assert response is not None and response.ok
    assert response.headers["referrer-policy"] == "no-referrer"
    assert page.url == printed
    yield page
    assert context.cookies() == []  # nothing the browser would send to another port
    context.close()


@pytest.mark.browser
def test_a_doctor_approves_a_string_and_the_article_in_the_browser(site, live, doctor, approve_all):
    translate(site, "en", slug="site")
    approve_all(site, "en", domain_filter=lambda domain: domain == "site")
    doctor.locator('section[aria-labelledby="lang-en"]').get_by_role("link", name=TITLE).click()
    doctor.wait_for_url(f"{live}/en/mikro/")
    ARTIFACTS.mkdir(exist_ok=True)
    doctor.screenshot(path=str(ARTIFACTS / "review-en-1280px.png"), full_page=True)

    doctor.get_by_role("button", name="Approve string 1", exact=True).click()
    doctor.wait_for_url(re.compile(r".*/en/mikro/\?done=approved&count=1.*"))
    doctor.goto(f"{live}/en/mikro/?show=all")
    first = doctor.locator("tbody tr").first
    assert "Approved by Dr. Test Hekim on" in first.inner_text()
    assert doctor.locator(".summary").inner_text().startswith("5 waiting")
    title = digest_of(site, "en", TITLE)
    assert [(line["meaning"], line["reviewer"], list(line["digests"]))
            for line in ledger_lines(site, "en")][-1] == ("approve", "dr-test", [title])
    assert read_signoffs(site.config, "en").approved[title].reviewer == "dr-test"
    verdict = evaluate(site.config, "en")
    mikro = next(d for d in verdict.domains if d.domain == "mikro")
    assert mikro.states[(None, TITLE)] == APPROVED
    assert not any(b.msgid == TITLE for b in verdict.blockers) and not verdict.publishable

    doctor.get_by_label("I have read all 5 waiting strings shown above").check()
    doctor.get_by_role("button", name="Approve 5 waiting strings").click()
    doctor.wait_for_url(re.compile(r".*done=approved&count=5.*"))
    assert "Approved 5 strings" in doctor.get_by_role("status").inner_text()
    assert evaluate(site.config, "en").publishable
    doctor.goto(f"{live}/")
    assert "fully reviewed: published at the next build" in doctor.locator(
        'section[aria-labelledby="lang-en"]').inner_text()
    doctor.screenshot(path=str(ARTIFACTS / "review-index.png"), full_page=True)


@pytest.mark.browser
def test_a_doctor_rejects_with_a_note_using_only_the_keyboard(site, live, doctor):
    doctor.goto(f"{live}/de/mikro/")
    digest = digest_of(site, "de", ITEM)
    summary = doctor.locator(f"#e-{digest[:16]} details.reject summary")
    summary.focus()
    doctor.keyboard.press("Enter")  # opens the note form
    doctor.keyboard.press("Tab")
    assert doctor.evaluate("document.activeElement.tagName") == "TEXTAREA"
    doctor.keyboard.type("Use 'vergrößerte Poren', the usual term")
    doctor.keyboard.press("Tab")
    assert doctor.evaluate("document.activeElement.textContent").startswith("Reject string")
    assert doctor.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    doctor.keyboard.press("Enter")
    doctor.wait_for_url(re.compile(r".*done=rejected.*"))
    rejected = entry(site, "de", ITEM)
    assert rejected.fuzzy
    (comment,) = rejected.comments
    assert re.fullmatch(r"rejected by Dr\. Test Hekim on \d{4}-\d\d-\d\d: "
                        r"Use 'vergrößerte Poren', the usual term", comment)
    doctor.goto(f"{live}/de/mikro/?show=all")
    row = doctor.locator(f"#e-{digest[:16]}").inner_text()
    assert "Rejected by Dr. Test Hekim" in row and "vergrößerte Poren" in row
    doctor.set_viewport_size({"width": 1024, "height": 768})  # a tablet held sideways
    ARTIFACTS.mkdir(exist_ok=True)
    doctor.screenshot(path=str(ARTIFACTS / "review-de-rejected-1024px.png"), full_page=True)


@pytest.mark.browser
def test_the_pages_own_posts_work_and_say_where_they_come_from(
        site: Project, live: str, doctor: Any, arrived: list[dict[str, Any]]) -> None:
    doctor.goto(f"{live}/en/mikro/")
    doctor.get_by_role("button", name="Approve string 1", exact=True).click()
    doctor.wait_for_url(re.compile(r".*/en/mikro/\?done=approved&count=1.*"))
    assert digest_of(site, "en", TITLE) in read_signoffs(site.config, "en").approved
    (own,) = [request for request in arrived if request["method"] == "POST"]
    origin = live.removesuffix(BASE)
    # Measured in chromium: under no-referrer its own form post says Origin: null, same-origin.
    assert own["headers"]["sec-fetch-site"] == "same-origin"
    assert own["headers"]["origin"] in ("null", origin)
    assert own["status"] == 303
    # No request the page made (stylesheet, links, forms, redirects) carried a Referer or cookie.
    assert all("referer" not in request["headers"] and "cookie" not in request["headers"]
               for request in arrived)
    assert all(request["path"].startswith(f"{BASE}/") for request in arrived)


@pytest.mark.browser
def test_without_the_token_or_from_another_page_nothing_is_signed(
        site: Project, live: str, doctor: Any, browser: Any, arrived: list[dict[str, Any]]) -> None:
    origin = live.removesuffix(BASE)
    stranger = browser.new_page()
    try:
        for path in ("/", "/en/mikro/", "/t/guessed/en/mikro/", f"/?token={TOKEN}"):
            response = stranger.goto(origin + path)
            assert response.status == 404 and TITLE not in stranger.content()
    finally:
        stranger.close()

    # The doctor approves one string: the page's own post works.
    doctor.goto(f"{live}/en/mikro/")
    doctor.get_by_role("button", name="Approve string 1", exact=True).click()
    doctor.wait_for_url(re.compile(r".*done=approved&count=1.*"))
    before = site.snapshot()
    assert ledger(site, "en").exists()

    # Pages of another server on this machine (another port), open in the doctor's browser,
    # even ones that somehow knew the token, post a decision on their own.
    form = (f'<form method="post" action="{live}/en/mikro/approve">'
            f'<input type="hidden" name="token" value="{TOKEN}">'
            f'<input type="hidden" name="digest" value="{digest_of(site, "en", ITEM)}">'
            f'<input type="hidden" name="key" value="{escape(key_field((None, ITEM)))}">'
            '<button type="submit">See your results</button></form>')
    submit = "<script>document.forms[0].submit()</script>"
    fields = json.dumps({"token": TOKEN, **{k: v[0] for k, v in shown(site, "en", ITEM).items()}})
    fetch = (f"<script>fetch({json.dumps(live + '/en/mikro/approve')}, {{method: 'POST', "
             f"mode: 'no-cors', body: new URLSearchParams({fields})}})"
             ".finally(() => document.title = 'sent')</script>")
    evil = _serve({"/form": ({}, form + submit), "/sandboxed": (
        {"Content-Security-Policy": "sandbox allow-forms allow-scripts"}, form + submit),
        "/fetch": ({}, fetch), "/link": ({}, f'<a href="{live}/en/mikro/">Results</a>')})
    elsewhere = f"http://127.0.0.1:{evil.server_address[1]}"
    try:
        for page in ("/form", "/sandboxed"):
            doctor.goto(elsewhere + page)
            doctor.wait_for_url(re.compile(r".*/en/mikro/approve$"))
            assert "did not come from the review page" in doctor.content()
        doctor.goto(elsewhere + "/fetch")
        doctor.wait_for_function("document.title === 'sent'")
        doctor.goto(elsewhere + "/link")
        doctor.get_by_role("link", name="Results").click()
        doctor.wait_for_load_state()
        assert "did not come from the review page" in doctor.content() and ITEM not in doctor.content()
    finally:
        evil.shutdown()
        evil.server_close()
    foreign = [request for request in arrived
               if request["headers"].get("sec-fetch-site") in ("same-site", "cross-site")]
    assert [(r["method"], r["headers"]["sec-fetch-site"], r["status"]) for r in foreign] == [
        ("POST", "same-site", 403), ("POST", "cross-site", 403), ("POST", "same-site", 403),
        ("GET", "same-site", 403)]
    assert site.snapshot() == before  # the ledger and the catalogs, byte for byte
    assert digest_of(site, "en", ITEM) not in read_signoffs(site.config, "en").approved
    assert TOKEN not in "".join(evil.referers)  # and no Referer ever told the token


@pytest.mark.browser
def test_the_arabic_column_reads_right_to_left_on_a_tablet(site, live, doctor):
    doctor.set_viewport_size({"width": 768, "height": 1024})
    doctor.goto(f"{live}/ar/mikro/")
    directions = doctor.eval_on_selector_all(
        "td.translation", "cells => cells.map(c => getComputedStyle(c).direction)")
    assert directions == ["rtl"] * 6
    assert doctor.eval_on_selector("td.source", "c => getComputedStyle(c).direction") == "ltr"
    assert doctor.evaluate("getComputedStyle(document.body).direction") == "ltr"
    widths = doctor.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page overflows a 768-px tablet: {widths}"
    ARTIFACTS.mkdir(exist_ok=True)
    doctor.screenshot(path=str(ARTIFACTS / "review-ar-768px.png"), full_page=True)


def _serve(pages: dict[str, tuple[dict[str, str], str]]) -> ThreadingHTTPServer:
    """Another local web server, on another port: path → (headers, body of the page)."""
    referers: list[str] = []  # the Referer of every request, "" for none

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            referers.append(self.headers.get("Referer", ""))
            headers, body = pages.get(self.path, ({}, "nothing here"))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(f"<!DOCTYPE html><title>Win</title>{body}".encode())

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    server.referers = referers  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
