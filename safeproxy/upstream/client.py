"""Upstream HTTP calls: one aiohttp ClientSession per upstream, per-phase timeouts, balancing.

Phase budgets map onto aiohttp's own timers (no extra timer per read on our side):
connect → `ClientTimeout.sock_connect/connect`; first byte → `sock_read` until the response
head and first body read; idle → the protocol's read timeout, switched to `idle_s` once the
head has arrived; total → `ClientTimeout.total`, which also covers body reads.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import aiohttp
from multidict import CIMultiDictProxy

from safeproxy.errors import BreakerOpen, UpstreamError, UpstreamTimeout, UpstreamUnavailable
from safeproxy.headers import DEFAULT_FORWARDED, Headers
from safeproxy.resilience.breaker import Breaker, BreakerSettings, Transition
from safeproxy.resilience.ejection import Ejector
from safeproxy.settings.schema import BreakerConfig, UpstreamSettings


class UpstreamCallError(Exception):
    """An upstream failure, with whether the request could still go to a fallback."""

    def __init__(self, error: UpstreamError, *, before_send: bool) -> None:
        super().__init__(error.message)
        self.error = error
        self.before_send = before_send


@dataclass(slots=True)
class Endpoint:
    base_url: str
    breaker: Breaker | None = None
    in_flight: int = 0


@dataclass(slots=True)
class UpstreamReply:
    """An upstream response whose head has arrived; the body is read through this object."""

    status: int
    headers: CIMultiDictProxy[str]
    _resp: aiohttp.ClientResponse
    _endpoint: Endpoint
    _idle_s: float
    _pool_in_flight: list[int]
    # The breaker that admitted this call, judged when the reply ends (a reply that dies
    # mid-body is a failure too); None when no verdict is owed.
    _breaker: Breaker | None = None
    _failed: bool = False
    _closed: bool = field(default=False)

    @property
    def content_type(self) -> str:
        return self._resp.content_type

    async def read(self) -> bytes:
        """The whole body. It follows the head closely, so the first-byte budget still holds."""
        try:
            return await self._resp.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._failed = True
            raise translate(exc, before_send=False) from exc

    def start_body(self) -> None:
        """Before the first `next_chunk`: from the next read on, the idle budget applies."""
        self._arm_idle()

    async def next_chunk(self) -> bytes:
        """Body bytes as they arrive, without waiting to fill any buffer; b"" at the end.

        Awaited straight from the stream (no async iterator around it): a stream reads this
        once per event."""
        try:
            return await self._resp.content.readany()
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._failed = True
            raise translate(exc, before_send=False) from exc

    def close(self) -> None:
        """Release the connection; an unread body closes it rather than pooling it."""
        if not self._closed:
            self._closed = True
            self._endpoint.in_flight -= 1
            self._pool_in_flight[0] -= 1
            at_eof = self._resp.content.at_eof()
            if self._breaker is not None:
                if self._failed:
                    self._breaker.record(False)
                elif at_eof:
                    self._breaker.record(True)
                else:
                    self._breaker.release()  # left before the end (a client that went away)
            if at_eof:
                self._resp.release()
            else:
                self._resp.close()

    def _arm_idle(self) -> None:
        conn = self._resp.connection
        if conn is not None and conn.protocol is not None:
            # Takes effect from the next read: the first body read still has the first-byte
            # budget that was armed when the head arrived.
            conn.protocol.read_timeout = self._idle_s


class UpstreamPool:
    """One named upstream: its session, base URLs and their in-flight counts."""

    def __init__(
        self,
        settings: UpstreamSettings,
        environ: Mapping[str, str] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[Transition], None] | None = None,
    ) -> None:
        self.settings = settings
        self.name = settings.name
        b = settings.breaker
        self.endpoints = [
            Endpoint(url, Breaker(url, clock=clock, settings=_breaker(b), on_change=on_change))
            if b.enabled
            else Endpoint(url)
            for url in settings.base_urls
        ]
        self._ejector = (
            Ejector(
                {e.base_url: e.breaker for e in self.endpoints if e.breaker is not None},
                b.max_ejection_percent,
            )
            if b.enabled
            else None
        )
        self._failure_statuses = frozenset(b.failure_statuses)
        # A one-element list, shared with replies: they decrement it when they close.
        self._in_flight = [0]
        env = os.environ if environ is None else environ
        key = env.get(settings.api_key_env) if settings.api_key_env else None
        self.auth_header = f"Bearer {key}" if key else None
        forward = (*DEFAULT_FORWARDED, *settings.forward_headers)
        if settings.forward_client_auth and self.auth_header is None:
            forward = (*forward, "Authorization")
        # Client headers copied to this upstream (an allowlist, resolved once).
        self.forward_headers: tuple[str, ...] = forward
        self._rr = 0
        t = settings.timeout
        # No `connect=` budget: it arms a timer on every request, even for pooled connections;
        # `sock_connect` bounds new connections, and waiting for a pool slot is bounded by total.
        self._timeout = aiohttp.ClientTimeout(
            total=t.total_s, sock_connect=t.connect_s, sock_read=t.first_byte_s
        )
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(
            limit=self.settings.max_connections, limit_per_host=0, ttl_dns_cache=300
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            auto_decompress=False,
            # No skip_auto_headers: aiohttp rebuilds that set on every request. upstream_headers
            # always sets Accept-Encoding itself, which keeps aiohttp's default out.
            raise_for_status=False,
            # One session serves every client: a jar would replay one client's upstream
            # cookie (an affinity or session cookie) on everyone else's requests.
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError(f"upstream {self.name} is not started")
        return self._session

    def pick(self) -> tuple[Endpoint, bool]:
        """An endpoint to send to, and whether its breaker admitted the request (a probe or
        a closed breaker) rather than ejection's cap keeping an open one in use.

        Least in flight among the usable; ties rotate so that idle upstreams share the load.
        Raises UpstreamCallError(BreakerOpen) when every breaker is open.
        """
        eps = self.endpoints
        if len(eps) == 1:
            # One base URL: nothing to balance or eject among; its breaker decides.
            e = eps[0]
            # (A kill-switch holds its breaker OPEN: `allow` refuses it.)
            if e.breaker is None or e.breaker.allow():
                return e, True
            eps = []
        elif self._ejector is not None:
            usable = set(self._ejector.usable([e.base_url for e in eps]))
            eps = [e for e in eps if e.base_url in usable]
        if len(eps) > 1:
            self._rr = (self._rr + 1) % len(eps)
            eps = sorted(eps[self._rr :] + eps[: self._rr], key=lambda e: e.in_flight)
        if eps:
            e = eps[0]
            if e.breaker is None or e.breaker.allow():
                return e, True
            # Kept by the ejection cap although open (spreading the load is the cap's
            # point): used without a verdict.
            return e, False
        wait = (
            self._ejector.retry_after_s([e.base_url for e in self.endpoints])
            if (self._ejector is not None)
            else 1.0
        )
        raise UpstreamCallError(
            BreakerOpen(f"upstream {self.name} is unavailable (circuit open)", retry_after_s=wait),
            before_send=True,
        )

    async def send(
        self, method: str, path: str, body: bytes | None, headers: Headers
    ) -> UpstreamReply:
        cap = self.settings.max_in_flight
        if cap is not None and self._in_flight[0] >= cap:
            busy = BreakerOpen(
                f"upstream {self.name} is at its concurrency cap",
                retry_after_s=1.0,
                code="upstream_busy",
            )
            raise UpstreamCallError(busy, before_send=True)
        endpoint, judged = self.pick()
        breaker = endpoint.breaker if judged else None
        endpoint.in_flight += 1
        self._in_flight[0] += 1
        try:
            resp = await self.session.request(
                method,
                endpoint.base_url + path,
                data=body,
                headers=headers,
                allow_redirects=False,
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            endpoint.in_flight -= 1
            self._in_flight[0] -= 1
            if breaker is not None:
                breaker.record(False)
            raise translate(exc, before_send=_before_send(exc)) from exc
        except BaseException:
            endpoint.in_flight -= 1
            self._in_flight[0] -= 1
            if breaker is not None:
                breaker.release()  # cancelled (the client went away): no verdict
            raise
        return UpstreamReply(
            resp.status,
            resp.headers,
            resp,
            endpoint,
            self.settings.timeout.idle_s,
            self._in_flight,
            breaker,
            resp.status in self._failure_statuses,
        )

    def breakers(self) -> list[Breaker]:
        return [e.breaker for e in self.endpoints if e.breaker is not None]


def _before_send(exc: BaseException) -> bool:
    # Connection establishment failed: not one request byte reached the upstream.
    return isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)


def translate(exc: BaseException, *, before_send: bool) -> UpstreamCallError:
    err: UpstreamError
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        err = UpstreamTimeout("upstream connect timed out", code="upstream_connect_timeout")
    elif isinstance(exc, asyncio.TimeoutError):
        err = UpstreamTimeout("upstream timed out")
    elif isinstance(exc, aiohttp.ClientConnectorError):
        err = UpstreamUnavailable("could not connect to the upstream")
    elif isinstance(exc, aiohttp.ClientPayloadError):
        err = UpstreamUnavailable("upstream response was cut short", code="upstream_reset")
    else:
        err = UpstreamUnavailable("upstream connection failed", code="upstream_reset")
    return UpstreamCallError(err, before_send=before_send)


def _breaker(config: BreakerConfig) -> BreakerSettings:
    return BreakerSettings(
        consecutive_failures=config.consecutive_failures,
        failure_ratio=config.failure_ratio,
        min_requests=config.min_requests,
        window_s=config.window_s,
        cooldown_s=config.cooldown_s,
        max_cooldown_s=max(config.max_cooldown_s, config.cooldown_s),
        half_open_probes=config.half_open_probes,
    )
