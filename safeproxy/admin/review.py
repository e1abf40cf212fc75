"""The review queue's admin HTTP API: list, get, label and export items behind a bearer token.

    GET  /admin/review/items?label=&source=&policy=&route=&tenant=&check=&stage=&since=&until=
                             &limit=&before=
    GET  /admin/review/items/{id}
    POST /admin/review/items/{id}/label       {"label": ..., "note": optional}
    GET  /admin/review/export?<the same filters, no limit/before>   NDJSON, streamed

Every request, unknown paths included (so paths cannot be probed), needs
`Authorization: Bearer <token>` (admin/tokens.py: named tokens, kept as SHA-256). Errors are
OpenAI-shaped bodies (safeproxy.errors). The store's lifecycle belongs to the caller, who also
runs `refresh_rates` once at start. Nothing here logs a token or an item's text.

A store that is unavailable answers 503 `review_store_unavailable` (counted in
`safeproxy_review_store_errors_total`); an export it cuts short ends with an error line
(`{"object": "error", ...}`) instead of passing for a complete one.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from safeproxy.admin.body import json_object, read_capped
from safeproxy.admin.tokens import ADMIN_TOKEN, AdminTokens
from safeproxy.errors import (
    BadRequest,
    MethodNotAllowed,
    NotFound,
    ProxyError,
    TooManyAttempts,
    Unauthorized,
    error_response,
)
from safeproxy.review.item import LABELS, SOURCES, STAGES, UNLABELLED, LabelMismatch, ReviewItem
from safeproxy.review.rates import publish
from safeproxy.review.store import MAX_ID, Filters, ReviewStore, StoreUnavailable
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.metrics import Metrics

log = logging.getLogger("safeproxy.review")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_BODY_BYTES = 16 * 1024
MAX_NOTE_CHARS = 2000
# Flush the export to the socket in pieces about this big (one write per item is slow).
EXPORT_CHUNK_BYTES = 64 * 1024
FILTER_PARAMS = (
    "label", "source", "policy", "route", "tenant", "check", "stage", "since", "until"
)  # fmt: skip
LIST_PARAMS = (*FILTER_PARAMS, "limit", "before")
# Ids are 64-bit integers in every backend; longer digit strings match no route (404).
_ID = r"{id:[0-9]{1,19}}"
_INTEGER = re.compile(r"[0-9]{1,19}")


class ReviewStoreDown(ProxyError):
    """The review store is unavailable (a shared database down): try again later."""

    status = 503
    code = "review_store_unavailable"
    retry_after_s = 5.0


async def refresh_rates(store: ReviewStore, metrics: Metrics) -> None:
    """Publish the label gauges and FP/FN ratios from the store (run at start)."""
    publish(metrics, await store.label_counts())


def admin_app(
    store: ReviewStore,
    tokens: AdminTokens | str,
    metrics: Metrics,
    *,
    routes: Sequence[web.RouteDef] = (),
    audit: AuditLog | None = None,
    on_label: Callable[[ReviewItem], None] | None = None,
    console: Sequence[web.RouteDef] | None = None,
) -> web.Application:
    """The admin application; serve it on its own listener, off the public network.
    `routes`: other admin endpoints on the same listener and auth (generations). With
    `audit`, every refused call and every POST (a mutation) is an audit record naming the
    token (by its configured name, never its value). `on_label` hears of every label given
    (a rollout counts reviewer-confirmed false positives per arm). `console`: the console's
    routes (admin/console/), all under /console, which skip the bearer check: they
    authenticate by session cookie, and audit and render errors themselves."""
    if isinstance(tokens, str):
        tokens = AdminTokens.single(tokens)
    api = ReviewApi(store, metrics, on_label)
    exempt = "/console" if console is not None else None
    app = web.Application(middlewares=[_guard(tokens, audit, exempt)])
    app.router.add_routes(routes)
    app.router.add_get("/admin/review/items", api.list)
    app.router.add_get(f"/admin/review/items/{_ID}", api.get)
    app.router.add_post(f"/admin/review/items/{_ID}/label", api.label)
    app.router.add_get("/admin/review/export", api.export)
    if console is not None:
        app.router.add_routes(console)
    return app


def _guard(tokens: AdminTokens, audit: AuditLog | None, exempt: str | None) -> Middleware:
    """Bearer-token check first, then OpenAI-shaped bodies for every error."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if exempt is not None and (request.path == exempt or request.path.startswith(exempt + "/")):
            return await handler(request)
        wait_s = tokens.attempts.begin(request.remote)
        if wait_s:  # too many wrong tokens from this peer: refused, its credential unread
            if audit is not None:
                audit.event("admin_refused", reason="throttled", method=request.method,
                            path=request.path[:256])  # fmt: skip
            throttled = TooManyAttempts(wait_s)
            return error_response(throttled, headers=throttled.headers())
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        given = credential.strip().encode("utf-8", "surrogateescape")
        name = tokens.name_of(given) if scheme.lower() == "bearer" else None
        if name is None:
            if audit is not None:  # the path is client input: cut short, never the token
                audit.event("admin_refused", reason="token", method=request.method,
                            path=request.path[:256])  # fmt: skip
            refused = Unauthorized("a valid admin bearer token is required")
            return error_response(refused, headers={"WWW-Authenticate": "Bearer"})
        tokens.attempts.succeeded(request.remote)
        request[ADMIN_TOKEN] = name  # for handlers whose own audit record names the caller
        response = await _answer(request, handler)
        if audit is not None and request.method == "POST":
            route = request.match_info.route.resource
            where = route.canonical if route is not None else request.path[:256]
            audit.event("admin", token=name, method="POST", path=where, status=response.status)
        return response

    return guard


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The handler's reply, errors as OpenAI-shaped bodies."""
    try:
        return await handler(request)
    except ProxyError as exc:
        return error_response(exc, headers=exc.headers())
    except web.HTTPMethodNotAllowed as exc:
        allowed = tuple(sorted(exc.allowed_methods))
        wrong = MethodNotAllowed("method not allowed", allow=allowed)
        return error_response(wrong, headers=wrong.headers())
    except web.HTTPNotFound:
        return error_response(NotFound("no such admin endpoint"))


class ReviewApi:
    """The endpoint handlers, bound to one store and one Metrics; the console labels
    through `apply_label`, the same path as the API."""

    def __init__(
        self,
        store: ReviewStore,
        metrics: Metrics,
        on_label: Callable[[ReviewItem], None] | None = None,
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.on_label = on_label

    def store_errors(self, operation: str) -> contextlib.AbstractContextManager[None]:
        """`_store` for the console's review page, which reads the store itself."""
        return self._store(operation)

    @contextlib.contextmanager
    def _store(self, operation: str) -> Iterator[None]:
        """StoreUnavailable → counted, logged (its type only) and answered 503."""
        try:
            yield
        except StoreUnavailable as exc:
            self.metrics.review_store_errors.labels(self.store.backend, operation).inc()
            log.warning("%s (admin %s)", exc, operation)
            raise ReviewStoreDown("the review store is unavailable; try again later") from None

    async def list(self, request: web.Request) -> web.Response:
        query = _single(request.query, LIST_PARAMS)
        filters = filters_from(query)
        limit = _integer(query, "limit", MAX_LIMIT) or DEFAULT_LIMIT
        before = _integer(query, "before", MAX_ID)
        # One extra item says whether there is a next page, without an empty last page.
        with self._store("read"):
            items = await self.store.list(limit=limit + 1, before_id=before, **filters)
        page = items[:limit]
        following = page[-1].id if len(items) > limit else None
        body = {"object": "list", "data": [i.to_json() for i in page], "next": following}
        return _json(body)

    async def get(self, request: web.Request) -> web.Response:
        with self._store("read"):
            item = await self.store.get(int(request.match_info["id"]))
        if item is None:
            raise NotFound("no such review item")
        return _json(item.to_json())

    async def label(self, request: web.Request) -> web.Response:
        label, note = _label_body(await read_capped(request, MAX_BODY_BYTES))
        item = await self.apply_label(int(request.match_info["id"]), label, note)
        return _json(item.to_json())

    async def apply_label(self, item_id: int, label: str, note: str | None) -> ReviewItem:
        """Label one item, publish the rates it moves, tell `on_label`. BadRequest for a
        label that contradicts the item, NotFound for no such item."""
        try:
            with self._store("label"):
                item = await self.store.label(item_id, label, note)
        except LabelMismatch as exc:
            raise BadRequest(str(exc), param="label") from None
        if item is None:
            raise NotFound("no such review item")
        with self._store("read"):
            await refresh_rates(self.store, self.metrics)
        if self.on_label is not None:
            self.on_label(item)
        return item

    async def export(self, request: web.Request) -> web.StreamResponse:
        filters = filters_from(_single(request.query, FILTER_PARAMS))  # errors before any byte
        items = aiter(self.store.iter_export(**filters))
        with self._store("read"):  # a store that is down is a 503, before any byte
            first = await anext(items, None)
        response = web.StreamResponse()
        response.content_type = "application/x-ndjson"
        await response.prepare(request)
        pending = bytearray()
        try:
            with self._store("read"):
                item = first
                while item is not None:
                    pending += orjson.dumps(item.to_json())
                    pending += b"\n"
                    if len(pending) >= EXPORT_CHUNK_BYTES:
                        await response.write(bytes(pending))  # waits while the client is slow
                        pending.clear()
                    item = await anext(items, None)
        except ReviewStoreDown as exc:  # after the headers: the last line says so
            pending += orjson.dumps({"object": "error", **orjson.loads(exc.body())}) + b"\n"
        if pending:
            await response.write(bytes(pending))
        await response.write_eof()
        return response


def _json(body: object) -> web.Response:
    return web.Response(body=orjson.dumps(body), content_type="application/json")


def _single(query: Mapping[str, str], allowed: tuple[str, ...]) -> dict[str, str]:
    """The query as name → value; a typo'd or repeated parameter is an error, not ignored
    (an export that silently ignored `lable=` would return everything)."""
    values: dict[str, str] = {}
    for name, value in query.items():
        if name not in allowed:
            raise BadRequest("unknown query parameter", param=name[:64])
        if name in values:
            raise BadRequest("query parameter given more than once", param=name)
        values[name] = value
    return values


def filters_from(query: Mapping[str, str]) -> Filters:
    """The store's filters from query values (BadRequest for a bad one); the console's
    review page filters through this too."""
    filters: Filters = {}
    if (label := query.get("label")) is not None:
        if label != UNLABELLED and label not in LABELS:
            allowed = ", ".join((UNLABELLED, *LABELS))
            raise BadRequest(f"label must be one of: {allowed}", param="label")
        filters["label"] = label
    if (source := query.get("source")) is not None:
        if source not in SOURCES:
            raise BadRequest(f"source must be one of: {', '.join(SOURCES)}", param="source")
        filters["source"] = source
    if (stage := query.get("stage")) is not None:
        if stage not in STAGES:
            raise BadRequest(f"stage must be one of: {', '.join(STAGES)}", param="stage")
        filters["stage"] = stage
    if (policy := query.get("policy")) is not None:
        filters["policy"] = _nonempty(policy, "policy")
    if (check := query.get("check")) is not None:
        filters["check"] = _nonempty(check, "check")
    if (route := query.get("route")) is not None:
        filters["route"] = _nonempty(route, "route")
    if (tenant := query.get("tenant")) is not None:
        filters["tenant"] = _nonempty(tenant, "tenant")
    filters["since_unix"] = _unix(query, "since")
    filters["until_unix"] = _unix(query, "until")
    return filters


def _nonempty(value: str, name: str) -> str:
    if not value:
        raise BadRequest(f"{name} must not be empty", param=name)
    return value


def _unix(query: Mapping[str, str], name: str) -> float | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise BadRequest(f"{name} must be a unix time in seconds", param=name)
    return value


def _integer(query: dict[str, str], name: str, most: int) -> int | None:
    """A positive integer parameter (at most `most`), None when absent."""
    raw = query.get(name)
    if raw is None:
        return None
    value = int(raw) if _INTEGER.fullmatch(raw) else 0
    if not 1 <= value <= most:
        raise BadRequest(f"{name} must be an integer between 1 and {most}", param=name)
    return value


def _label_body(raw: bytes) -> tuple[str, str | None]:
    body = json_object(raw, ("label", "note"))
    label, note = body.get("label"), body.get("note")
    if not isinstance(label, str) or label not in LABELS:
        raise BadRequest(f"label must be one of: {', '.join(LABELS)}", param="label")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE_CHARS):
        raise BadRequest(
            f"note must be a string of at most {MAX_NOTE_CHARS} characters", param="note"
        )
    return label, note
