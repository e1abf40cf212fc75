"""Which base URL a request goes to when some of an upstream's breakers are open: the
ejection cap keeps enough of them in use (the load is spread, not piled on one survivor),
and a request that an open breaker cannot judge is sent without a verdict."""

from __future__ import annotations

from collections import Counter

import pytest

from safeproxy.settings.schema import UpstreamSettings
from safeproxy.upstream.client import UpstreamCallError, UpstreamPool
from tests.fake_clock import FakeClock

URLS = ["http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"]


def pool(percent: int, clock: FakeClock) -> UpstreamPool:
    settings = UpstreamSettings.model_validate(
        {"name": "u", "base_urls": URLS,
         "breaker": {"consecutive_failures": 1, "max_ejection_percent": percent}}
    )  # fmt: skip
    return UpstreamPool(settings, {}, clock=clock)


def trip(p: UpstreamPool, url: str) -> None:
    breaker = next(e.breaker for e in p.endpoints if e.base_url == url)
    assert breaker is not None and breaker.allow()
    breaker.record(False)


def test_the_ejection_cap_keeps_an_open_url_in_use() -> None:
    p = pool(50, FakeClock())
    trip(p, URLS[0])
    trip(p, URLS[1])
    # 3 URLs at 50 %: at most one may be ejected, so one of the two open ones stays in use.
    picked = Counter(p.pick()[0].base_url for _ in range(100))
    assert URLS[2] in picked and len(picked) == 2


def test_every_breaker_open_means_no_url_at_all() -> None:
    p = pool(100, FakeClock())
    for url in URLS:
        trip(p, url)
    with pytest.raises(UpstreamCallError) as failed:
        p.pick()
    assert failed.value.error.code == "upstream_unavailable" and failed.value.before_send
