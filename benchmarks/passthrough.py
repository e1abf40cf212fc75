"""The Python floor: the least an aiohttp + uvloop reverse proxy can do per request.

Reads the request body, POSTs it to a fixed upstream (same path) through one shared session
and returns the reply, or relays a text/event-stream reply chunk by chunk. Like any HTTP proxy
it passes end-to-end headers on in both directions and drops hop-by-hop ones (RFC 9110
§7.6.1). No parsing, no checks, no access log. Used by proxy_overhead.py as the baseline
safeproxy is compared with:

    python benchmarks/passthrough.py --port 9101 --upstream http://127.0.0.1:9100
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator

import aiohttp
import uvloop
from aiohttp import web

SESSION = web.AppKey("session", aiohttp.ClientSession)
# Hop-by-hop headers, plus the ones aiohttp recomputes for the next hop.
HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
       "upgrade", "host", "content-length", "date", "server"}  # fmt: skip


def build_app(upstream: str) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)

    async def session_ctx(app: web.Application) -> AsyncIterator[None]:
        app[SESSION] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256))
        yield
        await app[SESSION].close()

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def proxy(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP]
        async with app[SESSION].post(upstream + request.path, data=body, headers=headers) as up:
            back = [(k, v) for k, v in up.headers.items() if k.lower() not in HOP]
            if up.content_type != "text/event-stream":
                return web.Response(status=up.status, body=await up.read(), headers=back)
            resp = web.StreamResponse(status=up.status, headers=back)
            await resp.prepare(request)
            async for chunk in up.content.iter_any():
                await resp.write(chunk)
            await resp.write_eof()
            return resp

    app.cleanup_ctx.append(session_ctx)
    app.add_routes([web.get("/healthz", healthz), web.post("/{tail:.*}", proxy)])
    return app


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--upstream", required=True, help="base URL, e.g. http://127.0.0.1:9100")
    args = p.parse_args()
    app = build_app(args.upstream.rstrip("/"))
    loop = uvloop.new_event_loop()
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None, loop=loop)


if __name__ == "__main__":
    main()
