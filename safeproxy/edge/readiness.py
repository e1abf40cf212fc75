"""Cached upstream readiness: a background probe loop, so /readyz never probes per call."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

import aiohttp

from safeproxy.settings.schema import ReadinessSettings
from safeproxy.upstream.client import UpstreamPool

log = logging.getLogger("safeproxy.readiness")


class Readiness:
    """Ready when every routed upstream has at least one base URL that answered its last probe."""

    def __init__(self, settings: ReadinessSettings, pools: Mapping[str, UpstreamPool]) -> None:
        self._settings = settings
        self._pools = pools
        self._healthy: dict[str, bool] = {name: False for name in pools}
        self._probed = asyncio.Event()
        self._stop = asyncio.Event()

    @property
    def ready(self) -> bool:
        return self._probed.is_set() and all(self._healthy.values())

    def snapshot(self) -> dict[str, bool]:
        return dict(self._healthy)

    async def run(self) -> None:
        """Probe at the configured interval until stop() (owned by the app's cleanup context)."""
        while not self._stop.is_set():
            await self.probe_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._settings.interval_s)

    def stop(self) -> None:
        """Let a probe in flight finish (it is bounded by probe_timeout_s), then end run().

        Cancelling a probe mid-connect can strand its socket; finishing it cannot.
        """
        self._stop.set()

    async def probe_once(self) -> None:
        names = list(self._pools)
        results = await asyncio.gather(*(self._probe_pool(self._pools[n]) for n in names))
        self._healthy = dict(zip(names, results, strict=True))
        self._probed.set()

    async def _probe_pool(self, pool: UpstreamPool) -> bool:
        timeout = aiohttp.ClientTimeout(total=self._settings.probe_timeout_s)
        headers = {"Authorization": pool.auth_header} if pool.auth_header else {}
        for endpoint in pool.endpoints:
            url = endpoint.base_url + pool.settings.health_path
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with pool.session.get(url, timeout=timeout, headers=headers) as resp:
                    await resp.read()
                    if resp.status < 500:
                        return True
        return False
