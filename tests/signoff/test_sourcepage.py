"""The review page's source articles: rendered, with what changed since the signature; signed by form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from conftest import ARTIFACTS, Project
from pipeline.signoff.review import open_signer_for
from pipeline.signoff.server import LOOPBACK_NAMES, create_app
from pipeline.signoff.sources import standings
from signing import add_doctor, ledger_lines, serving

TOKEN = "per-run-token-for-tests-0123456789abcdef"
BASE = f"/t/{TOKEN}"
OWN_POST = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def source(project: Project, tmp_path) -> Project:
    project.write("pipeline.toml", project.read("pipeline.toml") + "\n[gate]\nsource_signoff = true\n")
    project.key = add_doctor(project, tmp_path / "keys", reviewer="zeris", languages=("tr", "en"),
                             name="Uzm. Dr. Zahide Eriş")
    assert project.run("pull").exit_code == 0
    return project


def client_for(project: Project, languages=None) -> TestClient:
    signer, chosen = open_signer_for(project.config, languages, "zeris", project.key)
    if languages is None:
        chosen = ("tr", *chosen)  # as 'pipeline review serve' does for a doctor allowed for tr
    return TestClient(create_app(project.config, signer, chosen, TOKEN, ("testserver",)))


def sign(client: TestClient, digest: str, path: str = "/source/mikro/approve", **fields):
    return client.post(BASE + path, data={"token": TOKEN, "digest": digest, **fields},
                       headers=OWN_POST, follow_redirects=False)


def digest(project: Project) -> str:
    return next(a.digest for a in standings(project.config) if a.slug == "mikro")


def test_the_overview_links_to_the_source_articles_and_lists_them(source: Project):
    client = client_for(source)
    assert f'href="{BASE}/source/"' in client.get(f"{BASE}/").text
    listed = client.get(f"{BASE}/source/")
    assert listed.status_code == 200
    assert "Mikro İğneleme Nedir?" in listed.text and "source not signed" in listed.text


def test_the_article_is_shown_rendered_and_signed_only_as_shown(source: Project):
    client = client_for(source)
    page = client.get(f"{BASE}/source/mikro/")
    assert "<li>Genişletilmiş gözenekler</li>" in page.text
    assert "<strong>minimal invaziv</strong>" in page.text
    shown = digest(source)
    path = source.root / "source" / "mikro.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Genişletilmiş", "Büyümüş"),
                    encoding="utf-8")
    late = sign(client, shown)
    assert late.status_code == 409 and "changed since the page was loaded" in late.text
    assert ledger_lines(source, "tr") == []
    done = sign(client, digest(source))
    assert done.status_code == 303 and done.headers["location"].endswith("/source/mikro/?done=approved")
    (line,) = ledger_lines(source, "tr")
    assert line["reviewer"] == "zeris" and list(line["digests"]) == [digest(source)]
    again = client.get(f"{BASE}/source/mikro/?done=approved")
    assert "Signed</span> by Uzm. Dr. Zahide Eriş" in again.text and "Sign this article" not in again.text


def test_a_changed_article_shows_the_diff_and_a_rejection_needs_a_note(source: Project):
    client = client_for(source)
    assert sign(client, digest(source)).status_code == 303
    path = source.root / "source" / "mikro.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Genişletilmiş", "Büyümüş"),
                    encoding="utf-8")
    page = client.get(f"{BASE}/source/mikro/").text
    assert "-list 1 › item › paragraph: Genişletilmiş gözenekler" in page
    assert "+list 1 › item › paragraph: Büyümüş gözenekler" in page
    empty = sign(client, digest(source), "/source/mikro/reject", note=" ")
    assert empty.status_code == 409 and "a rejection needs a note" in empty.text
    assert sign(client, digest(source), "/source/mikro/reject", note="Yanlış terim").status_code == 303
    assert [line["meaning"] for line in ledger_lines(source, "tr")] == ["approve", "reject"]


def test_a_doctor_reviewing_only_translations_gets_no_source_pages(source: Project):
    client = client_for(source, ["en"])
    assert client.get(f"{BASE}/source/").status_code == 404
    assert sign(client, digest(source)).status_code in (404, 405)
    assert ledger_lines(source, "tr") == []


def test_a_decision_without_the_token_signs_nothing(source: Project):
    client = client_for(source)
    refused = client.post(f"{BASE}/source/mikro/approve", data={"digest": digest(source)},
                          headers=OWN_POST, follow_redirects=False)
    assert refused.status_code == 403 and ledger_lines(source, "tr") == []


@pytest.fixture
def live(source: Project) -> Iterator[str]:
    """The review app of a doctor allowed for tr and en, on 127.0.0.1, in a background thread."""
    signer, chosen = open_signer_for(source.config, None, "zeris", source.key)
    app = create_app(source.config, signer, ("tr", *chosen), TOKEN, LOOPBACK_NAMES)
    with serving(app) as port:
        yield f"http://127.0.0.1:{port}{BASE}"


@pytest.mark.browser
def test_a_doctor_signs_the_article_in_the_browser(source: Project, live: str, browser: Any):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live}/")
    page.get_by_role("link", name="source articles").click()
    page.get_by_role("link", name="Mikro İğneleme Nedir?").click()
    page.wait_for_url(f"{live}/source/mikro/")
    assert "Genişletilmiş gözenekler" in page.locator("section.article").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-source-1280px.png"), full_page=True)
    page.get_by_role("button", name="Sign this article").click()
    page.wait_for_url(re.compile(r".*/source/mikro/\?done=approved$"))
    assert "Signed: the article as shown is published" in page.get_by_role("status").inner_text()
    (line,) = ledger_lines(source, "tr")
    assert line["meaning"] == "approve" and list(line["digests"]) == [digest(source)]
    assert source.run("status", "--json").output.count('"drafts": []') == 1
    assert context.cookies() == []
    context.close()


def test_a_signed_article_is_handed_back_with_the_sessions_other_decisions(source: Project):
    from pipeline.signoff.handback import Tally

    signer, chosen = open_signer_for(source.config, None, "zeris", source.key)
    tally = Tally(signer.reviewer.name)
    client = TestClient(create_app(source.config, signer, ("tr", *chosen), TOKEN, ("testserver",),
                                   tally=tally))
    assert sign(client, digest(source)).status_code == 303
    assert tally.summary() == ["tr: 1 approved, 0 rejected, 0 corrected"]
    assert list(tally.files) == ["locale/tr/signoffs.jsonl"]
