"""The review queue's runtime: the store, the feed into it, and the admin listener."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from aiohttp import web

from safeproxy.admin.console.ops_pages import OpsParts
from safeproxy.admin.review import admin_app, refresh_rates
from safeproxy.admin.tokens import AdminTokens
from safeproxy.review.backends import build_store
from safeproxy.review.feed import ReviewFeed
from safeproxy.review.item import ReviewItem
from safeproxy.review.settings import AdminSettings, ReviewSettings
from safeproxy.review.store import StoreUnavailable
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.metrics import Metrics

log = logging.getLogger("safeproxy.review")


class AdminTokenMissing(ValueError):
    """The admin listener is on but its token variable is unset or empty."""


class ReviewService:
    def __init__(
        self,
        review: ReviewSettings,
        admin: AdminSettings,
        metrics: Metrics,
        environ: Mapping[str, str],
    ) -> None:
        self._metrics = metrics
        self._admin = admin
        self.store = build_store(review, environ)
        self.feed = ReviewFeed(
            self.store,
            metrics,
            keep_text=review.content != "none",
            max_text_chars=review.max_text_chars,
        )
        self._tokens: AdminTokens | None = None
        if admin.enabled:
            if admin.token_env is not None and not environ.get(admin.token_env):
                raise AdminTokenMissing(
                    f"admin.token_env: environment variable {admin.token_env} is not set"
                )
            self._tokens = AdminTokens.from_settings(admin, environ)
        self._runner: web.AppRunner | None = None
        self.admin_port: int | None = None
        # Other endpoints served on the admin listener (generations), and its audit log.
        self.admin_routes: list[web.RouteDef] = []
        self.audit: AuditLog | None = None
        self.on_label: Callable[[ReviewItem], None] | None = None  # told of each label
        # The console's on-call pages (set by the app); the review page needs only the store.
        self.console_ops: OpsParts | None = None
        self.console_key: bytes | None = None  # None: a random key made at start

    async def start(self) -> None:
        await self.store.open()
        try:
            await refresh_rates(self.store, self._metrics)
        except StoreUnavailable as exc:
            # A shared store that is down at start does not stop the proxy: the feed keeps
            # its items until the store is back, and the first label refreshes the gauges.
            self._metrics.review_store_errors.labels(self.store.backend, "start").inc()
            log.warning("%s at start; serving without it until it is back", exc)
        self.feed.start()
        if self._admin.enabled:
            assert self._tokens is not None
            # Imported here: the console (and Jinja2) load only with the admin listener.
            from safeproxy.admin.console.build import console_routes
            from safeproxy.admin.console.session import Sessions

            console = console_routes(self.store, self._tokens, self._metrics,
                                     ops=self.console_ops, audit=self.audit,
                                     on_label=self.on_label,
                                     sessions=Sessions(self.console_key))  # fmt: skip
            app = admin_app(
                self.store, self._tokens, self._metrics, routes=self.admin_routes,
                audit=self.audit, on_label=self.on_label, console=console,
            )  # fmt: skip
            self._runner = web.AppRunner(app, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, self._admin.host, self._admin.port, reuse_port=True)
            await site.start()
            self.admin_port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.feed.close()
        await self.store.close()
