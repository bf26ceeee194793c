"""HTML: a page per article from the templates, index pages, a sitemap and the stylesheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.site.formats import OutputFormat

if TYPE_CHECKING:
    from markdown_it.token import Token

    from pipeline.config import Config
    from pipeline.site.pages import Edition, Site
    from pipeline.source.articles import Article


class Html(OutputFormat):
    """The gated site itself: ``<lang>/<slug>/index.html``, ready to serve."""

    name = "html"

    def page_path(self, tag: str, slug: str) -> str:
        return f"{tag}/{slug}/index.html"

    def body(self, tokens: list[Token], env: dict) -> str:
        from pipeline.site.render import to_html

        return to_html(tokens, env)

    def page(self, site: Site, config: Config, edition: Edition, editions: list[Edition],
             article: Article, body: str) -> bytes:
        from pipeline.site.pages import article_context

        return site.render("article.html", article_context(config, edition, editions, article,
                                                           body), edition.chrome)

    def extra_files(self, site: Site, config: Config, editions: list[Edition],
                    articles: list[Article]) -> dict[str, bytes]:
        from pipeline.site.pages import index_context, root_context, sitemap_context

        files = {f"{edition.tag}/index.html": site.render(
            "index.html", index_context(config, edition, editions, articles), edition.chrome)
            for edition in editions}
        files["index.html"] = site.render("root.html", root_context(config, editions),
                                          editions[0].chrome)
        files["sitemap.xml"] = site.render("sitemap.xml", sitemap_context(config, editions, articles),
                                           editions[0].chrome)
        files.update(site.static_files())
        return files
