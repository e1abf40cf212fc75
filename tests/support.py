"""Test support: the real proxy and the real mock upstream on loopback, in a background loop.

The servers run in their own thread and event loop so that blocking clients (the sync OpenAI
SDK, raw sockets) and async ones can both drive them from a test.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

from safeproxy.app import build_app
from safeproxy.edge.server import ProxyRunner, start
from safeproxy.generation.reload import Load
from safeproxy.settings.loading import validate
from safeproxy.settings.schema import Settings
from safeproxy.testing.fake_judges import FakeJudge
from safeproxy.testing.mock_upstream import MockUpstream

T = TypeVar("T")
ConfigBuilder = Callable[[list[str]], dict[str, Any]]


def base_config(upstreams: list[str], **server: Any) -> dict[str, Any]:
    """One upstream per mock URL, named u0, u1, ...; one catch-all route to u0 with fallbacks."""
    ups = [{"name": f"u{i}", "base_urls": [url]} for i, url in enumerate(upstreams)]
    return {
        "server": {"host": "127.0.0.1", "port": 0, **server},
        "upstreams": ups,
        "routes": [{"name": "main", "match": {"model": "*"}, "upstream": "u0"}],
        "readiness": {"interval_s": 3600, "probe_timeout_s": 1},
    }


def dead_url() -> str:
    """A loopback URL where nothing listens (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class Stack:
    """N mock upstreams plus one proxy, all on 127.0.0.1, owned by a background event loop."""

    def __init__(
        self,
        config: ConfigBuilder = base_config,
        *,
        mocks: int = 1,
        environ: dict[str, str] | None = None,
        extra_upstreams: list[str] | None = None,
        tracer_provider: TracerProvider | None = None,
        clock: Callable[[], float] | None = None,
        judges: list[FakeJudge] | None = None,
        source: Load | None = None,
    ) -> None:
        self.mocks = [MockUpstream() for _ in range(mocks)]
        # Started before the config is built, so a config can use their `url`.
        self.judges = judges or []
        self._config = config
        # The proxy reads its environment from `environ` alone: the test run's compiled
        # databases (tests/conftest.py) are passed on, so a stack does not compile them again.
        shared = {k: v for k, v in os.environ.items() if k == "SAFEPROXY_CACHE_DIR"}
        self._environ = shared | (environ or {})
        self._extra = extra_upstreams or []
        self._tracer_provider = tracer_provider
        self._clock = clock
        self._source = source  # where a reload reads the config (None: no reloads)
        self.registry = CollectorRegistry()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._runners: list[web.AppRunner] = []
        self.mock_urls: list[str] = []
        self.url = ""
        self.settings: Settings | None = None
        self._closers: list[Callable[[], object]] = []

    def on_exit(self, close: Callable[[], object]) -> None:
        """Close a client (an SDK instance, say) before the servers stop."""
        self._closers.append(close)

    def __enter__(self) -> Stack:
        self._thread.start()
        # Start-up compiles every policy (seconds of CPU for the default one, many more on a
        # loaded CI runner): a bound for a start that hangs, not a measure of speed.
        self.call(self._start(), timeout=180)
        return self

    def __exit__(self, *exc: object) -> None:
        for close in self._closers:
            close()
        self.call(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 20) -> T:
        fut: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return fut.result(timeout)

    async def _start(self) -> None:
        for judge in self.judges:
            await judge.start()
        for mock in self.mocks:
            runner = web.AppRunner(mock.app(), handler_cancellation=True, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            self._runners.append(runner)
            self.mock_urls.append(f"http://127.0.0.1:{runner.addresses[0][1]}")
        self.settings = validate(self._config(self.mock_urls + self._extra))
        app = build_app(
            self.settings,
            registry=self.registry,
            environ=self._environ,
            tracer_provider=self._tracer_provider,
            source=self._source,
            clock=self._clock if self._clock is not None else time.monotonic,
        )
        proxy, port = await start(app, self.settings.server)
        self.proxy_runner: ProxyRunner = proxy
        self._runners.insert(0, proxy)
        self.url = f"http://127.0.0.1:{port}"

    async def _stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()
        for judge in self.judges:
            await judge.close()

    def wait_disconnect(self, mock: int = 0, timeout: float = 5.0) -> float:
        """Loop time at which the mock saw its client go away (raises TimeoutError if never)."""
        m = self.mocks[mock]

        async def wait() -> float:
            await asyncio.wait_for(m.disconnected.wait(), timeout)
            return m.disconnects[0]

        return self.call(wait(), timeout + 1)

    def metric(self, name: str, labels: dict[str, str] | None = None) -> float | None:
        return self.registry.get_sample_value(name, labels or {})

    def recorded(self, n: float, outcome: str = "allowed", route: str = "main") -> None:
        """Wait until `n` requests with `outcome` are recorded: a stream ends for its client a
        moment before its handler records the decision. Each scrape is a request the proxy
        answers after them (bounded: 100 scrapes)."""
        import httpx  # test-only client; support.py's other users do not need it

        labels = {"route": route, "outcome": outcome}
        for _ in range(100):
            httpx.get(self.url + "/healthz")
            if self.metric("safeproxy_requests_total", labels) == n:
                return
        assert self.metric("safeproxy_requests_total", labels) == n


def gate_of(kind: str) -> Callable[[str], bool]:
    """Whether decoder `kind`'s gate, compiled as the pipeline compiles it (views.Gate),
    matches a text."""
    from safeproxy.filters.decoders import builtin_decoders
    from safeproxy.filters.views import Gate

    gate = Gate([d for d in builtin_decoders() if d.kind == kind])
    return lambda text: bool(gate.open(text))


def audit_records(path: Path, kind: str | None = None) -> list[dict[str, Any]]:
    """The complete records of an audit log (of one `kind`, if given).

    A line still being written is skipped, as a log shipper skips it: the writer hands the
    file whole lines, but the kernel copies a write page by page, so a reader polling the
    file while the proxy runs can see the last line cut short."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    parsed = [json.loads(line) for line in lines if line.endswith("\n")]
    return [r for r in parsed if kind is None or r.get("type") == kind]
