"""The review page: a server-rendered FastAPI app over the review store.

Pages are Jinja2 templates (autoescaped: article text and model output are untrusted),
htmx (vendored in ``static/``) boosts links and forms into partial page swaps, and every
page works without script. Security:

- Content-Security-Policy: scripts and styles only from this server, no inline code,
  no framing, forms post only here. htmx runs with eval and script tags off.
- CSRF (``asgi-csrf``): every POST must carry the token from the page, including
  requests without cookies (the library lets those through unless told: every POST
  path is listed in ``always_protect``).
- Editors sign in with their name and the token configured for them
  (``SUMMARIZER_REVIEW_EDITORS``); a token shorter than ``MIN_TOKEN_CHARS`` is refused
  when the app is made. The session cookie is signed; every change records the editor's
  name.
- Failed sign-ins are limited per client address and per editor name (moving windows,
  ``limits``; ``SIGN_IN_LIMITS``): past the limit, sign-in answers 429 with Retry-After
  and a message saying when to try again, even for the right token, and a warning is
  logged (``summarizer.web``) for each failure and each refusal. The client address is
  the connection's: a proxy's X-Forwarded-For counts only when the server is told to
  trust that proxy (``summarizer review serve --forwarded-allow-ips``).
- A sign-in is a row in the store (``web_sessions``); the signed cookie carries only its
  secret. Signing out ends the row, so a copied cookie is refused after it; a sign-in
  lasts at most ``SESSION_MAX_AGE``. Cookies are ``Secure`` when ``https_only``.
- After signing in, the editor is sent only to a path on this site (``local_path``).
- A request body over ``max_body_bytes`` is refused with 413 before it is read whole.
- Every store call runs off the event loop (a thread), and a change waits at most a few
  seconds for another writer's lock: then 503 with Retry-After, the editor's form shown
  again as typed, nothing lost, and the other editors' pages served meanwhile.
- An unknown brief is 404 on every path.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from asgi_csrf import asgi_csrf
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp

from ..errors import EditConflict, InvalidEdit, ReviewError, StoreBusy
from ..prepared import PreparedArticle
from ..review.diff import changes
from ..review.form import (
    FIELD_PREFIX,
    REMOVE_PREFIX,
    content_from_form,
    form_fields,
    locate_evidence,
)
from ..review.status import STATUSES
from ..review.store import Item, ReviewStore
from .security import DEFAULT_MAX_BODY_BYTES, BodyLimit, local_path

__all__ = ["CSP", "MIN_TOKEN_CHARS", "SESSION_MAX_AGE", "SIGN_IN_LIMITS", "create_app"]

log = logging.getLogger("summarizer.web")
MIN_TOKEN_CHARS = 16  # secrets.token_urlsafe(16) gives 22
# failed sign-ins allowed in a moving window, per client address and per editor name
SIGN_IN_LIMITS = {"client": "5/15 minutes", "editor": "10/15 minutes"}

HERE = Path(__file__).parent
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
POST_PATHS = frozenset({"/login", "/logout", "/save", "/decide"})
SESSION_MAX_AGE = 12 * 3600  # a working day: then sign in again
BUSY_RETRY_AFTER = 5  # seconds an editor is told to wait when the store is busy


def _segments(text: str, spans: list[Any]) -> list[dict[str, Any]]:
    """The article as plain and highlighted pieces; an overlapping span is linked from
    the piece already highlighted rather than cut into it."""
    located = sorted((s for s in spans if s.start is not None), key=lambda s: (s.start, -s.end))
    out: list[dict[str, Any]] = []
    pos = 0
    for s in located:
        if s.start < pos:  # overlaps one already shown
            if out and out[-1]["paths"]:
                out[-1]["paths"].append(s.path)
            continue
        if s.start > pos:
            out.append({"text": text[pos : s.start], "paths": []})
        out.append({"text": text[s.start : s.end], "paths": [s.path]})
        pos = s.end
    out.append({"text": text[pos:], "paths": []})
    return out


def create_app(
    store: ReviewStore,
    *,
    editors: Mapping[str, str],
    secret: str | None = None,
    story_ids: Mapping[str, str] | None = None,
    https_only: bool = False,
    sign_in_limits: Mapping[str, str] = SIGN_IN_LIMITS,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> ASGIApp:
    """The review app. ``editors`` maps a name to its sign-in token; ``story_ids`` maps
    an article id to its story (from the digest's id store) for the queue's filter;
    ``sign_in_limits`` the failed sign-ins allowed per "client" and per "editor"
    (``limits`` notation, e.g. "5/15 minutes"); ``https_only`` marks the cookies
    ``Secure`` (serving HTTPS, or behind a proxy that does); ``max_body_bytes`` the
    largest request body read. Give it a store opened with a short ``lock_wait``."""
    import limits
    from limits.storage import MemoryStorage
    from limits.strategies import MovingWindowRateLimiter

    if not editors:
        raise ReviewError("no editors configured: set SUMMARIZER_REVIEW_EDITORS")
    short = sorted(n for n, t in editors.items() if len(t) < MIN_TOKEN_CHARS)
    if short:
        raise ReviewError(
            f"editor token too short to resist guessing for {', '.join(short)}: use at least "
            f"{MIN_TOKEN_CHARS} characters (python -c 'import secrets; "
            "print(secrets.token_urlsafe(16))')"
        )
    limiter = MovingWindowRateLimiter(MemoryStorage())
    limit_of = {kind: limits.parse(sign_in_limits[kind]) for kind in ("client", "editor")}
    secret = secret or secrets.token_urlsafe(32)
    stories = dict(story_ids or {})
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def editor_of(request: Request) -> str | None:
        """The signed-in editor: the cookie's sign-in must still be open in the store
        (called in a thread: it reads the store)."""
        sid = request.session.get("sid")
        if not isinstance(sid, str):
            return None
        name = store.session_editor(sid, max_age=SESSION_MAX_AGE)
        return name if name in editors else None

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("editor", editor_of(request))
        context["csrftoken"] = request.scope["csrftoken"]()
        return templates.TemplateResponse(request, name, context, status_code=status)

    def to_login(request: Request) -> RedirectResponse:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    def busy(request: Request, template: str, exc: StoreBusy, **context: Any) -> HTMLResponse:
        log.warning("review store busy: %s", exc)
        response = page(request, template, 503, **context)
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response

    @app.get("/login")
    def login_form(request: Request, next: str = "/") -> HTMLResponse:
        return page(request, "login.html", next=local_path(next))

    def refused(kind: str, key: str) -> float | None:
        """Seconds to wait if ``key`` has used up its failed sign-ins, else None."""
        if limiter.test(limit_of[kind], kind, key):
            return None
        reset = limiter.get_window_stats(limit_of[kind], kind, key).reset_time
        return max(1.0, reset - time.time())

    @app.post("/login", response_model=None)
    async def login(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        return await run_in_threadpool(sign_in, request, form)

    def sign_in(request: Request, form: dict[str, str]) -> Response:
        name = form.get("editor", "").strip()
        token = form.get("token", "")
        client = request.client.host if request.client else "unknown"
        for kind, key in (("client", client), ("editor", name)):
            wait = refused(kind, key)
            if wait is not None:
                log.warning("sign-in refused: too many failures for %s %r (retry in %.0f s)",
                            kind, key, wait)  # fmt: skip
                who = "from this address" if kind == "client" else "for this editor"
                minutes = max(1, round(wait / 60))
                response = page(
                    request, "login.html", 429, next="/", editor_name=name,
                    error=f"Too many failed sign-ins {who}; try again in {minutes} minute(s).",
                )  # fmt: skip
                response.headers["Retry-After"] = str(int(wait) + 1)
                return response
        expected = editors.get(name, "")
        # compared even for an unknown name, so the answer takes as long
        matches = hmac.compare_digest(expected.encode(), token.encode()) and bool(expected)
        if not matches:
            for kind, key in (("client", client), ("editor", name)):
                limiter.hit(limit_of[kind], kind, key)
            log.warning("failed sign-in for editor %r from %s", name, client)
            return page(
                request, "login.html", 401, next="/", editor_name=name,
                error="That editor name and token do not match.",
            )  # fmt: skip
        try:
            sid = store.open_session(name)
        except StoreBusy as exc:
            error = "The review store is busy; sign in again in a few seconds."
            return busy(request, "login.html", exc, next="/", editor_name=name, error=error)
        request.session.clear()  # a new sign-in never reuses an old cookie's session
        request.session["sid"] = sid
        return RedirectResponse(local_path(form.get("next", "/")), status_code=303)

    @app.post("/logout")
    def logout(request: Request) -> RedirectResponse:
        sid = request.session.get("sid")
        if isinstance(sid, str):
            store.end_session(sid)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    def queue_items(status: str, day: str, outlet: str, story: str) -> list[Item]:
        items = store.items(
            status=status or None,
            day=date.fromisoformat(day) if day else None,
            outlet=outlet or None,
        )
        if story:
            items = [i for i in items if stories.get(i.article.id) == story]
        return items

    @app.get("/", response_model=None)
    def queue(
        request: Request, status: str = "draft", day: str = "", outlet: str = "", story: str = ""
    ) -> Response:
        if editor_of(request) is None:
            return to_login(request)
        if status not in ("", *STATUSES):
            status = "draft"
        try:
            items = queue_items(status, day, outlet, story)
        except ValueError:
            items, day = [], ""
        return page(
            request,
            "queue.html",
            items=items,
            stories=stories,
            statuses=STATUSES,
            outlets=store.outlets(),
            story_names=sorted(set(stories.values())),
            filters={"status": status, "day": day, "outlet": outlet, "story": story},
        )

    def brief_page(
        request: Request,
        item_id: str,
        *,
        status: int = 200,
        content: dict[str, Any] | None = None,
        errors: Mapping[str, str] | None = None,
        conflict: EditConflict | None = None,
        message: str | None = None,
        not_saved: bool = False,
    ) -> HTMLResponse:
        item = store.get(item_id)
        current = store.version(item_id)
        draft = store.version(item_id, 1)
        shown = content if content is not None else current.content
        prepared = PreparedArticle(item.article)
        spans = locate_evidence(shown, prepared)
        queue_ids = [i.id for i in store.items(status="draft")]
        later = [i for i in queue_ids if i != item_id]
        return page(
            request,
            "brief.html",
            status,
            item=item,
            base=current.number,
            fields=form_fields(shown),
            errors=dict(errors or {}),
            spans={s.path: s for s in spans},
            missing=[s for s in spans if s.start is None],
            segments=_segments(item.article.text, spans),
            from_draft=changes(draft.content, current.content),
            versions=store.versions(item_id),
            audit=store.audit(item_id),
            conflict=conflict,
            message=message,
            not_saved=not_saved,
            next_id=later[0] if later else None,
            field_prefix=FIELD_PREFIX,
            remove_prefix=REMOVE_PREFIX,
            story=stories.get(item.article.id),
        )

    @app.get("/briefs/{item_id}", response_model=None)
    def show(request: Request, item_id: str, saved: int | None = None) -> Response:
        if editor_of(request) is None:
            return to_login(request)
        try:
            return brief_page(
                request, item_id, message=f"Saved as version {saved}." if saved else None
            )
        except ReviewError as exc:
            return page(request, "error.html", 404, message=str(exc))

    def posted(
        handler: Callable[[Request, str, dict[str, str]], Response],
    ) -> Callable[[Request], Awaitable[Response]]:
        """A POST handler run in a thread with the editor and the form read (the body
        read here, on the loop; everything that touches the store, in the thread)."""

        async def endpoint(request: Request) -> Response:
            form = {k: str(v) for k, v in (await request.form()).items()}

            def run() -> Response:
                editor = editor_of(request)
                if editor is None:
                    return to_login(request)
                return handler(request, editor, form)

            return await run_in_threadpool(run)

        return endpoint

    def save(request: Request, editor: str, form: dict[str, str]) -> Response:
        item_id = form.get("item_id", "")
        try:
            base = int(form.get("base", ""))
        except ValueError:
            return page(request, "error.html", 400, message="the form has no valid base version")
        try:
            draft = store.version(item_id, 1).content
        except ReviewError as exc:
            return page(request, "error.html", 404, message=str(exc))
        content = content_from_form(form, draft)
        try:
            number = store.save(
                item_id, content, base=base, editor=editor, comment=form.get("comment") or None
            )
        except StoreBusy as exc:
            log.warning("review store busy: %s", exc)
            response = brief_page(
                request, item_id, status=503, content=content, not_saved=True,
                message=f"Not saved yet: the review store is busy. Your edit is kept below as "
                f"you typed it; save again in {BUSY_RETRY_AFTER} seconds.",
            )  # fmt: skip
            response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
            return response
        except InvalidEdit as exc:
            return brief_page(request, item_id, status=422, content=content, errors=exc.errors,
                              message="Not saved: fix the fields marked below.")  # fmt: skip
        except EditConflict as exc:
            return brief_page(request, item_id, status=409, conflict=exc,
                              message=str(exc))  # fmt: skip
        return RedirectResponse(f"/briefs/{item_id}?saved={number}", status_code=303)

    def decide(request: Request, editor: str, form: dict[str, str]) -> Response:
        item_id = form.get("item_id", "")
        try:
            store.get(item_id)
        except ReviewError as exc:
            return page(request, "error.html", 404, message=str(exc))
        try:
            store.decide(
                item_id,
                form.get("decision", ""),
                version=int(form.get("version", "0")),
                editor=editor,
                comment=form.get("comment") or None,
            )
        except StoreBusy as exc:
            return busy(request, "error.html", exc, message=f"Not decided: {exc}.")
        except (ValueError, ReviewError) as exc:
            try:
                return brief_page(request, item_id, status=409, message=str(exc))
            except ReviewError:
                return page(request, "error.html", 400, message=str(exc))
        following = [i.id for i in store.items(status="draft")]
        target = f"/briefs/{following[0]}" if following else "/?status=approved"
        return RedirectResponse(target, status_code=303)

    app.add_api_route("/save", posted(save), methods=["POST"], response_model=None)
    app.add_api_route("/decide", posted(decide), methods=["POST"], response_model=None)

    @app.get("/briefs/{item_id}/export.json")
    def export(request: Request, item_id: str) -> Response:
        if editor_of(request) is None:
            return to_login(request)
        try:
            content = store.version(item_id).content
        except ReviewError as exc:
            return page(request, "error.html", 404, message=str(exc))
        return Response(
            json.dumps(content, ensure_ascii=False, indent=2), media_type="application/json"
        )

    sessions = SessionMiddleware(
        app, secret_key=secret, session_cookie="summarizer_review", same_site="strict",
        https_only=https_only, max_age=SESSION_MAX_AGE,
    )  # fmt: skip
    protected: ASGIApp = asgi_csrf(
        sessions,
        signing_secret=secret,
        always_protect=POST_PATHS,  # cookie-less POSTs too
        cookie_samesite="Strict",
        cookie_secure=https_only,
    )
    return BodyLimit(protected, max_body_bytes)
