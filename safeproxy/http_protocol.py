"""aiohttp's per-connection protocol plus a request-head deadline (slowloris → 408).

aiohttp bounds idle keep-alive connections but not a head that trickles in byte by byte.
Here the clock starts at the first byte of each request head; if the head is not complete
within `head_timeout_s`, the client gets a 408 in OpenAI's error shape and the connection
is closed.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from safeproxy.errors import BadRequest, ProxyError, RequestTimeout

log = logging.getLogger("safeproxy.http")


def _timeout_reply() -> bytes:
    body = RequestTimeout("request head was not received in time").body()
    head = (
        "HTTP/1.1 408 Request Timeout\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class HeadDeadlineHandler(RequestHandler):
    def __init__(self, manager: web.Server, *, head_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._head_timeout_s = head_timeout_s
        self._head_timer: asyncio.TimerHandle | None = None
        self._responses_done = 0

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
        elif heads_before == self._responses_done and self._head_timer is None:
            self._head_timer = self._loop.call_later(self._head_timeout_s, self._head_expired)

    async def finish_response(self, *args: Any, **kwargs: Any) -> Any:
        result = await super().finish_response(*args, **kwargs)
        self._responses_done += 1
        return result

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm()
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

    def __init__(self, *args: Any, head_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timeout_s = head_timeout_s

    def __call__(self) -> RequestHandler:
        return HeadDeadlineHandler(
            self, head_timeout_s=self._head_timeout_s, loop=self._loop, **self._kwargs
        )
