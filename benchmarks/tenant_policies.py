"""What per-tenant policies cost: the per-request choice, and validating a config with many
tenants (inheritance resolved, baselines checked).

Per request the pipeline asks the generation's tenant map once, after the route lookup; the
route lookup (a memo hit) is the baseline in the same run. Validation is timed with 0 to
`--tenants` tenants, each with a `"*"` entry and one route entry, against a `default` policy
with a baseline filter, so every entry is checked against every route it applies to.

    python benchmarks/tenant_policies.py [--tenants 1000] [--routes 8] [--repeat 7]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import statistics
import time
from collections.abc import Callable
from typing import Any

from safeproxy.generation.tenants import TenantPolicies
from safeproxy.settings.loading import validate
from safeproxy.upstream.routes import Router

CALLS = 200_000


def config(tenants: int, routes: int) -> dict[str, Any]:
    names = [f"t{i}" for i in range(tenants)]
    return {
        "upstreams": [{"name": "u", "base_url": "http://127.0.0.1:9"}],
        "routes": [{"name": f"r{j}", "match": {"model": f"m{j}-*"}, "upstream": "u"}
                   for j in range(routes)],
        "auth": {"mode": "api_keys", "keys": [
            {"sha256": hashlib.sha256(n.encode()).hexdigest(), "tenant": n} for n in names
        ] or [{"sha256": "0" * 64, "tenant": "nobody"}]},
        "policies": {
            "default": {"input": [{"type": "secrets", "baseline": True}, {"type": "pii"}]},
            "strict": {"extends": "default", "input": [{"type": "pii", "action": "block"}]},
        },
        "tenants": {n: {"policies": {"*": "strict", f"r{i % routes}": "strict"}}
                    for i, n in enumerate(names)},
    }  # fmt: skip


def per_call_ns(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        for _ in range(CALLS):
            fn()
        runs.append((time.perf_counter_ns() - start) / CALLS)
    return statistics.median(runs)


def median_s(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--routes", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    print(f"per request ({CALLS} calls, median of {args.repeat} runs)")
    print(f"{'tenants':>8} {'route lookup ns':>16} {'tenant choice ns':>17} {'ratio':>6}")
    for count in (0, args.tenants):
        settings = validate(config(count, args.routes))
        router = Router(settings)
        tenants = TenantPolicies(settings, router)
        router.route("m3-x")
        route = router.route("m3-x")
        assert route is not None
        who = "t3" if count else None
        base = per_call_ns(functools.partial(router.route, "m3-x"), args.repeat)
        cost = per_call_ns(functools.partial(tenants.choose, who, route), args.repeat)
        print(f"{count:>8} {base:>16.0f} {cost:>17.0f} {cost / base:>6.2f}")

    print(f"\nvalidate a config ({args.routes} routes, median of {args.repeat} runs)")
    print(f"{'tenants':>8} {'seconds':>9} {'vs 0 tenants':>13}")
    zero = 0.0
    for count in (0, args.tenants // 10, args.tenants):
        data = config(count, args.routes)
        took = median_s(functools.partial(validate, data), args.repeat)
        zero = zero or took
        print(f"{count:>8} {took:>9.4f} {took / zero:>13.1f}")


if __name__ == "__main__":
    main()
