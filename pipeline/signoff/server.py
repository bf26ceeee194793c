"""``pipeline review serve``: a local web page where a doctor reads translations and signs them off.

The doctor's private key is opened once, when the server starts, and never
leaves this process. Anyone who can reach the port could otherwise post
approvals in the doctor's name, so the page trusts no ambient credential (no
cookie, which browsers would also send to any other server on 127.0.0.1):

- every address is ``/t/<token>/…``, the random per-run token printed with the
  address, compared in constant time; without it, any request is a plain 404;
- the pages send no Referer anywhere (``Referrer-Policy: no-referrer``), so the
  token never leaves in one;
- a decision is a POST the browser itself says came from this page
  (``Sec-Fetch-Site: same-origin``, which no web page can set) with this page's
  own ``Origin``, or ``Origin: null`` (what browsers send on the page's own posts
  under no-referrer; only ever together with same-origin), carrying the token in
  its form too; a page opened from another site (or another port) is refused;
- a loopback server answers only to loopback host names (no DNS rebinding).

What a decision signs is worked out from the catalog as it is when the POST
arrives: the entry the form names (its key) must still have the digest the page
showed (see :mod:`pipeline.signoff.page`). Decisions go through
:mod:`pipeline.signoff.review`, exactly as on the command line. Requests are
handled one at a time on the event loop, so two decisions never interleave their
ledger and catalog writes.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
import webbrowser
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import FormData, Headers, QueryParams
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from pipeline.config import Config
from pipeline.errors import PipelineError, SignoffError
from pipeline.locking import SHARED, project_lock
from pipeline.signoff.i18n import N_, _, environment, language_label, ngettext, speaking_to
from pipeline.signoff.ledger import format_time
from pipeline.signoff.handback import Tally
from pipeline.signoff.review import Decision, Signer, Target, approve, correct, open_signer_for, \
    reject, translated_entries
from pipeline.signoff.queue import Listing, article_progress, articles_closest_first, closest_first, \
    kind_label, language_progress, lowest_scores, next_waiting, shown_rows
from pipeline.signoff.roster import Reviewer
from pipeline.signoff.sourcepage import SourcePages
from pipeline.signoff.page import article_view, judge_article, language_overview, parse_key_field
from pipeline.signoff.verified import verified_signoffs
from pipeline.signoff.verify import ledger_path
from pipeline.source.articles import domains

STATIC_DIR = Path(__file__).resolve().parent / "static"
TOKEN_PREFIX = "/t/"  # every address is /t/<token>/...
TOKEN_FIELD = "token"  # and every form carries the token once more
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
MAX_FORM_BYTES = 2 * 1024 * 1024  # approve-all sends back the key of every waiting entry
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    # The token is in every address: never send it anywhere in a Referer. (Under this
    # policy browsers send "Origin: null" with the page's own posts: see own_post.)
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
# What the browser says about where a request comes from (Fetch Metadata); pages cannot set it.
OWN_PAGE = "same-origin"
FOREIGN_PAGES = frozenset({"same-site", "cross-site"})  # another port of 127.0.0.1 is same-site
NOT_FOUND = "Not Found"  # without the token: the same answer as for any unknown address
FOREIGN_PAGE = N_("Refused: this request did not come from the review page itself, so nothing was "
                "done. Open the address 'pipeline review serve' printed, in a browser on this "
                "machine, and decide there.")
CHANGED = N_("Nothing was signed: this string changed since the page was loaded (or is not in "
           "this article). Read it again below.")


class ServeError(PipelineError):
    """The review server cannot start."""


def serve(config: Config, reviewer_id: str, languages: Iterable[str] | None, key_file: Path | None,
          host: str, port: int, echo: Callable[[str], None], open_browser: bool = False) -> Tally:
    """Open the doctor's key, listen on host:port and serve the review page until interrupted.

    ``open_browser``: also open the page in the doctor's browser (the webbrowser module).
    Returns the tally of the session's decisions, to hand the work back.
    """
    signer, languages = open_signer_for(config, languages, reviewer_id, key_file)
    if config.source_language not in languages and signer.reviewer.may_review(config.source_language):
        languages = (config.source_language, *languages)  # the articles themselves, too
    listener = bind(host, port)
    token = secrets.token_urlsafe(32)
    tally = Tally(signer.reviewer.name)
    app = create_app(config, signer, languages, token, allowed_hosts(host), log=echo, tally=tally)
    url = address(host, listener.getsockname()[1], token)
    with speaking_to(config, signer.reviewer):
        echo(_("Review page for %(name)s (%(languages)s); open this address in your browser (the "
               "token in it is your key to the page: do not share it):")
             % {"name": signer.reviewer.name, "languages": ", ".join(languages)})
        echo(f"    {url}")
        if host not in LOOPBACK_NAMES:
            echo(_("warning: listening on %(host)s, not only this machine; the connection is not "
                   "encrypted. Use the default 127.0.0.1 unless you must. Browsers say which page a "
                   "form came from only to this machine's own addresses, so decisions are refused "
                   "from anywhere but 127.0.0.1 or localhost.") % {"host": host or _("every interface")})
        if open_browser and not webbrowser.open(url):
            echo(_("No browser could be opened here: open the address above yourself."))
        echo(_("Press Ctrl-C to stop; every decision is already saved when its page reloads."))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="off", server_header=False))
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a doctor stops the page; uvicorn re-raises it once it has shut down
    return tally


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free port, read it back from the socket)."""
    try:
        family = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                    flags=socket.AI_PASSIVE)[0][0]
        return socket.create_server((host, port), family=family)
    except (OSError, OverflowError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ServeError(f"cannot listen on {host}:{port}: {reason} "
                         "(pass another --port, or --port 0 for any free one)") from None


def address(host: str, port: int, token: str) -> str:
    """The address to open: http://127.0.0.1:PORT/t/TOKEN/ (every page is under /t/TOKEN/)."""
    shown = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if _is_ipv6(shown):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}{base_path(token)}/"


def base_path(token: str) -> str:
    """Where every page and form of this run lives: /t/TOKEN (no trailing slash)."""
    return f"{TOKEN_PREFIX}{token}"


def allowed_hosts(host: str) -> frozenset[str] | None:
    """Host names the server answers to; None (any) when it listens on every interface."""
    if host in WILDCARD_HOSTS:
        return None
    if host in LOOPBACK_NAMES:
        return LOOPBACK_NAMES
    return frozenset({host.lower()})


def create_app(config: Config, signer: Signer, languages: Iterable[str], token: str,
               hosts: Collection[str] | None = LOOPBACK_NAMES,
               log: Callable[[str], None] | None = None, tally: Tally | None = None) -> Starlette:
    """The review web app for one doctor; every address is under /t/``token``/."""
    languages = tuple(languages)
    source = config.source_language
    pages = ReviewPages(config, signer, tuple(lang for lang in languages if lang != source), token,
                        log or (lambda text: None), tally or Tally(signer.reviewer.name),
                        source in languages)
    routes = [*(SourcePages(config, signer, pages.base, pages.render, pages.form, pages.log,
                            pages.tally).routes() if source in languages else []),
        Route("/", pages.index),
        Route("/{language}/{domain}/", pages.article),
        Route("/{language}/{domain}/approve", pages.approve_one, methods=["POST"]),
        Route("/{language}/{domain}/approve-all", pages.approve_all, methods=["POST"]),
        Route("/{language}/{domain}/reject", pages.reject_one, methods=["POST"]),
        Route("/{language}/{domain}/correct", pages.correct_one, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    # The guard has compared the token before routing: the mount only takes it off the path.
    guard = Middleware(Guard, token=token, hosts=None if hosts is None else frozenset(hosts))
    voice = Middleware(Speaking, config=config, reviewer=signer.reviewer)
    return Starlette(routes=[Mount(TOKEN_PREFIX + "{token}", routes=routes)],
                     middleware=[voice, guard],
                     exception_handlers={PipelineError: pages.failure, OSError: pages.failure})


class Speaking:
    """Every response in the doctor's language and time zone (roster, else the browser's language)."""

    def __init__(self, app: ASGIApp, config: Config, reviewer: Reviewer):
        self.app = app
        self.config = config
        self.reviewer = reviewer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with speaking_to(self.config, self.reviewer, Headers(scope=scope).get("accept-language")):
            await self.app(scope, receive, send)


class Guard(BaseHTTPMiddleware):
    """Refuse a request to a foreign host, without the token in its path, or from another page."""

    def __init__(self, app: ASGIApp, token: str, hosts: frozenset[str] | None):
        super().__init__(app)
        self.token = token
        self.hosts = hosts

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = self.refusal(request) or await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    def refusal(self, request: Request) -> Response | None:
        if self.hosts is not None and (request.url.hostname or "").lower() not in self.hosts:
            return PlainTextResponse(NOT_FOUND, 404)  # DNS rebinding: another site's name
        if not same_token(path_token(request.scope["path"]), self.token):
            return PlainTextResponse(NOT_FOUND, 404)
        if request.method in ("GET", "HEAD"):
            if _single(request, "sec-fetch-site") in FOREIGN_PAGES:
                return PlainTextResponse(_(FOREIGN_PAGE), 403)  # a link or embed from another page
            return None
        if not own_post(request):
            return PlainTextResponse(_(FOREIGN_PAGE), 403)
        return None


def path_token(path: str) -> str | None:
    """The token of a path /t/TOKEN/..., or None."""
    if not path.startswith(TOKEN_PREFIX):
        return None
    return path[len(TOKEN_PREFIX):].split("/", 1)[0]


def same_token(presented: str | None, token: str) -> bool:
    """Compared in constant time, so the time taken tells nothing about the token."""
    return presented is not None and secrets.compare_digest(presented.encode("utf-8"),
                                                            token.encode("utf-8"))


def own_post(request: Request) -> bool:
    """A request the review page itself sent, as the browser tells it (never a web page).

    ``Sec-Fetch-Site: same-origin`` is set by the browser and no page can forge it;
    another port of 127.0.0.1 is ``same-site``, a sandboxed page ``cross-site``. The
    Origin must be this page's own, or ``null``: under ``Referrer-Policy: no-referrer``
    browsers send ``Origin: null`` with the page's own form posts (measured in
    chromium), and ``null`` is accepted only with same-origin, which a sandboxed or
    foreign page never gets. A missing Origin is refused.
    """
    if _single(request, "sec-fetch-site") != OWN_PAGE:
        return False
    origin = _single(request, "origin")
    return origin is not None and (origin == "null" or origin.lower() == own_origin(request))


def own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}".lower()


def _single(request: Request, name: str) -> str | None:
    """A header sent exactly once (a repeated one is as good as none)."""
    values = request.headers.getlist(name)
    return values[0] if len(values) == 1 else None


class ReviewPages:
    """The pages and decisions of one doctor's review session."""

    def __init__(self, config: Config, signer: Signer, languages: tuple[str, ...], token: str,
                 log: Callable[[str], None], tally: Tally, source: bool = False):
        self.config = config
        self.tally = tally
        self.source = source  # the doctor signs source articles too (pipeline.signoff.sourcepage)
        self.signer = signer
        self.languages = languages
        self.token = token
        self.base = base_path(token)
        self.log = log
        self.templates = Jinja2Templates(env=environment())

    # ------------------------------------------------------------ pages (GET changes nothing)

    async def index(self, request: Request) -> Response:
        with project_lock(self.config, SHARED):
            return self.render_index(request)

    def render_index(self, request: Request) -> Response:
        overviews = closest_first(language_overview(self.config, language)
                                  for language in self.languages)
        return self.render(request, "index.html", languages=overviews,
                           total=sum(overview.waiting for overview in overviews),
                           progress=language_progress, articles=articles_closest_first,
                           article_progress=article_progress, source=self.source)

    async def article(self, request: Request) -> Response:
        language, domain = self.place(request)
        return self.render_article(request, language, domain, _notice(request.query_params))

    def render_article(self, request: Request, language: str, domain: str,
                       notice: tuple[str, str] | None, status: int = 200) -> Response:
        with project_lock(self.config, SHARED):
            view = article_view(self.config, language, domain)
        listing = Listing.of(request.query_params)
        rows = shown_rows(view.rows, listing)
        return self.render(request, "article.html", status, view=view, notice=notice,
                           rows=rows, listing=listing, progress=article_progress(view.article),
                           kind_label=kind_label, flagged=lowest_scores(view.rows),
                           next_of=lambda row: next_waiting(view.rows, row.number),
                           source_name=language_label(self.config.source_language))

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.update(site=self.config.site_name, source_language=self.config.source_language,
                       reviewer=self.signer.reviewer,
                       key_id=self.signer.key_id, token=self.token, base=self.base)
        return self.templates.TemplateResponse(request, name, context, status)

    async def failure(self, request: Request, error: Exception) -> Response:
        """A PipelineError or a file system error (a full disk) as a page, not a traceback."""
        from pipeline.errors import file_error

        if isinstance(error, OSError):
            error = file_error(error)
        message = error.format_message() if isinstance(error, PipelineError) else str(error)
        return self.render(request, "error.html", 500, message=message)

    # ------------------------------------------------------------ decisions (POST only)

    async def decide(self, request: Request, decision: Callable[..., Response]) -> Response:
        """Run one decision with the project locked: the entry is judged and decided with nobody
        writing, and the lock is held only for that (never while the page is merely open)."""
        language, domain = self.place(request)
        form = await self.form(request)
        with project_lock(self.config):
            return decision(request, language, domain, form)

    async def approve_one(self, request: Request) -> Response:
        return await self.decide(request, self._approve_one)

    def _approve_one(self, request: Request, language: str, domain: str, form: FormData) -> Response:
        try:
            target = self.target(language, domain, form)
        except SignoffError as error:
            return self.render_article(request, language, domain, ("problem", error.format_message()), 409)
        if target.digest in verified_signoffs(self.config, language).approved:
            return self.after(language, domain, Decision(None), "approved", target.digest, form=form)
        return self.after(language, domain, approve(self.config, language, self.signer, [target]),
                          "approved", target.digest, form=form)

    async def reject_one(self, request: Request) -> Response:
        return await self.decide(request, self._reject_one)

    def _reject_one(self, request: Request, language: str, domain: str, form: FormData) -> Response:
        try:
            target = self.target(language, domain, form)
            decision = reject(self.config, language, self.signer, target, str(form.get("note", "")))
        except SignoffError as error:
            return self.render_article(request, language, domain, ("problem", error.format_message()), 409)
        return self.after(language, domain, decision, "rejected", target.digest, form=form)

    async def correct_one(self, request: Request) -> Response:
        return await self.decide(request, self._correct_one)

    def _correct_one(self, request: Request, language: str, domain: str, form: FormData) -> Response:
        """The doctor's own wording: checked, written and approved, or refused with nothing signed."""
        texts = [text for text in form.getlist("text") if isinstance(text, str)]
        try:
            target = self.target(language, domain, form)
            correction = correct(self.config, language, self.signer, target, texts)
        except SignoffError as error:
            return self.render_article(request, language, domain, ("problem", error.format_message()), 409)
        return self.after(language, domain, correction.decision, "corrected",
                          correction.decision.targets[0].digest, form=form)

    async def approve_all(self, request: Request) -> Response:
        return await self.decide(request, self._approve_all)

    def _approve_all(self, request: Request, language: str, domain: str, form: FormData) -> Response:
        if form.get("read") != "yes":
            return self.render_article(request, language, domain, (
                "problem", _("Nothing was approved: tick the box saying you have read every "
                             "waiting string, then approve again.")), 400)
        shown = dict.fromkeys(_shown(form))
        entries = translated_entries(self.config, language)
        waiting = judge_article(self.config, language, domain).waiting()
        targets, changed = [], 0
        for digest, key in shown:
            target = entries.get(digest)
            if target is None or not _shows(target, domain, key):
                changed += 1  # its text is not the one the page showed any more
            elif waiting.get(key) == digest:
                targets.append(target)
        decision = approve(self.config, language, self.signer, targets)
        return self.after(language, domain, decision, "approved", None, changed)

    def after(self, language: str, domain: str, decision: Decision, done: str,
              digest: str | None, changed: int = 0, form: FormData | None = None) -> Response:
        """Post-redirect-get: show the article again, at the next row waiting after the one decided."""
        count = len(decision.targets)
        if decision.statement is not None:
            self.log(f"{language}/{domain}: {done} {count} string(s), signed "
                     f"{format_time(decision.statement.time)}")
            self.tally.record(language, done, count, (self.config.relative(
                ledger_path(self.config, language)), *decision.catalogs_written))
        listing = Listing.of(form) if form is not None else Listing()
        query = urlencode({"done": done if count else "none", "count": count, "changed": changed,
                           **listing.params()})
        return RedirectResponse(f"{self.base}/{language}/{domain}/?{query}"
                                f"{self.next_anchor(language, domain, digest)}", 303)

    def next_anchor(self, language: str, domain: str, digest: str | None) -> str:
        """``#anchor`` of the next row waiting after the decided one, as the catalog is now."""
        rows = article_view(self.config, language, domain).rows
        decided = next((row.number for row in rows if digest and row.digest == digest), 0)
        following = next_waiting(rows, decided)
        return f"#{following.anchor}" if following is not None else "#queue-done"

    # ------------------------------------------------------------ helpers

    def place(self, request: Request) -> tuple[str, str]:
        language, domain = request.path_params["language"], request.path_params["domain"]
        if language not in self.languages or domain not in domains(self.config):
            raise HTTPException(404, _("No article '%(page)s' in a language you review.") % {"page": domain})
        return language, domain

    async def form(self, request: Request) -> FormData:
        """The posted form, only with this run's token in it."""
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            raise HTTPException(411, _("A form of known length is needed."))
        if int(length) > MAX_FORM_BYTES:
            raise HTTPException(413, _("Form too large."))
        form = await request.form(max_files=0, max_fields=10_000)
        token = form.get(TOKEN_FIELD)
        if not same_token(token if isinstance(token, str) else None, self.token):
            raise HTTPException(403, _("Refused: the form does not carry this page's token."))
        return form

    def target(self, language: str, domain: str, form: FormData) -> Target:
        """The entry the doctor decided on, only if its text is still the one the page showed.

        The form names the entry (its key) and the digest the page showed for it; the
        catalogs are read now and the digest of that entry worked out from it again:
        only when the two are equal is anything signed.
        """
        shown = _shown(form)
        if len(shown) != 1:
            raise HTTPException(400, _("A decision form names exactly one string."))
        ((digest, key),) = shown
        found = translated_entries(self.config, language).get(digest)
        if found is None or not _shows(found, domain, key):
            raise SignoffError(_(CHANGED))
        return found


def _shown(form: FormData) -> list[tuple[str, tuple[str | None, str]]]:
    """The (digest, entry key) pairs the page showed, as its form sent them back."""
    digests, keys = form.getlist("digest"), [parse_key_field(key) for key in form.getlist("key")]
    pairs = [(digest, key) for digest, key in zip(digests, keys, strict=False)
             if isinstance(digest, str) and key is not None]
    if not len(pairs) == len(digests) == len(keys):
        raise HTTPException(400, _("A malformed form: each string needs its digest and its key."))
    return pairs


def _shows(target: Target, domain: str, key: tuple[str | None, str]) -> bool:
    """Whether the entry with this key in this article is one of the target's places (has its digest)."""
    return any(place.domain == domain and place.entry.key == key for place in target.places)


def _notice(query: QueryParams) -> tuple[str, str] | None:
    """The result of the last decision, from the redirect's query (known words only)."""
    done = query.get("done")
    count = _number(query.get("count"))
    changed = _number(query.get("changed"))
    texts = []
    if done == "approved" and count:
        texts.append(ngettext("Approved %(count)d string: signed with your key and saved in the ledger.",
                              "Approved %(count)d strings: signed with your key and saved in the ledger.",
                              count) % {"count": count})
    elif done == "corrected" and count:
        texts.append(ngettext("Corrected %(count)d string: your wording is in the catalog, approved, "
                              "signed with your key and saved in the ledger.",
                              "Corrected %(count)d strings: your wording is in the catalog, approved, "
                              "signed with your key and saved in the ledger.", count) % {"count": count})
    elif done == "rejected" and count:
        texts.append(ngettext("Rejected %(count)d string: signed, saved in the ledger, and marked "
                              "fuzzy with your note for the translator.",
                              "Rejected %(count)d strings: signed, saved in the ledger, and marked "
                              "fuzzy with your note for the translator.", count) % {"count": count})
    elif done == "none":
        texts.append(_("Nothing new to sign: it was already decided."))
    if changed:
        texts.append(ngettext("%(count)d string changed since the page was loaded and was not "
                              "approved: read it again.",
                              "%(count)d strings changed since the page was loaded and were not "
                              "approved: read them again.", changed) % {"count": changed})
    if not texts:
        return None
    return ("problem" if changed else "done", " ".join(texts))


def _number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 7 else 0


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


