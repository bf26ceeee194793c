"""Markdown: each article translated, with YAML front matter, for Hugo, MkDocs or Jekyll."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.site.formats import OutputFormat

if TYPE_CHECKING:
    from markdown_it.token import Token

    from pipeline.config import Config
    from pipeline.site.pages import Edition, Site
    from pipeline.source.articles import Article


class Markdown(OutputFormat):
    """``<lang>/<slug>.md`` only: the site generator makes the index pages and the rest."""

    name = "md"

    def page_path(self, tag: str, slug: str) -> str:
        return f"{tag}/{slug}.md"

    def body(self, tokens: list[Token], env: dict) -> str:
        from pipeline.site.render import to_markdown

        return to_markdown(tokens, env)

    def page(self, site: Site, config: Config, edition: Edition, editions: list[Edition],
             article: Article, body: str) -> bytes:
        from pipeline.site.pages import front_matter

        return (front_matter(config, edition, editions, article) + body).encode("utf-8")
