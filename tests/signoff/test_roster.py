"""The roster: doctors, their languages and keys; every mistake named with its line."""

from __future__ import annotations

from datetime import datetime, UTC
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.signoff.keys import generate_key
from pipeline.signoff.roster import load_roster, parse_roster

ROSTER = Path("reviewers.toml")


@pytest.fixture
def keys(tmp_path):
    return [generate_key(f"k{i}", tmp_path / f"k{i}.key").public_key for i in range(3)]


def test_a_roster_with_a_retired_key(keys):
    roster = parse_roster(f'''
[reviewers.zahide-eris]
name = "Uzm. Dr. Zahide Eriş"
languages = ["en", "de"]
key = "{keys[0]}"

[[reviewers.zahide-eris.retired_keys]]
key = "{keys[1]}"
retired = 2026-03-01T12:00:00+03:00
''', ROSTER)
    eris = roster.get("zahide-eris")
    assert eris.name == "Uzm. Dr. Zahide Eriş"
    assert eris.may_review("de") and not eris.may_review("ar")
    old = eris.keys[1]
    assert eris.key(old.key_id) is old
    assert old.retired == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert old.valid_at(datetime(2026, 3, 1, 8, 59, 59, tzinfo=UTC))
    assert not old.valid_at(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    assert eris.current_key.valid_at(datetime(2100, 1, 1, tzinfo=UTC))


def test_keys_can_be_marked_compromised(keys):
    roster = parse_roster(f'''
[reviewers.a]
name = "A"
languages = ["en"]
key = "{keys[0]}"

[[reviewers.a.retired_keys]]
key = "{keys[1]}"
compromised = true

[[reviewers.a.retired_keys]]
key = "{keys[2]}"
retired = 2026-03-01T00:00:00Z
''', ROSTER)
    current, leaked, old = roster.get("a").keys
    assert current.current and not current.compromised
    assert leaked.compromised and not leaked.current
    assert not old.compromised and not old.current and old.valid_at(datetime(2026, 2, 1, tzinfo=UTC))


def test_a_doctor_may_name_a_language_and_a_time_zone(keys):
    roster = parse_roster(f'''
[reviewers.a]
name = "A"
languages = ["en"]
key = "{keys[0]}"
locale = "tr"
timezone = "Europe/Istanbul"

[reviewers.b]
name = "B"
languages = ["de"]
key = "{keys[1]}"
''', ROSTER)
    a, b = roster.get("a"), roster.get("b")
    assert (a.locale, a.timezone) == ("tr", "Europe/Istanbul")
    assert (b.locale, b.timezone) == (None, None)


def test_no_roster_file_means_no_reviewers(project):
    roster = load_roster(project.config)
    assert roster.reviewers == {} and roster.get("anyone") is None


@pytest.mark.parametrize("body, message, line", [
    ('[reviewers.a]\nlanguages = ["en"]\nkey = "{k0}"\n', "needs a name", 1),
    ('[reviewers.a]\nname = "A"\nlanguages = "en"\nkey = "{k0}"\n', "languages must be a list", 3),
    ('[reviewers.a]\nname = "A"\nlanguages = ["en"]\nkey = "abc"\n', "not an Ed25519 public key", 4),
    ('[reviewers.a]\nname = "A"\nlanguages = ["en"]\n', "needs 'key'", 1),
    ('[reviewers.a]\nname = "A"\nlanguages = ["en"]\nkey = "{k0}"\n'
     '[[reviewers.a.retired_keys]]\nkey = "{k1}"\nretired = 2026-03-01T00:00:00\n',
     "UTC offset", 7),
    ('[reviewers.a]\nname = "A"\nlanguages = ["en"]\nkey = "{k0}"\n\n'
     '[reviewers.b]\nname = "B"\nlanguages = ["de"]\nkey = "{k0}"\n', "listed twice", 6),
    ("[reviewers.a]\nname = \"A\nlanguages = []\n", "invalid TOML", 2),
    ('[reviewers.a]\nname = "A"\nlanguages = ["en"]\nkey = "{k0}"\ncompromised = "yes"\n',
     "compromised must be true or false", 5),
    ('[reviewers.a]\nname = "A"\nlanguages = ["en"]\nkey = "{k0}"\nlocale = "klingon"\n',
     "locale must be a locale such as", 5),
    ('[reviewers.a]\nname = "A"\nlanguages = ["en"]\nlocale = 7\nkey = "{k0}"\n',
     "locale must be a locale such as", 4),
    ('[reviewers.a]\nname = "A"\nlanguages = ["en"]\nkey = "{k0}"\ntimezone = "Istanbul"\n',
     "timezone must be an IANA time zone", 5),
])
def test_roster_mistakes_name_the_line(keys, body, message, line):
    with pytest.raises(ConfigError, match=message) as error:
        parse_roster(body.format(k0=keys[0], k1=keys[1]), ROSTER)
    assert error.value.line == line
    assert str(error.value).startswith(f"reviewers.toml:{line}: ")


def test_the_shipped_roster_is_valid_and_labels_its_sample():
    from conftest import REPO
    roster = parse_roster((REPO / "reviewers.toml").read_text(encoding="utf-8"), ROSTER)
    assert roster.reviewers, "the repository ships a sample reviewer"
    for reviewer in roster.reviewers.values():
        assert "sample" in reviewer.name.lower()
