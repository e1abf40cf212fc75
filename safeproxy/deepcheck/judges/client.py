"""The HTTP plumbing remote judges share: one lazy session, a bearer key, a capped JSON reply.

Every failure becomes a JudgeError with a bounded reason (`timeout`, `transport`,
`status`, `bad_reply`) and a detail that names an exception class or a status, never the
request body: the body is conversation text, which stays out of errors and logs.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson

from safeproxy.deepcheck.api import JudgeError

# A judge answers a label or a few scores; a megabyte is already far more than any honest
# reply, and the cap keeps a broken or hostile judge from filling memory.
MAX_REPLY_BYTES = 1024 * 1024
_CHUNK = 64 * 1024


class JsonClient:
    """POSTs JSON to one judge and returns the decoded JSON reply.

    The session is created on the first call, inside the running loop (aiohttp binds a
    session to its loop), and closed by `close`. The client timeout of `timeout_ms` is a
    backstop only: the guard around the judge enforces the real budget.
    """

    def __init__(self, *, timeout_ms: int, api_key: str | None, max_connections: int) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_ms / 1000)
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key is not None:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                headers=self._headers,
                connector=aiohttp.TCPConnector(limit=self._max_connections),
                # Judge replies are small JSON; no cookies, no proxies from the environment.
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
            )
        return self._session

    async def post(self, url: str, body: object) -> Any:
        session = self._open()
        try:
            async with session.post(url, data=orjson.dumps(body)) as resp:
                if resp.status != 200:
                    raise JudgeError("status", str(resp.status))
                raw = await _read_capped(resp)
        except TimeoutError as exc:  # aiohttp's timeouts subclass TimeoutError too
            raise JudgeError("timeout", type(exc).__name__) from None
        except aiohttp.ClientError as exc:
            raise JudgeError("transport", type(exc).__name__) from None
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise JudgeError("bad_reply", "reply is not JSON") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _read_capped(resp: aiohttp.ClientResponse) -> bytes:
    declared = resp.content_length
    if declared is not None and declared > MAX_REPLY_BYTES:
        raise JudgeError("bad_reply", "reply over 1 MiB")
    buf = bytearray()
    async for chunk in resp.content.iter_chunked(_CHUNK):
        buf += chunk
        if len(buf) > MAX_REPLY_BYTES:
            raise JudgeError("bad_reply", "reply over 1 MiB")
    return bytes(buf)
