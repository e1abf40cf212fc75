"""An admin request's body, read under a cap: refused (413) as soon as it is known to pass it."""

from __future__ import annotations

from aiohttp import web

from safeproxy.errors import PayloadTooLarge


async def read_capped(request: web.Request, limit: int) -> bytes:
    too_large = PayloadTooLarge(f"request body exceeds {limit} bytes")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    body = bytearray()
    while chunk := await request.content.readany():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)
