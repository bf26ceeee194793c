"""The project configuration, ``pipeline.toml``: where things are and which languages exist."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from babel import Locale, UnknownLocaleError

from pipeline.errors import ConfigError

CONFIG_NAME = "pipeline.toml"
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2}|_[A-Z][a-z]{3})?$")


@dataclass(frozen=True)
class Config:
    root: Path
    site_name: str
    base_url: str
    source_language: str
    languages: tuple[str, ...]
    source_dir: Path
    locale_dir: Path
    output_dir: Path
    roster_path: Path
    glossary_dir: Path
    cache_dir: Path
    translations_dir: Path
    deepl: dict = field(default_factory=dict)
    path: Path | None = None
    disabled_checks: frozenset[str] = frozenset()  # [checks] disable: warnings not wanted

    def template_path(self, domain: str) -> Path:
        return self.locale_dir / f"{domain}.pot"

    def catalog_path(self, language: str, domain: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / f"{domain}.po"

    def relative(self, path: Path) -> str:
        """A path as written in references and reports: relative to the project, with slashes."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def check_languages(self, requested: Sequence[str] | None) -> tuple[str, ...]:
        """The requested target languages (all when none), refusing unknown ones."""
        if not requested:
            return self.languages
        unknown = [lang for lang in requested if lang not in self.languages]
        if unknown:
            raise ConfigError(
                f"unknown language {', '.join(unknown)}: configured targets are "
                f"{', '.join(self.languages)}", self.path)
        return tuple(requested)


def find_config(start: Path | None = None) -> Path:
    """``pipeline.toml`` in the given directory or the nearest parent, as git finds ``.git``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(f"no {CONFIG_NAME} here or in any parent directory "
                      "(run the command inside the project, or pass --config)")


def load_config(path: Path | None = None) -> Config:
    path = path or find_config()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("configuration file not found", path) from None
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8", path) from None
    return _build(parse_toml(text, path), path, text)


def parse_toml(text: str, path: Path) -> dict:
    """TOML text as a dict; a syntax error names the file and line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(f"invalid TOML: {message}", path,
                          int(match.group(1)) if match else None) from None


def _build(data: dict, path: Path, text: str) -> Config:
    root = path.parent
    site = _table(data, "site", path, text)
    languages = _table(data, "languages", path, text)
    paths = _table(data, "paths", path, text, required=False)

    source_language = _string(languages, "source", "languages", path, text, default="tr")
    targets = languages.get("targets")
    if not isinstance(targets, list) or not targets or not all(isinstance(t, str) for t in targets):
        raise ConfigError("[languages] targets must be a non-empty list of language codes",
                          path, line_of(text, "targets"))
    for code in [source_language, *targets]:
        _check_language(code, path, text)
    if source_language in targets:
        raise ConfigError(f"the source language '{source_language}' is also a target",
                          path, line_of(text, "targets"))
    if len(set(targets)) != len(targets):
        raise ConfigError("a target language is listed twice", path, line_of(text, "targets"))

    base_url = _string(site, "base_url", "site", path, text)
    if not re.match(r"^https?://[^/\s]+", base_url):
        raise ConfigError("[site] base_url must be an absolute http(s) URL",
                          path, line_of(text, "base_url"))

    def folder(key: str, default: str) -> Path:
        return root / _string(paths, key, "paths", path, text, default=default)

    cache_dir = folder("cache", ".pipeline-cache")
    translations_dir = folder("translations", "machine-translations")
    _check_apart(translations_dir, cache_dir, path, text)
    deepl = data.get("deepl", {})
    if not isinstance(deepl, dict):
        raise ConfigError("[deepl] must be a table", path, line_of(text, "deepl"))
    return Config(
        root=root,
        site_name=_string(site, "name", "site", path, text),
        base_url=base_url.rstrip("/"),
        source_language=source_language,
        languages=tuple(targets),
        source_dir=folder("source", "source"),
        locale_dir=folder("locale", "locale"),
        output_dir=folder("output", "public"),
        roster_path=folder("reviewers", "reviewers.toml"),
        glossary_dir=folder("glossary", "glossary"),
        cache_dir=cache_dir,
        translations_dir=translations_dir,
        deepl=deepl,
        path=path,
        disabled_checks=_disabled_checks(data, path, text),
    )


def _table(data: dict, name: str, path: Path, text: str, required: bool = True) -> dict:
    value = data.get(name)
    if value is None:
        if required:
            raise ConfigError(f"missing the [{name}] table", path)
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"'{name}' must be a table", path, line_of(text, name))
    return value


def _string(table: dict, key: str, section: str, path: Path, text: str,
            default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise ConfigError(f"[{section}] needs '{key}'", path)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"[{section}] {key} must be a non-empty string", path,
                          line_of(text, key))
    return value


def _disabled_checks(data: dict[str, object], path: Path, text: str) -> frozenset[str]:
    """``[checks] disable``: the warnings a project does not want, as written.

    That each name is a registered warning (error checks cannot be disabled:
    they keep unsafe or wrong text from being published) is checked by
    :func:`pipeline.checks.runner.disabled_checks`, which knows the checks.
    """
    table = _table(data, "checks", path, text, required=False)
    if not table:
        return frozenset()
    start = line_of(text, "[checks]") or 1
    for key in table:
        if key != "disable":
            raise ConfigError(f"[checks] has no setting '{key}' (only 'disable')", path,
                              line_of(text, key, start))
    names = table["disable"]
    where = line_of(text, "disable", start)
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ConfigError('[checks] disable must be a list of check names, such as ["length"]',
                          path, where)
    return frozenset(names)  # which checks exist is the checks' business: see checks.runner


def _check_apart(translations: Path, cache: Path, path: Path, text: str) -> None:
    """Paid translations may not live in the cache folder, which anyone may delete to start afresh."""
    here, caches = translations.resolve(), cache.resolve()
    if here == caches or caches in here.parents:
        raise ConfigError("[paths] translations must be outside the cache folder: the cache is "
                          "thrown away (make clean), the machine translations were paid for",
                          path, line_of(text, "translations"))


def _check_language(code: str, path: Path, text: str) -> None:
    if not _LANGUAGE_RE.match(code):
        raise ConfigError(f"'{code}' is not a gettext language code such as 'de' or 'pt_BR'",
                          path, line_of(text, code))
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise ConfigError(f"unknown language '{code}'", path, line_of(text, code)) from None


def line_of(text: str, needle: str, start: int = 1) -> int | None:
    """The number of the first line from ``start`` on that contains ``needle``."""
    for number, line in enumerate(text.splitlines()[start - 1:], start=start):
        if needle in line:
            return number
    return None
