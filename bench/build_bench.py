"""Benchmark of ``pipeline build``: a generated N-article site in five languages.

Generates ``bench/site`` from the shipped sample article (each copy's sentences
made distinct), pulls, fills every catalog with stand-in translations, approves
them, then times in separate processes: a full build, a no-op rebuild and a
rebuild after one translation changed, each with its peak memory. Results go to
``bench/results.json``.

    python bench/build_bench.py --articles 1000
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

SITE = HERE / "site"
APPROVALS = HERE / "site" / ".bench-approvals.pickle"
CONFIG = """\
[site]
name = "Klinik Sağlık Rehberi (benchmark)"
base_url = "https://saglik.example.org"

[languages]
source = "tr"
targets = ["en", "de", "ar", "ru"]
"""


def generate(articles: int) -> None:
    """The site, pulled, translated and approved: everything before the build."""
    from pipeline.config import load_config
    from pipeline.pull import pull

    shutil.rmtree(SITE, ignore_errors=True)
    (SITE / "source").mkdir(parents=True)
    (SITE / "pipeline.toml").write_text(CONFIG, encoding="utf-8")
    sample = (REPO / "source" / "mikro-igneleme-nedir.md").read_text(encoding="utf-8")
    head, body = sample.split("\n---\n", 1)
    for number in range(1, articles + 1):
        lines = [line + f" ({number})" if line.strip() and not line.startswith("---") else line
                 for line in body.split("\n")]
        title = head.replace("title: Mikro İğneleme Nedir?", f"title: Mikro İğneleme Nedir? ({number})")
        (SITE / "source" / f"makale-{number:04d}.md").write_text(
            title + "\n---\n" + "\n".join(lines), encoding="utf-8")
    config = load_config(SITE / "pipeline.toml")
    started = time.perf_counter()
    pull(config)
    print(f"pull: {time.perf_counter() - started:.1f} s")
    _translate_and_approve(config)


def _translate_and_approve(config) -> None:
    from datetime import datetime, timezone

    from pipeline.pofile import format_po, read_po
    from pipeline.signoff import Approval, entry_digest
    from pipeline.source import domains

    approval = Approval("bench", "Dr. Benchmark", datetime(2026, 3, 1, tzinfo=timezone.utc))
    approved: dict[str, dict] = {}
    for language in config.languages:
        for domain in domains(config):
            path = config.catalog_path(language, domain)
            catalog = read_po(path)
            catalog.entries = [e if e.obsolete else e.replace(
                msgstrs=(f"[{language}] {e.msgid}",) * len(e.msgstrs)).with_fuzzy(False)
                for e in catalog.entries]
            path.write_text(format_po(catalog), encoding="utf-8")
            for entry in catalog.messages:
                approved.setdefault(language, {})[entry_digest(language, entry)] = approval
    APPROVALS.write_bytes(pickle.dumps(approved))


def change_one_translation() -> None:
    from pipeline.config import load_config
    from pipeline.pofile import format_po, read_po

    config = load_config(SITE / "pipeline.toml")
    path = config.catalog_path("en", "makale-0001")
    catalog = read_po(path)
    first = catalog.messages[3]
    catalog.entries = [e.replace(msgstrs=(e.msgstr + " (edited)",)) if e is first else e
                       for e in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")
    _translate_and_approve_one(config, "en", "makale-0001")


def _translate_and_approve_one(config, language: str, domain: str) -> None:
    from pipeline.pofile import read_po
    from pipeline.signoff import entry_digest

    approved = pickle.loads(APPROVALS.read_bytes())
    sample = next(iter(approved[language].values()))
    for entry in read_po(config.catalog_path(language, domain)).messages:
        approved[language][entry_digest(language, entry)] = sample
    APPROVALS.write_bytes(pickle.dumps(approved))


def run_build() -> dict:
    """One build in this process, with the generated approvals; its time and peak memory."""
    import pipeline.gate
    from pipeline.build import build
    from pipeline.config import load_config

    approved = pickle.loads(APPROVALS.read_bytes())
    # replaced by real signed ledgers once sign-off lands
    pipeline.gate.approvals = lambda config, language: approved.get(language, {})
    config = load_config(SITE / "pipeline.toml")
    started = time.perf_counter()
    result = build(config)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "peak_mib": round(peak_mib, 1), "pages": result.pages,
            "rendered": result.rendered, "reused": result.reused, "changed": result.changed,
            "stopped": [r.language for r in result.stopped]}


def _measure(label: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--step", "build"], check=True,
                            capture_output=True, text=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    print(f"{label}: {figures['seconds']} s, peak {figures['peak_mib']} MiB, "
          f"{figures['rendered']} rendered, {figures['reused']} reused of {figures['pages']}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--step", choices=["build"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step == "build":
        print(json.dumps(run_build()))
        return
    generate(options.articles)
    results = {"articles": options.articles, "languages": 5}
    results["full build"] = _measure("full build")
    results["no-op rebuild"] = _measure("no-op rebuild")
    change_one_translation()
    results["one translation changed"] = _measure("one translation changed")
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
