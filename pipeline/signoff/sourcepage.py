"""The review page's source articles: each article rendered, what changed since its signature, sign or reject.

Served by :mod:`pipeline.signoff.server` (its token, guard and forms) when the
doctor reviews the source language. What is signed is worked out from the
article as it is when the form arrives: only when its digest is the one the
page showed is anything signed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pipeline.config import Config
from pipeline.errors import SignoffError
from pipeline.gate.rules import APPROVED
from pipeline.gate.source import ArticleStanding
from pipeline.locking import SHARED, project_lock
from pipeline.signoff.articles import content_diff
from pipeline.signoff.handback import Tally
from pipeline.signoff.review import Signer, approve, reject
from pipeline.signoff.sources import article_body, standings, target
from pipeline.signoff.verify import ledger_path
from pipeline.source.articles import markdown

PREFIX = "/source"
CHANGED = ("Nothing was signed: the article changed since the page was loaded. Read it again "
           "below.")
DONE = {"approved": "Signed: the article as shown is published at the next build.",
        "rejected": "Rejected: the article stays a draft until it changes.",
        "none": "Nothing new to sign: it was already signed."}

Render = Callable[..., Response]
ReadForm = Callable[[Request], Awaitable[FormData]]


class SourcePages:
    """The source articles of one doctor's review session."""

    def __init__(self, config: Config, signer: Signer, base: str, render: Render,
                 read_form: ReadForm, log: Callable[[str], None], tally: Tally | None = None):
        self.config, self.signer, self.base = config, signer, base
        self.render, self.read_form, self.log = render, read_form, log
        self.tally = tally  # the session's decisions, handed back when the page stops

    def routes(self) -> list[Route]:
        return [Route(f"{PREFIX}/", self.index),
                Route(f"{PREFIX}/{{slug}}/", self.article),
                Route(f"{PREFIX}/{{slug}}/approve", self.approve, methods=["POST"]),
                Route(f"{PREFIX}/{{slug}}/reject", self.reject, methods=["POST"])]

    async def index(self, request: Request) -> Response:
        with project_lock(self.config, SHARED):
            articles = standings(self.config)
        return self.render(request, "source-index.html", articles=articles,
                           waiting=sum(1 for a in articles if a.state != APPROVED),
                           language=self.config.source_language)

    async def article(self, request: Request) -> Response:
        done = request.query_params.get("done")
        with project_lock(self.config, SHARED):
            return self.show(request, self.find(request),
                             ("done", DONE[done]) if done in DONE else None)

    def show(self, request: Request, article: ArticleStanding, notice: tuple[str, str] | None,
             status: int = 200) -> Response:
        body = Markup(markdown().render(article_body(self.config, article)))  # no raw HTML
        diff = content_diff(article.signed, article.content)[2:] if article.signed else []
        return self.render(request, "source-article.html", status, article=article, body=body,
                           diff=diff, notice=notice, language=self.config.source_language)

    async def approve(self, request: Request) -> Response:
        return await self.decide(request, "approved")

    async def reject(self, request: Request) -> Response:
        return await self.decide(request, "rejected")

    async def decide(self, request: Request, done: str) -> Response:
        self.find(request)  # an unknown article: 404 before anything else
        form = await self.read_form(request)
        with project_lock(self.config):  # judged and decided with nobody writing
            return self._decide(request, self.find(request), form, done)

    def _decide(self, request: Request, article: ArticleStanding, form: FormData,
                done: str) -> Response:
        if form.get("digest") != article.digest:
            return self.show(request, article, ("problem", CHANGED), 409)
        language = self.config.source_language
        try:
            if done == "rejected":
                decision = reject(self.config, language, self.signer, target(article),
                                  str(form.get("note", "")))
            elif article.state == APPROVED:
                return self.after(article, "none")
            else:
                decision = approve(self.config, language, self.signer, [target(article)])
        except SignoffError as error:
            return self.show(request, article, ("problem", error.format_message()), 409)
        if decision.statement is not None:
            self.log(f"{language}/{article.slug}: {done}, signed "
                     f"{decision.statement.time:%Y-%m-%d %H:%M:%S} UTC")
            if self.tally is not None:
                self.tally.record(language, done, len(decision.targets), (self.config.relative(
                    ledger_path(self.config, language)), *decision.catalogs_written))
        return self.after(article, done)

    def after(self, article: ArticleStanding, done: str) -> Response:
        """Post-redirect-get: the article again, saying what was done."""
        return RedirectResponse(f"{self.base}{PREFIX}/{article.slug}/?{urlencode({'done': done})}",
                                303)

    def find(self, request: Request) -> ArticleStanding:
        slug = request.path_params["slug"]
        found = next((a for a in standings(self.config) if a.slug == slug), None)
        if found is None:
            raise HTTPException(404, f"No source article '{slug}'.")
        return found

