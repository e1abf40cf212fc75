"""Assembles the console's routes for the admin listener (called only when it is enabled)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from safeproxy.admin.console.app import Gate
from safeproxy.admin.console.ops_pages import OpsPages, OpsParts
from safeproxy.admin.console.render import Renderer
from safeproxy.admin.console.review_page import ReviewPage
from safeproxy.admin.console.session import Sessions
from safeproxy.admin.review import ReviewApi
from safeproxy.admin.tokens import AdminTokens
from safeproxy.review.item import ReviewItem
from safeproxy.review.store import ReviewStore
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.metrics import Metrics


def console_routes(
    store: ReviewStore,
    tokens: AdminTokens,
    metrics: Metrics,
    *,
    ops: OpsParts | None,
    audit: AuditLog | None = None,
    on_label: Callable[[ReviewItem], None] | None = None,
    sessions: Sessions | None = None,
) -> list[web.RouteDef]:
    """Every console route, the catch-all last. `ops`: the on-call pages' objects (None: the
    review page only, as a bare review listener has no generations to show)."""
    gate = Gate(tokens, sessions or Sessions(), Renderer(), metrics, audit)
    routes = gate.routes()
    routes += ReviewPage(gate, ReviewApi(store, metrics, on_label)).routes()
    if ops is not None:
        routes += OpsPages(gate, ops).routes()
    routes.append(gate.fallback())
    return routes
