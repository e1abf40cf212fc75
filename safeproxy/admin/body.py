"""An admin request's body: read under a cap (413 as soon as it is known to pass it), and
parsed as a JSON object of known fields (400 otherwise)."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from safeproxy.errors import BadRequest, PayloadTooLarge


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


def json_object(raw: bytes, fields: tuple[str, ...]) -> dict[str, Any]:
    """The body as a JSON object whose keys are all among `fields`."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    for key in body:
        if key not in fields:
            raise BadRequest("unknown field", param=str(key)[:64])
    return body
