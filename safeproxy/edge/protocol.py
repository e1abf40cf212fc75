"""aiohttp's per-connection protocol plus a request-head deadline (slowloris → 408) and a
per-address cap on connections still waiting for their head.

aiohttp bounds idle keep-alive connections but not a head that trickles in byte by byte.
Here the clock starts when a connection opens and at the first byte of each later request
head; if the head is not complete within `head_timeout_s`, the client gets a 408 in OpenAI's
error shape and the connection is closed. The deadline bounds how long one slow head lasts,
not how many there are: an address may hold at most `max_pending_heads` connections whose
head has not arrived; one more gets a 429 and is closed at once.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from safeproxy.errors import BadRequest, ProxyError, RateLimited, RequestTimeout

log = logging.getLogger("safeproxy.http")


def _reply(status: str, error: ProxyError) -> bytes:
    body = error.body()
    head = (
        f"HTTP/1.1 {status}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def _timeout_reply() -> bytes:
    return _reply("408 Request Timeout", RequestTimeout("request head was not received in time"))


def _crowded_reply() -> bytes:
    # Too many connections from this address are still sending their request head.
    return _reply("429 Too Many Requests", RateLimited("connections", {}))


class PendingHeads:
    """Connections per address whose request head has not arrived yet (one per server)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._count: dict[str, int] = {}

    def enter(self, address: str) -> bool:
        n = self._count.get(address, 0)
        if self.cap and n >= self.cap:
            return False
        self._count[address] = n + 1
        return True

    def leave(self, address: str) -> None:
        n = self._count.get(address, 0) - 1
        if n > 0:
            self._count[address] = n
        else:
            self._count.pop(address, None)

    def __len__(self) -> int:
        return len(self._count)


class HeadDeadlineHandler(RequestHandler):
    def __init__(
        self,
        manager: web.Server,
        *,
        head_timeout_s: float,
        pending: PendingHeads,
        **kwargs: Any,
    ) -> None:
        super().__init__(manager, **kwargs)
        self._head_timeout_s = head_timeout_s
        self._head_timer: asyncio.TimerHandle | None = None
        self._responses_done = 0
        self._pending = pending
        self._address: str | None = None  # counted in `pending` while set

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        # A connection that never sends a byte waits for its head like one that trickles.
        self._head_timer = self._loop.call_later(self._head_timeout_s, self._head_expired)
        self._enter_pending()

    def _enter_pending(self) -> None:
        transport = self.transport
        peer = transport.get_extra_info("peername") if transport is not None else None
        if not isinstance(peer, tuple) or self._address is not None:
            return  # a Unix socket, or counted already
        if self._pending.enter(peer[0]):
            self._address = peer[0]
        elif transport is not None:
            transport.write(_crowded_reply())
            self.force_close()

    def _leave_pending(self) -> None:
        if self._address is not None:
            self._pending.leave(self._address)
            self._address = None

    def _heads_pending(self) -> int:
        # `_request_count` counts request heads the parser completed on this connection.
        return int(self._request_count) - self._responses_done

    def data_received(self, data: bytes) -> None:
        heads_before = self._request_count
        super().data_received(data)
        if self._request_count != heads_before:
            # A head completed: the common case, one call, no timer ever armed.
            if self._head_timer is not None:
                self._disarm()
            if self._address is not None:  # (_leave_pending's test: counted only once)
                self._leave_pending()
        elif heads_before == self._responses_done and self._head_timer is None:
            self._head_timer = self._loop.call_later(self._head_timeout_s, self._head_expired)
            self._enter_pending()

    async def finish_response(self, *args: Any, **kwargs: Any) -> Any:
        result = await super().finish_response(*args, **kwargs)
        self._responses_done += 1
        return result

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm()
        self._leave_pending()
        super().connection_lost(exc)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        """aiohttp's own errors (malformed HTTP, oversized heads, crashes) in OpenAI's shape.

        Logged by exception type and stack only: the message of an HTTP parse error quotes
        the bytes the client sent, which may hold prompt text or credentials.
        """
        where = "".join(traceback.format_tb(exc.__traceback__)) if exc is not None else ""
        log.warning("request failed in the HTTP layer: status %d, %s\n%s", status,
                    type(exc).__name__ if exc is not None else "-", where)  # fmt: skip
        if request.writer.output_size > 0:
            raise ConnectionError("response already started; the connection is closed")
        error: ProxyError = (
            ProxyError("internal error")
            if status >= 500
            else BadRequest("malformed HTTP request", code="malformed_http")
        )
        resp = web.Response(status=status, body=error.body(), content_type="application/json")
        resp.force_close()
        return resp

    def _head_expired(self) -> None:
        self._head_timer = None
        transport = self.transport
        if self._heads_pending() == 0 and transport is not None and not transport.is_closing():
            transport.write(_timeout_reply())
            self.force_close()


class DeadlineServer(web.Server):
    """web.Server whose connections use HeadDeadlineHandler."""

    def __init__(
        self, *args: Any, head_timeout_s: float, max_pending_heads: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._head_timeout_s = head_timeout_s
        self.pending_heads = PendingHeads(max_pending_heads)

    def __call__(self) -> RequestHandler:
        return HeadDeadlineHandler(
            self, head_timeout_s=self._head_timeout_s, pending=self.pending_heads,
            loop=self._loop, **self._kwargs,
        )  # fmt: skip
