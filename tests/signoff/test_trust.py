"""The clinic's trust root: with it pinned, only a roster the root signed makes anyone a doctor.

Issue 13, attack 9: whoever could edit ``reviewers.toml`` (or point ``[paths] reviewers``
elsewhere) became a doctor. Each attack below publishes without a pinned root, as
before, and is stopped and named with one. Every key is real.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime, UTC
from pathlib import Path

import pytest

from conftest import Project
from pipeline.signoff.keys import NewKey, generate_key, load_private_key
from pipeline.signoff.review import approve, open_signer, translated_entries
from pipeline.signoff.roster import load_roster, read_roster
from pipeline.signoff.trust import (TRUST_ROOT_VARIABLE, RosterVersion, canonical_content,
                                    content_sha, read_log, sign_roster)
from pipeline.config import parse_toml
from signing import add_doctor, translated

REFUSED = "the roster is not signed by the clinic's trust root (key "
LOG = "reviewers.sig.jsonl"


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def clinic(keys: Path) -> NewKey:
    """The clinic's root key pair; the private half outside the project."""
    return generate_key("clinic-root", keys / "clinic-root.key")


def sign(project: Project, root: NewKey, now: datetime | None = None) -> RosterVersion | None:
    """The medical director approves the roster as it is."""
    content = read_roster(project.config).content
    assert content is not None
    return sign_roster(project.config, load_private_key(root.path), content, now)


def pin(monkeypatch: pytest.MonkeyPatch, root: NewKey) -> None:
    monkeypatch.setenv(TRUST_ROOT_VARIABLE, root.public_key)


def approve_all(project: Project, reviewer: str, key: Path) -> None:
    config = project.config
    approve(config, "en", open_signer(config, "en", reviewer, key),
            translated_entries(config, "en").values())


def roster_text(project: Project) -> str:
    return project.read("reviewers.toml")


@pytest.fixture
def clinic_project(make_project: Callable[..., Project], keys: Path, clinic: NewKey) -> Project:
    """English translated; dr-test (en, de) and dr-de (de only) in a roster the clinic signed;
    nothing approved yet."""
    project = translated(make_project(targets=("en",)), keys)
    project.de = add_doctor(project, keys, "dr-de", languages=("de",), name="Dr. Deutsch")
    sign(project, clinic)
    return project


# ---------------------------------------------------------------- attacks, as a translator would


def new_doctor(project: Project, keys: Path) -> str:
    """A translator adds a doctor of their own and approves everything."""
    mallory = add_doctor(project, keys, "mallory", languages=("en",), name="Dr. Mallory")
    approve_all(project, "mallory", mallory)
    return "added doctor 'mallory'"


def language_added(project: Project, keys: Path) -> str:
    """A doctor allowed German only is given English too, and approves it."""
    project.write("reviewers.toml", roster_text(project).replace('languages = ["de"]',
                                                                 'languages = ["de", "en"]'))
    approve_all(project, "dr-de", project.de)
    return "'dr-de': may now approve en"


def key_swapped(project: Project, keys: Path) -> str:
    """dr-test's public key is replaced by one the translator holds, who signs as dr-test."""
    old = read_roster(project.config).get("dr-test")
    assert old is not None
    mallory = generate_key("mallory", keys / "mallory.key")
    project.write("reviewers.toml", roster_text(project).replace(
        _public(old.current_key), mallory.public_key))
    approve_all(project, "dr-test", mallory.path)
    return f"key {old.current_key.key_id} removed from the roster"


def roster_elsewhere(project: Project, keys: Path) -> str:
    """pipeline.toml points [paths] reviewers at another file, with the translator's doctor."""
    mallory = generate_key("mallory", keys / "mallory.key")
    project.write("team.toml", f'[reviewers.mallory]\nname = "Dr. Mallory"\nlanguages = ["en"]\n'
                               f'key = "{mallory.public_key}"\n')
    project.write("pipeline.toml", project.read("pipeline.toml")
                  + '\n[paths]\nreviewers = "team.toml"\n')
    approve_all(project, "mallory", mallory.path)
    return "there is no signed version (team.sig.jsonl is missing or empty)"


def roster_elsewhere_with_the_log(project: Project, keys: Path) -> str:
    """The same, with the clinic's log copied beside the other file: it signs another path."""
    roster_elsewhere(project, keys)
    shutil.copy(project.root / LOG, project.root / "team.sig.jsonl")
    return "team.sig.jsonl:1: approves the roster at 'reviewers.toml', not at 'team.toml'"


def forged_log_line(project: Project, keys: Path) -> str:
    """A doctor is added, and the log's last line edited to hold the new roster and its digest."""
    new_doctor(project, keys)
    line = json.loads(project.read(LOG).splitlines()[-1])
    line["roster"] = read_roster(project.config).content
    line["sha256"] = content_sha(line["roster"])
    project.write(LOG, json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return f"{LOG}:1: signature does not verify with the trust root"


def signed_by_another_key(project: Project, keys: Path) -> str:
    """A doctor is added and the whole log signed anew with the translator's own 'root'."""
    new_doctor(project, keys)
    fake = generate_key("fake-root", keys / "fake-root.key")
    (project.root / LOG).unlink()
    sign(project, fake)
    return f"{LOG}:1: signed with key {fake.key_id}, not the clinic's trust root"


ATTACKS = [new_doctor, language_added, key_swapped, roster_elsewhere,
           roster_elsewhere_with_the_log, forged_log_line, signed_by_another_key]


@pytest.mark.parametrize("attack", ATTACKS, ids=[attack.__name__ for attack in ATTACKS])
def test_a_roster_the_root_did_not_sign_publishes_nothing(
        clinic_project: Project, clinic: NewKey, keys: Path, monkeypatch: pytest.MonkeyPatch,
        attack: Callable[[Project, Path], str]) -> None:
    named = attack(clinic_project, keys)
    unpinned = clinic_project.run("build", "--strict")
    assert unpinned.exit_code == 0 and "en: published" in unpinned.output  # the attack, before

    pin(monkeypatch, clinic)
    result = clinic_project.run("build", "--strict")
    assert result.exit_code == 3, result.output
    assert "en: stopped" in result.output and "en: published" not in result.output
    assert not (clinic_project.root / "public" / "en").exists()
    roster = clinic_project.config.relative(clinic_project.config.roster_path)
    assert result.output.count(f"{roster}: {REFUSED}") == 1, result.output
    assert named in result.output
    assert "no doctor counts: the roster is not signed by the clinic's trust root" in result.output

    verify = clinic_project.run("review", "verify")
    assert verify.exit_code == 1
    assert f"{roster}: {REFUSED}" in verify.output and named in verify.output
    status = clinic_project.run("status")
    assert f"{roster}: {REFUSED}" in status.output and "en: stopped" in status.output


def test_a_roster_signed_by_the_root_publishes(clinic_project: Project, clinic: NewKey,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    approve_all(clinic_project, "dr-test", clinic_project.key)
    pin(monkeypatch, clinic)
    result = clinic_project.run("build", "--strict")
    assert result.exit_code == 0, result.output
    assert "en: published" in result.output and "notice" not in result.output
    assert clinic_project.run("review", "verify").exit_code == 0
    check = clinic_project.run("roster", "verify")
    assert check.exit_code == 0 and "1 signed version(s), 0 line(s) rejected" in check.output


def test_a_change_signed_by_the_root_counts_at_once(clinic_project: Project, clinic: NewKey,
                                                   keys: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    new_doctor(clinic_project, keys)
    pin(monkeypatch, clinic)
    assert clinic_project.run("build", "--strict").exit_code == 3
    result = clinic_project.run("roster", "sign", "--key-file", str(clinic.path))
    assert result.exit_code == 0, result.output
    assert "added doctor 'mallory' (\"Dr. Mallory\"): may approve en" in result.output
    assert clinic_project.run("build", "--strict").exit_code == 0
    assert len(read_log(clinic_project.root / LOG)) == 2


def test_comments_and_formatting_are_not_signed(clinic_project: Project, clinic: NewKey,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    approve_all(clinic_project, "dr-test", clinic_project.key)
    text = roster_text(clinic_project)
    clinic_project.write("reviewers.toml", "# the clinic's doctors\n\n"
                         + text.replace(" = ", "   =   ").replace("\n[", "\n\n[") + "# end\n")
    pin(monkeypatch, clinic)
    assert clinic_project.run("build", "--strict").exit_code == 0
    result = clinic_project.run("roster", "diff")
    assert "is its last signed version" in result.output and "nothing to sign" in result.output


def test_deleting_the_last_log_line_stops_publication(clinic_project: Project, clinic: NewKey,
                                                      keys: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    approve_all(clinic_project, "dr-test", clinic_project.key)
    add_doctor(clinic_project, keys, "dr-two", languages=("en",), name="Dr. Two")
    sign(clinic_project, clinic)
    pin(monkeypatch, clinic)
    assert clinic_project.run("build", "--strict").exit_code == 0
    lines = clinic_project.read(LOG).splitlines(keepends=True)
    clinic_project.write(LOG, "".join(lines[:-1]))
    result = clinic_project.run("build", "--strict")
    assert result.exit_code == 3 and "en: stopped" in result.output
    assert (f"reviewers.toml: {REFUSED}" in result.output
            and f"it differs from the last signed version ({LOG}:1): added doctor 'dr-two'"
            in result.output)


def test_moving_a_line_breaks_the_chain(clinic_project: Project, clinic: NewKey, keys: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    add_doctor(clinic_project, keys, "dr-two", languages=("en",), name="Dr. Two")
    sign(clinic_project, clinic)
    lines = clinic_project.read(LOG).splitlines(keepends=True)
    clinic_project.write(LOG, lines[1] + lines[0])
    pin(monkeypatch, clinic)
    refused = load_roster(clinic_project.config).refused
    assert f"{LOG}:1: the first line names a line before it" in refused
    assert "(and 1 more line(s))" in refused


def test_no_doctor_can_sign_under_a_roster_the_root_did_not_sign(
        clinic_project: Project, clinic: NewKey, monkeypatch: pytest.MonkeyPatch) -> None:
    clinic_project.write("reviewers.toml", roster_text(clinic_project).replace(
        'name = "Dr. Test Hekim"', 'name = "Prof. Dr. Test Hekim"'))
    pin(monkeypatch, clinic)
    result = clinic_project.run("review", "approve", "--lang", "en", "--reviewer", "dr-test",
                                "--key-file", str(clinic_project.key), "--entry", "0" * 8)
    assert result.exit_code == 1
    assert f"reviewers.toml: {REFUSED}" in result.output
    assert "'dr-test': name \"Dr. Test Hekim\" → \"Prof. Dr. Test Hekim\"" in result.output


def test_without_a_pinned_root_build_says_so_in_one_line(clinic_project: Project) -> None:
    approve_all(clinic_project, "dr-test", clinic_project.key)
    result = clinic_project.run("build", "--strict")
    assert result.exit_code == 0 and "en: published" in result.output
    notice = [line for line in result.output.splitlines() if line.startswith("notice: ")]
    assert notice == ["notice: reviewers.toml is not checked against a clinic key "
                      f"({TRUST_ROOT_VARIABLE} is not set): whoever can edit it can add a doctor; "
                      f"pin the clinic's public key with {TRUST_ROOT_VARIABLE} (the key, or a file "
                      "outside the project holding it; see the README, 'Trust root')"]
    assert "notice" not in clinic_project.run("status").output


# ---------------------------------------------------------------- pinning and signing


def test_the_root_may_be_pinned_by_a_file_outside_the_project(
        clinic_project: Project, clinic: NewKey, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    approve_all(clinic_project, "dr-test", clinic_project.key)
    outside = tmp_path / "trust-root.pub"
    outside.write_text(f"# the clinic's trust root\n{clinic.public_key}\n", encoding="utf-8")
    monkeypatch.setenv("PIPELINE_TRUST_ROOT", str(outside))
    assert load_roster(clinic_project.config).root == clinic.key_id
    assert clinic_project.run("build", "--strict").exit_code == 0

    inside = clinic_project.write("trust-root.pub", clinic.public_key + "\n")
    monkeypatch.setenv(TRUST_ROOT_VARIABLE, str(inside))
    result = clinic_project.run("build", "--strict")
    assert result.exit_code == 1
    assert "names a file inside the project, which whoever can push could change" in result.output


@pytest.mark.parametrize("value, message", [
    ("", "is set but empty"),
    ("not-a-key", "neither an Ed25519 public key (base64 of 32 bytes) nor a file holding one"),
])
def test_a_wrong_pinned_root_is_an_error_not_no_root(clinic_project: Project, value: str,
                                                     message: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TRUST_ROOT_VARIABLE, value)
    result = clinic_project.run("build")
    assert result.exit_code == 1 and message in result.output


def test_roster_sign_refuses_a_key_other_than_the_pinned_root(
        clinic_project: Project, clinic: NewKey, keys: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    other = generate_key("other-root", keys / "other-root.key")
    add_doctor(clinic_project, keys, "mallory", languages=("en",))
    before = clinic_project.read(LOG)
    pin(monkeypatch, clinic)
    result = clinic_project.run("roster", "sign", "--key-file", str(other.path))
    assert result.exit_code == 1
    assert (f"this key ({other.key_id}) is not the clinic's trust root that {TRUST_ROOT_VARIABLE} "
            f"pins ({clinic.key_id})") in result.output
    assert clinic_project.read(LOG) == before


def test_roster_sign_refuses_a_key_inside_the_project(clinic_project: Project,
                                                      clinic: NewKey) -> None:
    inside = clinic_project.root / "clinic-root.key"
    shutil.copy(clinic.path, inside)
    inside.chmod(0o600)
    result = clinic_project.run("roster", "sign", "--key-file", str(inside))
    assert result.exit_code == 1 and "a private key inside the project is refused" in result.output


def test_roster_sign_appends_only_to_an_intact_log_of_its_key(clinic_project: Project,
                                                             clinic: NewKey, keys: Path) -> None:
    forged_log_line(clinic_project, keys)
    result = clinic_project.run("roster", "sign", "--key-file", str(clinic.path))
    assert result.exit_code == 1
    assert f"{LOG}:1: signature does not verify" in result.output
    assert len(clinic_project.read(LOG).splitlines()) == 1


def test_roster_sign_without_a_change_appends_nothing(clinic_project: Project, clinic: NewKey,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = clinic_project.read(LOG)
    monkeypatch.setenv("PIPELINE_ROOT_KEY_FILE", str(clinic.path))
    result = clinic_project.run("roster", "sign")
    assert result.exit_code == 0 and "nothing to sign" in result.output
    assert clinic_project.read(LOG) == before


def test_roster_keygen_prints_the_value_to_pin(project: Project, keys: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_KEYS_DIR", str(keys))
    result = project.run("roster", "keygen")
    assert result.exit_code == 0, result.output
    public = result.output.split(f"{TRUST_ROOT_VARIABLE}=")[1].split()[0]
    assert (keys / "clinic-root.key").stat().st_mode & 0o777 == 0o600
    pinned = load_private_key(keys / "clinic-root.key").public_key()
    from pipeline.signoff.keys import public_key_text
    assert public_key_text(pinned) == public
    inside = project.run("roster", "keygen", "--key-file", str(project.root / "root.key"))
    assert inside.exit_code == 1 and "never written inside the project" in inside.output


# ---------------------------------------------------------------- diff and log


ZAHIDE = "zahide-eris"
ROTATED = datetime(2026, 12, 1, tzinfo=UTC)


def test_roster_diff_and_log_show_who_was_added_and_which_key_retired(
        project: Project, clinic: NewKey, keys: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = add_doctor(project, keys, ZAHIDE, languages=("en", "de"), name="Uzm. Dr. Zahide Eriş")
    old_key = read_roster(project.config).get(ZAHIDE)
    assert old_key is not None and old.exists()
    sign(project, clinic, datetime(2026, 11, 26, 9, 30, tzinfo=UTC))

    # A key rotation (the lines 'pipeline keygen' prints) and a new doctor.
    new = generate_key("zahide-eris-2", keys / "zahide-2.key")
    text = roster_text(project).replace(
        f'key = "{_public(old_key.current_key)}"\n',
        f'key = "{new.public_key}"\n[[reviewers.{ZAHIDE}.retired_keys]]\n'
        f'key = "{_public(old_key.current_key)}"\nretired = 2026-12-01T00:00:00Z\n')
    project.write("reviewers.toml", text)
    mehmet = add_doctor(project, keys, "mehmet-kaya", languages=("ar",), name="Dr. Mehmet Kaya")
    mehmet_id = read_roster(project.config).get("mehmet-kaya")
    assert mehmet_id is not None and mehmet.exists()
    pin(monkeypatch, clinic)

    diff = project.run("roster", "diff")
    assert diff.exit_code == 0, diff.output
    old_id, mehmet_key = old_key.current_key.key_id, mehmet_id.current_key.key_id
    expected = [
        f"reviewers.toml since its last signed version ({LOG}:1, 2026-11-26 09:30:00Z, root key "
        f"{clinic.key_id}):",
        f"  added doctor 'mehmet-kaya' (\"Dr. Mehmet Kaya\"): may approve ar; key {mehmet_key}",
        f"  '{ZAHIDE}': new key {new.key_id}",
        f"  '{ZAHIDE}': key {old_id} retired 2026-12-01T00:00:00Z",
    ]
    assert diff.output.splitlines() == expected

    signed = project.run("roster", "sign", "--key-file", str(clinic.path))
    assert signed.exit_code == 0, signed.output
    assert project.run("roster", "diff").output.endswith("nothing to sign\n")

    log = project.run("roster", "log")
    assert log.exit_code == 0
    lines = log.output.splitlines()
    assert lines[0].startswith(f"{LOG}:1  2026-11-26 09:30:00Z  root key {clinic.key_id}  sha256 ")
    assert lines[1] == (f"    added doctor '{ZAHIDE}' (\"Uzm. Dr. Zahide Eriş\"): may approve en, "
                        f"de; key {old_id}")
    assert lines[2].startswith(f"{LOG}:2  ") and f"root key {clinic.key_id}" in lines[2]
    assert lines[3:] == [line.replace("  ", "    ", 1) for line in expected[1:]]
    data = json.loads(project.run("roster", "log", "--json").output)
    assert data["checked"] and data["problems"] == []
    assert [len(version["changes"]) for version in data["versions"]] == [1, 3]


def test_a_compromised_key_and_a_removed_doctor_are_named() -> None:
    from pipeline.signoff.rosterdiff import roster_changes

    def roster(body: str) -> dict:
        return canonical_content(parse_toml(body, Path("reviewers.toml")))

    key = generate_public()
    before = roster(f'[reviewers.a]\nname = "A"\nlanguages = ["en"]\nkey = "{key}"\n'
                    '[reviewers.b]\nname = "B"\nlanguages = ["de"]\nkey = "' + generate_public()
                    + '"\n')
    after = roster(f'[reviewers.a]\nname = "A"\nlanguages = ["en"]\nkey = "{key}"\n'
                   'compromised = true\n')
    changes = roster_changes(before, after)
    assert changes[0] == "'a': key " + _key_id(key) + " marked compromised"
    assert changes[1] == "removed doctor 'b' (\"B\")"


def test_the_canonical_roster_ignores_how_a_time_is_written() -> None:
    east = canonical_content(parse_toml("t = 2026-03-01T12:00:00+03:00\n", Path("r.toml")))
    utc = canonical_content(parse_toml("t = 2026-03-01T09:00:00Z\n", Path("r.toml")))
    assert east == utc == {"t": "2026-03-01T09:00:00Z"}


# ---------------------------------------------------------------- history


def git(project: Project, *args: str) -> str:
    result = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                             "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                            cwd=project.root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_rolling_the_roster_back_is_caught_against_the_revision(
        clinic_project: Project, clinic: NewKey, keys: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The clinic removed a doctor; deleting that version and restoring the roster before it
    is a validly signed roster again, but not the history CI compares with."""
    mallory = add_doctor(clinic_project, keys, "mallory", languages=("en",), name="Dr. Mallory")
    sign(clinic_project, clinic)
    with_mallory, log_before = roster_text(clinic_project), clinic_project.read(LOG)
    clinic_project.write("reviewers.toml", with_mallory.split("[reviewers.mallory]")[0])
    sign(clinic_project, clinic)
    clinic_project.write(".gitignore", ".pipeline-cache/\npublic/\n")
    git(clinic_project, "init", "-q")
    git(clinic_project, "add", "-A")
    git(clinic_project, "commit", "-q", "-m", "mallory removed")
    base = git(clinic_project, "rev-parse", "HEAD")

    clinic_project.write("reviewers.toml", with_mallory)
    clinic_project.write(LOG, log_before)
    approve_all(clinic_project, "mallory", mallory)
    pin(monkeypatch, clinic)
    assert clinic_project.run("build", "--strict").exit_code == 0  # a version the root signed
    result = clinic_project.run("review", "verify", "--against", base)
    assert result.exit_code == 1
    assert (f"{LOG}:3: line 3 of this signed roster log at {base} is missing here or was "
            "changed or moved: the signed roster log is append-only") in result.output


# ---------------------------------------------------------------- helpers


def _public(key: object) -> str:
    from pipeline.signoff.keys import public_key_text
    return public_key_text(key.public_key)  # type: ignore[attr-defined]


def generate_public() -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from pipeline.signoff.keys import public_key_text
    return public_key_text(Ed25519PrivateKey.generate().public_key())


def _key_id(public: str) -> str:
    from pipeline.signoff.keys import key_id, parse_public_key
    return key_id(parse_public_key(public))
