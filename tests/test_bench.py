"""The benchmark: its generated sites, and a small run of the harness (every stage runs for real)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
try:
    import generate
    import varied
finally:
    sys.path.remove(str(REPO / "bench"))

STAGES = [
    "pull, cold", "pull, nothing changed", "pull, 5 % of paragraphs changed",
    "translate, 100 ms per request, 4 at a time", "translate, 100 ms per request, 1 at a time",
    "parse every catalog (pipeline reader)", "status, cold", "status, nothing changed",
    "check, cold", "check, nothing changed",
    "review page: every article of one language, rows with their context",
    "build, cold", "build, nothing changed", "build, one translation changed and approved",
]
# bench/generate.py's repetitive site of 12 articles, as it has always been generated: the
# README's earlier figures stay comparable. Changes only if the shipped article does.
REPETITIVE_12 = "5d4b69f2e4f3216b81cfa3df09903ce80977c5d49586be598d44cbf7822d3601"


def digest(root: Path) -> str:
    hashed = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            hashed.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return hashed.hexdigest()


def test_harness_times_every_stage_of_both_sites(tmp_path):
    out = tmp_path / "results.json"
    subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "-n", "3", "--runs", "1",
                    "--warm-runs", "1", "--skip-others", "--memory-articles", "2",
                    "--site", str(tmp_path / "site"), "--out", str(out)],
                   check=True, capture_output=True, cwd=tmp_path)
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["articles"] == 3 and results["languages"] == 5
    sites = results["sites"]
    assert [(site["variety"], site["articles"]) for site in sites] == [
        ("varied", 3), ("repetitive", 3), ("varied", 2)]
    # the repetitive site is the comparison: once each, no one-request-at-a-time translate
    assert [stage["stage"] for stage in sites[0]["stages"]] == STAGES
    assert [stage["stage"] for stage in sites[1]["stages"]] == [
        stage for stage in STAGES if stage != "translate, 100 ms per request, 1 at a time"]
    assert [site["comparison"] for site in sites[:2]] == [False, True]
    for site in sites[:2]:
        translating = [stage for stage in site["stages"] if stage["stage"].startswith("translate")]
        for stage in translating:  # each unique text sent once, in batches of at most 50
            assert stage["characters_sent"] == stage["ideal_characters"] == site["translate"][
                "ideal_characters"]
            assert 0 < stage["largest_batch"] <= 50
            assert set(stage["requests_per_language"]) == {"EN-US", "DE", "AR", "RU", "FR"}
        approved = site["approved_entries"]
        assert set(approved) == {"en", "de", "ar", "ru", "fr"} and all(approved.values())
    assert [stage["stage"] for stage in sites[2]["stages"]] == [
        "pull, cold", "status, cold", "build, cold"]
    for site in sites:
        for stage in site["stages"]:
            for figure in ("median_s", "min_s", "max_s", "cpu_s", "peak_mib"):
                assert isinstance(stage[figure], float) and stage[figure] > 0, (stage["stage"], figure)
            assert stage["runs"] == 1
        assert set(site["text_pairs"]) == set(generate.LANGUAGES)
        for counts in site["text_pairs"].values():
            assert 0 < counts["distinct_pairs"] <= counts["strings"]
    share = {site["variety"]: site["text_pairs"]["en"]["distinct_pairs"] / site["text_pairs"]["en"][
        "strings"] for site in sites[:2]}
    assert share["varied"] > 0.9 and share["repetitive"] < share["varied"]


def test_generated_site_is_signed_off_for_real(tmp_path):
    from pipeline.catalogs.model import plural_forms
    from pipeline.catalogs.pofile import read_po
    from pipeline.config import load_config
    from pipeline.gate.verdict import evaluate
    from pipeline.pull import pull
    from pipeline.signoff.ledger import read_ledger

    site = tmp_path / "site"
    generate.generate(site, 2)
    pull(load_config(site / "pipeline.toml"))
    french = sorted((site / "locale" / "fr" / "LC_MESSAGES").glob("*.po"))
    assert len(french) == 3  # two articles and the site: gettext's two forms, not CLDR's three
    assert {read_po(path).header_field("Plural-Forms") for path in french} == \
        {plural_forms("fr")} == {"nplurals=2; plural=(n > 1);"}
    generate.fill_translations(site)
    approved = generate.sign_everything(site, tmp_path / "keys", statements=3)
    config = load_config(site / "pipeline.toml")
    for language in generate.LANGUAGES:
        verdict = evaluate(config, language)
        assert verdict.publishable, verdict.blockers[:3]
        assert verdict.review_counts()["approved"] >= approved[language] > 0
        assert 1 < len(read_ledger(config.locale_dir / language / "signoffs.jsonl")) <= 3
    digest_ = generate.change_one_translation(site, tmp_path / "keys")
    verdict = evaluate(load_config(site / "pipeline.toml"), "en")
    assert verdict.publishable
    assert any(digest_ in domain.digests.values() for domain in verdict.domains)


def test_repetitive_site_is_the_one_it_always_was(tmp_path):
    assert generate.generate(tmp_path / "a", 12) == 0
    assert generate.generate(tmp_path / "b", 12, "repetitive", seed=0) == 0
    assert digest(tmp_path / "a") == digest(tmp_path / "b") == REPETITIVE_12
    generate.generate(tmp_path / "c", 12, "repetitive", seed=1)
    assert digest(tmp_path / "c") != REPETITIVE_12
    with pytest.raises(ValueError):
        generate.generate(tmp_path / "d", 1, "random")


def test_varied_site_is_deterministic(tmp_path):
    for name in ("a", "b"):
        assert generate.generate(tmp_path / name, 15, "varied", seed=3) == 0
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    generate.generate(tmp_path / "c", 15, "varied", seed=4)
    assert digest(tmp_path / "c") != digest(tmp_path / "a")


def test_varied_site_repeats_only_its_boilerplate(tmp_path):
    """Every body text distinct across the site; the texts a translator sees are real Turkish prose."""
    from pipeline.source.articles import read_article

    site = tmp_path / "site"
    generate.generate(site, 40, "varied")
    units = [unit for path in sorted((site / "source").glob("*.md"))
             for unit in read_article(path).units]
    counts = Counter(unit.text for unit in units)
    repeated = {text for text, count in counts.items() if count > 1}
    assert repeated == set(varied.BOILERPLATE)
    assert len(counts) == len(units) - sum(counts[text] - 1 for text in repeated)
    assert 40 * 40 < len(units) < 40 * 60  # 40–60 strings per article, as the repetitive site

    kinds = Counter(unit.kind for unit in units)
    assert kinds["heading"] >= 40 * 5 and kinds["list item"] >= 40 * 5 and kinds["paragraph"]
    prose = "\n".join(counts)
    assert set("İıŞşğÇçÖöÜü") <= set(prose)  # (no Turkish word starts with ğ)
    assert re.search(r"\*\*[^*]+\*\*", prose)
    links = re.findall(r"\]\(([^)]+)\)", prose)
    assert "https://bench.example.org/randevu" in links
    article_links = [link for link in links if link.startswith("../makale-")]
    assert len(set(article_links)) > 10
    assert all((site / "source" / f"{link[3:-1]}.md").is_file() for link in article_links)
    assert re.search(r"%\d+", prose) and re.search(r"\b\d,\d+ m[lgm]\b", prose)
    words = [len(text.split()) for text in counts if not text.endswith(":")]
    assert min(words) <= 6 and max(words) >= 40
    # No sentence is one template with a different number: with the digits taken out,
    # most texts are still distinct.
    assert len({re.sub(r"\d+", "#", text) for text in counts}) > 0.85 * len(counts)


def test_varied_translations_pass_the_checks_and_stay_distinct(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import run
    finally:
        sys.path.remove(str(REPO / "bench"))
    from pipeline.catalogs.pofile import read_po
    from pipeline.config import load_config
    from pipeline.pull import pull

    site = tmp_path / "site"
    generate.generate(site, 12, "varied")
    pull(load_config(site / "pipeline.toml"))
    generate.fill_translations(site)
    checked = subprocess.run([sys.executable, "-m", "pipeline", "check"], cwd=site,
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout[-2000:]
    assert "0 error(s)" in checked.stdout
    boilerplate = len(varied.BOILERPLATE)
    for language, counts in run.text_pairs(site).items():
        # the boilerplate paragraphs are the only texts several catalogs share
        assert counts["strings"] - 12 * boilerplate <= counts["distinct_pairs"] < counts["strings"]
        sources = {}
        for path in (site / "locale" / language / "LC_MESSAGES").glob("*.po"):
            for entry in read_po(path).messages:
                sources[entry.msgid] = entry.msgstr
        assert len(set(sources.values())) == len(sources), language  # distinct per distinct source
