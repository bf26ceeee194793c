"""``make bench``: every stage of the pipeline at site scale, beside the tools users would use instead.

Generates a deterministic N-article × 5-language site (bench/generate.py), then
times each stage as a whole process (median and spread of several runs, peak
memory), and in the same run `msgmerge --previous`, Babel's catalog update and
a polib read/write of every catalog. Prints a table; writes bench/results.json.

    python bench/run.py -n 1000          # the reference size
    python bench/run.py -n 100 --runs 1  # a quick look
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
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PIPELINE = [sys.executable, "-m", "pipeline"]


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MiB) and stdout of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})
    out, err = process.communicate()
    _, status, usage = os.wait4(process.pid, 0) if process.returncode is None else (0, 0, None)
    elapsed = time.perf_counter() - started
    if process.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err.decode()}")
    peak = _peak_of_last_child()
    return elapsed, peak, out.decode()


_last_peak = [0.0]


def _peak_of_last_child() -> float:
    """ru_maxrss of children is a running maximum: report it, it bounds every stage so far."""
    import resource
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    _last_peak[0] = peak
    return peak


def repeat(name: str, command: list[str], cwd: Path, runs: int, before=None, env=None) -> dict:
    times, peaks, output = [], [], ""
    for _ in range(runs):
        if before:
            before()
        seconds, peak, output = timed(command, cwd, env)
        times.append(seconds)
        peaks.append(peak)
    result = {"stage": name, "runs": runs, "median_s": statistics.median(times),
              "min_s": min(times), "max_s": max(times), "peak_mib": max(peaks)}
    print(f"  {name:<34} {result['median_s']:8.2f} s  (min {result['min_s']:.2f}, "
          f"max {result['max_s']:.2f})  peak ≤ {result['peak_mib']:.0f} MiB", flush=True)
    return result | {"last_output": output.strip().splitlines()[-1:] }


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


def in_process(name: str, function, site: Path, runs: int, before=None) -> dict:
    script = (f"import sys; sys.path[:0] = [{str(HERE)!r}, {str(REPO)!r}]; import run; "
              f"run.{function.__name__}(__import__('pathlib').Path({str(site)!r}))")
    return repeat(name, [sys.executable, "-c", script], site, runs, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-others", action="store_true", help="skip msgmerge, Babel and polib")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    site = HERE / "site"
    shutil.rmtree(site, ignore_errors=True)
    generate.generate(site, args.articles)
    results = {"articles": args.articles, "languages": len(generate.LANGUAGES),
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "stages": []}
    stages = results["stages"]
    pull = [*PIPELINE, "pull"]
    print(f"{args.articles} articles × {len(generate.LANGUAGES)} languages")

    def cold() -> None:
        shutil.rmtree(site / "locale", ignore_errors=True)
        shutil.rmtree(site / ".pipeline-cache", ignore_errors=True)

    stages.append(repeat("pull, cold", pull, site, args.runs, before=cold))
    filled = generate.fill_translations(site)
    timed(pull, site)
    stages.append(repeat("pull, nothing changed", pull, site, max(args.runs, 5)))
    translated = snapshot(site, "translated")

    def changed() -> None:
        restore(site, translated)
        generate.change_paragraphs(site, 0.05)

    stages.append(repeat("pull, 5 % of paragraphs changed", pull, site, args.runs, before=changed))
    if not args.skip_others:
        def changed_with_templates() -> None:
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
        restore(site, translated)
        stages.append(in_process("polib read + write every catalog", polib_floor, site, 1,
                                 before=lambda: restore(site, translated)))
    restore(site, translated)
    results["filled_entries"] = filled
    _print_ratios(stages)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"results written to {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")


def _print_ratios(stages: list[dict]) -> None:
    by_name = {stage["stage"]: stage["median_s"] for stage in stages}
    ours = by_name.get("pull, 5 % of paragraphs changed")
    for other in ("msgmerge --previous loop, 5 %", "Babel catalog update, 5 %"):
        if ours and other in by_name:
            print(f"  {other} / our pull: {by_name[other] / ours:.1f}×")


if __name__ == "__main__":
    main()
