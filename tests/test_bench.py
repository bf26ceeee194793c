"""A small run of the benchmark harness: every stage runs for real and reports sane figures."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO

STAGES = [
    "pull, cold", "pull, nothing changed", "pull, 5 % of paragraphs changed",
    "translate, 100 ms per request, 4 at a time", "translate, 100 ms per request, 1 at a time",
    "parse every catalog (pipeline reader)", "status, cold", "status, nothing changed",
    "check, cold", "check, nothing changed", "build, cold", "build, nothing changed",
    "build, one translation changed and approved",
]


def test_harness_times_every_stage_of_a_small_site(tmp_path):
    out = tmp_path / "results.json"
    subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "-n", "3", "--runs", "1",
                    "--warm-runs", "1", "--skip-others", "--site", str(tmp_path / "site"),
                    "--out", str(out)], check=True, capture_output=True, cwd=tmp_path)
    results = json.loads(out.read_text(encoding="utf-8"))
    assert [stage["stage"] for stage in results["stages"]] == STAGES
    for stage in results["stages"]:
        for figure in ("median_s", "min_s", "max_s", "peak_mib"):
            assert isinstance(stage[figure], float) and stage[figure] > 0, (stage["stage"], figure)
        assert stage["runs"] == 1
    assert results["articles"] == 3 and results["languages"] == 5
    for stage in results["stages"][3:5]:  # each unique text sent once, in batches of at most 50
        assert stage["characters_sent"] == stage["ideal_characters"] == results["translate"][
            "ideal_characters"]
        assert 0 < stage["largest_batch"] <= 50
        assert set(stage["requests_per_language"]) == {"EN-US", "DE", "AR", "RU", "FR"}
    approved = results["approved_entries"]
    assert set(approved) == {"en", "de", "ar", "ru", "fr"} and all(approved.values())


def test_generated_site_is_signed_off_for_real(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    from pipeline.catalogs.model import plural_forms
    from pipeline.config import load_config
    from pipeline.gate.verdict import evaluate
    from pipeline.signoff.ledger import read_ledger
    from pipeline.catalogs.pofile import read_po
    from pipeline.pull import pull

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
    digest = generate.change_one_translation(site, tmp_path / "keys")
    verdict = evaluate(load_config(site / "pipeline.toml"), "en")
    assert verdict.publishable
    assert any(digest in domain.digests.values() for domain in verdict.domains)
