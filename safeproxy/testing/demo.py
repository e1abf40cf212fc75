"""`safeproxy demo`: the mock model and the proxy (demo policy) in one process, until a signal."""

from __future__ import annotations

import asyncio
import os
import signal

from aiohttp import web

from safeproxy.app import build_app
from safeproxy.edge.server import run_event_loop, start
from safeproxy.settings.loading import bundled_config, load_settings
from safeproxy.testing.mock_upstream import MockUpstream

BANNER = """\
safeproxy demo is running.

  proxy:          {url}
  mock model:     {upstream}  (model name: any, e.g. "demo")

Each request is logged below (stderr) as one `safeproxy.access` line: the decision, the
finding types (never the values), upstream time and proxy overhead.

Try it:

  curl -s {url}/v1/chat/completions -H 'Content-Type: application/json' \\
    -d '{{"model": "demo", "messages": [{{"role": "user", "content": "Hello!"}}]}}'

An e-mail address and a card number are redacted before the model sees them. With -i the
reply's headers say so: `X-Safeproxy-Decision: redacted` and
`X-Safeproxy-Findings: pii.credit_card,pii.email`.

  curl -si {url}/v1/chat/completions -H 'Content-Type: application/json' \\
    -d '{{"model": "demo", "messages": [{{"role": "user",
         "content": "Mail jane@acme-corp.io, card 4111 1111 1111 1111"}}]}}'

Addresses at reserved documentation domains (jane.doe@example.com, anything under .test or
.example) are left alone on purpose: docs and samples are full of them. A pii filter with
`exempt_reserved_domains: false` redacts them too. README: "What the proxy does not catch".

With the OpenAI Python SDK (`pip install .` does not install it):

  pip install openai
  python - <<'PY'
  from openai import OpenAI
  client = OpenAI(base_url="{url}/v1", api_key="unused")
  reply = client.chat.completions.create(
      model="demo", messages=[{{"role": "user", "content": "Hello!"}}])
  print(reply.choices[0].message.content)
  for chunk in client.chat.completions.create(
          model="demo", messages=[{{"role": "user", "content": "Stream, please"}}], stream=True):
      print(chunk.choices[0].delta.content or "", end="", flush=True) if chunk.choices else None
  print()
  PY

Ctrl-C (or SIGTERM) stops both.
"""


async def _demo(port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    mock_runner = web.AppRunner(MockUpstream(token_delay_s=0.02, record=False).app(),
                                handler_cancellation=True, access_log=None)  # fmt: skip
    await mock_runner.setup()
    site = web.TCPSite(mock_runner, "127.0.0.1", 0)
    await site.start()
    upstream = f"http://127.0.0.1:{mock_runner.addresses[0][1]}"
    settings = load_settings(bundled_config("demo.yaml"), environ=os.environ, upstream_url=upstream)
    server = settings.server.model_copy(update={"port": port})
    runner, bound = await start(build_app(settings), server)
    print(BANNER.format(url=f"http://{server.host}:{bound}", upstream=upstream), flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await mock_runner.cleanup()
        print("safeproxy demo stopped.", flush=True)


def run_demo(port: int) -> int:
    run_event_loop(_demo(port))
    return 0
