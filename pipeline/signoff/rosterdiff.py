"""What changed between two versions of the roster: doctors, names, languages and keys.

Both versions are canonical rosters (:func:`pipeline.signoff.trust.canonical_content`):
``reviewers.toml`` as parsed, date-times as UTC text. A version read from the signed
roster log may be anything a forger wrote, so every field is read with care and
nothing here fails on an odd value: it is only described.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.signoff.keys import key_id, parse_public_key

# A key's standing: (retired time or None, compromised).
KeyState = tuple[str | None, bool]


@dataclass(frozen=True)
class _Doctor:
    name: str
    languages: tuple[str, ...]
    keys: dict[str, KeyState]  # key id → standing, the current key first


def roster_changes(old: dict | None, new: dict | None) -> list[str]:
    """One line per change from ``old`` to ``new`` (None: no roster), doctors in id order."""
    before, after = _doctors(old), _doctors(new)
    changes: list[str] = []
    for rid in sorted(before.keys() | after.keys()):
        was, now = before.get(rid), after.get(rid)
        if was is None and now is not None:
            changes.append(f"added doctor '{rid}' ({now.name}): may approve "
                           f"{_languages(now.languages)}; key {_key_list(now.keys)}")
        elif now is None and was is not None:
            changes.append(f"removed doctor '{rid}' ({was.name})")
        elif was is not None and now is not None:
            changes.extend(f"'{rid}': {change}" for change in _doctor_changes(was, now))
    if _other_tables(old) != _other_tables(new):
        changes.append("settings outside [reviewers] changed")
    return changes


def _doctor_changes(was: _Doctor, now: _Doctor) -> list[str]:
    changes = []
    if was.name != now.name:
        changes.append(f"name {was.name} → {now.name}")
    added = [language for language in now.languages if language not in was.languages]
    removed = [language for language in was.languages if language not in now.languages]
    if added:
        changes.append(f"may now approve {_languages(added)}")
    if removed:
        changes.append(f"may no longer approve {_languages(removed)}")
    for key in [*now.keys, *(key for key in was.keys if key not in now.keys)]:
        change = _key_change(key, was.keys.get(key), now.keys.get(key))
        if change:
            changes.append(change)
    return changes


def _key_change(key: str, was: KeyState | None, now: KeyState | None) -> str | None:
    """How one key's standing changed, or None when it did not."""
    if now is None:
        return f"key {key} removed from the roster"
    retired, compromised = now
    if was is None:
        return (f"new key {key}" if now == (None, False)
                else f"key {key} added, {_standing(now)}")
    if was == now:
        return None
    if compromised and not was[1]:
        return f"key {key} marked compromised"
    if was[1] and not compromised:
        return f"key {key} no longer marked compromised ({_standing(now)})"
    if retired is None:
        return f"key {key} current again (was {_standing(was)})"
    if was[0] is None:
        return f"key {key} retired {retired}"
    return f"key {key} retirement moved from {was[0]} to {retired}"


def _standing(state: KeyState) -> str:
    retired, compromised = state
    if compromised:
        return "marked compromised"
    return f"retired {retired}" if retired is not None else "current"


def _doctors(content: dict | None) -> dict[str, _Doctor]:
    table = content.get("reviewers") if isinstance(content, dict) else None
    if not isinstance(table, dict):
        return {}
    return {str(rid): _doctor(fields) for rid, fields in table.items()}


def _doctor(fields: object) -> _Doctor:
    if not isinstance(fields, dict):
        return _Doctor("(not a table)", (), {})
    name = fields.get("name")
    languages = fields.get("languages")
    keys: dict[str, KeyState] = {}
    _add_key(keys, fields)
    retired = fields.get("retired_keys")
    for item in retired if isinstance(retired, list) else ():
        if isinstance(item, dict):
            _add_key(keys, item)
    return _Doctor(f'"{name}"' if isinstance(name, str) else "(no name)",
                   tuple(str(language) for language in languages)
                   if isinstance(languages, list) else (),
                   keys)


def _add_key(keys: dict[str, KeyState], fields: dict) -> None:
    text = fields.get("key")
    if text is None:
        return
    retired = fields.get("retired")
    keys[_key_name(text)] = (str(retired) if retired is not None else None,
                             fields.get("compromised") is True)


def _key_name(text: object) -> str:
    """A public key as messages name it: its key id (or a piece of it when it is not a key)."""
    try:
        return key_id(parse_public_key(str(text)))
    except ValueError:
        return f"{str(text)[:16]!r} (not a public key)"


def _key_list(keys: dict[str, KeyState]) -> str:
    if not keys:
        return "none"
    return ", ".join(key if state == (None, False) else f"{key} ({_standing(state)})"
                     for key, state in keys.items())


def _languages(languages: tuple[str, ...] | list[str]) -> str:
    return ", ".join(languages) or "no language"


def _other_tables(content: dict | None) -> dict:
    if not isinstance(content, dict):
        return {}
    return {name: value for name, value in content.items() if name != "reviewers"}
