"""The source rule: a Turkish article is published, in any language, only while its doctor signed it."""

from __future__ import annotations

import json
import re
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ARTICLE, Project
from signing import add_doctor, ledger, ledger_lines

from pipeline.gate.source import CONTENT, source_verdict
from pipeline.signoff.review import approve, open_signer
from pipeline.signoff.sources import standings, target

SECOND = textwrap.dedent("""\
    ---
    title: Kan Sulandırıcılar
    description: Kan sulandırıcı ilaçlar hakkında.
    published: 2023-03-01
    ---

    ## Kan Sulandırıcılar Nedir?

    Kan sulandırıcılar pıhtılaşmayı yavaşlatır.
    """)
NEW = textwrap.dedent("""\
    ---
    title: Yeni Makale
    ---

    Yeni bir makalenin ilk paragrafı.
    """)
DOCTOR = "Uzm. Dr. Zahide Eriş"  # as the roster names her; ARTICLE's reviewed_by says the same
SIGNED_AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
ITEM = "- Genişletilmiş gözenekler\n"


class Site:
    """A project requiring source signatures: two articles, English approved, a source doctor."""

    def __init__(self, project: Project, keys: Path, translate_all, approve_all):
        self.project, self.translate_all, self.approve_all = project, translate_all, approve_all
        project.write("pipeline.toml", project.read("pipeline.toml")
                      + "\n[gate]\nsource_signoff = true\n")
        self.key = add_doctor(project, keys, reviewer="zeris", languages=("tr",), name=DOCTOR)
        self.approve_english()

    def approve_english(self) -> None:
        assert self.project.run("pull").exit_code == 0
        self.translate_all(self.project, "en")
        self.approve_all(self.project, "en")

    def sign(self, *slugs: str, time: datetime = SIGNED_AT) -> None:
        """The source doctor signs the articles as they are now."""
        config = self.project.config
        signer = open_signer(config, "tr", "zeris", self.key)
        chosen = [target(article) for article in standings(config) if article.slug in slugs]
        assert len(chosen) == len(slugs)
        approve(config, "tr", signer, chosen, time)

    def build(self, *args: str):
        result = self.project.run("build", *args)
        assert result.exit_code == 0, result.output
        return result

    def pages(self) -> set[str]:
        public = self.project.root / "public"
        return {str(path.parent.relative_to(public)) for path in public.glob("*/*/index.html")}


@pytest.fixture
def site(make_project, tmp_path, translate_all, approve_all) -> Site:
    project = make_project({"mikro": ARTICLE, "kan": SECOND}, targets=("en", "de"))
    return Site(project, tmp_path / "keys", translate_all, approve_all)


def signed(site: Site) -> Site:
    site.sign("mikro", "kan")
    site.build()
    assert site.pages() == {"tr/mikro", "tr/kan", "en/mikro", "en/kan"}
    return site


def test_unsigned_articles_are_drafts_published_in_no_language(site: Site):
    result = site.build()
    assert site.pages() == set()
    assert "2 draft article(s), published in no language until signed" in result.output
    assert ("source/mikro.md:1: source not signed: waiting for a doctor allowed for 'tr' to sign "
            "it ('pipeline review approve --lang tr --entry mikro')") in result.output
    assert "en: published" in result.output  # nothing of it is published, and nothing stops it


def test_a_new_article_waits_for_its_signature_while_the_rest_stays_published(site: Site):
    signed(site)
    site.project.write("source/yeni.md", NEW)
    site.approve_english()  # even a fully translated and approved English version waits
    result = site.build()
    assert site.pages() == {"tr/mikro", "tr/kan", "en/mikro", "en/kan"}
    assert "source/yeni.md:1: source not signed" in result.output
    status = json.loads(site.project.run("status", "--json").output)
    assert status[0]["source"] and [d["path"] for d in status[0]["drafts"]] == ["source/yeni.md"]
    assert [(s["language"], s["verdict"]) for s in status[1:]] == [("en", "publishable"),
                                                                    ("de", "stopped")]
    site.sign("yeni")
    site.build()
    assert {"tr/yeni", "en/yeni"} <= site.pages()


def test_a_new_untranslated_draft_stops_no_language(site: Site):
    signed(site)
    site.project.write("source/yeni.md", NEW)
    assert site.project.run("pull").exit_code == 0  # its English catalog is empty
    result = site.build()
    assert "en: published" in result.output
    assert "en/yeni" not in site.pages() and "en/mikro" in site.pages()


def test_an_edited_sentence_stops_that_article_everywhere_and_no_other(site: Site):
    signed(site)
    path = site.project.root / "source" / "mikro.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Genişletilmiş gözenekler", "Genişlemiş gözenekler"), encoding="utf-8")
    site.approve_english()  # the translators and the English doctor keep up: only tr waits
    result = site.build()
    assert site.pages() == {"tr/kan", "en/kan"}
    assert (f"source/mikro.md:1: source changed since its signature: {DOCTOR} signed an earlier "
            "text on 2026-05-04T10:00:00Z") in result.output
    review = site.project.run("review", "list", "--lang", "tr")
    assert "-list 1 › item › paragraph: Genişletilmiş gözenekler" in review.output
    assert "+list 1 › item › paragraph: Genişlemiş gözenekler" in review.output
    site.sign("mikro")
    site.build()
    assert "tr/mikro" in site.pages() and "en/mikro" in site.pages()


def test_a_reorder_stops_the_article_until_signed_and_keeps_every_translation_approval(site: Site):
    signed(site)
    before = json.loads(site.project.run("status", "--json", "--lang", "en").output)[1]
    path = site.project.root / "source" / "mikro.md"
    text = path.read_text(encoding="utf-8")
    moved = text.replace(ITEM, "") + "\n" + ITEM  # from the first list into a new last one
    assert moved != text and sorted(moved.split()) == sorted(text.split())
    path.write_text(moved, encoding="utf-8")
    assert site.project.run("pull").exit_code == 0
    after = json.loads(site.project.run("status", "--json", "--lang", "en").output)
    assert after[0]["drafts"][0]["reason"] == "source changed since its signature"
    # Every sentence is the same: every English approval still stands (kan's catalog is no
    # longer covered while mikro is a draft, so compare mikro's catalog).
    assert after[1]["approved"] == before["approved"] - _entries(before, "mikro")
    assert after[1]["waiting"] == after[1]["stale"] == 0 and after[1]["publishable"]
    site.build()
    assert site.pages() == {"tr/kan", "en/kan"}
    site.sign("mikro")  # one source signature, no translation review
    site.build()
    assert site.pages() == {"tr/mikro", "tr/kan", "en/mikro", "en/kan"}
    assert json.loads(site.project.run("status", "--json", "--lang", "en").output)[1][
        "approved"] == before["approved"]


def _entries(status: dict, domain: str) -> int:
    return next(c["translated"] for c in status["catalogs"] if c["domain"] == domain)


def test_the_byline_and_structured_data_name_the_signer_and_the_signature_date(site: Site):
    signed(site)
    root = site.project.root / "public"
    turkish = (root / "tr" / "mikro" / "index.html").read_text(encoding="utf-8")
    english = (root / "en" / "mikro" / "index.html").read_text(encoding="utf-8")
    assert f"<bdi>{DOCTOR}</bdi> · <time datetime=\"2026-05-04\">" in turkish
    assert f"<bdi>{DOCTOR}</bdi> · <time datetime=\"2026-05-04\">May 4, 2026</time>" in english
    data = _jsonld(turkish)
    assert data["reviewedBy"] == {"@type": "Person", "name": DOCTOR}
    assert data["lastReviewed"] == "2026-05-04"
    original = _jsonld(english)["translationOfWork"]
    assert original["reviewedBy"]["name"] == DOCTOR and original["lastReviewed"] == "2026-05-04"
    markdown = site.project.run("build", "--format", "md", "--out", "md")
    assert markdown.exit_code == 0, markdown.output
    front = (site.project.root / "md" / "en" / "mikro.md").read_text(encoding="utf-8")
    assert f"reviewed_by: {DOCTOR}\nreviewed: 2026-05-04\n" in front
    # kan names nobody in its front matter: the signature alone names its doctor.
    assert _jsonld((root / "tr" / "kan" / "index.html").read_text(encoding="utf-8"))[
        "reviewedBy"]["name"] == DOCTOR


def test_a_new_signature_moves_the_byline_date(site: Site):
    signed(site)
    site.sign("mikro", time=datetime(2026, 6, 1, 8, 0, tzinfo=UTC))  # signed again, unchanged
    site.build()
    page = (site.project.root / "public" / "tr" / "mikro" / "index.html").read_text(encoding="utf-8")
    assert _jsonld(page)["lastReviewed"] == "2026-06-01"


def _jsonld(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_a_reviewed_by_naming_someone_else_is_reported_by_check(site: Site):
    signed(site)
    path = site.project.root / "source" / "mikro.md"
    path.write_text(path.read_text(encoding="utf-8").replace(DOCTOR, "Dr. Başkası"),
                    encoding="utf-8")
    result = site.project.run("check", "--lang", "en")
    assert result.exit_code == 1
    assert ("source/mikro.md:4: error: [reviewed-by] front matter 'reviewed_by' names "
            f"'Dr. Başkası', but the article is signed by {DOCTOR} (zeris)") in result.output
    site.build()  # reviewed_by is not part of what is signed; pages name the signer
    page = (site.project.root / "public" / "tr" / "mikro" / "index.html").read_text(encoding="utf-8")
    assert "Başkası" not in page and DOCTOR in page


def test_a_reviewed_by_naming_the_signer_is_fine(site: Site):
    signed(site)
    assert site.project.run("check", "--lang", "en").exit_code == 0


def test_a_list_valued_reviewed_by_is_an_error_with_file_and_line(site: Site):
    path = site.project.root / "source" / "mikro.md"
    path.write_text(ARTICLE.replace(f"reviewed_by: {DOCTOR}", "reviewed_by: [Dr. A, Dr. B]"),
                    encoding="utf-8")
    before = site.project.snapshot()
    for command in ("build", "status", "check"):
        result = site.project.run(command)
        assert result.exit_code == 1
        assert result.stderr == ("error: source/mikro.md:4: front matter 'reviewed_by' must be "
                                 "text, not a list\n")
    assert site.project.snapshot() == before


# ---------------------------------------------------------------- attacks


def test_an_edited_source_statement_does_not_publish(site: Site):
    site.sign("kan")
    signed_line = ledger(site.project, "tr").read_text(encoding="utf-8")
    mikro = next(a for a in standings(site.project.config) if a.slug == "mikro")
    statement = json.loads(signed_line)
    old = next(iter(statement["digests"]))
    forged = signed_line.replace(old, mikro.digest)  # the statement re-pointed at mikro
    ledger(site.project, "tr").write_text(forged, encoding="utf-8")
    result = site.project.run("build")
    assert site.pages() == set()
    assert "signature does not verify: the line was forged or edited" in result.output
    assert site.project.run("review", "verify", "--lang", "tr").exit_code == 1


def test_a_statement_by_a_doctor_not_allowed_for_the_source_does_not_publish(site: Site, tmp_path):
    refused = site.project.run("review", "approve", "--lang", "tr", "--reviewer", "ademir",
                               "--key-file", str(tmp_path / "keys" / "ademir.key"),
                               "--entry", "mikro")
    assert refused.exit_code == 1 and "may not sign off 'tr'" in refused.stderr
    config = site.project.config  # the same statement made without the command's check
    english_doctor = open_signer(config, "en", "ademir", tmp_path / "keys" / "ademir.key")
    approve(config, "tr", english_doctor, [target(a) for a in standings(config)], SIGNED_AT)
    assert len(ledger_lines(site.project, "tr")) == 1
    result = site.build()
    assert site.pages() == set()
    assert "reviewer 'ademir' may not sign off 'tr'" in result.output


def test_a_planted_cache_value_does_not_publish_an_edited_article(site: Site):
    from pipeline.cache import sha256, shared_store

    signed(site)
    path = site.project.root / "source" / "mikro.md"
    old = path.read_bytes()
    new = old.replace("Genişletilmiş gözenekler".encode(), "Büyük gözenekler".encode())
    path.write_bytes(new)
    # Whoever can write the cache folder copies the signed content's value to the edited file's
    # address, hoping the gate reads the old content for the new bytes.
    store = shared_store(site.project.config.cache_dir)
    place = lambda data: store._path(CONTENT, store._address(CONTENT, f"mikro/{sha256(data)}"))  # noqa: E731
    assert place(old).is_file()
    place(new).parent.mkdir(parents=True, exist_ok=True)
    place(new).write_bytes(place(old).read_bytes())
    site.build()
    assert site.pages() == {"tr/kan", "en/kan"}
    assert [a.slug for a in source_verdict(site.project.config).drafts] == ["mikro"]


def test_a_rejected_article_stays_a_draft_until_it_changes(site: Site):
    result = site.project.run("review", "reject", "--lang", "tr", "--reviewer", "zeris",
                              "--key-file", str(site.key), "--entry", "mikro",
                              "--note", "Dozaj cümlesi eksik")
    assert result.exit_code == 0, result.output
    site.sign("kan")
    built = site.build()
    assert site.pages() == {"tr/kan", "en/kan"}
    assert "source/mikro.md:1: rejected: by Uzm. Dr. Zahide Eriş on" in built.output
    assert "Dozaj cümlesi eksik" in built.output


# ---------------------------------------------------------------- adopting it


def test_without_the_setting_every_article_is_published_with_one_line_saying_so(
        make_project, tmp_path, translate_all, approve_all):
    project = make_project({"mikro": ARTICLE, "kan": SECOND}, targets=("en",))
    assert project.run("pull").exit_code == 0
    translate_all(project, "en")
    approve_all(project, "en")
    result = project.run("build")
    assert result.exit_code == 0
    notes = [line for line in result.stderr.splitlines() if "not signed" in line]
    assert notes == ["note: Turkish pages are not signed: set [gate] source_signoff = true in "
                     "pipeline.toml once a doctor signs each article ('pipeline review approve "
                     "--lang tr'); until then every article is published as written"]
    page = (project.root / "public" / "tr" / "mikro" / "index.html").read_text(encoding="utf-8")
    assert f"<bdi>{DOCTOR}</bdi></dd>" in page  # the front matter's name, as before


def test_status_check_and_build_agree_on_drafts(site: Site):
    site.sign("kan")
    status = json.loads(site.project.run("status", "--json").output)
    build = site.build()
    drafts = [f"{d['path']}:1: {d['reason']}: {d['detail']}" for d in status[0]["drafts"]]
    assert drafts and all(line in build.output for line in drafts)
    published = {s["language"] for s in status[1:] if s["publishable"]}
    assert {lang for lang in ("en", "de") if f"{lang}: published" in build.output} == published


def test_the_shipped_sample_publishes_the_signed_article_in_turkish_and_english(tmp_path):
    """End to end, as a process: the repository's sample, with its sample source signature."""
    import shutil

    from conftest import REPO

    copy = Project(tmp_path / "sample")
    copy.root.mkdir()
    for name in ("pipeline.toml", "reviewers.toml", "reviewers.sig.jsonl", "source", "locale"):
        place = REPO / name
        (shutil.copytree if place.is_dir() else shutil.copy)(place, copy.root / name)
    result = copy.run_subprocess("build")
    assert result.returncode == 0, result.stderr
    assert "tr: published (source)" in result.stdout and "en: published" in result.stdout
    assert all(f"{lang}: stopped" in result.stdout for lang in ("de", "ar", "ru"))
    page = (copy.root / "public" / "en" / "mikro-igneleme-nedir" / "index.html").read_text(
        encoding="utf-8")
    assert "<bdi>Dr. Sample Reviewer (sample)</bdi> · <time" in page
    article = copy.root / "source" / "mikro-igneleme-nedir.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Deri çatlağı.", "Deri çatlakları."), encoding="utf-8")
    edited = copy.run_subprocess("build")
    assert "source/mikro-igneleme-nedir.md:1: source changed since its signature" in edited.stdout
    assert not (copy.root / "public" / "en" / "mikro-igneleme-nedir").exists()
    assert not (copy.root / "public" / "tr" / "mikro-igneleme-nedir").exists()


def test_under_a_roster_the_trust_root_did_not_sign_every_article_is_a_draft(
        site: Site, tmp_path, monkeypatch: pytest.MonkeyPatch):
    from pipeline.signoff.keys import generate_key
    from pipeline.signoff.trust import TRUST_ROOT_VARIABLE

    signed(site)
    root = generate_key("clinic-root", tmp_path / "root.key")  # pinned, but it signed nothing here
    monkeypatch.setenv(TRUST_ROOT_VARIABLE, root.public_key)
    result = site.build()
    assert site.pages() == set()
    assert "source/mikro.md:1: source not signed: no doctor counts" in result.output
