"""`pipeline translate`: drafts from memory, DeepL (a local fake server) and pseudo; cost and failures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from conftest import Project
from deepl_server import MAX_BODY, FakeDeepL, Recorded
from pipeline import interrupts
from pipeline.catalogs.model import Entry
from pipeline.catalogs.pofile import format_po, read_po
from pipeline.mt import translate as translate_module
from pipeline.mt.engines.deepl import DeepLSettings
from pipeline.mt.inline_xml import restore, to_xml
from pipeline.mt.translate import MARKUP_NOTE
from pipeline.source.articles import domains

TODAY = "machine draft: deepl, "
SECOND = textwrap.dedent("""\
    ---
    title: Akne İzleri
    ---

    Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür.

    Sivilce izleri için birkaç seans gerekir.
    """)


@pytest.fixture(autouse=True)
def no_key_unless_given(monkeypatch):
    monkeypatch.delenv("DEEPL_AUTH_KEY", raising=False)
    monkeypatch.delenv("DEEPL_SERVER_URL", raising=False)


def pulled(project):
    """A pulled project whose site chrome a translator has already done, so only articles need drafts."""
    result = project.run("pull")
    assert result.exit_code == 0, result.output
    for language in project.config.languages:
        path = project.po(language, "site")
        catalog = read_po(path)
        catalog.entries = [entry.replace(msgstrs=tuple(f"({language}) {entry.msgid}"
                                                       for _ in entry.msgstrs))
                           for entry in catalog.entries]
        path.write_text(format_po(catalog), encoding="utf-8")
    return project


def entries(project, language="en", slug="mikro") -> dict[str, Entry]:
    return {entry.msgid: entry for entry in read_po(project.po(language, slug)).messages}


def set_translation(project, language, slug, msgid, msgstr, fuzzy=False):
    path = project.po(language, slug)
    catalog = read_po(path)
    catalog.entries = [entry.replace(msgstrs=(msgstr,)).with_fuzzy(fuzzy)
                       if entry.msgid == msgid else entry for entry in catalog.entries]
    path.write_text(format_po(catalog), encoding="utf-8")


def add_deepl_config(project, text):
    project.write("pipeline.toml", project.read("pipeline.toml") + "\n[deepl]\n" + text)


def many_items(count: int, words: str = "Madde") -> str:
    lines = "\n".join(f"- {words} numarası {n}." for n in range(count))
    return f"---\ntitle: Liste\n---\n\n{lines}\n"


# ---------------------------------------------------------------- without a key


def test_without_a_key_memory_fills_and_the_rest_is_counted(make_project):
    project = pulled(make_project({"mikro": textwrap.dedent("""\
        ---
        title: Mikro İğneleme Nedir?
        ---

        Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür.
        """), "akne": SECOND}, targets=("en",)))
    shared = "Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür."
    set_translation(project, "en", "mikro", shared, "Microneedling is a **minimally invasive** procedure.")

    result = project.run("translate")

    assert result.exit_code == 0, result.output
    reused = entries(project, "en", "akne")[shared]
    assert reused.msgstr == "Microneedling is a **minimally invasive** procedure."
    assert not reused.fuzzy and reused.comments == ()
    assert entries(project, "en", "akne")["Akne İzleri"].msgstr == ""
    assert "3 string(s) still need a translator or a DeepL key (set DEEPL_AUTH_KEY)" in result.output
    assert "characters billed: 0" in result.output


def test_fuzzy_translations_are_not_memory(make_project):
    project = pulled(make_project({"mikro": SECOND, "akne": SECOND.replace("Akne", "Sivilce")},
                                  targets=("en",)))
    set_translation(project, "en", "mikro", "Akne İzleri", "Acne scars", fuzzy=True)
    before = project.snapshot()

    result = project.run("translate", "--engine", "memory")

    assert result.exit_code == 0
    assert project.snapshot() == before


def test_near_matches_become_fuzzy_drafts_naming_the_similarity(make_project):
    project = pulled(make_project({"mikro": SECOND, "akne": SECOND.replace(
        "birkaç seans gerekir.", "birkaç seans gerekir!")}, targets=("en",)))
    set_translation(project, "en", "mikro", "Sivilce izleri için birkaç seans gerekir.",
                    "Acne scars need several sessions.")

    result = project.run("translate", "--engine", "memory")

    assert result.exit_code == 0, result.output
    draft = entries(project, "en", "akne")["Sivilce izleri için birkaç seans gerekir!"]
    assert draft.fuzzy and draft.msgstr == "Acne scars need several sessions."
    assert draft.previous_msgid == "Sivilce izleri için birkaç seans gerekir."
    assert len(draft.comments) == 1
    assert draft.comments[0].startswith("machine draft: memory, 98% similar, ")


def test_memory_fills_an_article_renamed_by_hand_from_the_catalogs_left_behind(
        make_project, approve_all):
    from conftest import ARTICLE

    project = pulled(make_project({"mikro": ARTICLE}, targets=("en",)))
    for msgid in entries(project):
        set_translation(project, "en", "mikro", msgid, f"EN {msgid}")
    approve_all(project, "en")
    source = project.root / "source"
    (source / "mikro.md").rename(source / "igneleme.md")  # as `git mv` would, then pull
    assert project.run("pull").exit_code == 0
    orphan = project.po("en", "mikro").read_bytes()

    result = project.run("translate", "--engine", "memory")

    assert result.exit_code == 0, result.output
    old, new = entries(project, "en", "mikro"), entries(project, "en", "igneleme")
    assert len(new) == 6 and set(new) == set(old)
    for msgid, entry in new.items():  # exact copies, as memory fills always are: not fuzzy
        assert entry.msgstrs == old[msgid].msgstrs
        assert not entry.fuzzy and entry.comments == ()
    assert project.po("en", "mikro").read_bytes() == orphan  # read, never written
    [status] = json.loads(project.run("status", "--json").output)
    assert status["publishable"]  # the same text pairs: the doctor's approvals count


def test_memory_prefers_the_live_catalogs_to_those_left_behind(make_project):
    project = pulled(make_project({"mikro": SECOND, "akne": SECOND}, targets=("en",)))
    set_translation(project, "en", "akne", "Akne İzleri", "Acne scars")
    set_translation(project, "en", "mikro", "Akne İzleri", "Old wording")
    source = project.root / "source"
    (source / "mikro.md").rename(source / "igneleme.md")
    project.run("pull")

    assert project.run("translate", "--engine", "memory").exit_code == 0

    assert entries(project, "en", "igneleme")["Akne İzleri"].msgstr == "Acne scars"


def test_naming_deepl_without_a_key_is_one_clear_error(project):
    pulled(project)
    before = project.snapshot()
    result = project.run("translate", "--engine", "deepl")
    assert result.exit_code == 1
    assert result.output == "error: the deepl engine needs a DeepL API key: set DEEPL_AUTH_KEY\n"
    assert project.snapshot() == before


# ---------------------------------------------------------------- DeepL


def test_deepl_drafts_every_empty_string_and_says_what_it_cost(project, fake_deepl):
    pulled(project)
    result = project.run("translate", "--lang", "en", "--lang", "de")

    assert result.exit_code == 0, result.output
    drafts = entries(project, "en")
    link = "Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."
    assert drafts[link].msgstr == "[EN-US] Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."
    for entry in drafts.values():
        assert entry.fuzzy and entry.msgstr.startswith("[EN-US] ")
        assert len(entry.comments) == 1 and entry.comments[0].startswith(TODAY)
    assert all(e.msgstr.startswith("[DE] ") for e in entries(project, "de").values())
    assert entries(project, "ar")["Genişletilmiş gözenekler"].msgstr == ""
    billed = fake_deepl.character_count
    assert billed > 0 and f"characters billed: {billed:,} (deepl)" in result.output


def test_what_the_client_sends(project, fake_deepl):
    pulled(project)
    project.run("translate", "--lang", "en")

    sent = fake_deepl.translate_requests()
    assert len(sent) == 1
    request = sent[0]
    assert request.headers["Authorization"] == f"DeepL-Auth-Key {fake_deepl.key}"
    assert request.json["source_lang"] == "TR" and request.json["target_lang"] == "EN-US"
    assert request.json["tag_handling"] == "xml"
    assert "a" in request.json["non_splitting_tags"]
    assert request.json["context"] == ("Mikro İğneleme Nedir? Cildiniz için minimal invaziv "
                                       "bir prosedür.")
    assert "formality" not in request.json and "glossary_id" not in request.json
    assert 'Mikro iğneleme, cildiniz için <b i="0">minimal invaziv</b> bir prosedürdür.' \
        in request.texts
    assert b"example.org" not in request.body and b"kilavuz" not in request.body


NEVER_SENT = textwrap.dedent("""\
    ---
    title: "[Kılavuz](https://gizli-baglanti.example/yol) ve `GIZLI_KOD_42` rehberi"
    description: "Bkz. https://ciplak-adres.example/sayfa, <https://otomatik-adres.example/x>,
      <hasta@eposta-otomatik.example>, [yazın](mailto:bilgi@eposta-baglanti.example),
      mailto:kayit@eposta-ciplak.example ve doktor@eposta-adres.example."
    ---

    Bkz. [kılavuz](https://gizli-baglanti.example/yol), `GIZLI_KOD_42` ve doktor@eposta-adres.example.
    """)
# What must never reach DeepL: link targets, bare URLs, autolinks, e-mail addresses, code.
SECRETS = ("gizli-baglanti.example", "ciplak-adres.example", "otomatik-adres.example",
           "eposta-otomatik.example", "eposta-baglanti.example", "eposta-ciplak.example",
           "eposta-adres.example", "GIZLI_KOD_42", "https:", "mailto:", "@")


def everything_sent(request: Recorded) -> str:
    """A request as the server received it, raw and decoded: path, query, headers and body."""
    raw = [request.path, request.query.decode("utf-8", "replace"),
           request.body.decode("utf-8", "replace"), *map(str, request.headers.values())]
    decoded = [unquote_plus(part) for part in raw]
    if request.json is not None:
        decoded.append(json.dumps(request.json, ensure_ascii=False))
    return "\n".join(raw + decoded)


def test_no_url_e_mail_or_code_is_ever_sent_not_even_in_the_context(make_project, fake_deepl):
    project = pulled(make_project({"gizli": NEVER_SENT}, targets=("en", "de")))
    project.write("glossary/tr-en.csv", "source,target\nkılavuz,guide\n")

    drafted = project.run("translate")
    backwards = project.run("translate", "--back")

    assert drafted.exit_code == 0 and backwards.exit_code == 0, drafted.output + backwards.output
    kinds = {(r.method, r.path) for r in fake_deepl.requests}
    assert {("POST", "/v2/translate"), ("POST", "/v2/glossaries")} <= kinds
    for request in fake_deepl.requests:
        sent = everything_sent(request).lower()
        assert [secret for secret in SECRETS if secret.lower() in sent] == [], request
    contexts = {r.json.get("context") for r in fake_deepl.translate_requests()}
    assert contexts == {None, "Kılavuz ve rehberi Bkz. , , , yazın, ve ."}  # None: back
    draft = entries(project, "en", "gizli")[NEVER_SENT.splitlines()[-1]]
    assert draft.msgstr == "[EN-US] " + NEVER_SENT.splitlines()[-1]  # all restored locally


def test_existing_translations_are_never_overwritten(project, fake_deepl):
    pulled(project)
    set_translation(project, "en", "mikro", "Genişletilmiş gözenekler", "Enlarged pores")
    set_translation(project, "en", "mikro", "İnce çizgiler veya kırışıklıklar.", "Fine lines",
                    fuzzy=True)

    project.run("translate", "--lang", "en")

    after = entries(project)
    assert after["Genişletilmiş gözenekler"].msgstr == "Enlarged pores"
    assert not after["Genişletilmiş gözenekler"].fuzzy
    assert after["İnce çizgiler veya kırışıklıklar."].msgstr == "Fine lines"
    assert after["İnce çizgiler veya kırışıklıklar."].comments == ()
    sent = [text for request in fake_deepl.translate_requests() for text in request.texts]
    assert "Genişletilmiş gözenekler" not in sent
    assert "İnce çizgiler veya kırışıklıklar." not in sent


def test_a_second_run_sends_nothing_and_the_cache_refills_lost_drafts(project, fake_deepl):
    pulled(project)
    project.run("translate")
    first = list(fake_deepl.requests)

    again = project.run("translate")
    assert again.exit_code == 0 and fake_deepl.requests == first

    for language in ("en", "de", "ar", "ru"):
        project.po(language).unlink()
    pulled(project)
    refilled = project.run("translate")

    assert refilled.exit_code == 0, refilled.output
    assert fake_deepl.requests == first
    assert "characters billed: 0 (deepl)" in refilled.output
    assert all(e.fuzzy and e.msgstr.startswith("[EN-US]") for e in entries(project).values())


def test_the_same_text_is_sent_once_per_language(make_project, fake_deepl):
    project = pulled(make_project({"mikro": SECOND, "akne": SECOND.replace("Akne", "Yara")},
                                  targets=("en",)))
    project.run("translate")
    sent = [text for request in fake_deepl.translate_requests() for text in request.texts]
    assert len(sent) == len(set(sent)) == 4
    assert entries(project, "en", "akne")["Sivilce izleri için birkaç seans gerekir."].msgstr \
        == "[EN-US] Sivilce izleri için birkaç seans gerekir."


def test_batches_stay_within_fifty_texts(make_project, fake_deepl):
    project = pulled(make_project({"liste": many_items(120)}, targets=("en",)))
    result = project.run("translate")
    assert result.exit_code == 0, result.output
    sizes = [len(request.texts) for request in fake_deepl.translate_requests()]
    assert sorted(sizes) == [21, 50, 50]  # sent concurrently, in any order


def test_batches_stay_within_the_byte_limit_counted_as_sent(make_project, fake_deepl):
    long_turkish = "ğüşıöç İĞÜŞÖÇ " * 150  # 15 letters → 6 bytes each once escaped
    project = pulled(make_project({"uzun": many_items(40, long_turkish)}, targets=("en",)))

    result = project.run("translate")

    assert result.exit_code == 0, result.output
    bodies = [len(request.body) for request in fake_deepl.translate_requests()]
    assert len(bodies) > 1 and max(bodies) <= MAX_BODY
    assert sum(len(r.texts) for r in fake_deepl.translate_requests()) == 41


def test_concurrency_is_bounded(make_project, fake_deepl):
    project = pulled(make_project({"liste": many_items(300)}, targets=("en",)))
    add_deepl_config(project, "concurrency = 3\ncontext = false\n")
    fake_deepl.latency = 0.2
    result = project.run("translate")
    assert result.exit_code == 0, result.output
    assert len(fake_deepl.translate_requests()) == 7
    assert 1 < fake_deepl.max_in_flight <= 3


# ---------------------------------------------------------------- DeepL options


def test_formality_where_supported_and_a_notice_elsewhere(project, fake_deepl):
    pulled(project)
    add_deepl_config(project, '[deepl.formality]\nde = "less"\nen = "more"\n')

    result = project.run("translate", "--lang", "en", "--lang", "de")

    assert result.exit_code == 0, result.output
    by_target = {r.json["target_lang"]: r.json for r in fake_deepl.translate_requests()}
    assert by_target["DE"]["formality"] == "less"
    assert "formality" not in by_target["EN-US"]
    assert "notice: en: DeepL has no formality for EN-US; formality 'more' is ignored" \
        in result.output


def test_configured_target_variants(project, fake_deepl):
    pulled(project)
    add_deepl_config(project, '[deepl.target]\nen = "EN-GB"\n')
    project.run("translate", "--lang", "en")
    assert {r.json["target_lang"] for r in fake_deepl.translate_requests()} == {"EN-GB"}
    assert entries(project)["Genişletilmiş gözenekler"].msgstr.startswith("[EN-GB]")


@pytest.mark.parametrize("table, message", [
    ('[deepl.target]\nen = "EN"\n', "is not a DeepL target code"),
    ('[deepl.formality]\nde = "casual"\n', "choose one of default, less, more"),
    ('[deepl.formality]\nfr = "less"\n', "'fr', which is not a target language"),
    ("concurrency = 0\n", "concurrency must be a whole number from 1 to 32"),
    ("glosary = true\n", "unknown setting 'glosary'"),
])
def test_bad_deepl_settings_name_the_line(project, fake_deepl, table, message):
    pulled(project)
    add_deepl_config(project, table)
    before = project.snapshot()
    result = project.run("translate")
    assert result.exit_code == 1
    assert result.output.startswith("error: pipeline.toml:")
    assert message in result.output and result.output.count("\n") == 1
    assert project.snapshot() == before and not fake_deepl.requests


def test_the_glossary_is_synced_and_used(project, fake_deepl):
    pulled(project)
    project.write("glossary/tr-en.csv", "source,target\nmikro iğneleme,microneedling\n"
                                        "sivilce,acne\n")
    result = project.run("translate", "--lang", "en", "--lang", "de")

    assert result.exit_code == 0, result.output
    (glossary,) = fake_deepl.glossaries.values()
    assert glossary["entries"] == {"mikro iğneleme": "microneedling", "sivilce": "acne"}
    assert (glossary["source_lang"], glossary["target_lang"]) == ("tr", "en")
    by_target = {r.json["target_lang"]: r.json for r in fake_deepl.translate_requests()}
    assert by_target["EN-US"]["glossary_id"] == glossary["glossary_id"]
    assert "glossary_id" not in by_target["DE"]
    assert "DeepL glossary 'Test Kliniği TR-EN " in result.output

    project.write("glossary/tr-en.csv", "source,target\nmikro iğneleme,micro-needling\n")
    for catalog in ("en",):
        project.po(catalog).unlink()
    pulled(project)
    sent_before = len(fake_deepl.translate_requests())
    project.run("translate", "--lang", "en")
    (changed,) = fake_deepl.glossaries.values()
    assert changed["entries"] == {"mikro iğneleme": "micro-needling"}
    assert len(fake_deepl.translate_requests()) > sent_before  # a new glossary is a new cache key


def test_a_bad_glossary_file_names_its_line(project, fake_deepl):
    pulled(project)
    project.write("glossary/tr-en.csv", "source,target\nsivilce,acne\nsivilce,pimple\n")
    result = project.run("translate", "--lang", "en")
    assert result.exit_code == 1
    assert result.output == ("error: glossary/tr-en.csv:3: 'sivilce' is listed twice "
                             "(first at line 2)\n")


# ---------------------------------------------------------------- failures


def test_a_429_is_retried(project, fake_deepl):
    pulled(project)
    fake_deepl.fail_next = [429]
    result = project.run("translate", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert len(fake_deepl.translate_requests()) == 2
    assert all(e.fuzzy for e in entries(project).values())


def test_a_lasting_500_stops_with_one_line_and_loses_nothing(project, fake_deepl):
    pulled(project)
    add_deepl_config(project, "concurrency = 1\n")
    project.run("translate", "--lang", "en")
    fake_deepl.fail_next = [500] * 10
    project.po("de").unlink()
    pulled(project)

    result = project.run("translate", "--lang", "en", "--lang", "de")

    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("error: DeepL error (HTTP 500): ")
    assert "6 still empty (de 6)" in last
    assert len(fake_deepl.translate_requests()) == 1 + 3  # first run, then 1 try + 2 retries
    assert all(e.fuzzy for e in entries(project).values())


def test_quota_exceeded_keeps_every_draft_received(make_project, fake_deepl):
    project = pulled(make_project({"liste": many_items(120)}, targets=("en",)))
    add_deepl_config(project, "concurrency = 1\n")
    fake_deepl.fail_after = (1, 456)

    result = project.run("translate")

    assert result.exit_code == 1
    assert "quota of this billing period is used up (HTTP 456): stopped; 50 string(s) filled " \
           "and kept, 71 still empty (en 71); run 'pipeline translate' again when the quota " \
           "renews" in result.output
    drafted = [e for e in entries(project, "en", "liste").values() if e.msgstr]
    assert len(drafted) == 50 and all(e.fuzzy for e in drafted)

    fake_deepl.fail_after = None
    first_batch = set(fake_deepl.translate_requests()[0].texts)
    again = project.run("translate")
    assert again.exit_code == 0, again.output
    resent = {t for r in fake_deepl.translate_requests()[1:] for t in r.texts}
    assert not first_batch & resent
    assert all(e.msgstr for e in entries(project, "en", "liste").values())


def test_a_refused_key_changes_nothing(make_project, fake_deepl, monkeypatch):
    project = pulled(make_project({"mikro": SECOND, "akne": SECOND.replace("Akne", "Yara")},
                                  targets=("en",)))
    set_translation(project, "en", "mikro", "Sivilce izleri için birkaç seans gerekir.", "x")
    monkeypatch.setenv("DEEPL_AUTH_KEY", "wrong-key")
    before = project.snapshot()

    result = project.run("translate")

    assert result.exit_code == 1
    assert result.output == "error: DeepL refused the API key (HTTP 403): check DEEPL_AUTH_KEY\n"
    assert project.snapshot() == before  # not even the memory match is written
    assert not fake_deepl.translate_requests()


def test_an_unreachable_server_changes_nothing(project, monkeypatch):
    import socket

    import deepl
    pulled(project)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(deepl.http_client, "max_network_retries", 0)
    monkeypatch.setenv("DEEPL_AUTH_KEY", "any-key")
    monkeypatch.setenv("DEEPL_SERVER_URL", f"http://127.0.0.1:{port}")
    before = project.snapshot()

    result = project.run("translate")

    assert result.exit_code == 1
    assert result.output == (f"error: cannot reach the DeepL server http://127.0.0.1:{port} "
                             "(connection failed): check the network or DEEPL_SERVER_URL\n")
    assert project.snapshot() == before


@pytest.fixture
def sigterm_stops():
    """SIGTERM handled as the console script handles it, for this test only."""
    previous = signal.getsignal(signal.SIGTERM)
    interrupts.stop_on_terminate()
    yield
    signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize("signum, code, word", [(signal.SIGINT, 130, "interrupted"),
                                                (signal.SIGTERM, 143, "terminated")],
                         ids=["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_keeps_the_drafts_received(make_project, fake_deepl, sigterm_stops,
                                                     signum, code, word):
    project = pulled(make_project({"liste": many_items(300)}, targets=("en",)))
    add_deepl_config(project, "concurrency = 1\n")
    interrupted = []

    def interrupt_during_the_second_request(text, target):
        if len(fake_deepl.translate_requests()) == 2 and not interrupted:
            interrupted.append(text)
            os.kill(os.getpid(), signum)  # as a user's Ctrl-C, or a cancelled CI job
            time.sleep(0.3)  # the answer arrives after the interrupt
        return f"[{target}] {text}"

    fake_deepl.translator = interrupt_during_the_second_request
    result = project.run("translate")

    assert result.exit_code == code
    answered = 50 * len(fake_deepl.translate_requests())
    assert 100 <= answered < 301  # the request in flight is awaited, the rest not sent
    assert (f"{word}: stopped; {answered} string(s) filled and kept, {301 - answered} "
            "still empty") in result.output
    drafted = [e for e in entries(project, "en", "liste").values() if e.msgstr]
    assert len(drafted) == answered


def drafts_missing(project: Project, server: FakeDeepL) -> list[str]:
    """Every translation the server sent back that is not the draft of its entry in a catalog."""
    config = project.config
    settings = DeepLSettings()
    language_of = {settings.target_code(language): language for language in config.languages}
    drafts: dict[tuple[str, str], Entry] = {}
    for language in config.languages:
        for domain in domains(config):
            for entry in read_po(config.catalog_path(language, domain)).messages:
                drafts[(language, to_xml(entry.msgid).xml)] = entry
    missing = []
    for text, translation, target in server.translations_answered():
        entry = drafts[(language_of[target], text)]
        if entry.msgstr != restore(entry.msgid, to_xml(entry.msgid), translation)[0]:
            missing.append(f"{language_of[target]}: {entry.msgid}")
    return missing


def assert_catalogs_whole(project: Project) -> None:
    """Every catalog passes msgfmt --check and no temporary file is left beside them."""
    locale = project.root / "locale"
    leftovers = [path.name for path in locale.rglob("*") if path.name.endswith(".tmp")]
    assert leftovers == []
    for path in sorted(locale.rglob("*.po")):
        checked = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr


@pytest.fixture
def interrupted_project(make_project) -> Project:
    """Two articles in two languages: "kisa" takes two requests, "liste" seven (one at a time)."""
    project = pulled(make_project({"kisa": many_items(60, "Satır"), "liste": many_items(300)},
                                  targets=("en", "de")))
    add_deepl_config(project, "concurrency = 1\n")
    return project


def interrupt_on_write(monkeypatch: pytest.MonkeyPatch, when: Callable[[Path], bool]) -> list[Path]:
    """Ctrl-C (a real SIGINT to this process) as the first catalog write ``when`` picks begins."""
    real = translate_module.write_if_changed
    interrupted: list[Path] = []

    def write(path: Path, data: bytes | str) -> bool:
        if not interrupted and when(path):
            interrupted.append(path)
            os.kill(os.getpid(), signal.SIGINT)
        return real(path, data)

    monkeypatch.setattr(translate_module, "write_if_changed", write)
    return interrupted


def test_a_ctrl_c_while_a_catalog_is_written_loses_no_draft(interrupted_project, fake_deepl,
                                                             monkeypatch):
    project = interrupted_project
    written = interrupt_on_write(monkeypatch, lambda path: path.name == "kisa.po")

    result = project.run("translate")

    assert written and result.exit_code == 130, result.output
    assert 0 < len(fake_deepl.translations_answered()) < 2 * 362
    assert drafts_missing(project, fake_deepl) == []
    assert_catalogs_whole(project)


def test_a_second_ctrl_c_while_the_drafts_are_written_loses_none(interrupted_project,
                                                                  fake_deepl, monkeypatch):
    project = interrupted_project
    first: list[str] = []

    def interrupt_during_the_fourth_request(text: str, target: str) -> str:
        if len(fake_deepl.translate_requests()) == 4 and not first:
            first.append(text)
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # the answer arrives after the interrupt
        return f"[{target}] {text}"

    fake_deepl.translator = interrupt_during_the_fourth_request
    second = interrupt_on_write(monkeypatch, lambda path: bool(first))

    result = project.run("translate")

    assert first and second and result.exit_code == 130, result.output
    assert 0 < len(fake_deepl.translations_answered()) < 2 * 362
    assert drafts_missing(project, fake_deepl) == []
    assert_catalogs_whole(project)


def wait_for(condition: Callable[[], object], process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60  # generous: a loaded machine is slow, not wrong
    while not condition():
        assert process.poll() is None, f"the command ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within a minute"
        time.sleep(0.005)


@pytest.mark.parametrize("second", [0.05, 0.15])
def test_a_second_ctrl_c_still_writes_every_draft_received(make_project, second):
    """The real thing: ``python -m pipeline translate``, Ctrl-C mid-run and again while it stops."""
    project = pulled(make_project({"kisa": many_items(60, "Satır"), "liste": many_items(400)},
                                  targets=("en", "de")))
    add_deepl_config(project, "concurrency = 3\n")
    with FakeDeepL(latency=0.2) as server:
        process = project.start_subprocess("translate", env=server.env)
        stderr: list[str] = []
        reader = threading.Thread(target=lambda: stderr.extend(process.stderr or ()), daemon=True)
        reader.start()
        try:
            wait_for(lambda: len(server.translations_answered()) >= 100 and server.in_flight,
                     process, "a request in flight after 100 answers")
            server.pause()  # the answers in flight come once the second Ctrl-C was seen
            wait_for(lambda: server.held, process, "a request held")
            process.send_signal(signal.SIGINT)
            time.sleep(second)
            process.send_signal(signal.SIGINT)
            presses = [time.monotonic()] * 2

            def noted() -> bool:
                """Whether the process said it got a Ctrl-C while stopping. Two signals close
                together may arrive as one on a loaded machine: press again, a few times."""
                if any("interrupt noted" in line for line in stderr) or len(presses) > 5 \
                        or process.poll() is not None:
                    return True
                if time.monotonic() - presses[-1] > 0.5:
                    process.send_signal(signal.SIGINT)
                    presses.append(time.monotonic())
                return False

            wait_for(noted, process, "the second Ctrl-C")
            server.resume()
            process.wait(timeout=60)
            reader.join(timeout=60)
        finally:
            server.resume()
            if process.poll() is None:
                process.kill()
                process.wait()
        answered = server.translations_answered()
    errors = "".join(stderr)

    assert process.returncode == 130, errors
    assert 100 <= len(answered) < 2 * 462
    assert drafts_missing(project, server) == []
    assert_catalogs_whole(project)
    assert "interrupt noted: stopping" in errors and "interrupted: stopped; " in errors


# ---------------------------------------------------------------- drafts


def test_a_draft_that_loses_its_markup_says_so(project, fake_deepl):
    pulled(project)
    fake_deepl.translator = lambda text, target: text.replace('<b i="0">', "").replace("</b>", "")
    result = project.run("translate", "--lang", "en")

    assert result.exit_code == 0
    draft = entries(project)["Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür."]
    assert draft.fuzzy and draft.msgstr == "Mikro iğneleme, cildiniz için minimal invaziv bir prosedürdür."
    assert draft.comments[1] == MARKUP_NOTE
    assert "warning: 1 draft(s) do not keep the source's links or emphasis" in result.output


def test_plural_entries_get_both_forms(project, fake_deepl):
    pulled(project)
    path = project.po("en")
    catalog = read_po(path)
    catalog.entries.append(Entry(msgid="{n} seans", msgid_plural="{n} seans gerekir",
                                 msgstrs=("", "")))
    path.write_text(format_po(catalog), encoding="utf-8")

    project.run("translate", "--lang", "en")

    plural = entries(project)["{n} seans"]
    assert plural.msgstrs == ("[EN-US] {n} seans", "[EN-US] {n} seans gerekir")


def test_pseudo_drafts_are_unmistakable_and_keep_markup(project):
    pulled(project)
    result = project.run("translate", "--engine", "pseudo", "--lang", "de")

    assert result.exit_code == 0, result.output
    drafts = entries(project, "de")
    link = drafts["Ayrıntılar için [kılavuza](https://example.org/kilavuz) bakın."]
    assert link.msgstr.startswith("⟦Åýŕıñţıļåŕ îçîñ [ķıļåṽûžå](https://example.org/kilavuz) ƀåķıñ.")
    assert link.msgstr.endswith("⟧") and len(link.msgstr) > len(link.msgid)
    assert link.fuzzy and link.comments[0].startswith("machine draft: pseudo, ")
    assert "**ḿîñîḿåļ îñṽåžîṽ**" in drafts[
        "Mikro iğneleme, cildiniz için **minimal invaziv** bir prosedürdür."].msgstr
    assert entries(project, "en")["Genişletilmiş gözenekler"].msgstr == ""


def test_drafts_pass_msgfmt_check(project, fake_deepl, tmp_path):
    import shutil
    import subprocess
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU msgfmt is not installed")
    pulled(project)
    project.run("translate", "--lang", "en")
    check = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "en.mo"),
                            str(project.po("en"))], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


# ---------------------------------------------------------------- dry run


def test_dry_run_without_a_key(project):
    pulled(project)
    before = project.snapshot()
    result = project.run("translate", "--dry-run", "--lang", "en")
    assert result.exit_code == 0
    assert project.snapshot() == before
    assert "characters that would be billed: 0 (no machine engine)" in result.output


def test_dry_run_counts_strings_and_characters_and_asks_for_usage(project, fake_deepl):
    pulled(project)
    fake_deepl.character_count = 1234
    before = project.snapshot()

    result = project.run("translate", "--dry-run", "--lang", "en", "--lang", "de")

    assert result.exit_code == 0, result.output
    assert project.snapshot() == before
    assert not fake_deepl.translate_requests()
    assert [r.path for r in fake_deepl.requests] == ["/v2/usage"]
    lines = result.output.splitlines()
    assert lines[0] == "dry run: nothing written, nothing sent"
    en = lines[2].split()
    assert en[0] == "en" and en[5] == "6"  # the sample article's 6 strings
    characters = int(en[6])
    assert characters == sum(len(text) for text in (
        "Mikro İğneleme Nedir?", "Cildiniz için minimal invaziv bir prosedür.",
        "Mikro İğneleme Nedir?", "Mikro iğneleme, cildiniz için minimal invaziv bir prosedürdür.",
        "Genişletilmiş gözenekler", "İnce çizgiler veya kırışıklıklar.",
        "Ayrıntılar için kılavuza bakın.")) - len("Mikro İğneleme Nedir?")
    assert f"characters that would be billed: {2 * characters:,} (deepl)" in result.output
    assert "characters remaining this billing period: 498,766 of 500,000" in result.output


def test_as_a_separate_process_reports_go_to_stdout_and_notices_to_stderr(project, fake_deepl):
    pulled(project)
    add_deepl_config(project, '[deepl.formality]\nen = "less"\n')
    result = project.run_subprocess("translate", "--lang", "en", env=fake_deepl.env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split()[:2] == ["language", "empty"]
    assert "characters billed:" in result.stdout
    assert result.stderr == ("notice: en: DeepL has no formality for EN-US; "
                             "formality 'less' is ignored\n")  # no progress bar off a terminal


def test_dry_run_warns_when_the_quota_will_not_do(project, fake_deepl):
    pulled(project)
    fake_deepl.character_count = fake_deepl.character_limit - 10
    result = project.run("translate", "--dry-run")
    assert result.exit_code == 0
    assert "characters remaining this billing period: 10 of 500,000" in result.output
    assert "warning: that is more than the characters remaining" in result.output
