"""Output formats of the site, one module each, behind one interface.

A format says where each article page goes, how a body is rendered from the
tokens of a page the gate let through, how a whole page is made, and which
other files it writes (index pages, sitemap, stylesheet). Every module of this
package that defines an :class:`OutputFormat` adds one: the build and the CLI's
``--format`` take them from :func:`output_formats`. The CLI lists them on every
start, so a format module imports its rendering code where it uses it.
"""

from __future__ import annotations

import importlib
import pkgutil
from abc import ABC, abstractmethod
from functools import cache
from typing import TYPE_CHECKING, ClassVar

from pipeline.errors import BuildError

if TYPE_CHECKING:
    from markdown_it.token import Token

    from pipeline.config import Config
    from pipeline.site.pages import Edition, Site
    from pipeline.source.articles import Article


class OutputFormat(ABC):
    """One way of writing the site: the pages' paths and bytes, and the files beside them."""

    name: ClassVar[str]  # as given to --format and recorded in the output's manifest

    @abstractmethod
    def page_path(self, tag: str, slug: str) -> str:
        """Where the page of an article in a language (its BCP 47 tag) goes in the output."""

    @abstractmethod
    def body(self, tokens: list[Token], env: dict) -> str:
        """An article's body from the tokens of its page and the parser's environment."""

    @abstractmethod
    def page(self, site: Site, config: Config, edition: Edition, editions: list[Edition],
             article: Article, body: str) -> bytes:
        """The bytes of an article's page in one published language (``editions``: all of them)."""

    def extra_files(self, site: Site, config: Config, editions: list[Edition],
                    articles: list[Article]) -> dict[str, bytes]:
        """The other files of the site, by path: index pages, sitemap, stylesheet."""
        return {}


@cache
def output_formats() -> dict[str, OutputFormat]:
    """Every format of this package, by name, in the order of their modules' names."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return {kind.name: kind() for kind in OutputFormat.__subclasses__()
            if kind.__module__.startswith(f"{__name__}.")}


def output_format(name: str) -> OutputFormat:
    formats = output_formats()
    if name not in formats:
        raise BuildError(f"unknown format '{name}': use one of {', '.join(formats)}")
    return formats[name]
