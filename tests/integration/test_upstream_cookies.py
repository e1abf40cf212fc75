"""The upstream session is shared by every client: it must not keep cookies between them.

A load balancer or model server in front of several replicas may set an affinity or session
cookie. A cookie jar in the proxy's shared session would replay one client's cookie on every
later client's request, so the proxy keeps none. (Set-Cookie is not relayed to clients
either: headers.py drops it.)
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import Stack, base_config


def by_hostname(urls: list[str]) -> dict[str, Any]:
    # Cookie jars refuse cookies from IP-address hosts; upstreams are usually named.
    return base_config([u.replace("127.0.0.1", "localhost") for u in urls])


def test_upstream_cookies_are_not_replayed_to_other_clients() -> None:
    with Stack(by_hostname) as stack:
        first = httpx.post(
            stack.url + "/v1/chat/completions",
            json={
                "model": "m",
                "messages": [{"role": "user", "content": "hi"}],
                "mock": {"headers": {"Set-Cookie": "affinity=replica-7; Path=/"}},
            },
        )
        assert first.status_code == 200
        assert "set-cookie" not in first.headers
        second = httpx.post(
            stack.url + "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "hello"}]},
        )
        assert second.status_code == 200
        assert len(stack.mocks[0].received) == 2
        assert "cookie" not in {k.lower() for k in stack.mocks[0].received[-1].headers}
