"""The project configuration, ``pipeline.toml``: where things are and which languages exist."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from pipeline.errors import ConfigError, LanguageError
from pipeline.paths import Bounds, escapes, outside

CONFIG_NAME = "pipeline.toml"
# [paths] entries that must be inside the project (the others may be anywhere: see _check_places).
INSIDE = ("source", "locale", "reviewers", "glossary")
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
    timezone: str = "UTC"  # [site] timezone: the zone the review interface shows times in
    source_signoff: bool | None = None  # [gate] source_signoff; None: not set (means false)

    def template_path(self, domain: str) -> Path:
        return self.inside(self.locale_dir / f"{domain}.pot", "template", self.locale_dir)

    def catalog_path(self, language: str, domain: str) -> Path:
        return self.inside(self.locale_dir.joinpath(language, "LC_MESSAGES", f"{domain}.po"),
                           "catalog", self.locale_dir)

    def inside(self, path: Path, what: str, folder: Path | None = None) -> Path:
        """``path``, refused (OutsideError) when links or '..' lead it out of ``folder`` (the project)."""
        return self._bounds.check(path, self.root if folder is None else folder, what)

    @cached_property
    def _bounds(self) -> Bounds:
        return Bounds(self.root)

    @cached_property
    def _resolved_root(self) -> Path:
        return self.root.resolve()

    def relative(self, path: Path) -> str:
        """A path as written in references and reports: relative to the project, with slashes."""
        try:
            return path.resolve().relative_to(self._resolved_root).as_posix()
        except ValueError:
            return path.as_posix()

    def check_languages(self, requested: Sequence[str] | None) -> tuple[str, ...]:
        """The requested target languages (all when none), refusing unknown ones."""
        if not requested:
            return self.languages
        unknown = [lang for lang in requested if lang not in self.languages]
        if unknown:
            raise LanguageError(
                f"unknown language {', '.join(repr(lang) for lang in unknown)} for --lang: the "
                f"target languages in {CONFIG_NAME} are {', '.join(self.languages)}")
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


def project_root(path: Path | None = None) -> Path | None:
    """The project's folder, even when its configuration does not load; None outside any project."""
    try:
        return (path or find_config()).parent
    except ConfigError:
        return None


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
    config = Config(
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
        timezone=_timezone(site, path, text),
        source_signoff=_source_signoff(data, path, text),
    )
    _check_places(config, paths, text)
    return config


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


def _timezone(site: dict, path: Path, text: str) -> str:
    """``[site] timezone``: an IANA zone name (default UTC), refused when this machine does not know it."""
    name = _string(site, "timezone", "site", path, text, default="UTC")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"[site] timezone '{name}' is not a known time zone (use an IANA name "
                          "such as Europe/Istanbul)", path, line_of(text, "timezone")) from None
    return name


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


def _source_signoff(data: dict[str, object], path: Path, text: str) -> bool | None:
    """``[gate] source_signoff``: whether a source article needs its doctor's signature to be published."""
    table = _table(data, "gate", path, text, required=False)
    start = line_of(text, "[gate]") or 1
    for key in table:
        if key != "source_signoff":
            raise ConfigError(f"[gate] has no setting '{key}' (only 'source_signoff')", path,
                              line_of(text, key, start))
    value = table.get("source_signoff")
    if value is not None and not isinstance(value, bool):
        raise ConfigError("[gate] source_signoff must be true or false", path,
                          line_of(text, "source_signoff", start))
    return value


def _check_apart(translations: Path, cache: Path, path: Path, text: str) -> None:
    """Paid translations may not live in the cache folder, which anyone may delete to start afresh."""
    here, caches = translations.resolve(), cache.resolve()
    if here == caches or caches in here.parents:
        raise ConfigError("[paths] translations must be outside the cache folder: the cache is "
                          "thrown away (make clean), the machine translations were paid for",
                          path, line_of(text, "translations"))


def _check_places(config: Config, paths: dict, text: str) -> None:
    """Fail closed: what the pipeline reads is inside the project, and what is named exists.

    The sources, catalogs, ledgers, roster and glossaries must be inside the project
    (:mod:`pipeline.paths`). Output, cache and machine-translation store may be anywhere:
    the output is only written (and replaced only when the pipeline made it), the cache
    decides nothing, and the store holds drafts a doctor still has to approve.

    A folder or file written in ``[paths]`` must exist (a typo would otherwise read as
    no articles or no doctors); so must the source folder, configured or not. The
    locale folder may be missing, named or not: ``pull`` makes it, and without it every
    language is stopped ("catalog missing"), never published. No ``reviewers.toml`` or
    ``glossary/`` by default means no doctors or no glossary yet.
    """
    places = {"source": (config.source_dir, "folder", "the source articles"),
              "locale": (config.locale_dir, "folder", "the catalogs and ledgers"),
              "reviewers": (config.roster_path, "file", "the doctor roster"),
              "glossary": (config.glossary_dir, "folder", "the glossaries")}
    assert config.path is not None
    for key in INSIDE:
        place, kind, holds = places[key]
        line = _line_of_key(text, "paths", key)
        where = escapes(place, config.root)
        if where is not None:
            if key not in paths:
                raise outside(place, f"the {key} {kind}", "the project", where)
            raise ConfigError(f"[paths] {key} = \"{paths[key]}\" resolves outside the project "
                              f"(to {where}): sources, catalogs, ledgers, roster and glossaries "
                              "must be inside it (only output, cache and translations may be "
                              "elsewhere)", config.path, line)
        required = (key in paths and key != "locale") or key == "source"
        exists = place.is_dir() if kind == "folder" else place.is_file()
        if exists or not (required or place.exists()):
            continue
        shown = config.relative(place)
        problem = (f"'{shown}' is not a {kind}" if place.exists()
                   else f"there is no {kind} '{shown}'")
        if key in paths:
            raise ConfigError(f"[paths] {key}: {problem} ({holds}; a {kind} named in [paths] "
                              "must exist)", config.path, line)
        raise ConfigError(f"{problem} for [paths] {key} ({holds}): create it, or set [paths] {key}",
                          config.path)


def _line_of_key(text: str, section: str, key: str) -> int | None:
    """The line of ``key = …`` in ``[section]``."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1)
        elif current == section and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return None


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
