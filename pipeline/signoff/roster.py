"""The doctor roster, ``reviewers.toml``: who may sign off which languages, with which keys.

    [reviewers.zahide-eris]
    name = "Uzm. Dr. Zahide Eriş"          # as it appears on pages
    languages = ["en", "de"]               # the languages this doctor may approve
    key = "base64 of the Ed25519 public key"
    locale = "tr"                          # optional: the review interface's language
    timezone = "Europe/Istanbul"           # optional: times shown in this zone ([site] timezone else)

    [[reviewers.zahide-eris.retired_keys]] # still valid for statements signed before `retired`
    key = "…"
    retired = 2026-03-01T00:00:00Z
    compromised = true                     # optional: void every statement this key signed

``compromised = true`` beside the current ``key`` marks that key compromised; in a
retired key's table, that key (which then needs no ``retired`` time).

With the clinic's trust root pinned, the file counts only as a version the root signed
(:func:`load_roster`, :mod:`pipeline.signoff.trust`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, UTC
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pipeline.config import Config, parse_toml
from pipeline.errors import ConfigError
from pipeline.signoff.i18n import time_zone, valid_locale
from pipeline.signoff.keys import REVIEWER_ID_RE, key_id, parse_public_key, public_key_text
from pipeline.signoff.trust import canonical_content, content_bytes, pinned_root, roster_refusal


@dataclass(frozen=True)
class RosterKey:
    key_id: str
    public_key: Ed25519PublicKey
    retired: datetime | None = None
    compromised: bool = False

    def valid_at(self, moment: datetime) -> bool:
        """A retired key signs nothing at or after its retirement time."""
        return self.retired is None or moment < self.retired

    @property
    def current(self) -> bool:
        """Whether the key may sign new statements: neither retired nor compromised."""
        return self.retired is None and not self.compromised


@dataclass(frozen=True)
class Reviewer:
    id: str
    name: str
    languages: tuple[str, ...]
    keys: tuple[RosterKey, ...]
    locale: str | None = None  # the language the review interface speaks to this doctor
    timezone: str | None = None  # the zone times are shown in (else [site] timezone)

    @property
    def current_key(self) -> RosterKey:
        return self.keys[0]

    def key(self, wanted: str) -> RosterKey | None:
        return next((key for key in self.keys if key.key_id == wanted), None)

    def may_review(self, language: str) -> bool:
        return language in self.languages


@dataclass(frozen=True)
class Roster:
    """The doctors of a roster file; empty, with the reason, when the trust root refuses it."""

    reviewers: dict[str, Reviewer] = field(default_factory=dict)
    path: Path | None = None
    content: dict | None = None  # the canonical roster (None: no file), see pipeline.signoff.trust
    refused: str = ""  # why the roster file counts as empty: the pinned trust root did not sign it
    root: str = ""  # the key id of the pinned trust root that signed it ("": none pinned)

    def get(self, reviewer: str) -> Reviewer | None:
        return self.reviewers.get(reviewer)


def load_roster(config: Config) -> Roster:
    """The roster that counts: every command asks this, so all of them agree.

    With a trust root pinned (``PIPELINE_TRUST_ROOT``), the roster file counts only as
    the last version the root signed (:mod:`pipeline.signoff.trust`); otherwise it
    counts as empty, no doctor, and ``refused`` says why in one line naming the file.
    Without a pinned root, it counts as written. No file means no reviewers.
    """
    roster = read_roster(config)
    root = pinned_root(config.root)
    if root is None:
        return roster
    refused = roster_refusal(config, root, roster.content)
    if refused:
        return Roster(path=roster.path, content=roster.content, refused=refused, root=root.key_id)
    return replace(roster, root=root.key_id)


def read_roster(config: Config) -> Roster:
    """The roster file as written, whoever signed it (for editing and signing it, not to trust)."""
    path = config.roster_path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Roster(path=path)
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8", path) from None
    return parse_roster(text, path)


def parse_roster(text: str, path: Path) -> Roster:
    document = parse_toml(text, path)
    table = document.get("reviewers", {})
    if not isinstance(table, dict):
        raise ConfigError("'reviewers' must be a table of [reviewers.ID] sections", path)
    reviewers = {rid: _reviewer(rid, fields, _Where(text, path, rid))
                 for rid, fields in table.items()}
    _check_unique_keys(reviewers, text, path)
    content = canonical_content(document)
    try:
        content_bytes(content)
    except ValueError:
        raise ConfigError("holds a number JSON cannot hold (nan or inf)", path) from None
    return Roster(reviewers, path, content)


class _Where:
    """Builds errors that point at the line of a reviewer's section or field."""

    def __init__(self, text: str, path: Path, rid: str):
        self.lines = text.splitlines()
        self.path = path
        self.rid = rid
        self.start = next((n for n, line in enumerate(self.lines)
                           if re.match(rf"^\s*\[\s*reviewers\.\"?{re.escape(rid)}\"?\s*\]", line)), 0)

    def error(self, message: str, field_name: str | None = None) -> ConfigError:
        line = self.start
        if field_name is not None:
            line = next((n for n in range(self.start, len(self.lines))
                         if re.match(rf"^\s*{re.escape(field_name)}\s*=", self.lines[n])), self.start)
        return ConfigError(f"reviewer '{self.rid}': {message}", self.path, line + 1)


def _reviewer(rid: str, fields: object, where: _Where) -> Reviewer:
    if not REVIEWER_ID_RE.match(rid):
        raise where.error("ids may contain letters, digits, '-' and '_' only")
    if not isinstance(fields, dict):
        raise where.error("must be a table")
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        raise where.error("needs a name as it should appear on pages", "name")
    languages = fields.get("languages")
    if not isinstance(languages, list) or not all(isinstance(x, str) and x for x in languages):
        raise where.error("languages must be a list of language codes, e.g. [\"en\", \"de\"]",
                          "languages")
    current = _key(fields.get("key"), None, _compromised(fields, where), where)
    retired = fields.get("retired_keys", [])
    if not isinstance(retired, list):
        raise where.error("retired_keys must be a list of {key, retired} tables", "retired_keys")
    old = [_retired_key(item, where) for item in retired]
    return Reviewer(rid, name.strip(), tuple(languages), (current, *old),
                    _optional(fields, "locale", valid_locale, "a locale such as \"tr\" or \"en\"", where),
                    _optional(fields, "timezone", _known_zone, "an IANA time zone such as "
                              "\"Europe/Istanbul\"", where))


def _optional(fields: dict, name: str, valid: Callable[[str], bool], example: str,
              where: _Where) -> str | None:
    """An optional text field, refused (naming its line) when ``valid`` says it is not one."""
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not valid(value):
        raise where.error(f"{name} must be {example}, not {value!r}", name)
    return value


def _known_zone(name: str) -> bool:
    try:
        time_zone(name)
    except ValueError:
        return False
    return True


def _retired_key(item: object, where: _Where) -> RosterKey:
    if not isinstance(item, dict):
        raise where.error("each retired key is a table with 'key' and 'retired'", "retired_keys")
    moment = item.get("retired")
    compromised = _compromised(item, where)
    if compromised and moment is None:
        moment = datetime.min.replace(tzinfo=UTC)  # it signed nothing that counts
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise where.error("a retired key needs 'retired', a TOML date-time with a UTC offset "
                          "such as 2026-03-01T00:00:00Z", "retired")
    return _key(item.get("key"), moment, compromised, where)


def _compromised(fields: dict, where: _Where) -> bool:
    value = fields.get("compromised", False)
    if not isinstance(value, bool):
        raise where.error("compromised must be true or false", "compromised")
    return value


def _key(text: object, retired: datetime | None, compromised: bool, where: _Where) -> RosterKey:
    if not isinstance(text, str):
        raise where.error("needs 'key', the public key printed by 'pipeline keygen'", "key")
    try:
        public_key = parse_public_key(text)
    except ValueError as exc:
        raise where.error(f"key is not an Ed25519 public key ({exc})", "key") from None
    return RosterKey(key_id(public_key), public_key, retired, compromised)


def _check_unique_keys(reviewers: dict[str, Reviewer], text: str, path: Path) -> None:
    owners: dict[str, str] = {}
    for reviewer in reviewers.values():
        for key in reviewer.keys:
            owner = owners.setdefault(key.key_id, reviewer.id)
            if owner != reviewer.id or sum(k.key_id == key.key_id for k in reviewer.keys) > 1:
                raise _Where(text, path, reviewer.id).error(
                    f"key {key.key_id} is listed twice (also under '{owner}'): "
                    "every doctor signs with keys of their own")


def roster_lines(reviewer: str, public_key: str, existing: Reviewer | None, now: datetime) -> str:
    """The reviewers.toml lines for a new key: a new section, or a key rotation of an existing one."""
    if existing is None:
        return (f"[reviewers.{reviewer}]\n"
                f'name = "{reviewer}"  # the name as it should appear on pages, '
                f'e.g. "Uzm. Dr. Zahide Eriş"\n'
                f"languages = []  # the languages this doctor may approve, e.g. [\"en\", \"de\"]\n"
                f'key = "{public_key}"\n')
    retired = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    old = existing.current_key
    return (f"# in [reviewers.{reviewer}], replace the key line with:\n"
            f'key = "{public_key}"\n'
            f"# and keep the old key, valid for statements signed before now:\n"
            f"[[reviewers.{reviewer}.retired_keys]]\n"
            f'key = "{public_key_text(old.public_key)}"\n'
            f"retired = {retired}\n"
            + ("compromised = true\n" if old.compromised else ""))
