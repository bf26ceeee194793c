"""``make bench``: every stage of the pipeline at site scale, beside the tools users would use instead.

Generates deterministic N-article × 5-language sites (bench/generate.py): a varied
one, where every body sentence is distinct, and the repetitive one whose strings
recur across articles, and prints each site's distinct text pairs per language
beside its figures. On each it times every stage as a whole process (median and
spread of several runs; CPU time, user and system, of the process and its workers,
which a busy machine hardly changes; peak memory; the load): pull; in the same run
`msgmerge --previous`, Babel's catalog update and a polib read/write of every
catalog; then, with every translation signed off in real Ed25519 statements by
a throwaway bench reviewer, status (the gate), check and build, cold and with nothing changed,
and a build after one paragraph's translation changed and was approved again.
When both sites are measured, the repetitive one is the comparison: each stage
once, without the other tools or the one-request-at-a-time translate.
``--memory-articles`` adds larger varied sites where only the peak memory (and
time) of pull, status and build, cold, is taken. Prints a table per site and
the sites side by side; writes bench/results.json.

    python bench/run.py -n 1000                         # the reference size, both sites
    python bench/run.py -n 100 --runs 1                 # a quick look
    python bench/run.py --memory-only --memory-articles 1000 3000   # peak memory only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import generate

PIPELINE = [sys.executable, "-m", "pipeline"]
REVIEW_LANGUAGE = "de"  # the review page's rows are timed for one language, as a doctor opens them
OK_EXITS = (0, 1, 3)  # check exits 1 on errors, build --strict 3 when stopped: still a timing


# Runs the stage and reports its peak memory and CPU time: a fresh, small parent, so that
# the stage's ru_maxrss is its own and not inherited from this (larger) process, and its
# CPU time (user + system, of the stage and its worker processes) is the stage's alone.
# CPU time hardly depends on what else the machine runs; wall time does.
_MEASURE = """
import os, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=sys.stdout, stderr=sys.stderr)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(os.environ["BENCH_FIGURES"], "w") as handle:
    handle.write(f"{code} {seconds} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
"""


def timed(command: list[str], cwd: Path) -> tuple[float, float, float, str]:
    """Wall seconds, peak memory (MiB), CPU seconds and stdout of one process."""
    with tempfile.TemporaryDirectory() as scratch:
        figures = Path(scratch) / "figures"
        process = subprocess.run([sys.executable, "-c", _MEASURE, *command], cwd=cwd,
                                 capture_output=True,
                                 env={**os.environ, "PYTHONPATH": str(REPO),
                                      "BENCH_FIGURES": str(figures)})
        code, seconds, peak, cpu = figures.read_text().split()
    if int(code) not in OK_EXITS:
        raise SystemExit(f"{' '.join(command)} failed ({code}):\n{process.stderr.decode()}")
    return float(seconds), int(peak) / 1024, float(cpu), process.stdout.decode()


def repeat(name: str, command: list[str], cwd: Path, runs: int, before=None) -> dict:
    times, peaks, cpus, output = [], [], [], ""
    for run in range(runs):
        if before:
            before(run)
        seconds, peak, cpu, output = timed(command, cwd)
        times.append(seconds)
        peaks.append(peak)
        cpus.append(cpu)
    result = {"stage": name, "runs": runs, "median_s": statistics.median(times),
              "min_s": min(times), "max_s": max(times), "cpu_s": statistics.median(cpus),
              "peak_mib": max(peaks), "load": _load()}
    print(f"  {name:<44} {result['median_s']:8.2f} s  (min {result['min_s']:.2f}, "
          f"max {result['max_s']:.2f})  cpu {result['cpu_s']:.2f} s  peak "
          f"{result['peak_mib']:.0f} MiB  load {result['load']:.1f}", flush=True)
    return result | {"last_output": output.strip().splitlines()[-1:]}


def _load() -> float:
    """The machine's load over the last minute: how far its wall times can be trusted."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def snapshot(site: Path, name: str) -> Path:
    target = site.parent / f"{site.name}-{name}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(site, target, symlinks=True)
    return target


def restore(site: Path, saved: Path) -> None:
    shutil.rmtree(site)
    shutil.copytree(saved, site, symlinks=True)


def msgmerge_loop(site: Path) -> None:
    for template in sorted((site / "locale").glob("*.pot")):
        for language in generate.LANGUAGES:
            po = site / "locale" / language / "LC_MESSAGES" / f"{template.stem}.po"
            subprocess.run(["msgmerge", "--quiet", "--previous", "--update", "--backup=off",
                            str(po), str(template)], check=True)


def babel_update(site: Path) -> None:
    """What `pybabel update` does for each catalog, in one process (no start-up cost per file)."""
    from babel.messages.pofile import read_po, write_po
    for template_path in sorted((site / "locale").glob("*.pot")):
        with open(template_path, "rb") as handle:
            template = read_po(handle)
        for language in generate.LANGUAGES:
            po = site / "locale" / language / "LC_MESSAGES" / f"{template_path.stem}.po"
            with open(po, "rb") as handle:
                catalog = read_po(handle, locale=language)
            catalog.update(template)
            with open(po, "wb") as handle:
                write_po(handle, catalog, include_previous=True, width=76)


def polib_floor(site: Path) -> None:
    import polib
    for po in sorted((site / "locale").rglob("*.po")):
        polib.pofile(str(po), wrapwidth=79).save()


def parse_catalogs(site: Path) -> None:
    """The pipeline's own reader over every catalog: the floor under status and check."""
    from pipeline.catalogs.pofile import read_po
    for po in sorted((site / "locale").glob("*/LC_MESSAGES/*.po")):
        read_po(po)


def review_rows(site: Path) -> None:
    """Every article of one language as the review page shows it: rows with their context."""
    from pipeline.config import load_config
    from pipeline.signoff.page import article_view
    from pipeline.source.articles import domains
    config = load_config(site / "pipeline.toml")
    for domain in domains(config):
        article_view(config, REVIEW_LANGUAGE, domain)


def in_process(name: str, function, site: Path, runs: int, before=None) -> dict:
    script = (f"import sys; sys.path[:0] = [{str(HERE)!r}, {str(REPO)!r}]; import run; "
              f"run.{function.__name__}(__import__('pathlib').Path({str(site)!r}))")
    return repeat(name, [sys.executable, "-c", script], site, runs, before)


def pull_stages(site: Path, args, stages: list[dict]) -> Path:
    """Pull cold, with nothing changed and after a 5 % change, and the other tools; the translated site."""
    pull = [*PIPELINE, "pull"]

    def cold(_run: int) -> None:
        shutil.rmtree(site / "locale", ignore_errors=True)
        shutil.rmtree(site / ".pipeline-cache", ignore_errors=True)

    stages.append(repeat("pull, cold", pull, site, args.runs, before=cold))
    snapshot(site, "empty")  # for the translate stages
    generate.fill_translations(site)
    timed(pull, site)
    stages.append(repeat("pull, nothing changed", pull, site, args.warm_runs))
    translated = snapshot(site, "translated")

    def changed(_run: int = 0) -> None:
        restore(site, translated)
        generate.change_paragraphs(site, 0.05)

    stages.append(repeat("pull, 5 % of paragraphs changed", pull, site, args.runs, before=changed))
    if not args.skip_others:
        def changed_with_templates(_run: int) -> None:
            changed()
            from pipeline.config import load_config
            from pipeline.pull import pull as run_pull
            config = load_config(site / "pipeline.toml")
            saved = {p: p.read_bytes() for p in (site / "locale").rglob("*.po")}
            run_pull(config)  # only to get the new templates: the catalogs are put back
            for path, data in saved.items():
                path.write_bytes(data)

        stages.append(in_process("msgmerge --previous loop, 5 %", msgmerge_loop, site, 1,
                                 before=changed_with_templates))
        stages.append(in_process("Babel catalog update, 5 %", babel_update, site, 1,
                                 before=changed_with_templates))
        stages.append(in_process("polib read + write every catalog", polib_floor, site, 1,
                                 before=lambda _run: restore(site, translated)))
    restore(site, translated)
    return translated


def translate_stages(site: Path, args, stages: list[dict]) -> dict:
    """Drafts for every empty string from a local DeepL-speaking server answering in 100 ms.

    Run twice on the freshly pulled site: with the configured concurrency and (unless
    ``args.sequential`` is false) one request at a time. Counts requests per language
    and characters sent against the ideal, the unique untranslated characters.
    """
    sys.path.insert(0, str(REPO / "tests"))
    from deepl_server import FakeDeepL

    from pipeline.mt.inline_xml import billable_characters, to_xml
    from pipeline.catalogs.pofile import read_po

    empty = site.parent / f"{site.name}-empty"
    unique = {language: {entry.msgid for path in (empty / "locale" / language / "LC_MESSAGES").glob("*.po")
                         for entry in read_po(path).messages}
              for language in generate.LANGUAGES}
    ideal = sum(billable_characters(to_xml(msgid).xml) for texts in unique.values() for msgid in texts)
    figures = {"unique_texts": sum(len(texts) for texts in unique.values()), "ideal_characters": ideal}
    for concurrency in (4, 1) if args.sequential else (4,):
        with FakeDeepL(latency=0.1, character_limit=10**12) as server:
            def fresh(_run: int, concurrency: int = concurrency) -> None:
                restore(site, empty)
                with open(site / "pipeline.toml", "a", encoding="utf-8") as handle:
                    handle.write(f"\n[deepl]\ncontext = false\nconcurrency = {concurrency}\n")
            os.environ.update(server.env)
            try:
                name = f"translate, 100 ms per request, {concurrency} at a time"
                stage = repeat(name, [*PIPELINE, "translate"], site, 1, before=fresh)
            finally:
                for variable in server.env:
                    os.environ.pop(variable, None)
            requests = server.translate_requests()
            per_language = {}
            for request in requests:
                language = request.json["target_lang"]
                per_language[language] = per_language.get(language, 0) + 1
            stage |= {"requests": len(requests), "requests_per_language": per_language,
                      "characters_sent": server.character_count, "ideal_characters": ideal,
                      "largest_batch": max(len(r.texts) for r in requests)}
            print(f"    {len(requests)} requests ({per_language}), {server.character_count:,} "
                  f"characters sent for {ideal:,} unique untranslated "
                  f"(ratio {server.character_count / ideal:.2f})", flush=True)
            stages.append(stage)
    shutil.rmtree(empty, ignore_errors=True)
    return figures


def gate_and_build_stages(site: Path, keys: Path, args, stages: list[dict]) -> dict[str, int]:
    """Sign everything off, then status, check and build, cold and warm; language → entries approved."""
    approved = generate.sign_everything(site, keys)
    cache, public = site / ".pipeline-cache", site / "public"

    def no_cache(_run: int) -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def no_cache_no_site(_run: int) -> None:
        no_cache(_run)
        shutil.rmtree(public, ignore_errors=True)

    def one_translation_changed(run: int) -> None:
        generate.change_one_translation(site, keys, number=run)

    stages.append(in_process("parse every catalog (pipeline reader)", parse_catalogs, site,
                             args.runs))
    for command in ("status", "check"):
        line = [*PIPELINE, command]
        stages.append(repeat(f"{command}, cold", line, site, args.runs, before=no_cache))
        stages.append(repeat(f"{command}, nothing changed", line, site, args.warm_runs))
    stages.append(in_process("review page: every article of one language, rows with their context",
                             review_rows, site, args.runs))
    build = [*PIPELINE, "build"]
    stages.append(repeat("build, cold", build, site, args.runs, before=no_cache_no_site))
    stages.append(repeat("build, nothing changed", build, site, args.warm_runs))
    stages.append(repeat("build, one translation changed and approved", build, site, args.runs,
                         before=one_translation_changed))
    return approved


def text_pairs(site: Path) -> dict[str, dict[str, int]]:
    """Language → strings (entries of every catalog) and distinct text pairs (source, translation).

    A distinct pair is what the gate checks once per language however many
    catalogs repeat it, so it is the measure of how much a site flatters a cold run.
    """
    from pipeline.catalogs.pofile import read_po
    counts = {}
    for language in generate.LANGUAGES:
        strings, pairs = 0, set()
        for path in sorted((site / "locale" / language / "LC_MESSAGES").glob("*.po")):
            for entry in read_po(path).messages:
                strings += 1
                sources = [entry.msgid] + [entry.msgid_plural] * (len(entry.msgstrs) - 1)
                pairs.update(zip(sources, entry.msgstrs))
        counts[language] = {"strings": strings, "distinct_pairs": len(pairs)}
    return counts


def _describe(counts: dict[str, dict[str, int]]) -> str:
    figures = {(c["strings"], c["distinct_pairs"]) for c in counts.values()}
    if len(figures) == 1:
        strings, pairs = figures.pop()
        return f"{pairs:,} distinct text pairs of {strings:,} strings per language"
    return "distinct text pairs / strings: " + ", ".join(
        f"{language} {c['distinct_pairs']:,}/{c['strings']:,}" for language, c in counts.items())


def bench_site(variety: str, count: int, site: Path, args, comparison: bool = False) -> dict:
    """Every stage on one generated site (each a separate process); its figures.

    A ``comparison`` site (the repetitive one, when both are measured) runs each stage
    once, without the other tools and without the one-request-at-a-time translate:
    it is there to show what repetition flatters, not to be the reference.
    """
    started = time.perf_counter()
    if comparison:
        args = argparse.Namespace(**{**vars(args), "runs": 1, "warm_runs": 1,
                                     "skip_others": True, "sequential": False})
    shutil.rmtree(site, ignore_errors=True)
    repeats = generate.generate(site, count, variety, args.seed)
    result = {"variety": variety, "articles": count, "seed": args.seed,
              "comparison": comparison, "stages": []}
    stages = result["stages"]
    print(f"\n{variety} site: {count:,} articles × {len(generate.LANGUAGES)} languages", flush=True)
    keys = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    try:
        translated = pull_stages(site, args, stages)
        result["text_pairs"] = text_pairs(site)
        result["repeated_texts"] = repeats
        print(f"  ({variety}: {_describe(result['text_pairs'])})", flush=True)
        if not args.skip_translate:
            result["translate"] = translate_stages(site, args, stages)
            restore(site, translated)
        result["approved_entries"] = gate_and_build_stages(site, keys, args, stages)
    finally:
        shutil.rmtree(keys, ignore_errors=True)
    shutil.rmtree(translated, ignore_errors=True)
    shutil.rmtree(site.parent / f"{site.name}-empty", ignore_errors=True)
    _print_ratios(stages)
    result["wall_s"] = time.perf_counter() - started
    print(f"  {variety} site ({_describe(result['text_pairs'])}) measured in "
          f"{result['wall_s'] / 60:.1f} min", flush=True)
    return result


def bench_memory(count: int, site: Path, args) -> dict:
    """Peak memory (and time) of pull, status and build, cold, once each, on a varied site."""
    started = time.perf_counter()
    shutil.rmtree(site, ignore_errors=True)
    repeats = generate.generate(site, count, "varied", args.seed)
    result = {"variety": "varied", "articles": count, "seed": args.seed, "scope": "memory",
              "stages": []}
    stages = result["stages"]
    print(f"\nvaried site, peak memory: {count:,} articles × {len(generate.LANGUAGES)} languages",
          flush=True)
    pull = [*PIPELINE, "pull"]
    stages.append(repeat("pull, cold", pull, site, 1))
    generate.fill_translations(site)
    timed(pull, site)
    result["text_pairs"] = text_pairs(site)
    result["repeated_texts"] = repeats
    print(f"  (varied: {_describe(result['text_pairs'])})", flush=True)
    keys = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    try:
        result["approved_entries"] = generate.sign_everything(site, keys)
    finally:
        shutil.rmtree(keys, ignore_errors=True)
    shutil.rmtree(site / ".pipeline-cache", ignore_errors=True)
    stages.append(repeat("status, cold", [*PIPELINE, "status"], site, 1))
    shutil.rmtree(site / ".pipeline-cache", ignore_errors=True)
    stages.append(repeat("build, cold", [*PIPELINE, "build"], site, 1))
    shutil.rmtree(site, ignore_errors=True)  # the largest site: not kept
    result["wall_s"] = time.perf_counter() - started
    print(f"  measured in {result['wall_s'] / 60:.1f} min", flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--articles", type=int, default=1000)
    parser.add_argument("--variety", choices=[*generate.VARIETIES, "both"], default="both",
                        help="which generated site to measure; both: the varied site, then the "
                             "repetitive one for comparison (each stage once, no other tools, "
                             "no one-at-a-time translate)")
    parser.add_argument("--seed", type=int, default=0, help="the generator's seed")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm-runs", type=int, default=5,
                        help="runs of the short stages where nothing changed")
    parser.add_argument("--skip-others", action="store_true",
                        help="skip msgmerge, Babel and polib")
    parser.add_argument("--skip-translate", action="store_true",
                        help="skip the machine-translation stages (they wait 100 ms per request)")
    parser.add_argument("--memory-articles", type=int, nargs="*", default=[], metavar="N",
                        help="also measure peak memory of pull, status and build, cold, once "
                             "each, on a varied site of N articles (e.g. 3000)")
    parser.add_argument("--memory-only", action="store_true",
                        help="measure only the --memory-articles sites")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--site", type=Path, default=HERE / "site",
                        help="where to generate the sites: SITE-varied, SITE-repetitive (replaced)")
    parser.set_defaults(sequential=True)
    args = parser.parse_args(argv)
    if args.memory_only and not args.memory_articles:
        parser.error("--memory-only needs --memory-articles N")
    base = args.site.resolve()
    varieties = [] if args.memory_only else (
        ["varied", "repetitive"] if args.variety == "both" else [args.variety])
    results = {"articles": None if args.memory_only else args.articles,
               "languages": len(generate.LANGUAGES),
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "sites": []}

    def save() -> None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")

    for variety in varieties:
        site = base.parent / f"{base.name}-{variety}"
        comparison = variety == "repetitive" and len(varieties) > 1
        results["sites"].append(bench_site(variety, args.articles, site, args, comparison))
        save()
    for count in args.memory_articles:
        results["sites"].append(bench_memory(count, base.parent / f"{base.name}-memory", args))
        save()
    _print_comparison(results["sites"])
    print(f"results written to {args.out}")


def _print_comparison(sites: list[dict]) -> None:
    """The sites side by side: distinct pairs, then each stage's median and peak memory."""
    if len(sites) < 2:
        return
    names = [f"{site['variety']}, {site['articles']:,}" for site in sites]
    print(f"\n  {'':<44}" + "".join(f"{name:>30}" for name in names))
    cells = [f"{site['text_pairs']['en']['distinct_pairs']:,} / {site['text_pairs']['en']['strings']:,}"
             for site in sites]
    print(f"  {'distinct text pairs / strings, per language':<44}" + "".join(f"{c:>30}" for c in cells))
    stages = list(dict.fromkeys(stage["stage"] for site in sites for stage in site["stages"]))
    for name in stages:
        cells = []
        for site in sites:
            stage = next((s for s in site["stages"] if s["stage"] == name), None)
            cells.append(f"{stage['median_s']:.2f} s {stage['cpu_s']:.1f} cpu {stage['peak_mib']:4.0f} MiB"
                         if stage else "—")
        print(f"  {name:<44}" + "".join(f"{cell:>30}" for cell in cells))


def _print_ratios(stages: list[dict]) -> None:
    by_name = {stage["stage"]: stage["median_s"] for stage in stages}
    cpu = {stage["stage"]: stage["cpu_s"] for stage in stages}
    ours = by_name.get("pull, 5 % of paragraphs changed")
    for other in ("msgmerge --previous loop, 5 %", "Babel catalog update, 5 %"):
        if ours and other in by_name:
            print(f"  {other} / our pull: {by_name[other] / ours:.1f}× wall, "
                  f"{cpu[other] / cpu['pull, 5 % of paragraphs changed']:.1f}× CPU")
    parse = by_name.get("parse every catalog (pipeline reader)")
    for gate in ("status, cold", "status, nothing changed"):
        if parse and gate in by_name:
            print(f"  {gate} / parsing every catalog: {by_name[gate] / parse:.2f}×")


if __name__ == "__main__":
    main()
