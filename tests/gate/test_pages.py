"""The gate's page checks: every article read once per run, findings kept by content only."""

from __future__ import annotations

import shutil

import pytest
from conftest import ARTICLE

import pipeline.site.build
import pipeline.source.articles
from pipeline.gate import pages
from pipeline.gate.rules import NOT_IN_CATALOG
from pipeline.gate.status import language_statuses
from pipeline.gate.verdict import evaluate, evaluate_languages
from pipeline.site.build import build


@pytest.fixture
def two_articles(make_project, translate_all, approve_all):
    """Two articles, English and Arabic translated and approved."""
    project = make_project({"mikro": ARTICLE,
                            "ikinci": ARTICLE.replace("Mikro İğneleme Nedir?", "İkinci makale")})
    assert project.run("pull").exit_code == 0
    for language in ("en", "ar"):
        translate_all(project, language)
    approve_all(project, "en", "ar")
    return project


@pytest.fixture
def parses(monkeypatch):
    """Every parse of an article's Markdown, by whoever makes it."""
    seen: list[str] = []
    real = pipeline.source.articles.markdown()
    class Counting:
        def parse(self, text, env=None):
            seen.append(text.split("\n", 2)[1])
            return real.parse(text, env)
        def __getattr__(self, name):
            return getattr(real, name)
    counting = Counting()
    for module in (pipeline.source.articles, pipeline.gate.translated):
        monkeypatch.setattr(module, "markdown", lambda: counting)
    return seen


def test_status_reads_each_article_once_for_every_language_then_not_at_all(two_articles,
                                                                            parses):
    statuses = language_statuses(two_articles.config, ["en", "de", "ar", "ru"])
    assert [s.publishable for s in statuses] == [True, False, True, False]
    assert sorted(parses) == ["title: Mikro İğneleme Nedir?", "title: İkinci makale"]
    parses.clear()
    assert [s.publishable for s in language_statuses(two_articles.config, ["en", "ar"])] == \
        [True, True]
    assert parses == []


def test_a_cold_build_parses_each_article_once(two_articles, parses, monkeypatch):
    monkeypatch.setenv("PIPELINE_JOBS", "1")  # the counter sees only this process
    result = build(two_articles.config)
    assert result.rendered == 6 and [r.language for r in result.stopped] == ["de", "ru"]
    assert sorted(parses) == ["title: Mikro İğneleme Nedir?", "title: İkinci makale"]


def test_pages_are_checked_on_every_core_with_the_same_findings(two_articles, monkeypatch):
    from pipeline.parallel import _can_fork

    assert _can_fork()
    two_articles.write("source/ikinci.md", ARTICLE.replace("Mikro İğneleme Nedir?", "İkinci makale")
                       + "\nYeni eklenen bir paragraf.\n")
    alone = [verdict.blockers for verdict in evaluate_languages(two_articles.config, ["en", "ar"])]
    shutil.rmtree(two_articles.root / ".pipeline-cache")
    monkeypatch.setattr(pages, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pages, "_CHUNK", 1)
    monkeypatch.setenv("PIPELINE_JOBS", "2")
    together = [verdict.blockers for verdict in evaluate_languages(two_articles.config,
                                                                   ["en", "ar"])]
    assert together == alone and [b.reason for b in alone[0]] == [NOT_IN_CATALOG]
    assert str(alone[0][0]).startswith("source/ikinci.md:")


def test_kept_findings_never_publish_a_language_the_ledger_stops(two_articles, tmp_path):
    from pipeline.signoff.review import open_signer, revoke, translated_entries

    assert evaluate(two_articles.config, "en").publishable  # its pages' findings are kept now
    config = two_articles.config
    signer = open_signer(config, "en", "ademir", tmp_path / "keys" / "ademir.key")
    title = next(t for t in translated_entries(config, "en").values()
                 if t.entry.msgid == "İkinci makale")
    revoke(config, "en", signer, [title])
    verdict = evaluate(config, "en")
    assert not verdict.publishable and verdict.page_blockers == ()


def test_a_page_is_checked_again_when_its_article_changes(two_articles):
    assert evaluate(two_articles.config, "en").publishable
    two_articles.write("source/mikro.md", ARTICLE + "\nYeni eklenen bir paragraf.\n")
    (blocker,) = evaluate(two_articles.config, "en").blockers
    assert (blocker.reason, blocker.msgid) == (NOT_IN_CATALOG, "Yeni eklenen bir paragraf.")
