"""The DeepL engine: the official ``deepl`` library, configured from ``[deepl]`` in pipeline.toml.

The library retries 429 and 5xx answers with backoff by itself; what still
fails becomes an :class:`~pipeline.errors.EngineError` with one clear line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from collections.abc import Callable, Sequence

import deepl

from pipeline import __version__
from pipeline.config import Config, line_of
from pipeline.mt.engines.base import (KEY_VARIABLE, Batch, QuotaExceeded, Translation, Usage,
                                      pack)
from pipeline.errors import ConfigError, EngineError
from pipeline.mt.inline_xml import INLINE_TAGS, MARKUP_VERSION
from pipeline.glossary import glossary_digest, load_glossary

MAX_TEXTS = 50
# DeepL takes 128 KiB per request; the rest is left for the headers.
MAX_BYTES = 127 * 1024
# Targets DeepL only accepts with a variant.
DEFAULT_TARGETS = {"en": "EN-US", "pt": "PT-BR"}
FORMALITIES = ("default", "less", "more", "prefer_less", "prefer_more")
_CODE_RE = re.compile(r"^[A-Z]{2,3}(?:-[A-Z]{2,4})?$")


@dataclass(frozen=True)
class DeepLSettings:
    """The ``[deepl]`` table: target codes, formality, glossary use, concurrency, context."""

    targets: dict[str, str] = field(default_factory=dict)
    formality: dict[str, str] = field(default_factory=dict)
    glossary: bool = True
    concurrency: int = 4
    context: bool = True

    @classmethod
    def from_config(cls, config: Config) -> DeepLSettings:
        table, path = config.deepl, config.path
        text = path.read_text(encoding="utf-8") if path and path.is_file() else ""

        def fail(message: str, needle: str) -> ConfigError:
            return ConfigError(f"[deepl] {message}", path, line_of(text, needle))

        known = {"target", "formality", "glossary", "concurrency", "context"}
        for key in table:
            if key not in known:
                raise fail(f"unknown setting '{key}' (known: {', '.join(sorted(known))})", key)
        targets = _language_table(table.get("target", {}), config, fail, "target")
        for language, code in targets.items():
            if not _CODE_RE.match(code.upper()) or code.upper() in ("EN", "PT"):
                raise fail(f"target {language} = '{code}' is not a DeepL target code such as "
                           "'EN-GB', 'EN-US', 'PT-BR' or 'DE'", code)
        formality = _language_table(table.get("formality", {}), config, fail, "formality")
        for language, value in formality.items():
            if value not in FORMALITIES:
                raise fail(f"formality {language} = '{value}': choose one of "
                           f"{', '.join(FORMALITIES)}", value)
        concurrency = table.get("concurrency", 4)
        if not isinstance(concurrency, int) or isinstance(concurrency, bool) \
                or not 1 <= concurrency <= 32:
            raise fail("concurrency must be a whole number from 1 to 32", "concurrency")
        for flag in ("glossary", "context"):
            if not isinstance(table.get(flag, True), bool):
                raise fail(f"{flag} must be true or false", flag)
        return cls(targets={k: v.upper() for k, v in targets.items()}, formality=formality,
                   glossary=table.get("glossary", True), concurrency=concurrency,
                   context=table.get("context", True))

    def target_code(self, language: str) -> str:
        """DeepL's target code for a project language: ``en`` → ``EN-US``, ``pt_PT`` → ``PT-PT``."""
        if language in self.targets:
            return self.targets[language]
        return DEFAULT_TARGETS.get(language, language.replace("_", "-").upper())

    @staticmethod
    def source_code(language: str) -> str:
        """DeepL source codes have no variant: ``en_GB`` → ``EN``."""
        return language.split("_")[0].upper()

    def store_options(self, source: str, target: str, glossary: str | None) -> dict:
        return {"source_lang": self.source_code(source), "target_lang": self.target_code(target),
                "formality": self.formality.get(target), "glossary": glossary,
                "markup": MARKUP_VERSION}


def glossary_terms(config: Config, settings: DeepLSettings, language: str) -> dict[str, str]:
    """The glossary terms DeepL is given for a target language: none when glossaries are off."""
    return load_glossary(config, language).entries() if settings.glossary else {}


def store_options(config: Config, settings: DeepLSettings, source: str, target: str,
                  terms: Callable[[str], dict[str, str]] | None = None) -> dict:
    """The options a DeepL translation is stored under in this project; needs no key.

    Drafts depend on the target language's glossary; back-translations use none.
    """
    if source != config.source_language:
        return settings.store_options(source, target, None)
    found = terms(target) if terms is not None else glossary_terms(config, settings, target)
    return settings.store_options(source, target, glossary_digest(found))


def _language_table(value, config: Config, fail, name: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise fail(f"{name} must be a table of language = \"value\" lines", name)
    for language in value:
        if language not in config.languages:
            raise fail(f"{name} names '{language}', which is not a target language", language)
    return dict(value)


class DeepLEngine:
    name = "deepl"
    billable = True

    def __init__(self, config: Config, settings: DeepLSettings, auth_key: str,
                 server_url: str | None = None):
        self.config = config
        self.settings = settings
        self.concurrency = settings.concurrency
        self.uses_context = settings.context
        self.client = deepl.DeepLClient(auth_key, server_url=server_url)
        self.client.set_app_info("reviewed-pages", __version__)
        self._terms: dict[str, dict[str, str]] = {}
        self._formality: dict[str, str | None] = {}
        self._glossary_ids: dict[str, str] = {}

    def terms(self, language: str) -> dict[str, str]:
        if language not in self._terms:
            self._terms[language] = glossary_terms(self.config, self.settings, language)
        return self._terms[language]

    def store_options(self, source: str, target: str) -> dict:
        return store_options(self.config, self.settings, source, target, self.terms)

    def batches(self, items: Sequence[tuple[str, str | None]], source: str,
                target: str) -> list[Batch]:
        def overhead(context: str | None) -> int:
            return _json_size(self._request(Batch((), context), source, target))
        return pack(items, MAX_TEXTS, MAX_BYTES, overhead, lambda text: _json_size(text) + 2)

    def usage(self) -> Usage:
        try:
            usage = self.client.get_usage()
        except deepl.DeepLException as exc:
            raise self._error(exc) from None
        return Usage(usage.character.count, usage.character.limit)

    def prepare(self, source: str, targets: Sequence[str]) -> list[str]:
        """Check formality support and sync glossaries; nothing here writes to the project."""
        try:
            notices = self._check_formality(targets)
            notices.extend(self._sync_glossaries(source, targets))
        except deepl.DeepLException as exc:
            raise self._error(exc) from None
        return notices

    def translate(self, batch: Batch, source: str, target: str) -> list[Translation]:
        try:
            answer = self.client.translate_text(
                list(batch.texts), **self._request(batch, source, target, for_library=True))
        except deepl.DeepLException as exc:
            raise self._error(exc) from None
        except (TypeError, ValueError) as exc:
            raise EngineError(f"DeepL sent an answer this client cannot read ({exc})") from None
        results = answer if isinstance(answer, list) else [answer]
        if len(results) != len(batch.texts):
            raise EngineError(f"DeepL answered {len(results)} translations for "
                              f"{len(batch.texts)} texts")
        return [Translation(result.text, result.billed_characters) for result in results]

    def _request(self, batch: Batch, source: str, target: str, for_library: bool = False) -> dict:
        """The options of one request, named as the library takes them (or as it sends them)."""
        forward = source == self.config.source_language
        request = {"source_lang": self.settings.source_code(source),
                   "target_lang": self.settings.target_code(target),
                   "formality": self._formality.get(target) if forward else None,
                   "glossary": self._glossary_ids.get(target) if forward else None,
                   "context": batch.context, "tag_handling": "xml",
                   "non_splitting_tags": list(INLINE_TAGS)}
        request = {key: value for key, value in request.items() if value is not None}
        if for_library:
            return request
        wire = {("glossary_id" if key == "glossary" else key): value
                for key, value in request.items()}
        return {**wire, "text": list(batch.texts), "show_billed_characters": True}

    def _check_formality(self, targets: Sequence[str]) -> list[str]:
        wanted = {t: self.settings.formality[t] for t in targets
                  if self.settings.formality.get(t, "default") != "default"}
        if not wanted:
            return []
        supported = {language.code.upper(): bool(language.supports_formality)
                     for language in self.client.get_target_languages()}
        notices = []
        for target, value in wanted.items():
            code = self.settings.target_code(target)
            if supported.get(code, supported.get(code.split("-")[0], False)):
                self._formality[target] = value
            else:
                notices.append(f"{target}: DeepL has no formality for {code}; "
                               f"formality '{value}' is ignored")
        return notices

    def _sync_glossaries(self, source: str, targets: Sequence[str]) -> list[str]:
        """Use the DeepL glossary made from each glossary file, creating it when the file changed."""
        wanted = {target: self.terms(target) for target in targets if self.terms(target)}
        if not wanted:
            return []
        source_code = self.settings.source_code(source)
        pairs = {(pair.source_lang.upper(), pair.target_lang.upper())
                 for pair in self.client.get_glossary_languages()}
        existing = self.client.list_glossaries()
        notices = []
        for target, terms in wanted.items():
            target_code = self.settings.target_code(target).split("-")[0]
            if (source_code, target_code) not in pairs:
                notices.append(f"{target}: DeepL has no {source_code}→{target_code} glossaries; "
                               "translating without the glossary")
                continue
            prefix = f"{self.config.site_name} {source_code}-{target_code} "
            name = prefix + str(glossary_digest(terms))
            found = next((g for g in existing if g.name == name), None)
            for stale in [g for g in existing if g.name.startswith(prefix) and g is not found]:
                self.client.delete_glossary(stale)
            if found is None:
                found = self.client.create_glossary(name, source_code, target_code, terms)
                notices.append(f"{target}: DeepL glossary '{name}' created "
                               f"({len(terms)} terms)")
            self._glossary_ids[target] = found.glossary_id
        return notices

    def _error(self, exc: deepl.DeepLException) -> EngineError:
        server = self.client.server_url
        if isinstance(exc, deepl.AuthorizationException):
            return EngineError(f"DeepL refused the API key (HTTP 403): check {KEY_VARIABLE}")
        if isinstance(exc, deepl.QuotaExceededException):
            return QuotaExceeded("the DeepL character quota of this billing period is used up "
                                 "(HTTP 456)")
        if isinstance(exc, deepl.TooManyRequestsException):
            return EngineError("DeepL still answered 'too many requests' (HTTP 429) after "
                               "retrying: try again later or lower [deepl] concurrency")
        if isinstance(exc, deepl.ConnectionException):
            reason = "timed out" if "timed out" in str(exc) else "connection failed"
            return EngineError(f"cannot reach the DeepL server {server} ({reason}): check the "
                               "network or DEEPL_SERVER_URL")
        status = f" (HTTP {exc.http_status_code})" if exc.http_status_code else ""
        return EngineError(f"DeepL error{status}: {str(exc).splitlines()[0]}")


def _json_size(value) -> int:
    """Bytes on the wire: the library sends JSON with every non-ASCII character escaped."""
    return len(json.dumps(value))
