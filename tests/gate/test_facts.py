"""What the gate keeps of each catalog: reused only for the same bytes, never an approval."""

from __future__ import annotations

import shutil

import pytest

import pipeline.gate.facts as facts
import pipeline.gate.verdict as gate
from pipeline.checks import WARNING, check
from pipeline.errors import CatalogError
from pipeline.gate.findings import run_checks
from pipeline.gate.verdict import CHANGED, NOT_APPROVED, evaluate
from pipeline.signoff.review import revoke, translated_entries
from signing import edit_translation, signed_off, translate
from tests.checks.helpers import registered_for_now

TITLE = "Mikro İğneleme Nedir?"


@pytest.fixture
def site(project, tmp_path):
    return signed_off(project, tmp_path / "keys")


def summary(verdict) -> tuple:
    return (verdict.publishable, verdict.review_counts(), verdict.blocker_counts(),
            [str(b) for b in verdict.blockers], [str(f) for f in verdict.findings],
            [dict(d.approvals) for d in verdict.domains])


def no_checks_allowed(monkeypatch):
    def refuse(*args):
        raise AssertionError("the catalog was checked again")
    monkeypatch.setattr(gate, "check_catalog", refuse)


def kept(project, kind: str) -> dict[str, bytes]:
    """Every value of one kind in the project's store: file name → bytes."""
    folder = project.root / ".pipeline-cache" / "objects" / kind
    return {path.name: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def spoil(project, kind: str) -> None:
    """Flip one bit of every value of one kind, as a bad disk or a hand would."""
    for path in (project.root / ".pipeline-cache" / "objects" / kind).rglob("*"):
        if path.is_file():
            data = bytearray(path.read_bytes())
            data[-2] ^= 0x04
            path.write_bytes(bytes(data))


def test_an_unchanged_catalog_is_not_checked_again_and_the_verdict_is_the_same(site, monkeypatch):
    first = summary(evaluate(site.config, "en"))
    assert kept(site, facts.FACTS) and kept(site, facts.BUNDLE)
    monkeypatch.setattr(facts, "_context", lambda *args: "fixed")  # the patched gate keeps its facts
    evaluate(site.config, "en")
    no_checks_allowed(monkeypatch)
    again = evaluate(site.config, "en")
    assert summary(again) == first and again.publishable


def test_an_edited_translation_is_never_approved_by_what_was_kept(site):
    assert evaluate(site.config, "en").publishable
    edit_translation(site, "en", TITLE, "What is microneedling, really?")
    verdict = evaluate(site.config, "en")
    assert not verdict.publishable
    assert [(b.reason, b.msgid) for b in verdict.blockers] == [(CHANGED, TITLE)]


def test_a_revoked_approval_counts_at_once_with_kept_facts(site):
    evaluate(site.config, "en")
    title = next(t for t in translated_entries(site.config, "en").values() if t.entry.msgid == TITLE)
    revoke(site.config, "en", site.signer, [title])
    verdict = evaluate(site.config, "en")
    assert [(b.reason, b.msgid) for b in verdict.blockers] == [(NOT_APPROVED, TITLE)]


def test_a_new_glossary_or_configuration_is_taken_into_account(site):
    evaluate(site.config, "en")
    site.write("glossary/tr-en.csv", "source,target\nmikro iğneleme,microneedling\n")
    assert any(f.check == "glossary" for f in evaluate(site.config, "en").findings)
    before = set(kept(site, facts.BUNDLE))
    config = site.read("pipeline.toml")
    site.write("pipeline.toml", config.replace('"Test Kliniği"', '"Başka Klinik"'))
    evaluate(site.config, "en")
    assert set(kept(site, facts.BUNDLE)) - before  # facts learnt again under a new address


def test_a_newly_registered_check_runs_on_unchanged_catalogs(site):
    evaluate(site.config, "en")
    with registered_for_now():
        @check("no-x", WARNING)
        def no_x(pair, context):
            """No x."""
            yield "an x"

        assert any(f.check == "no-x" for f in evaluate(site.config, "en").findings)


def test_a_changed_checks_table_is_taken_into_account(site):
    site.write("glossary/tr-en.csv", "source,target\nmikro iğneleme,microneedling\n")
    assert any(f.check == "glossary" for f in run_checks(site.config, ["en"]).findings)
    before = set(kept(site, facts.BUNDLE))
    site.write("pipeline.toml", site.read("pipeline.toml") + '\n[checks]\ndisable = ["glossary"]\n')
    assert not any(f.check == "glossary" for f in run_checks(site.config, ["en"]).findings)
    assert not any(f.check == "glossary" for f in evaluate(site.config, "en").findings)
    assert set(kept(site, facts.BUNDLE)) - before  # facts learnt again under a new address


def test_a_damaged_cache_is_ignored_and_replaced(site):
    first = summary(evaluate(site.config, "en"))
    for kind in (facts.BUNDLE, facts.FACTS, facts.DETAILS):
        spoil(site, kind)
    assert summary(evaluate(site.config, "en")) == first
    for path in (site.root / ".pipeline-cache" / "objects").rglob("*"):
        if path.is_file():
            path.write_bytes(b"\x00garbage")
    assert summary(evaluate(site.config, "en")) == first


def test_a_cache_that_cannot_be_written_only_costs_time(site):
    shutil.rmtree(site.root / ".pipeline-cache", ignore_errors=True)
    (site.root / ".pipeline-cache").mkdir()
    (site.root / ".pipeline-cache" / "objects").write_text("not a folder", encoding="utf-8")
    assert evaluate(site.config, "en").publishable


def test_the_catalog_read_later_is_the_one_judged(site):
    verdict = evaluate(site.config, "en")
    edit_translation(site, "en", TITLE, "Something else entirely")
    with pytest.raises(CatalogError, match="changed while the pipeline was reading it"):
        _ = verdict.domains[0].catalog


def test_check_reuses_the_kept_findings(site, monkeypatch):
    site.write("glossary/tr-en.csv", "source,target\nmikro iğneleme,microneedling\n")
    first = run_checks(site.config, ["en", "de"])
    assert first.warnings
    monkeypatch.setattr(facts, "_context", lambda *args: "fixed")
    run_checks(site.config, ["en", "de"])
    monkeypatch.setattr("pipeline.gate.findings.check_catalog", lambda *args: 1 / 0)
    again = run_checks(site.config, ["en", "de"])
    assert again.as_dict() == first.as_dict()


def test_many_catalogs_are_learnt_by_worker_processes_with_the_same_result(make_project, tmp_path,
                                                                           monkeypatch):
    from conftest import ARTICLE
    from pipeline.parallel import _can_fork

    assert _can_fork()  # or this test would not exercise the workers
    project = make_project({f"makale-{n}": ARTICLE.replace("Nedir", f"Nedir {n}")
                            for n in range(6)})
    project.run("pull")
    translate(project, "en")
    good = project.po("en", "makale-3").read_bytes()
    project.po("en", "makale-3").write_text("msgid \"broken\n", encoding="utf-8")
    monkeypatch.setenv("PIPELINE_JOBS", "1")
    with pytest.raises(CatalogError) as alone:
        evaluate(project.config, "en")
    monkeypatch.setenv("PIPELINE_JOBS", "2")
    monkeypatch.setattr(facts, "PARALLEL_FROM", 2)
    monkeypatch.setattr(facts, "_CHUNK", 2)
    with pytest.raises(CatalogError) as together:
        evaluate(project.config, "en")
    assert str(together.value) == str(alone.value)
    project.po("en", "makale-3").write_bytes(good)
    verdicts = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("PIPELINE_JOBS", jobs)
        shutil.rmtree(project.root / ".pipeline-cache", ignore_errors=True)
        verdicts.append(summary(evaluate(project.config, "en")))
        verdicts.append(kept(project, facts.FACTS) | kept(project, facts.BUNDLE))
    assert verdicts[0] == verdicts[2] and verdicts[1] == verdicts[3]
    assert len(verdicts[3]) == 7 + 1
    checked = []
    for jobs in ("1", "2"):  # the rows and findings workers learnt: kept, and sent back to check
        monkeypatch.setenv("PIPELINE_JOBS", jobs)
        shutil.rmtree(project.root / ".pipeline-cache", ignore_errors=True)
        checked.append([str(f) for f in run_checks(project.config, ["en"]).findings])
        checked.append(kept(project, facts.DETAILS))
    assert checked[0] == checked[2] and checked[1] == checked[3] and len(checked[3]) == 7


def test_no_worker_is_forked_while_other_threads_run(monkeypatch):
    import threading

    from pipeline import parallel

    calls = []
    monkeypatch.setenv("PIPELINE_JOBS", "2")
    done = threading.Event()
    thread = threading.Thread(target=done.wait)
    thread.start()
    try:
        results = parallel.fork_map(lambda state, chunk: calls.append(chunk) or chunk * state,
                                    [1, 2, 3], 10)
    finally:
        done.set()
        thread.join()
    assert results == [10, 20, 30] and calls == [1, 2, 3]  # done here, in order


def test_a_pipeline_error_on_a_worker_comes_back_whole(monkeypatch):
    from pipeline import parallel
    from pipeline.errors import BuildError

    def fail(state, chunk):
        if chunk == 2:
            raise BuildError("broken", "some/file.html", 7)
        return chunk

    with pytest.raises(BuildError) as raised:
        parallel.fork_map(fail, [1, 2, 3], None, workers=2)
    assert str(raised.value) == "some/file.html:7: broken"


def test_lost_details_are_learnt_again_and_kept(site, monkeypatch):
    first = [str(f) for f in run_checks(site.config, ["en"]).findings]
    spoil(site, facts.DETAILS)
    assert [str(f) for f in run_checks(site.config, ["en"]).findings] == first
    monkeypatch.setattr(facts, "read_judged", lambda *args: 1 / 0)  # kept again: not needed
    assert [str(f) for f in run_checks(site.config, ["en"]).findings] == first
