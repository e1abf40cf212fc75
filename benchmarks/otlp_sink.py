"""A loopback OTLP/HTTP receiver that accepts trace exports and drops them.

proxy_overhead.py points the "telemetry" target's tracing here, so span export costs what it
costs against a real HTTP endpoint (serialisation, the POST, the reply) without a collector:

    python benchmarks/otlp_sink.py --port 4318
"""

from __future__ import annotations

import argparse

import uvloop
from aiohttp import web


async def traces(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(body=b"", content_type="application/x-protobuf")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_post("/v1/traces", traces)
    app.router.add_get("/healthz", lambda _r: _ok())
    uvloop.run(web._run_app(app, host=args.host, port=args.port, print=None, access_log=None))


async def _ok() -> web.Response:
    return web.Response(text="ok")


if __name__ == "__main__":
    main()
