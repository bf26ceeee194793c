"""The pages of the site: Jinja environment, one published language's edition, page contexts.

Templates render with autoescape on and ``StrictUndefined``; their marked
strings come from the approved ``site`` catalog of the page's language (the
source language reads its own msgids), escaped before Jinja marks them safe.
"""

from __future__ import annotations

import gettext as gettext_module
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime
from collections.abc import Collection, Mapping

import yaml
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, StrictUndefined,
                    TemplateError, select_autoescape)
from markupsafe import Markup, escape

from pipeline.catalogs.model import Entry, plural_forms as language_plural_forms
from pipeline.source.templates import PACKAGE_STATIC, PACKAGE_TEMPLATES, project_templates, template_files
from pipeline.config import Config
from pipeline.errors import BuildError
from pipeline.gate.rules import Lookup
from pipeline.gate.translated import approved_lookup
from pipeline.signoff.verify import Approval
from pipeline.source.articles import Article
from pipeline.cache import code_identity

STYLESHEET = "style.css"
# The code that shapes page bytes: part of every page's input hash.


def bcp47(language: str) -> str:
    """``pt_BR`` → ``pt-BR``: the tag used in ``lang``, hreflang and URLs."""
    return language.replace("_", "-")


@dataclass(frozen=True)
class Chrome:
    """The approved site strings of one language, as the gettext callables Jinja calls."""

    language: str
    entries: Mapping[tuple, Entry] | None  # None: the source language, whose msgids are the text
    plural_forms: str = ""  # the catalog's header; empty: the language's own rule

    def text(self, singular: str, context: str | None = None, plural: str | None = None,
             n: int = 1) -> str:
        if self.entries is None:
            return singular if plural is None or n == 1 else plural
        entry = self.entries.get((context, singular))
        if entry is None:
            raise BuildError(f"the site string {singular!r} has no approved {self.language} "
                             "translation: run 'pipeline pull' and have it reviewed")
        if plural is None:
            return entry.msgstr
        index = _plural_rule(self.plural_forms or language_plural_forms(self.language))(n)
        return entry.msgstrs[min(index, len(entry.msgstrs) - 1)]

    def callables(self) -> dict:
        # Jinja marks what these return as safe, so the translation is escaped here.
        return {
            "gettext": lambda message: escape(self.text(message)),
            "pgettext": lambda context, message: escape(self.text(message, context)),
            "ngettext": lambda singular, plural, n: escape(self.text(singular, None, plural, n)),
            "npgettext": lambda context, singular, plural, n: escape(
                self.text(singular, context, plural, n)),
        }


@dataclass(frozen=True)
class Edition:
    """One language as published: its catalogs' approved entries and their approvals."""

    language: str
    chrome: Chrome
    entries: Mapping[str, Mapping[tuple, Entry]] | None  # domain → key → entry; None for the source
    approvals: Mapping[str, Collection[Approval]]  # domain → the approval of each entry
    # slug → the source doctor's signature of the article (on the source edition; see signature)
    signatures: Mapping[str, Approval] = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return bcp47(self.language)

    @property
    def is_source(self) -> bool:
        return self.entries is None

    @property
    def direction(self) -> str:
        return _direction(self.language)

    @property
    def name(self) -> str:
        """The language's name in itself, as a reader looks for it in a list."""
        return _own_name(self.language)

    def lookup(self, domain: str) -> Lookup:
        """msgid → approved translation (or the msgid itself on the source page)."""
        if self.entries is None:
            return lambda msgid: msgid
        return approved_lookup(self.entries.get(domain, {}))

    def reviewers(self, domain: str) -> tuple[list[str], date | None]:
        """The doctors who approved this language's strings of a domain, and the latest date."""
        approvals = list(self.approvals.get(domain, ()))
        if not approvals:
            return [], None
        return sorted({a.name for a in approvals}), max(a.time for a in approvals).date()

    def format_date(self, day: date) -> dict:
        return {"iso": day.isoformat(), "text": _long_date(day, self.language)}


# Locale data looked up once per language (and date) rather than once per page.
@lru_cache(maxsize=64)
def _direction(language: str) -> str:
    return Locale.parse(language).text_direction


@lru_cache(maxsize=64)
def _own_name(language: str) -> str:
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=4096)
def _long_date(day: date, language: str) -> str:
    return format_date(day, format="long", locale=language)


class Site:
    """The Jinja environment of a project and the digest of everything that shapes its pages."""

    def __init__(self, config: Config):
        self.config = config
        loaders = [FileSystemLoader(str(PACKAGE_TEMPLATES))]
        if project_templates(config).is_dir():
            loaders.insert(0, FileSystemLoader(str(project_templates(config))))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(["html", "xml"]),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.policies["ext.i18n.trimmed"] = True
        self.env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
        self.digest = self._digest()

    def static_files(self) -> dict[str, bytes]:
        return {STYLESHEET: (PACKAGE_STATIC / STYLESHEET).read_bytes()}

    def render(self, name: str, context: dict, chrome: Chrome) -> bytes:
        try:
            template = self.env.get_template(name)
            text = template.render(**context, **chrome.callables())
        except TemplateError as exc:
            path = getattr(exc, "filename", None) or name
            raise BuildError(f"template error: {exc}", path, getattr(exc, "lineno", None)) from None
        return text.encode("utf-8")

    def _digest(self) -> str:
        """The code (package, templates and libraries: the code identity) and the project's templates."""
        hasher = hashlib.sha256(code_identity().encode())
        for path, _ in template_files(self.config).values():
            hasher.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return hasher.hexdigest()


# ---------------------------------------------------------------- addresses


def article_url(config: Config, edition: Edition, slug: str) -> str:
    return f"{config.base_url}/{edition.tag}/{slug}/"


def index_url(config: Config, edition: Edition) -> str:
    return f"{config.base_url}/{edition.tag}/"


def alternates(urls: list[tuple[str, str]], default: str) -> list[dict]:
    """hreflang links: every published version (itself included) and x-default."""
    return [{"hreflang": tag, "url": url} for tag, url in urls] + [
        {"hreflang": "x-default", "url": default}]


def language_links(editions: list[Edition], current: Edition, href) -> list[dict]:
    return [{"tag": e.tag, "name": e.name, "href": href(e), "current": e is current}
            for e in editions]


# ---------------------------------------------------------------- contexts


def article_context(config: Config, edition: Edition, editions: list[Edition],
                    article: Article, body: str) -> dict:
    """Everything article.html needs for one article in one language."""
    source = editions[0]
    title, description = translated_meta(edition, article)
    url = article_url(config, edition, article.slug)
    names, reviewed_on = ([], None) if edition.is_source else edition.reviewers(article.slug)
    published, updated = article.meta.get("published"), article.meta.get("updated")
    doctor, signed_on = source_review(source, article)
    page = {
        "title": title,
        "description": description,
        "url": url,
        "body": Markup(body),
        "reviewed_by": doctor,
        "reviewed_on": edition.format_date(signed_on) if signed_on else None,
        "published": edition.format_date(published) if published else None,
        "updated": edition.format_date(updated) if updated else None,
        "translation_reviewers": format_list(names, locale=edition.language) if names else "",
        "translation_reviewed": edition.format_date(reviewed_on) if reviewed_on else None,
    }
    page["jsonld"] = _jsonld(config, edition, source, article, page, names, reviewed_on)
    return {
        **_common(config, edition, root="../../", home="../"),
        "alternates": alternates([(e.tag, article_url(config, e, article.slug)) for e in editions],
                                 article_url(config, source, article.slug)),
        "languages": language_links(editions, edition, lambda e: f"../../{e.tag}/{article.slug}/"),
        "page": page,
    }


def index_context(config: Config, edition: Edition, editions: list[Edition],
                  articles: list[Article]) -> dict:
    listed = []
    for article in articles:
        title, description = translated_meta(edition, article)
        listed.append({"href": f"{article.slug}/", "title": title, "description": description})
    return {
        **_common(config, edition, root="../", home="./"),
        "url": index_url(config, edition),
        "alternates": alternates([(e.tag, index_url(config, e)) for e in editions],
                                 f"{config.base_url}/"),
        "languages": language_links(editions, edition, lambda e: f"../{e.tag}/"),
        "articles": listed,
    }


def root_context(config: Config, editions: list[Edition]) -> dict:
    source = editions[0]
    return {
        **_common(config, source, root="", home="./"),
        "url": f"{config.base_url}/",
        "alternates": alternates([(e.tag, index_url(config, e)) for e in editions],
                                 f"{config.base_url}/"),
        "languages": [],
        "choices": [{"tag": e.tag, "name": e.name, "dir": e.direction, "href": f"{e.tag}/"}
                    for e in editions],
    }


def sitemap_context(config: Config, editions: list[Edition], articles: list[Article]) -> dict:
    entries = []
    source = editions[0]
    index_links = alternates([(e.tag, index_url(config, e)) for e in editions], f"{config.base_url}/")
    entries.append({"loc": f"{config.base_url}/", "lastmod": None, "alternates": index_links})
    for edition in editions:
        entries.append({"loc": index_url(config, edition), "lastmod": None,
                        "alternates": index_links})
    for article in articles:
        links = alternates([(e.tag, article_url(config, e, article.slug)) for e in editions],
                           article_url(config, source, article.slug))
        for edition in editions:
            entries.append({"loc": article_url(config, edition, article.slug),
                            "lastmod": _lastmod(edition, article), "alternates": links})
    return {"entries": entries}


def front_matter(config: Config, edition: Edition, editions: list[Edition], article: Article) -> str:
    """The YAML front matter of a translated Markdown article (Hugo, MkDocs, Jekyll)."""
    title, description = translated_meta(edition, article)
    meta: dict = {"title": title}
    if description:
        meta["description"] = description
    meta["lang"] = edition.tag
    meta["translationKey"] = article.slug
    doctor, signed_on = source_review(editions[0], article)
    if doctor:
        meta["reviewed_by"] = doctor
    if signed_on:
        meta["reviewed"] = signed_on
    for key in ("published", "updated"):
        if article.meta.get(key):
            meta[key] = article.meta[key]
    if not edition.is_source:
        names, reviewed_on = edition.reviewers(article.slug)
        meta["translation_reviewed_by"] = names
        if reviewed_on:
            meta["translation_reviewed"] = reviewed_on
        meta["translation_of"] = article_url(config, editions[0], article.slug)
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{dumped}---\n\n"


def source_review(source: Edition, article: Article) -> tuple[str, date | None]:
    """Who medically approved the source article, and when: its doctor's signature.

    Without one (a project that does not require source signatures yet), the
    front matter's ``reviewed_by``, undated.
    """
    signature = source.signatures.get(article.slug)
    if signature is not None:
        return signature.name, signature.time.date()
    return str(article.meta.get("reviewed_by") or ""), None


def translated_meta(edition: Edition, article: Article) -> tuple[str, str]:
    """The article's title and description in the edition's language (description may be empty)."""
    lookup = edition.lookup(article.slug)
    description = str(article.meta.get("description") or "").strip()
    title = article.title.strip()
    return (_required(lookup(title), title),
            _required(lookup(description), description) if description else "")


def _common(config: Config, edition: Edition, root: str, home: str) -> dict:
    return {"lang": edition.tag, "dir": edition.direction, "root": root, "home": home,
            "site_name": edition.chrome.text(config.site_name)}


def _jsonld(config: Config, edition: Edition, source: Edition, article: Article, page: dict,
            names: list[str], reviewed_on: date | None) -> dict:
    """schema.org MedicalWebPage: who reviewed this text, when, and what it translates."""
    data: dict = {"@context": "https://schema.org", "@type": "MedicalWebPage",
                  "url": page["url"], "name": page["title"], "inLanguage": edition.tag,
                  "isPartOf": {"@type": "WebSite", "name": edition.chrome.text(config.site_name),
                               "url": f"{config.base_url}/"}}
    if page["description"]:
        data["description"] = page["description"]
    for key, name in (("published", "datePublished"), ("updated", "dateModified")):
        if article.meta.get(key):
            data[name] = article.meta[key].isoformat()
    doctor, signed_on = source_review(source, article)
    source_reviewed = signed_on or article.meta.get("updated") or article.meta.get("published")
    if edition.is_source:
        if doctor:
            data["reviewedBy"] = _person(doctor)
        if source_reviewed:
            data["lastReviewed"] = source_reviewed.isoformat()
        return data
    data["reviewedBy"] = [_person(name) for name in names]
    if reviewed_on:
        data["lastReviewed"] = reviewed_on.isoformat()
    original: dict = {"@type": "MedicalWebPage", "url": article_url(config, source, article.slug),
                "name": article.title, "inLanguage": source.tag}
    if doctor:
        original["reviewedBy"] = _person(doctor)
    if source_reviewed:
        original["lastReviewed"] = source_reviewed.isoformat()
    data["translationOfWork"] = original
    return data


def _person(name: str) -> dict:
    return {"@type": "Person", "name": name}


def _lastmod(edition: Edition, article: Article) -> str | None:
    found = [article.meta.get("published"), article.meta.get("updated")]
    if not edition.is_source:
        found.append(edition.reviewers(article.slug)[1])
    days: list[date] = [day.date() if isinstance(day, datetime) else day for day in found if day]
    return max(days).isoformat() if days else None


def _required(text: str | None, msgid: str) -> str:
    if text is None:
        raise BuildError(f"no approved translation of {msgid!r}: run 'pipeline pull'")
    return text


def _plural_rule(plural_forms: str):
    expression = plural_forms.split("plural=", 1)[-1].rstrip().rstrip(";")
    return gettext_module.c2py(expression or "n != 1")
