"""The console's routes and its gate: login with an admin token, a session cookie after it,
CSRF on every POST, and each mutation audited the way an API call is.

    GET  /console/login, POST /console/login, POST /console/logout
    GET  /console/review             POST /console/review/{id}/label
    GET  /console/policies           POST /console/policies/{reload|rollback}
    GET  /console/breakers           POST /console/breakers/{route}/force
    GET  /console/rollouts           POST /console/rollouts/{route}/{action}
    GET  /console/decisions
    GET  /console/static/{name}      the stylesheet and the keyboard-shortcut script

Pages live on the admin listener (off unless `admin.enabled`, on its host, 127.0.0.1 by
default). Its bearer check lets /console through (admin/review.py `exempt`): a browser
cannot send that header, so here a missing or expired session redirects to the login page,
and a POST without the session's CSRF token is refused (403), recorded in the audit log
(`console_refused`) and counted (`safeproxy_console_refused_total{reason}`). Wrong tokens
at the login count against the peer's allowance shared with the API (admin/attempts.py):
past it, the login answers 429 without reading the token. A mutation
calls the same function as its API endpoint and writes the same `admin` audit record with
the token's name, marked `via: console`.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Awaitable, Callable

from aiohttp import web

from safeproxy.admin.body import read_capped
from safeproxy.admin.console.render import Renderer, redirect
from safeproxy.admin.console.session import LOGIN_TTL_S, Session, Sessions
from safeproxy.admin.tokens import AdminTokens
from safeproxy.errors import PayloadTooLarge, ProxyError, TooManyAttempts
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.metrics import Metrics

PREFIX = "/console"
COOKIE = "safeproxy_console"
LOGIN_COOKIE = "safeproxy_console_login"
MAX_FORM_BYTES = 8 * 1024
MAX_FORM_FIELDS = 16

Form = dict[str, str]
Page = Callable[[web.Request, Session], Awaitable[web.Response]]
Action = Callable[[web.Request, Session, Form], Awaitable[web.Response]]


class Gate:
    """Login, logout, and the wrappers that put every page and action behind a session."""

    def __init__(
        self,
        tokens: AdminTokens,
        sessions: Sessions,
        renderer: Renderer,
        metrics: Metrics,
        audit: AuditLog | None,
    ) -> None:
        self.tokens = tokens
        self.sessions = sessions
        self.render = renderer
        self._metrics = metrics
        self._audit = audit

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get(PREFIX, self._home),
            web.get(f"{PREFIX}/", self._home),
            web.get(f"{PREFIX}/login", self.login_form),
            web.post(f"{PREFIX}/login", self.login),
            web.post(f"{PREFIX}/logout", self.action(self._logout)),
            web.get(f"{PREFIX}/static/{{name}}", self.render.static),
        ]

    def fallback(self) -> web.RouteDef:
        """Unknown console paths: a session first, then 404 (nothing to probe without one)."""
        return web.route("*", f"{PREFIX}/{{tail:.*}}", self.page(self._unknown))

    def page(self, handler: Page) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def gated(request: web.Request) -> web.Response:
            session = self.sessions.read(request.cookies.get(COOKIE))
            if session is None:
                return redirect(f"{PREFIX}/login")
            return await handler(request, session)

        return gated

    def action(self, handler: Action) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def gated(request: web.Request) -> web.Response:
            session = self.sessions.read(request.cookies.get(COOKIE))
            if session is None:
                self._refused(request, "session", None)
                return redirect(f"{PREFIX}/login")
            try:
                form = await read_form(request)
            except PayloadTooLarge:
                return self.error(session, 413, "the form is too large")
            if not self.sessions.csrf_ok(session, form.get("csrf")):
                self._refused(request, "csrf", session.token)
                return self.error(session, 403, "the form's CSRF token is missing or wrong; "
                                  "reload the page and try again")  # fmt: skip
            try:
                response = await handler(request, session, form)
            except ProxyError as exc:
                response = self.error(session, exc.status, str(exc))
            if self._audit is not None:  # the API's record of a mutation, from the console
                resource = request.match_info.route.resource
                where = resource.canonical if resource is not None else request.path[:256]
                self._audit.event("admin", token=session.token, method="POST", path=where,
                                  status=response.status, via="console")  # fmt: skip
            return response

        return gated

    def error(self, session: Session | None, status: int, message: str) -> web.Response:
        return self.render.page("error.html", status=status, session=session,
                                csrf=self._csrf(session), message=message)  # fmt: skip

    def _csrf(self, session: Session | None) -> str:
        return self.sessions.csrf(session) if session is not None else ""

    def _refused(self, request: web.Request, reason: str, token: str | None) -> None:
        self._metrics.console_refused.labels(reason).inc()
        if self._audit is not None:  # the path is client input: cut short
            self._audit.event("console_refused", reason=reason, token=token,
                              method=request.method, path=request.path[:256])  # fmt: skip

    async def _home(self, _: web.Request) -> web.Response:
        return redirect(f"{PREFIX}/review")

    async def _unknown(self, _: web.Request, session: Session) -> web.Response:
        return self.error(session, 404, "no such console page")

    async def login_form(self, request: web.Request, message: str = "",
                         status: int = 200) -> web.Response:  # fmt: skip
        nonce = self.sessions.login_nonce()
        response = self.render.page("login.html", status=status, session=None, csrf="",
                                    login_csrf=self.sessions.login_csrf(nonce),
                                    message=message)  # fmt: skip
        _set_cookie(response, request, LOGIN_COOKIE, nonce, LOGIN_TTL_S)
        return response

    async def login(self, request: web.Request) -> web.Response:
        try:
            form = await read_form(request)
        except PayloadTooLarge:
            return await self.login_form(request, "the form is too large", 413)
        if not self.sessions.login_ok(request.cookies.get(LOGIN_COOKIE), form.get("csrf")):
            self._refused(request, "login_csrf", None)
            return await self.login_form(request, "the login form expired; try again", 403)
        wait_s = self.tokens.attempts.begin(request.remote)
        if wait_s:  # too many wrong tokens from this peer (API and login alike): unread
            self._refused(request, "throttled", None)
            response = await self.login_form(
                request, "too many wrong tokens from this address; try again later", 429
            )
            response.headers.update(TooManyAttempts(wait_s).headers())
            return response
        token = form.get("token", "").strip().encode("utf-8", "surrogateescape")
        name = self.tokens.name_of(token) if token else None
        if name is None:
            self._refused(request, "login", None)
            return await self.login_form(request, "that is not a valid admin token", 401)
        self.tokens.attempts.succeeded(request.remote)
        cookie, _ = self.sessions.issue(name)
        if self._audit is not None:
            self._audit.event("console_login", token=name)
        response = redirect(f"{PREFIX}/review")
        _set_cookie(response, request, COOKIE, cookie, self.sessions.ttl_s)
        response.del_cookie(LOGIN_COOKIE, path=PREFIX)
        return response

    async def _logout(self, _: web.Request, session: Session, __: Form) -> web.Response:
        # The cookie is signed, not stored: it is dropped from the browser; it expires anyway.
        response = redirect(f"{PREFIX}/login")
        response.del_cookie(COOKIE, path=PREFIX)
        if self._audit is not None:
            self._audit.event("console_logout", token=session.token)
        return response


async def read_form(request: web.Request) -> Form:
    """A url-encoded form under a cap: field name → its last value."""
    raw = await read_capped(request, MAX_FORM_BYTES)
    try:
        pairs = urllib.parse.parse_qsl(raw.decode("utf-8"), max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError):
        return {}
    return dict(pairs)


def _set_cookie(
    response: web.Response, request: web.Request, name: str, value: str, ttl_s: int
) -> None:
    response.set_cookie(
        name, value, path=PREFIX, max_age=ttl_s, httponly=True, samesite="Strict",
        secure=request.secure,  # Secure whenever the listener is reached over TLS
    )  # fmt: skip
